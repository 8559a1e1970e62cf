// The editor's grant document and trust-policy lenses, without vscode: secrets stay placeholders on screen,
// every format carries the reason for each condition, and an open JSON document maps to the right role
// and the change its unsaved buffer makes.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { grantFor } from '../../../../src/core/iam/grant';
import { parseSnapshot, SnapshotIamReader } from '../../../../src/core/iam/snapshot';
import { configFrom } from '../../../../src/core/config';
import { analyzeFile } from '../../../../src/core/analyze';
import { findingsOfUsage } from '../../../../src/core/iam/grant';
import {
  canonicalPolicy,
  displayableGrant,
  grantDocument,
  iamDocumentKind,
  matchTrustFile,
  snapshotRoles,
  trustFileRole,
  usesRole,
} from '../../../../src/vscode/pure/grantView';

const SECRET = 'partner-s3cret-ext-id';
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'the-old-one' } },
    },
  ],
};
const SNAPSHOT = JSON.stringify(
  {
    RoleDetailList: [
      {
        RoleName: 'deploy',
        Arn: 'arn:aws:iam::222222222222:role/deploy',
        Path: '/',
        AssumeRolePolicyDocument: TRUST,
        MaxSessionDuration: 3600,
        RolePolicyList: [],
        AttachedManagedPolicies: [],
      },
    ],
  },
  null,
  2,
);

async function secretGrant() {
  const reader = new SnapshotIamReader([parseSnapshot('iam.json', SNAPSHOT).snapshot!]);
  const ctx = {
    config: configFrom(undefined).config,
    caller: 'arn:aws:iam::111111111111:role/agent',
    params: {},
    credentials: { 'partner-ext': SECRET },
    iam: reader,
  };
  const text =
    "node {\n  withCredentials([string(credentialsId: 'partner-ext', variable: 'EXT')]) {\n    withAWS(role: 'arn:aws:iam::222222222222:role/deploy', externalId: env.EXT, duration: 900) {\n    }\n  }\n}\n";
  const analysis = await analyzeFile('Jenkinsfile', text, ctx);
  const usage = analysis.usages[0];
  return { grant: await grantFor(usage, findingsOfUsage(usage, analysis.findings), ctx), reader };
}

describe('vscode helpers: grant document and trust-policy lenses', () => {
  it('the document never shows a stored ExternalId: the placeholder names the credential, in every format', async () => {
    const { grant } = await secretGrant();
    assert.equal(
      grant.trustStatement?.Condition?.StringEquals?.['sts:ExternalId'],
      SECRET,
      'the engine uses the value',
    );
    assert.equal(
      displayableGrant(grant).trustStatement?.Condition?.StringEquals?.['sts:ExternalId'],
      '<credential partner-ext>',
    );
    for (const format of ['cloudformation', 'terraform', 'json', 'text'] as const) {
      const text = grantDocument(grant, 'Jenkinsfile:3', format);
      assert.ok(!text.includes(SECRET), `${format} shows the secret`);
      assert.ok(text.includes('<credential partner-ext>'), format);
      assert.match(text, /StringEquals sts:ExternalId/, `${format} explains the ExternalId condition`);
      assert.match(
        text,
        /Principal\.AWS is exactly arn:aws:iam::111111111111:role\/agent/,
        `${format} explains the principal`,
      );
    }
    const yaml = grantDocument(grant, 'Jenkinsfile:3', 'cloudformation').split('\n---\n')[1];
    assert.deepEqual(parseYaml(yaml), [displayableGrant(grant).trustStatement]);
  });

  it('recognises snapshots and trust policies, and nothing else', () => {
    assert.equal(iamDocumentKind(SNAPSHOT), 'snapshot');
    assert.equal(iamDocumentKind(JSON.stringify(TRUST)), 'trust-policy');
    assert.equal(
      iamDocumentKind('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'),
      null,
    );
    assert.equal(iamDocumentKind('{"name": "package"}'), null);
    assert.equal(iamDocumentKind('not json'), null);
  });

  it('a snapshot being edited: only the role whose trust policy or MaxSessionDuration changed carries a change, at its entry', () => {
    const reader = new SnapshotIamReader([parseSnapshot('iam.json', SNAPSHOT).snapshot!]);
    const current = (arn: string) => {
      const l = reader.findRole(arn);
      return l.status === 'found' ? l.value : null;
    };
    const same = snapshotRoles('iam.json', SNAPSHOT, current);
    assert.deepEqual(
      same.map((r) => [r.roleArn, r.change]),
      [['arn:aws:iam::222222222222:role/deploy', null]],
    );
    assert.equal(same[0].offset, SNAPSHOT.indexOf('{', SNAPSHOT.indexOf('RoleDetailList')));
    const edited = SNAPSHOT.replace('the-old-one', 'rotated').replace(
      '"MaxSessionDuration": 3600',
      '"MaxSessionDuration": 7200',
    );
    const [role] = snapshotRoles('iam.json', edited, current);
    assert.equal(role.change?.maxSessionDuration, 7200);
    assert.equal(
      canonicalPolicy(role.change!.trustPolicy!.text),
      canonicalPolicy(JSON.stringify(TRUST).replace('the-old-one', 'rotated')),
    );
  });

  it('a trust policy file is the role whose policy equals the saved file, else the role it is named after; its edit is the change', () => {
    const reader = new SnapshotIamReader([parseSnapshot('iam.json', SNAPSHOT).snapshot!]);
    const roles = (reader.findRole('arn:aws:iam::222222222222:role/deploy') as { status: 'found'; value: never }).value;
    const saved = JSON.stringify(TRUST, null, 4);
    assert.equal(matchTrustFile('policies/whatever.json', saved, [roles])?.roleName, 'deploy');
    assert.equal(matchTrustFile('policies/deploy.trust-policy.json', '{"Statement": []}', [roles])?.roleName, 'deploy');
    assert.equal(matchTrustFile('policies/other.json', '{"Statement": []}', [roles]), null);
    assert.equal(trustFileRole(roles, 'p.json', saved).change, null, 'an unchanged buffer changes nothing');
    assert.ok(trustFileRole(roles, 'p.json', saved.replace('the-old-one', 'x')).change?.trustPolicy);
    assert.ok(trustFileRole(roles, 'p.json', '{ "Statement": [').problem);
  });

  it('matches usages to roles the way IAM names them', () => {
    assert.ok(usesRole('arn:aws:iam::222222222222:role/Deploy', 'arn:aws:iam::222222222222:role/path/deploy'));
    assert.ok(!usesRole('arn:aws:iam::333333333333:role/deploy', 'arn:aws:iam::222222222222:role/deploy'));
    assert.ok(!usesRole(null, 'arn:aws:iam::222222222222:role/deploy'));
  });

  it("the examples carry the lens target: seed 000's snapshot is a snapshot document", () => {
    assert.equal(iamDocumentKind(readFileSync(join('examples', 'iam', '222222222222.json'), 'utf8')), 'snapshot');
  });
});
