// withAWS without role: — the pipeline-aws-plugin assumes a role only when role: is set (WithAWSStep's
// withRole; README: "Assume role information ... externalId, roleSessionName and policy are optional"), so
// externalId:, roleSessionName:, roleAccount:, policy: and duration: (unless federatedUserId: uses it) are
// ignored there: a warning that says so. A literal ExternalId is a secret in the repository wherever it is
// written: hardcoded-secret, as with role:. withAWS(region:) alone stays no usage and no finding.
import { strict as assert } from 'node:assert';
import { analyzeText } from '../../../../src/core/analyze';
import { analyze, ctx, lineCol } from './helpers';

const codes = (text: string) =>
  analyze(text).findings.map((f) => [
    f.code,
    lineCol(text, f.range.start).line,
    text.slice(f.range.start, f.range.end),
  ]);

describe('withAWS without role: (role-only options are ignored by the plugin)', () => {
  it('a literal externalId without role: is a hardcoded secret and an ignored option, and no usage', () => {
    const t = "node {\n  withAWS(externalId: 'abcdefsecret1234', region: 'eu-west-1') { sh 'aws s3 ls' }\n}\n";
    const r = analyze(t);
    assert.deepEqual(r.usages, []);
    assert.deepEqual(codes(t), [
      ['role-option-without-role', 2, "externalId: 'abcdefsecret1234'"],
      ['hardcoded-secret', 2, "'abcdefsecret1234'"],
    ]);
    const ignored = r.findings.find((f) => f.code === 'role-option-without-role')!;
    assert.equal(ignored.severity, 'warning');
    assert.equal(
      ignored.message,
      "withAWS passes externalId: without role:, and the pipeline-aws-plugin uses it only when it assumes a role: it is ignored — no ExternalId is sent, and the steps inside assume no role. Add role: 'NAME' (with roleAccount: for another account) to assume the role meant, or remove it.",
    );
    assert.equal(t.slice(ignored.anchor!.start, ignored.anchor!.end), 'withAWS');
    const secret = r.findings.find((f) => f.code === 'hardcoded-secret')!;
    assert.match(secret.message, /^ExternalId written literally in the pipeline/);
    assert.match(secret.message, /string\(credentialsId: 'external-id', variable: 'EXTERNAL_ID'\)/);
    assert.ok(!r.findings.some((f) => f.message.includes('abcdefsecret1234')), 'the secret is never printed');
  });

  it('an ExternalId written in a variable, an environment value or a parameter default is reported where written', () => {
    const viaVar = "def EXT = 'abcdefsecret1234'\nnode {\n  withAWS(externalId: EXT) { sh 'x' }\n}\n";
    assert.deepEqual(codes(viaVar), [
      ['role-option-without-role', 3, 'externalId: EXT'],
      ['hardcoded-secret', 1, 'abcdefsecret1234'],
    ]);
    assert.match(analyze(viaVar).findings[1].message, /\(EXT\)/);
    const viaEnv =
      "pipeline {\n  agent any\n  environment { EXT = 'abcdefsecret1234' }\n  stages { stage('a') { steps { withAWS(externalId: env.EXT) { sh 'x' } } } }\n}\n";
    assert.deepEqual(
      codes(viaEnv).map((c) => c.slice(0, 2)),
      [
        ['role-option-without-role', 4],
        ['hardcoded-secret', 3],
      ],
    );
    const viaParam =
      "properties([parameters([string(name: 'EXT', defaultValue: 'abcdefsecret1234')])])\nnode { withAWS(externalId: params.EXT) { sh 'x' } }\n";
    assert.deepEqual(codes(viaParam), [
      ['role-option-without-role', 2, 'externalId: params.EXT'],
      ['hardcoded-secret', 1, 'abcdefsecret1234'],
    ]);
    const fromCredential =
      "node {\n  withCredentials([string(credentialsId: 'ext', variable: 'EXT')]) {\n    withAWS(externalId: EXT) { sh 'x' }\n  }\n}\n";
    assert.deepEqual(
      codes(fromCredential).map((c) => c[0]),
      ['role-option-without-role'],
      'a credential is no literal',
    );
  });

  it('one literal used with role: and without it is reported once', () => {
    const t = [
      "def EXT = 'abcdefsecret1234'",
      'node {',
      "  withAWS(role: 'arn:aws:iam::222222222222:role/deploy', externalId: EXT) { sh 'x' }",
      "  withAWS(externalId: EXT, region: 'eu-west-1') { sh 'y' }",
      '}',
      '',
    ].join('\n');
    const r = analyze(t);
    assert.equal(r.findings.filter((f) => f.code === 'hardcoded-secret').length, 1);
    assert.equal(r.findings.filter((f) => f.code === 'role-option-without-role').length, 1);
  });

  it('roleSessionName, roleAccount, policy and duration without role: are named together; duration with federatedUserId: is used', () => {
    const t = [
      'node {',
      "  withAWS(credentials: 'ci-keys', roleAccount: '222222222222', roleSessionName: 'deploy', policy: '{}', duration: 900) { sh 'x' }",
      "  withAWS(credentials: 'ci-keys', federatedUserId: 'bob', duration: 900) { sh 'y' }",
      '}',
      '',
    ].join('\n');
    const r = analyze(t);
    const ignored = r.findings.filter((f) => f.code === 'role-option-without-role');
    assert.equal(ignored.length, 1);
    assert.match(
      ignored[0].message,
      /^withAWS passes roleAccount:, roleSessionName:, policy: and duration: without role:, and the pipeline-aws-plugin uses them only when it assumes a role \(duration: also applies with federatedUserId:\): they are ignored — no role of that account is assumed, no session is named, no session policy applies, no session duration applies/,
    );
    assert.equal(lineCol(t, ignored[0].range.start).line, 2);
    assert.deepEqual(
      r.usages.map((u) => u.assumesRole),
      [false, false],
      'both stay static-key usages',
    );
  });

  it('region: alone (or with credentials:/profile: only) is unchanged; with role: nothing is ignored', () => {
    assert.deepEqual(analyze("node { withAWS(region: 'eu-west-1') { sh 'x' } }\n"), { usages: [], findings: [] });
    const withRole = analyze(
      "node { withAWS(role: 'deploy', roleAccount: '222222222222', roleSessionName: 'ci', duration: 900) { sh 'x' } }\n",
    );
    assert.ok(!withRole.findings.some((f) => f.code === 'role-option-without-role'));
  });

  it('inside a helper called twice, reported once', () => {
    const t = [
      'def upload(String bucket) { withAWS(externalId: \'abcdefsecret1234\') { sh "aws s3 cp x s3://${bucket}" } }',
      "node { upload('a'); upload('b') }",
      '',
    ].join('\n');
    const analysis = analyzeText('Jenkinsfile', t, { ...ctx(), iam: null });
    assert.deepEqual(
      analysis.findings.map((f) => f.code),
      ['role-option-without-role', 'hardcoded-secret'],
    );
  });
});
