// What the editor shows for usages that assume no role (static keys): the explorer's grouping under the
// credential they use, the decision ("no role", never allow/deny/unknown), the hover and the mint message.
import { strict as assert } from 'node:assert';
import { analyze } from '../../core/pipeline/helpers';
import { groupByStaticKeys, nothingToMint, staticKeysOf } from '../../../../src/vscode/pure/staticKeys';
import { decide, hoverMarkdown } from '../../../../src/vscode/pure/usageInfo';

const TEXT = [
  "withAWS(credentials: 'ci-keys', region: 'eu-west-1') { }",
  "withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'ci-keys']]) { }",
  'withAWS(credentials: "${AWS_CRED}") { }',
  "withAWS(profile: 'ops') { }",
  "withAWS(role: 'arn:aws:iam::222222222222:role/jenkins') { }",
  "withCredentials([aws(credentialsId: 'alpha-keys')]) { }",
].join('\n');

describe('vscode helpers: static-key usages', () => {
  const { usages, findings } = analyze(TEXT);

  it('groups the usages that assume no role under the credential they use, role usages left out', () => {
    const groups = groupByStaticKeys(usages, (u) => u);
    assert.deepEqual(
      groups.map((g) => [g.label, g.resolved, g.items.map((u) => u.kind)]),
      [
        ['"${AWS_CRED}" (unresolved)', false, ['withAWS']],
        ['alpha-keys', true, ['credentials-binding']],
        ['ci-keys', true, ['withAWS', 'credentials-binding']],
        ['profile ops', true, ['withAWS']],
      ],
    );
    // A profile and a credential of the same name are different keys.
    const profile = usages.find((u) => u.profile === 'ops')!;
    assert.notEqual(staticKeysOf(profile).key, staticKeysOf({ ...profile, credentialsId: 'ops' }).key);
  });

  it('decides "no-role" for them, whatever IAM covers; a role usage still gets a trust decision', () => {
    const [keys] = usages;
    const d = decide(keys, findings, true);
    assert.equal(d.kind, 'no-role');
    assert.match(d.kind === 'no-role' ? d.detail : '', /ci-keys.*assumes no role/);
    const role = usages.find((u) => u.assumesRole)!;
    assert.notEqual(decide(role, findings, false).kind, 'no-role');
  });

  it('the hover says the step assumes no role and names its keys, with no trust, duration or session lines', () => {
    const md = hoverMarkdown(usages[2], findings, { iamCovered: true, maxSessionDuration: null });
    assert.match(md, /\*\*Role:\*\* _none — static keys, this step assumes no role_/);
    assert.ok(md.includes('- **Keys:** AWS credential `"${AWS_CRED}" (unresolved)`'), md);
    assert.match(md, /static-credentials|long-lived access keys/);
    assert.doesNotMatch(md, /Duration|Session name|ExternalId|Caller/);
    const profile = hoverMarkdown(usages[3], findings, { iamCovered: true, maxSessionDuration: null });
    assert.match(profile, /AWS profile `ops` of the node/);
  });

  it('minting says there is nothing to mint and how to get temporary credentials', () => {
    assert.match(nothingToMint(usages[0]), /no temporary credentials to mint.*withAWS role:/);
  });
});
