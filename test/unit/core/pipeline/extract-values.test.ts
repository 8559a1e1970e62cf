import { strict as assert } from 'node:assert';
import { analyze, ctx, extract, slice } from './helpers';

const ARN = (acct: string, name = 'jenkins'): string => `arn:aws:iam::${acct}:role/${name}`;

describe('extract: value resolution', () => {
  it('parameter defaults, --param values over defaults, config parameters under --param', () => {
    const t = [
      'properties([parameters([',
      "  string(name: 'role_account', defaultValue: '222222222222', description: 'Account'),",
      "  booleanParam(name: 'DRY', defaultValue: true),",
      "  choice(name: 'ACCOUNT', choices: ['333333333333', '444444444444'])",
      '])])',
      "withAWS(role: 'jenkins', roleAccount: params.role_account) {}",
      'withAWS(role: \'jenkins\', roleAccount: "${params.ACCOUNT}") {}',
      'withAWS(role: \'jenkins\', roleAccount: "$role_account") {}',
    ].join('\n');
    const d = extract(t).usages;
    assert.equal(d[0].roleArn, ARN('222222222222'));
    assert.equal(d[0].origins.roleAccount?.source, 'parameter');
    assert.match(d[0].origins.roleAccount!.description, /default of parameter role_account, line 2/);
    assert.equal(d[1].roleArn, ARN('333333333333'), 'a choice defaults to its first choice');
    assert.equal(d[2].roleArn, ARN('222222222222'), 'parameters are variables too');
    const p = extract(t, ctx({ params: { role_account: '555555555555' } })).usages;
    assert.equal(p[0].roleArn, ARN('555555555555'));
    assert.match(p[0].origins.roleAccount!.description, /value given for the scan/);
    const cfg = ctx({ params: { ACCOUNT: '666666666666' } });
    cfg.config.parameters = { ACCOUNT: '777777777777', role_account: '888888888888' };
    const c = extract(t, cfg).usages;
    assert.equal(c[0].roleArn, ARN('888888888888'));
    assert.equal(c[1].roleArn, ARN('666666666666'));
  });

  it('a parameter without default is unresolved, and the info says how to give it', () => {
    const t =
      "node {\n  properties([parameters([string(name: 'role_account', description: 'Account', trim: false)])])\n  withAWS(role: 'jenkins', roleAccount: \"$role_account\") {}\n}";
    const { usages, findings } = analyze(t);
    assert.equal(usages[0].roleArn, null);
    assert.equal(usages[0].roleAccount, '$role_account');
    assert.deepEqual(
      findings.map((f) => f.code),
      ['unresolved-reference'],
    );
    assert.match(findings[0].message, /parameter role_account has no default value/);
    assert.match(findings[0].message, /--param role_account=VALUE/);
    assert.match(findings[0].message, /\.rolecall\.json "parameters"/);
    assert.equal(slice(t, findings[0].range), '"$role_account"');
  });

  it('def variables (last assignment before the use), script-level assignments and concatenation', () => {
    const t = [
      "def acct = '111111111111'",
      "acct = '222222222222'",
      "withAWS(role: 'a', roleAccount: acct) {}",
      "acct = '333333333333'",
      "prefix = 'arn:aws:iam::444444444444:role/'",
      "withAWS(role: prefix + 'b', roleAccount: acct) {}",
      'def d = 1800',
      'withAWS(role: "arn:aws:iam::${acct}:role/c", duration: d) {}',
    ].join('\n');
    const u = extract(t).usages;
    assert.equal(u[0].roleArn, ARN('222222222222', 'a'));
    assert.equal(u[1].roleArn, ARN('444444444444', 'b'));
    assert.equal(u[2].roleArn, ARN('333333333333', 'c'));
    assert.equal(u[2].duration, 1800);
    assert.match(u[2].origins.duration!.description, /variable d \(line 7\)/);
    assert.equal(slice(t, u[2].origins.duration!.range), '1800');
  });

  it('environment directives, env.X, withEnv, config env and credentials()', () => {
    const t = [
      'pipeline {',
      '  environment {',
      "    ACCT = '222222222222'",
      "    EXT = credentials('ext-id')",
      '  }',
      "  stages { stage('x') { steps {",
      "    withAWS(role: 'a', roleAccount: env.ACCT, externalId: env.EXT) {}",
      '    withEnv([\'ACCT=333333333333\', "NAME=job-${env.BUILD_NUMBER}"]) {',
      '      withAWS(role: \'b\', roleAccount: "${env.ACCT}", roleSessionName: env.NAME, region: env.REGION) {}',
      '    }',
      '  } } }',
      '}',
    ].join('\n');
    const c = ctx();
    c.config.env = { REGION: 'eu-central-1' };
    const { usages, findings } = analyze(t, c);
    assert.equal(usages[0].roleArn, ARN('222222222222', 'a'));
    assert.equal(usages[0].origins.roleAccount?.source, 'environment');
    assert.equal(usages[0].externalId.resolved?.origin.source, 'credential');
    assert.equal(usages[0].externalId.resolved?.origin.reference, 'ext-id');
    assert.equal(usages[1].roleArn, ARN('333333333333', 'b'));
    assert.match(usages[1].origins.roleAccount!.description, /withEnv ACCT, line 8/);
    assert.equal(usages[1].roleSessionName, 'job-${BUILD_NUMBER}');
    assert.equal(usages[1].region, 'eu-central-1');
    assert.deepEqual(
      findings.map((f) => f.code),
      ['unresolved-reference'],
      'only the credential value is unknown; BUILD_NUMBER is a build-time placeholder, not an error',
    );
  });

  it('a partly unresolved GString names exactly what is missing', () => {
    const t = 'withAWS(role: "arn:aws:iam::${params.ACCT}:role/${ROLE_NAME}", roleSessionName: "s-${env.JOB_NAME}") {}';
    const { usages, findings } = analyze(t);
    assert.equal(usages[0].roleArn, null);
    const msgs = findings.filter((f) => f.code === 'unresolved-reference').map((f) => f.message);
    assert.equal(msgs.length, 2);
    assert.ok(msgs.some((m) => /parameter ACCT is not declared in this file; give it with --param ACCT=VALUE/.test(m)));
    assert.ok(
      msgs.some((m) => /`ROLE_NAME` is not a variable, parameter or environment variable defined in this file/.test(m)),
    );
    assert.ok(!findings.some((f) => f.code === 'invalid-role-arn'));
  });

  it("shared-library steps: call()'s parameters are unresolved references", () => {
    const t =
      "def call(Map config) {\n  withAWS(role: config.role, roleAccount: '222222222222') {}\n}\ndef call(params) {\n  withAWS(role: 'r', roleAccount: params.account) {}\n}\n";
    const { usages, findings } = analyze(t);
    assert.equal(usages.length, 2);
    assert.equal(usages[0].roleArn, null);
    assert.equal(usages[1].roleArn, null);
    const msgs = findings.filter((f) => f.code === 'unresolved-reference').map((f) => f.message);
    assert.ok(msgs.some((m) => /config\.role/.test(m)));
    assert.ok(msgs.some((m) => /`params` is a parameter of call\(\)/.test(m)));
  });

  it('elvis defaults and string methods', () => {
    const t = "withAWS(role: 'r', roleAccount: (params.ACCT ?: '222222222222').trim()) {}";
    assert.equal(extract(t).usages[0].roleArn, ARN('222222222222', 'r'));
  });

  it('a password parameter is secret', () => {
    const t =
      "properties([parameters([password(name: 'EXT', defaultValue: 'abcdef')])])\nwithAWS(role: 'arn:aws:iam::222222222222:role/r', externalId: params.EXT) {}";
    const [u] = extract(t).usages;
    assert.equal(u.externalId.resolved?.secret, true);
    assert.equal(u.externalId.resolved?.origin.source, 'parameter');
  });
});

