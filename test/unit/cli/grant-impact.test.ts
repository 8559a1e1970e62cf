// `rolecall grant` and `rolecall impact` through the CLI: output formats, exit statuses and bad input.
import { strict as assert } from 'node:assert';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../../src/cli/main';
import { parseTarget } from '../../../src/cli/grant';
import { recordingIo } from './helpers';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const CREDS = 'jenkins-credentials.example.json';
const JENKINS = 'arn:aws:iam::222222222222:role/jenkins';
const ADMIN = 'arn:aws:iam::222222222222:role/admin';

async function run(cwd: string, ...args: string[]) {
  const io = recordingIo(cwd);
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

function oneLine(err: string): void {
  assert.equal(err.split('\n').filter(Boolean).length, 1, `one line on stderr: ${err}`);
  assert.ok(!/\n\s+at /.test(err), 'no stack trace');
}

function lineOf(file: string, marker: string): number {
  return (
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(marker)) + 1
  );
}

describe('rolecall grant (CLI)', function () {
  this.timeout(20000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolecall-grant-cli-'));
    cpSync(EXAMPLES, dir, { recursive: true });
    chmodSync(join(dir, CREDS), 0o600);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('FILE:LINE: the ExternalId given with --credentials-file is in the statement; without it, the <credential ID> placeholder', async () => {
    const file = 'seed-000-external-id/Jenkinsfile';
    const line = lineOf(join(dir, file), 'withAWS(');
    const withValue = await run(dir, 'grant', `${file}:${line}`, '--format', 'json', '--credentials-file', CREDS);
    assert.equal(withValue.code, 0, withValue.err);
    const g = JSON.parse(withValue.out).grants;
    assert.equal(g.length, 1);
    assert.equal(g[0].usage.line, line);
    const value = JSON.parse(readFileSync(join(dir, CREDS), 'utf8')).ExternalId;
    assert.deepEqual(g[0].trustStatement, {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:role/jenkins-slave' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': value } },
    });
    assert.equal(g[0].usage.externalId.value, null, 'the usage record still hides the secret');
    const placeholder = await run(dir, 'grant', `${file}:${line}`, '--format', 'json');
    const p = JSON.parse(placeholder.out).grants[0];
    // Without the credential's value the current trust policy may already let the call in: no statement is asked for.
    assert.equal(p.trustStatement, null);
    assert.ok(
      p.notes.some((n: string) => n.includes('may already let this call in') && n.includes('--credential')),
      p.notes.join('\n'),
    );
  });

  it('placeholder <credential ID> when the role is not in the IAM data (the statement is what the call needs)', async () => {
    const file = join(dir, 'ext.Jenkinsfile');
    writeFileSync(
      file,
      "node {\n  withCredentials([string(credentialsId: 'partner-ext-id', variable: 'EXT')]) {\n    withAWS(role: 'arn:aws:iam::999999999999:role/partner', externalId: env.EXT, iamMfaToken: params.MFA) {\n      sh 'true'\n    }\n  }\n}\n",
    );
    const r = await run(dir, 'grant', 'ext.Jenkinsfile:3', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const g = JSON.parse(r.out).grants[0];
    assert.deepEqual(g.trustStatement.Condition, {
      StringEquals: { 'sts:ExternalId': '<credential partner-ext-id>' },
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
    });
    assert.deepEqual(g.identityStatement, {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: 'arn:aws:iam::999999999999:role/partner',
    });
    assert.equal(g.verified, false);
  });

  it('sts:TagSession / sts:SetSourceIdentity only when the call passes session tags / a source identity', async () => {
    writeFileSync(
      join(dir, 'tags.Jenkinsfile'),
      "node {\n  sh 'aws sts assume-role --role-arn arn:aws:iam::999999999999:role/partner --role-session-name ci --tags Key=team,Value=ci --source-identity alice'\n  sh 'aws sts assume-role --role-arn arn:aws:iam::999999999999:role/partner --role-session-name ci'\n}\n",
    );
    const grantAt = async (line: number) =>
      JSON.parse(
        (
          await run(
            dir,
            'grant',
            `tags.Jenkinsfile:${line}`,
            '--format',
            'json',
            '--caller',
            'arn:aws:iam::111111111111:role/agent',
          )
        ).out,
      ).grants[0];
    const tagged = await grantAt(2);
    const plain = await grantAt(3);
    assert.deepEqual(tagged.trustStatement.Action, ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']);
    assert.equal(plain.trustStatement.Action, 'sts:AssumeRole');
  });

  it('CloudFormation: valid YAML documents whose first statement is the trust statement; Terraform: a statement block', async () => {
    const file = 'seed-000-external-id/Jenkinsfile';
    const json = JSON.parse((await run(dir, 'grant', file, '--format', 'json', '--credentials-file', CREDS)).out)
      .grants[0];
    const cfn = await run(dir, 'grant', file, '--format', 'cloudformation', '--credentials-file', CREDS);
    assert.equal(cfn.code, 0);
    const docs = parseAllDocuments(cfn.out).map((d: any) => {
      assert.deepEqual(d.errors, []);
      return d.toJS();
    });
    assert.deepEqual(docs.filter((d) => d !== null)[0], [json.trustStatement]);
    const tf = await run(dir, 'grant', file, '--format', 'terraform', '--credentials-file', CREDS);
    const block = tf.out.slice(tf.out.indexOf('statement {'));
    assert.match(
      block,
      /^statement \{\n {2}effect {2}= "Allow"\n {2}actions = \["sts:AssumeRole"\]\n {2}principals \{\n {4}type {8}= "AWS"\n {4}identifiers = \["arn:aws:iam::111111111111:role\/jenkins-slave"\]\n {2}\}\n {2}condition \{\n {4}test {5}= "StringEquals"\n {4}variable = "sts:ExternalId"\n {4}values {3}= \[".+"\]\n {2}\}\n\}/,
    );
  });

  it("a role chain beyond one hour is the pipeline's to fix: exit 1 with a note, no MaxSessionDuration change", async () => {
    const file = 'seed-003-ecs-agents/Jenkinsfile';
    const r = await run(dir, 'grant', file, '--format', 'json');
    assert.equal(r.code, 1);
    const g = JSON.parse(r.out).grants[0];
    assert.deepEqual(g.roleChanges, {});
    assert.ok(g.notes.some((n: string) => n.includes('role-chaining-duration')));
    const text = await run(dir, 'grant', file);
    assert.match(text.out, /the pipeline must change too/);
  });

  it('raises MaxSessionDuration when the call asks for more than the role allows', async () => {
    const file = 'seed-001-mfa-users/Jenkinsfile';
    const r = await run(dir, 'grant', `${file}:${lineOf(join(dir, file), 'duration: 10800')}`, '--format', 'json');
    assert.equal(r.code, 0, r.err);
    const g = JSON.parse(r.out).grants[0];
    assert.deepEqual(g.roleChanges, { MaxSessionDuration: 10800 });
    assert.equal(g.trustStatement, null);
    assert.deepEqual(g.errorsAfter, []);
  });

  it('an explicit Deny is named in the notes, never removed: exit 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rolecall-grant-deny-'));
    try {
      const trust = {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: 'arn:aws:iam::111111111111:role/ci' },
            Action: 'sts:AssumeRole',
            Sid: 'NoCi',
          },
        ],
      };
      writeFileSync(
        join(root, 'iam.json'),
        JSON.stringify({
          RoleDetailList: [
            {
              RoleName: 'prod',
              Arn: 'arn:aws:iam::111111111111:role/prod',
              Path: '/',
              AssumeRolePolicyDocument: trust,
              RolePolicyList: [],
              AttachedManagedPolicies: [],
            },
          ],
        }),
      );
      writeFileSync(
        join(root, 'Jenkinsfile'),
        "node {\n  withAWS(role: 'arn:aws:iam::111111111111:role/prod') {\n  }\n}\n",
      );
      const r = await run(
        root,
        'grant',
        'Jenkinsfile:2',
        '--format',
        'json',
        '--iam-snapshot',
        'iam.json',
        '--caller',
        'arn:aws:iam::111111111111:role/ci',
      );
      assert.equal(r.code, 1, r.err);
      const g = JSON.parse(r.out).grants[0];
      assert.ok(
        g.notes.some((n: string) => n.includes('explicit Deny') && n.includes("'NoCi'")),
        g.notes.join('\n'),
      );
      assert.ok(g.errorsAfter.includes('trust-principal-mismatch'));
      assert.equal(JSON.stringify(g).includes('"Deny"'), false, 'nothing proposes a Deny change');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('bad input: exit 2 with one line', async () => {
    for (const args of [
      [],
      ['nope/Jenkinsfile'],
      ['seed-000-external-id/Jenkinsfile:1'],
      ['seed-000-external-id/Jenkinsfile', '--format', 'xml'],
      ['a', 'b'],
    ]) {
      const r = await run(dir, 'grant', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      oneLine(r.err);
    }
    const r = await run(dir, 'grant', 'seed-000-external-id/Jenkinsfile:1');
    assert.match(
      r.err,
      /no AWS credential usage at seed-000-external-id\/Jenkinsfile:1 \(usages in seed-000-external-id\/Jenkinsfile start at line \d+\)/,
    );
  });

  it('FILE:LINE parsing keeps a file whose name ends in :N', () => {
    assert.deepEqual(
      parseTarget('a/Jenkinsfile:12', () => false),
      { file: 'a/Jenkinsfile', line: 12 },
    );
    assert.deepEqual(
      parseTarget('odd:12', (p) => p === 'odd:12'),
      { file: 'odd:12', line: null },
    );
    assert.deepEqual(
      parseTarget('Jenkinsfile', () => true),
      { file: 'Jenkinsfile', line: null },
    );
  });
});

