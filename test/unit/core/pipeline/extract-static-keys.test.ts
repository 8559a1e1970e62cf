// Static-key usages (issue 13, item 1; contract: JSON output, `assumesRole`): withAWS(credentials:|profile:)
// without role: and AWS bindings without roleArn are usages that assume no role, whatever form their
// credential id takes, each with one static-credentials warning and no unresolved-reference for the id.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, ctx, extract, lineCol, slice, ANY_AGENT } from './helpers';
import { iamRules } from '../../../../src/core/rules/trust';
import { grantFor } from '../../../../src/core/iam/grant';
import { grantTerraform, grantText } from '../../../../src/core/iam/grantFormat';
import { ChangedIamReader, impactBetween, touches } from '../../../../src/core/iam/impact';
import { addTrustFindings, analyzeText } from '../../../../src/core/analyze';
import { analysisContext, reader } from '../rules/helpers';
import type { Usage } from '../../../../src/core/types';

const dir = join(__dirname, 'fixtures');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

/** The 1-based lines a fixture marks with `// usage:`, and those it marks `// no usage`. */
function marked(text: string, marker: string): number[] {
  return text
    .split('\n')
    .map((l, i) => (l.includes(marker) ? i + 1 : 0))
    .filter((n) => n > 0);
}

/** How a static-key usage names its keys: the resolved id, the id as written, or the profile. */
function keysOf(u: Usage): string {
  return u.credentialsId ?? u.credentialsText ?? `profile ${u.profile}`;
}