describe('extract: secrets and static keys outside usages', () => {
  it('reports AKIA keys in code and strings, not in comments', () => {
    const t =
      '// AKIAIOSFODNN7EXAMPLE in a comment\ndef k = \'AKIAIOSFODNN7EXAMPLE\'\nsh "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPL2"\n';
    const { findings } = extract(t);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['static-credentials', 'static-credentials'],
    );
    assert.equal(slice(t, findings[0].range), 'AKIAIOSFODNN7EXAMPLE');
    assert.equal(findings[0].severity, 'warning');
  });

  it('reports literal secret keys in withEnv, environment and scripts as hardcoded-secret without the value', () => {
    const key = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const t = `withEnv(["AWS_SECRET_ACCESS_KEY=${key}"]) { sh 'aws s3 ls' }\npipeline { environment { AWS_SECRET_ACCESS_KEY = '${key}' } }\nsh 'export AWS_SECRET_ACCESS_KEY=${key}'\n`;
    const { findings } = extract(t);
    assert.equal(findings.length, 3);
    for (const f of findings) {
      assert.equal(f.code, 'hardcoded-secret');
      assert.ok(!f.message.includes(key));
      assert.ok(slice(t, f.range)!.includes(key));
    }
  });
});

describe('extract: self-referencing values terminate', () => {
  it('a parameter whose default is itself, and variables defined through each other', () => {
    const t =
      "properties([parameters([string(name: 'A', defaultValue: params.A), string(name: 'B', defaultValue: \"${params.C}\"), string(name: 'C', defaultValue: \"${params.B}\")])])\ndef x = y\ndef y = x\nwithAWS(role: params.A, roleAccount: params.B) {}\nwithAWS(role: x, roleAccount: '222222222222') {}";
    const { usages } = extract(t);
    assert.equal(usages.length, 2);
    assert.equal(usages[0].roleArn, null);
    assert.equal(usages[1].roleArn, null);
  });
});