describe('rolecall impact (CLI)', function () {
  this.timeout(20000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolecall-impact-cli-'));
    cpSync(EXAMPLES, dir, { recursive: true });
    chmodSync(join(dir, CREDS), 0o600);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const trustOfJenkins = () => {
    const snap = JSON.parse(readFileSync(join(dir, 'iam', '222222222222.json'), 'utf8'));
    return JSON.parse(
      decodeURIComponent(snap.RoleDetailList.find((r: any) => r.RoleName === 'jenkins').AssumeRolePolicyDocument),
    );
  };

  it('a trust policy that names the exact caller with the right ExternalId fixes the mismatches; the call with the old literal ExternalId breaks (exit 1)', async () => {
    const value = JSON.parse(readFileSync(join(dir, CREDS), 'utf8')).ExternalId;
    const fixed = trustOfJenkins();
    fixed.Statement[0].Condition.StringEquals['sts:ExternalId'] = value;
    writeFileSync(join(dir, 'fixed.json'), JSON.stringify(fixed));
    const r = await run(
      dir,
      'impact',
      '.',
      '--role-arn',
      JENKINS,
      '--trust-policy',
      'fixed.json',
      '--format',
      'json',
      '--credentials-file',
      CREDS,
    );
    assert.equal(r.code, 1, r.err); // the literal ExternalId of Jenkinsfile.prod no longer matches
    const json = JSON.parse(r.out);
    assert.equal(json.version, 1);
    const fixes = json.fixes.map((f: any) => `${f.file}:${f.line}:${f.codesRemoved.join(',')}`).sort();
    assert.deepEqual(fixes, [
      'seed-000-external-id/Jenkinsfile.prod:15:external-id-mismatch',
      'seed-000-external-id/Jenkinsfile.wip:4:external-id-mismatch',
      'seed-000-external-id/Jenkinsfile:14:external-id-mismatch',
    ]);
    assert.deepEqual(
      json.breaks.map((b: any) => [b.file, b.line, b.kind, b.roleArn, b.codesAdded]),
      [['seed-000-external-id/Jenkinsfile.prod', 26, 'withAWS', JENKINS, ['external-id-mismatch']]],
    );
    assert.equal(typeof json.unchanged, 'number');
    const text = await run(
      dir,
      'impact',
      '.',
      '--role-arn',
      JENKINS,
      '--trust-policy',
      'fixed.json',
      '--credentials-file',
      CREDS,
    );
    assert.match(
      text.out,
      /^seed-000-external-id\/Jenkinsfile\.prod:26:9: breaks arn:aws:iam::222222222222:role\/jenkins: external-id-mismatch$/m,
    );
    assert.match(
      text.out,
      /^seed-000-external-id\/Jenkinsfile:14:13: fixes arn:aws:iam::222222222222:role\/jenkins: external-id-mismatch$/m,
    );
    assert.match(
      text.out,
      /^arn:aws:iam::222222222222:role\/jenkins: 6 usages checked; 1 broken, 3 fixed, \d+ unchanged$/m,
    );
    const sarif = JSON.parse(
      (
        await run(
          dir,
          'impact',
          '.',
          '--role-arn',
          JENKINS,
          '--trust-policy',
          'fixed.json',
          '--format',
          'sarif',
          '--credentials-file',
          CREDS,
        )
      ).out,
    );
    assert.equal(sarif.version, '2.1.0');
    assert.deepEqual(
      sarif.runs[0].results.map((x: any) => [x.ruleId, x.level, x.locations[0].physicalLocation.region.startLine]),
      [['external-id-mismatch', 'error', 26]],
    );
  });

  it('nothing breaks: exit 0; a higher MaxSessionDuration fixes the long call, a lower one breaks nothing new', async () => {
    writeFileSync(join(dir, 'same.json'), JSON.stringify(trustOfJenkins()));
    const same = await run(
      dir,
      'impact',
      '.',
      '--role-arn',
      JENKINS,
      '--trust-policy',
      'same.json',
      '--format',
      'json',
    );
    assert.equal(same.code, 0, same.err);
    assert.deepEqual([JSON.parse(same.out).breaks, JSON.parse(same.out).fixes], [[], []]);
    const raised = await run(
      dir,
      'impact',
      '.',
      '--role-arn',
      ADMIN,
      '--max-session-duration',
      '43200',
      '--format',
      'json',
    );
    assert.equal(raised.code, 0);
    assert.deepEqual(
      JSON.parse(raised.out).fixes.map((f: any) => f.codesRemoved),
      [['duration-exceeds-max']],
    );
    const jenkinsLow = await run(
      dir,
      'impact',
      '.',
      '--role-arn',
      ADMIN,
      '--max-session-duration',
      '3600',
      '--format',
      'json',
    );
    assert.equal(jenkinsLow.code, 0, 'the only long call already fails; lowering breaks nothing new');
  });

  it('--iac: the roles a template defines replace their deployed versions; the difference of the two scans is reported', async () => {
    const template = [
      'Resources:',
      '  Jenkins:',
      '    Type: AWS::IAM::Role',
      '    Properties:',
      '      RoleName: jenkins',
      '      AssumeRolePolicyDocument:',
      "        Version: '2012-10-17'",
      '        Statement:',
      '          - Effect: Allow',
      '            Principal: { AWS: arn:aws:iam::111111111111:role/someone-else }',
      '            Action: sts:AssumeRole',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'jenkins-role.yaml'), template);
    const r = await run(
      dir,
      'impact',
      '.',
      '--iac',
      'jenkins-role.yaml',
      '--iac-account',
      '222222222222',
      '--format',
      'json',
    );
    assert.equal(r.code, 1, r.err);
    const json = JSON.parse(r.out);
    // The call that passes the right ExternalId literally is let in today and refused by the code's trust policy.
    const prod26 = json.breaks.find((b: any) => b.file === 'seed-000-external-id/Jenkinsfile.prod' && b.line === 26);
    assert.deepEqual(prod26?.codesAdded, ['trust-principal-mismatch']);
    assert.ok(
      json.breaks.every((b: any) => b.roleArn === JENKINS),
      'only usages of the role the code defines change',
    );
    // The same answer as two scans: deployed snapshots, then the snapshots with --iac in front.
    const scanOf = async (...extra: string[]) =>
      JSON.parse((await run(dir, 'scan', '.', '--format', 'json', ...extra)).out);
    const codesAt = (scan: any) => {
      const m = new Map<string, Set<string>>();
      for (const u of scan.usages) m.set(`${u.file}:${u.line}:${u.column}`, new Set());
      for (const f of scan.findings) if (f.severity === 'error') m.get(`${f.file}:${f.line}:${f.column}`)?.add(f.code);
      return m;
    };
    const before = codesAt(await scanOf());
    const after = codesAt(await scanOf('--iac', 'jenkins-role.yaml', '--iac-account', '222222222222'));
    const expectedBreaks = [...before]
      .filter(([k, b]) => [...(after.get(k) ?? [])].some((c) => !b.has(c)))
      .map(([k]) => k)
      .sort();
    assert.deepEqual(json.breaks.map((b: any) => `${b.file}:${b.line}:${b.column}`).sort(), expectedBreaks);
    const expectedFixes = [...before]
      .filter(([k, b]) => [...b].some((c) => !(after.get(k) ?? new Set()).has(c)))
      .map(([k]) => k)
      .sort();
    assert.deepEqual(json.fixes.map((f: any) => `${f.file}:${f.line}:${f.column}`).sort(), expectedFixes);
  });

  it('--iac: a template raising MaxSessionDuration fixes the long call (exit 0); one narrowing the trust breaks the controller call (exit 1)', async () => {
    const template = (trust: unknown, max: number) =>
      JSON.stringify({
        AWSTemplateFormatVersion: '2010-09-09',
        Resources: {
          Jenkins: {
            Type: 'AWS::IAM::Role',
            Properties: { RoleName: 'jenkins', MaxSessionDuration: max, AssumeRolePolicyDocument: trust },
          },
        },
      });
    writeFileSync(join(dir, 'raise.template.json'), template(trustOfJenkins(), 7200));
    const raised = await run(
      dir,
      'impact',
      '.',
      '--iac',
      'raise.template.json',
      '--iac-account',
      '222222222222',
      '--format',
      'json',
    );
    assert.equal(raised.code, 0, raised.err);
    const r = JSON.parse(raised.out);
    assert.deepEqual(r.breaks, []);
    assert.deepEqual(
      r.fixes.map((f: any) => [f.file, f.line, f.roleArn, f.codesRemoved]),
      [['seed-000-external-id/Jenkinsfile.prod', 15, JENKINS, ['duration-exceeds-max']]],
    );
    const onlyAlice = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:user/alice' }, Action: 'sts:AssumeRole' },
      ],
    };
    writeFileSync(join(dir, 'narrow.template.json'), template(onlyAlice, 3600));
    const narrowed = await run(dir, 'impact', '.', '--iac', 'narrow.template.json', '--iac-account', '222222222222');
    assert.equal(narrowed.code, 1, narrowed.err);
    assert.match(
      narrowed.out,
      /^seed-000-external-id\/Jenkinsfile:14:13: breaks arn:aws:iam::222222222222:role\/jenkins: trust-principal-mismatch$/m,
    );
    assert.doesNotMatch(narrowed.out + narrowed.err, /not available/);
  });

  it('bad input: exit 2 with one line', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"Version": "2012-10-17", "Statement": [}');
    const cases = [
      ['impact', '.'],
      ['impact', '.', '--role-arn', 'not-an-arn', '--trust-policy', 'broken.json'],
      ['impact', '.', '--role-arn', JENKINS],
      ['impact', '.', '--role-arn', JENKINS, '--trust-policy', 'broken.json'],
      ['impact', '.', '--role-arn', JENKINS, '--trust-policy', 'missing.json'],
      ['impact', '.', '--role-arn', JENKINS, '--max-session-duration', '900'],
      ['impact', '.', '--role-arn', 'arn:aws:iam::999999999999:role/x', '--max-session-duration', '7200'],
      ['impact', '.', '--iac', 'template.yaml', '--role-arn', JENKINS],
      ['impact', '.', '--iac', 'missing-template.yaml'],
      ['impact', '.', '--role-arn', JENKINS, '--max-session-duration', '7200', '--format', 'xml'],
    ];
    for (const args of cases) {
      const r = await run(dir, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      oneLine(r.err);
    }
  });
});