describe('extract: static-key usages (assume no role)', () => {
  describe('corpus: every form in a Jenkinsfile and a shared-library step', () => {
    // The second file is a shared-library step (vars/deployStatic.groovy).
    for (const file of ['static-keys.Jenkinsfile', 'static-keys-deployStatic.groovy']) {
      it(`${file}: one usage per marked line, all assuming no role, one static-credentials each, no unresolved-reference`, () => {
        const text = read(file);
        const { usages, findings } = analyze(text);
        const lines = usages.map((u) => lineCol(text, u.anchor.start).line);
        assert.deepEqual(lines, marked(text, '// usage:'));
        for (const n of marked(text, '// no usage')) assert.ok(!lines.includes(n), `line ${n} is no usage`);
        for (const u of usages) {
          assert.equal(u.assumesRole, false);
          assert.equal(u.roleArn, null);
          assert.equal(u.role, null);
          assert.equal(u.duration, null);
          assert.equal(u.roleSessionName, null);
          assert.ok(['withAWS', 'credentials-binding'].includes(u.kind));
        }
        assert.deepEqual(
          findings.map((f) => [f.code, lineCol(text, f.range.start).line]),
          lines.map((l) => ['static-credentials', l]),
        );
      });
    }

    it('keeps each credential id as resolved (with its origin), or as written when it cannot be resolved', () => {
      const { usages } = extract(read('static-keys.Jenkinsfile'));
      assert.deepEqual(
        usages.map((u) => [u.kind, keysOf(u), u.origins.credentials?.source ?? u.origins.profile?.source]),
        [
          ['withAWS', 'ci-keys-literal', 'literal'],
          ['withAWS', 'ci-keys-gstring', 'literal'],
          ['withAWS', '"${AWS_CRED}"', 'unresolved'],
          ['withAWS', 'ci-keys-var', 'literal'],
          ['withAWS', 'ci-keys-param', 'parameter'],
          ['withAWS', 'params.NO_DEFAULT_CREDS', 'parameter'],
          ['withAWS', 'ci-keys-env', 'environment'],
          ['withAWS', 'config.awsCredentialsId', 'unresolved'],
          ['withAWS', 'profile ci-profile', 'literal'],
          ['credentials-binding', 'ci-keys-class', 'literal'],
          ['credentials-binding', '"${AWS_CRED}"', 'unresolved'],
          ['credentials-binding', 'ci-keys-param', 'parameter'],
        ],
      );
      const vars = extract(read('static-keys-deployStatic.groovy')).usages;
      assert.deepEqual(vars.map(keysOf), ['config.credentialsId', 'config.ecrCreds']);
      assert.ok(vars.every((u) => u.credentialsId === null));
    });

    it('--param resolves a parameter without default', () => {
      const { usages } = extract(read('static-keys.Jenkinsfile'), ctx({ params: { NO_DEFAULT_CREDS: 'given-keys' } }));
      assert.ok(usages.some((u) => u.credentialsId === 'given-keys' && u.origins.credentials?.source === 'parameter'));
    });
  });

  it('locates a usage like other usages: at the step name, its arguments ranged', () => {
    const text = "node {\n  withAWS(credentials: 'k', region: 'us-east-1') {\n  }\n}\n";
    const [u] = extract(text).usages;
    assert.equal(slice(text, u.anchor), 'withAWS');
    assert.equal(slice(text, u.args.credentials), "'k'");
    assert.equal(slice(text, u.args.region), "'us-east-1'");
    assert.equal(u.region, 'us-east-1');
    assert.equal(u.args.call!.end, text.indexOf("'us-east-1'") + "'us-east-1'".length);
    const b = "withCredentials([aws(credentialsId: 'k')]) { }";
    const [bu] = extract(b).usages;
    assert.equal(slice(b, bu.anchor), 'withCredentials');
    assert.equal(slice(b, bu.args.call), "aws(credentialsId: 'k')");
  });

  it('a credential with its own role makes a role usage (assumesRole true), not static keys', () => {
    const { usages, findings } = analyze(
      "withAWS(credentials: 'chained') { }\nwithCredentials([aws(credentialsId: 'chained')]) { }",
    );
    assert.deepEqual(
      usages.map((u) => [u.kind, u.assumesRole, u.roleArn]),
      [
        ['withAWS', true, 'arn:aws:iam::555555555555:role/hop'],
        ['credentials-binding', true, 'arn:aws:iam::555555555555:role/hop'],
      ],
    );
    assert.ok(!findings.some((f) => f.code === 'static-credentials'));
  });

  it('a withAWS with role: keeps assumesRole true, and a withAWS map variable without role is static keys', () => {
    const { usages } = extract(
      "withAWS(role: 'arn:aws:iam::222222222222:role/x', credentials: 'k') { }\ndef a = [credentials: 'm']\nwithAWS(a) { }",
    );
    assert.deepEqual(
      usages.map((u) => [u.assumesRole, u.credentialsId]),
      [
        [true, 'k'],
        [false, 'm'],
      ],
    );
  });

  it('a shell step inside a static-key step runs with those keys, not as a role session of it', () => {
    const text =
      "node('linux') {\n  withAWS(credentials: 'k') {\n    sh 'aws sts assume-role --role-arn arn:aws:iam::222222222222:role/x --role-session-name s'\n  }\n}";
    const { usages } = extract(text);
    const shell = usages.find((u) => u.kind === 'sh-assume-role')!;
    assert.equal(shell.assumesRole, true);
    assert.equal(shell.caller, ANY_AGENT);
    assert.doesNotMatch(shell.callerOrigin ?? '', /unresolved|role chain/);
  });

  it('an id or profile read from a string credential given for the scan is a secret: never in the usage or the message', () => {
    const secret = 'S3cretFromTheCredentialsFile';
    const text = [
      "withCredentials([string(credentialsId: 'which-keys', variable: 'CID')]) {",
      '  withAWS(credentials: "${CID}") { }',
      '  withCredentials([aws(credentialsId: CID)]) { }',
      '  withAWS(profile: env.CID) { }',
      "  withAWS(credentials: CID, role: 'r', roleAccount: '222222222222') { }",
      '}',
    ].join('\n');
    const { usages, findings } = analyze(text, ctx({ credentials: { 'which-keys': secret } }));
    assert.equal(usages.length, 4);
    assert.deepEqual(
      usages.map((u) => [u.assumesRole, u.credentialsId, u.credentialsText ?? u.profile]),
      [
        [false, null, '"${CID}"'],
        [false, null, 'CID'],
        [false, null, 'env.CID'],
        [true, null, undefined],
      ],
    );
    assert.equal(findings.filter((f) => f.code === 'static-credentials').length, 3);
    assert.doesNotMatch(JSON.stringify({ usages, findings }), new RegExp(secret));
  });

  it('the message names the credential as written and the profile; the hint is left out for a described credential', () => {
    const { findings } = analyze(
      "withAWS(credentials: \"${AWS_CRED}\") { }\nwithAWS(profile: 'ci') { }\nwithAWS(credentials: 'alice') { }",
    );
    assert.match(findings[0].message, /given by "\$\{AWS_CRED\}" .*assumes no role/);
    assert.match(findings[1].message, /AWS profile 'ci'/);
    assert.match(findings[2].message, /'alice' and assumes no role/);
    assert.doesNotMatch(findings[2].message, /describe it in \.rolecall\.json/);
  });

  describe('consumers', () => {
    const text = "withAWS(credentials: 'k') { }\nwithAWS(role: 'arn:aws:iam::222222222222:role/jenkins') { }";

    it('no trust check runs for them, even with IAM data', async () => {
      const c = analysisContext({ iam: reader(), caller: 'arn:aws:iam::111111111111:role/jenkins-slave' });
      const analysis = await addTrustFindings(analyzeText('Jenkinsfile', text, c), c);
      const keys = analysis.usages[0];
      assert.equal(keys.assumesRole, false);
      const atKeys = analysis.findings.filter((f) => f.anchor?.start === keys.anchor.start);
      assert.deepEqual(
        atKeys.map((f) => f.code),
        ['static-credentials'],
      );
      // Even a usage that carried an ARN is not checked when it assumes no role.
      assert.deepEqual(await iamRules({ ...analysis.usages[1], assumesRole: false }, reader(), c), []);
    });

    it('grant has nothing for a role owner to grant, and impact neither touches nor breaks them', async () => {
      const c = analysisContext({ iam: reader(), caller: 'arn:aws:iam::111111111111:role/jenkins-slave' });
      const analysis = analyzeText('Jenkinsfile', text, c);
      const keys = analysis.usages[0];
      const g = await grantFor(keys, [], c);
      assert.equal(g.trustStatement, null);
      assert.match(g.notes.join('\n'), /assumes no role/);
      const printed = grantText(g, 'Jenkinsfile:1:1');
      assert.match(printed, /^Jenkinsfile:1:1: withAWS → no role \(static keys\)/);
      assert.match(printed, /after the change: nothing for a role owner to change/);
      assert.match(grantTerraform(g, 'Jenkinsfile:1:1'), /withAWS → no role \(static keys\)/);
      const changed = new ChangedIamReader(reader(), {
        roles: [
          {
            roleArn: 'arn:aws:iam::222222222222:role/jenkins',
            trustPolicy: { text: '{"Version":"2012-10-17","Statement":[]}' },
          },
        ],
      });
      assert.equal(touches(changed, keys), false);
      const impact = await impactBetween([{ ...analysis, usages: [keys] }], c, { ...c, iam: changed });
      assert.deepEqual([impact.breaks.length, impact.fixes.length], [0, 0]);
    });
  });
});
