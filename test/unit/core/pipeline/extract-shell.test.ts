import { strict as assert } from 'node:assert';
import { analyze, ctx, extract, lineCol, nth, slice, AGENT_X, ANY_AGENT } from './helpers';

describe('extract: shell steps', () => {
  it('finds the aws word inside sh strings, in every argument form', () => {
    const t = [
      "sh 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/a --role-session-name s1'",
      "sh(script: 'aws sts get-session-token --duration-seconds 900', returnStdout: true)",
      'sh script: "aws sts assume-role --role-arn arn:aws:iam::333333333333:role/b --role-session-name s2", label: \'x\'',
      "bat 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/c --role-session-name s3'",
      "powershell 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/d --role-session-name s4'",
      "pwsh(script: 'aws sts get-session-token')",
    ].join('\n');
    const { usages } = extract(t);
    assert.deepEqual(
      usages.map((u) => u.kind),
      [
        'sh-assume-role',
        'sh-get-session-token',
        'sh-assume-role',
        'sh-assume-role',
        'sh-assume-role',
        'sh-get-session-token',
      ],
    );
    usages.forEach((u, i) => {
      assert.equal(slice(t, u.anchor), 'aws');
      assert.equal(lineCol(t, u.anchor.start).line, i + 1);
    });
    assert.deepEqual(lineCol(t, usages[0].anchor.start), { line: 1, column: 5 });
    assert.equal(usages[0].roleArn, 'arn:aws:iam::333333333333:role/a');
    assert.equal(usages[0].roleSessionName, 's1');
    assert.equal(usages[0].duration, null);
    assert.equal(usages[1].duration, 900);
    assert.equal(usages[1].roleArn, null);
    assert.equal(slice(t, usages[0].args.roleArn), 'arn:aws:iam::333333333333:role/a');
  });

  it("maps positions through ''' multi-line scripts with CRLF line ends", () => {
    const t =
      "node('AgentAccountX') {\r\n    sh '''\r\n        set -e\r\n        CREDS=$(aws sts assume-role \\\r\n            --role-arn arn:aws:iam::333333333333:role/deploy-role --role-session-name jenkins-deploy --duration-seconds 43200)\r\n    '''\r\n}\r\n";
    const [u] = extract(t).usages;
    assert.ok(u);
    assert.equal(slice(t, u.anchor), 'aws');
    assert.deepEqual(lineCol(t, u.anchor.start), { line: 4, column: 17 });
    assert.equal(u.duration, 43200);
    assert.equal(slice(t, u.args.duration), '43200');
    assert.equal(slice(t, u.args.roleSessionName), 'jenkins-deploy');
    assert.equal(u.caller, AGENT_X);
    assert.equal(u.agentLabel, 'AgentAccountX');
  });

  it('maps positions through escapes in GStrings', () => {
    const t = 'sh """\n  X=\\$(aws sts get-session-token --duration-seconds 1000)\n"""';
    const [u] = extract(t).usages;
    assert.equal(slice(t, u.anchor), 'aws');
    assert.equal(slice(t, u.args.duration), '1000');
  });

  it('takes the caller from the agent label: declarative, stage override, scripted node()', () => {
    const t = [
      'pipeline {',
      "  agent { label 'AgentAccountX' }",
      '  stages {',
      "    stage('a') { steps { sh 'aws sts get-session-token' } }",
      "    stage('b') { agent { node { label 'other' } } steps { sh 'aws sts get-session-token' } }",
      "    stage('c') { agent { docker { image 'x'; label 'AgentAccountX' } } steps { sh 'aws sts get-session-token' } }",
      '  }',
      '}',
      "node(label: 'AgentAccountX') { sh 'aws sts get-session-token' }",
      "node { sh 'aws sts get-session-token' }",
    ].join('\n');
    const { usages } = extract(t);
    assert.deepEqual(
      usages.map((u) => u.agentLabel),
      ['AgentAccountX', 'other', 'AgentAccountX', 'AgentAccountX', null],
    );
    assert.deepEqual(
      usages.map((u) => u.caller),
      [AGENT_X, ANY_AGENT, AGENT_X, AGENT_X, ANY_AGENT],
    );
    assert.match(usages[0].callerOrigin!, /agent label AgentAccountX \(\.rolecall\.json callers\.agents\)/);
  });

  it('inside withAWS, a shell step calls STS with the role withAWS assumed (a role chain)', () => {
    const t =
      "withAWS(role: 'arn:aws:iam::222222222222:role/hub') {\n  sh 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/next --role-session-name n'\n}";
    const { usages } = extract(t);
    assert.equal(usages.length, 2);
    assert.equal(usages[1].caller, 'arn:aws:iam::222222222222:role/hub');
    assert.match(usages[1].callerOrigin!, /role chain/);
  });

  it('a command held in a variable counts where it is passed to sh, at the string where it is written', () => {
    const t =
      "def cmd = 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/v --role-session-name v1'\nnode {\n  sh cmd\n  sh(script: cmd, returnStdout: true)\n}\ndef unused = 'aws sts get-session-token'\n";
    const { usages } = extract(t);
    assert.equal(usages.length, 2);
    for (const u of usages) {
      assert.equal(u.anchor.start, nth(t, 'aws sts assume-role'));
      assert.equal(u.roleArn, 'arn:aws:iam::333333333333:role/v');
    }
  });

  it('seed 004: sh(script: "echo \'${command}\'") is not a usage', () => {
    const t =
      'def call(params) {\n    def command = \'aws sts get-session-token --duration-seconds 900 | jq -r ".Credentials"\'\n    sh(script: "echo \'${command}\'", label: "Expand to view STS command")\n}\n';
    assert.deepEqual(extract(t).usages, []);
    const t2 = 'def command = \'aws sts get-session-token --duration-seconds 900\'\nsh "${command}"\n';
    const [u] = extract(t2).usages;
    assert.equal(u.anchor.start, nth(t2, 'aws'));
    assert.equal(u.duration, 900);
  });

  it('comments, echo, and strings never executed are not usages', () => {
    const t = [
      "// sh 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/x --role-session-name c'",
      "/* withAWS(role: 'x') {} */",
      "sh 'echo aws sts get-session-token'",
      'sh "echo \'aws sts get-session-token\'"',
      "sh '# aws sts get-session-token'",
      "echo 'aws sts get-session-token'",
      "def s = 'aws sts get-session-token'",
      "writeFile file: 'x.sh', text: 'aws sts get-session-token'",
      'println "aws sts assume-role --role-arn x"',
    ].join('\n');
    const { usages, findings } = analyze(t);
    assert.deepEqual(usages, []);
    assert.deepEqual(findings, []);
  });

  it('resolves shell variables from the pipeline environment and from the script itself', () => {
    const t = [
      'pipeline {',
      "  agent { label 'AgentAccountX' }",
      "  environment { DEPLOY_ROLE = 'arn:aws:iam::333333333333:role/deploy-role' }",
      "  stages { stage('d') { steps {",
      "    sh '''",
      '      CREDS=$(aws sts assume-role --role-arn "$DEPLOY_ROLE" --role-session-name "deploy-${BUILD_NUMBER}")',
      '      ROLE=arn:aws:iam::333333333333:role/local',
      '      aws sts assume-role --role-arn $ROLE --role-session-name x2 --duration-seconds $DURATION',
      "    '''",
      '  } } }',
      '}',
    ].join('\n');
    const { usages, findings } = analyze(t);
    assert.equal(usages.length, 2);
    assert.equal(usages[0].roleArn, 'arn:aws:iam::333333333333:role/deploy-role');
    assert.equal(usages[0].origins.roleArn?.source, 'environment');
    assert.match(usages[0].origins.roleArn!.description, /environment DEPLOY_ROLE, line 3/);
    assert.equal(usages[0].roleSessionName, 'deploy-${BUILD_NUMBER}');
    assert.equal(usages[1].roleArn, 'arn:aws:iam::333333333333:role/local');
    assert.equal(usages[1].duration, null);
    const dur = findings.filter((f) => f.code === 'unresolved-reference');
    assert.equal(dur.length, 1);
    assert.match(dur[0].message, /DURATION/);
    assert.ok(!findings.some((f) => f.code === 'invalid-session-name'));
  });

  it('resolves Groovy interpolations in GString scripts, with MFA flags', () => {
    const t = [
      'pipeline {',
      "  agent { label 'secure' }",
      '  parameters {',
      "    string(name: 'MFA_SERIAL', defaultValue: 'arn:aws:iam::444444444444:mfa/ken', description: 'MFA device')",
      "    password(name: 'MFA_CODE', description: 'code')",
      '  }',
      "  stages { stage('s') { steps {",
      '    sh "aws sts get-session-token --serial-number ${params.MFA_SERIAL} --token-code ${params.MFA_CODE} --duration-seconds 600"',
      '  } } }',
      '}',
    ].join('\n');
    const { usages, findings } = analyze(
      t,
      ctx({}, { callers: { agents: { secure: 'arn:aws:iam::444444444444:user/ken' } } }),
    );
    const [u] = usages;
    assert.equal(u.kind, 'sh-get-session-token');
    assert.equal(u.mfa, true);
    assert.equal(u.mfaSerial, 'arn:aws:iam::444444444444:mfa/ken');
    assert.equal(u.duration, 600);
    assert.equal(u.caller, 'arn:aws:iam::444444444444:user/ken');
    const out = findings.find((f) => f.code === 'duration-out-of-range')!;
    assert.match(out.message, /GetSessionToken/);
    assert.equal(slice(t, out.range), '600');
  });

  it('a literal --external-id is a hardcoded secret; the fix reads it from a bound variable', () => {
    const t =
      "node {\n  sh 'aws sts assume-role --role-arn arn:aws:iam::222222222222:role/j --role-session-name s --external-id abc123xyz'\n}\n";
    const { findings } = analyze(t);
    const f = findings.find((x) => x.code === 'hardcoded-secret')!;
    assert.ok(f);
    assert.equal(slice(t, f.range), 'abc123xyz');
    assert.ok(!f.message.includes('abc123xyz'));
    const edits = [...f.fixes![0].edits].sort((a, b) => b.offset - a.offset);
    let fixed = t;
    for (const e of edits) fixed = fixed.slice(0, e.offset) + e.content + fixed.slice(e.offset + e.length);
    assert.match(fixed, /--external-id "\$\{EXTERNAL_ID\}"'/);
    const [u] = extract(fixed).usages;
    assert.equal(u.externalId.resolved?.origin.source, 'credential');
  });

  it('assume-role without --role-session-name or --role-arn is reported (the AWS CLI refuses it), with a fix for the name', () => {
    const t =
      "sh 'CREDS=$(aws sts assume-role --role-arn arn:aws:iam::333333333333:role/x)'\nsh 'aws sts assume-role --role-session-name y1'";
    const { findings } = analyze(t);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['invalid-session-name', 'invalid-role-arn'],
    );
    assert.match(findings[0].message, /required: --role-session-name/);
    const e = findings[0].fixes![0].edits[0];
    const fixed = t.slice(0, e.offset) + e.content + t.slice(e.offset);
    assert.match(fixed, /role\/x --role-session-name jenkins-\$BUILD_NUMBER\)'/);
    assert.deepEqual(
      analyze(fixed).findings.map((f) => f.code),
      ['invalid-role-arn'],
    );
  });

  it('shared-library classes call steps through steps.sh / this.steps.sh', () => {
    const t =
      "class Deployer implements Serializable {\n  def steps\n  def run() {\n    steps.sh 'aws sts get-session-token'\n    this.steps.sh(script: 'aws sts get-session-token --duration-seconds 900')\n  }\n}\n";
    const { usages } = extract(t);
    assert.equal(usages.length, 2);
    assert.deepEqual(
      usages.map((u) => u.anchor.start),
      [nth(t, 'aws'), nth(t, 'aws', 1)],
    );
  });

  it('notes that --profile picks other credentials than the agent default', () => {
    const [u] = extract(
      "node('AgentAccountX') { sh 'aws --profile deployer sts assume-role --role-arn arn:aws:iam::333333333333:role/x --role-session-name p1' }",
    ).usages;
    assert.equal(u.caller, AGENT_X);
    assert.match(u.callerOrigin!, /--profile deployer selects the credentials of that AWS CLI profile/);
  });

  it("a command a helper method of the file returns counts where it is written, with the call's arguments", () => {
    const t = [
      'def assumeCmd(String arn, String session = "s9") {',
      '  return "aws sts assume-role --role-arn ${arn} --role-session-name ${session}"',
      '}',
      'def tokenCmd() { "aws sts get-session-token --duration-seconds 900" }',
      'node {',
      "  sh assumeCmd('arn:aws:iam::333333333333:role/h1')",
      "  sh(script: assumeCmd('arn:aws:iam::333333333333:role/h2', 'other'), returnStdout: true)",
      '  sh tokenCmd()',
      "  sh notDeclared('aws sts assume-role --role-arn arn:aws:iam::333333333333:role/h3 --role-session-name n')",
      '}',
    ].join('\n');
    const { usages } = extract(t);
    assert.deepEqual(
      usages.map((u) => [u.kind, u.roleArn, u.roleSessionName, lineCol(t, u.anchor.start).line]),
      [
        ['sh-assume-role', 'arn:aws:iam::333333333333:role/h1', 's9', 2],
        ['sh-assume-role', 'arn:aws:iam::333333333333:role/h2', 'other', 2],
        ['sh-get-session-token', null, null, 4],
      ],
    );
    for (const u of usages.slice(0, 2)) assert.equal(u.anchor.start, nth(t, 'aws sts assume-role'));
  });

  it('an unresolved role keeps its text as written', () => {
    const t =
      'sh \'aws sts assume-role --role-arn "$NOPE_ROLE" --role-session-name x1\'\nsh "aws sts assume-role --role-arn ${params.R} --role-session-name x2"';
    const { usages } = extract(t);
    assert.deepEqual(
      usages.map((u) => [u.role, u.roleArn]),
      [
        ['$NOPE_ROLE', null],
        ['${params.R}', null],
      ],
    );
  });
});