describe('extract: exponential variable chains stay bounded', () => {
  it('returns quickly with an unresolved value', function () {
    this.timeout(5000);
    const lines = ["def v0 = 'a'"];
    for (let i = 1; i <= 40; i++) lines.push(`def v${i} = "\${v${i - 1}}\${v${i - 1}}"`);
    lines.push("withAWS(role: v40, roleAccount: '222222222222') {}");
    const t0 = Date.now();
    const { usages } = extract(lines.join('\n'));
    assert.equal(usages.length, 1);
    assert.equal(usages[0].roleArn, null);
    assert.ok(Date.now() - t0 < 3000);
  });
});

describe('extract: one literal ExternalId shared by several calls', () => {
  it('is reported once, at the literal', () => {
    const t =
      "pipeline {\n  environment { EXT = 'abcdef123' }\n  stages { stage('a') { steps {\n    withAWS(role: 'arn:aws:iam::222222222222:role/a', externalId: env.EXT) {}\n    withAWS(role: 'arn:aws:iam::222222222222:role/b', externalId: env.EXT) {}\n  } } }\n}";
    const { findings } = analyze(t);
    const secrets = findings.filter((f) => f.code === 'hardcoded-secret');
    assert.equal(secrets.length, 1);
    assert.equal(slice(t, secrets[0].range), 'abcdef123');
  });
});

describe('extract: loop variables and closure parameters', () => {
  it('over a list the file does not write, are unresolved with a message saying so', () => {
    const t =
      "for (acct in readYaml(file: 'a.yml').accounts) { withAWS(role: 'x', roleAccount: acct) {} }\nparams.ROLES.split(',').each { name -> withAWS(role: name, roleAccount: '222222222222') {} }\n[1, 2].collect { it * 2 }.each { withAWS(role: it, roleAccount: '222222222222') {} }";
    const { usages, findings } = analyze(t);
    assert.equal(usages.length, 3);
    const msgs = findings.filter((f) => f.code === 'unresolved-reference').map((f) => f.message);
    assert.match(msgs[0], /`acct` is a loop variable/);
    assert.match(msgs[1], /`name` is a closure parameter/);
    assert.match(msgs[2], /`it` is the implicit closure parameter/);
  });
});
