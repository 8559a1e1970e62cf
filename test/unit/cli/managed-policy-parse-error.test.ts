// policy-parse-error of a customer-managed policy (a snapshot's `Policies`) names the roles that attach it:
// in the message, in JSON as `attachedTo` (role ARNs; an addition — the contract's fields are unchanged),
// in SARIF's properties, and as related information pointing at each role in the file.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { parseSnapshot, type ParsedSnapshot } from '../../../src/core/iam/snapshot';
import { snapshotFindings } from '../../../src/core/rules/policy-findings';
import { recordingIo } from './helpers';

const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/agent' }, Action: 'sts:AssumeRole' },
  ],
};
const BROKEN = 'arn:aws:iam::222222222222:policy/deploy-perms';
const UNUSED = 'arn:aws:iam::222222222222:policy/orphan-perms';
// "Effect": "allow" is no effect IAM knows: the document is refused.
const BAD_DOC = { Version: '2012-10-17', Statement: [{ Effect: 'allow', Action: 's3:*', Resource: '*' }] };

function role(name: string, attached: string[]) {
  return {
    RoleName: name,
    Path: '/',
    Arn: `arn:aws:iam::222222222222:role/${name}`,
    AssumeRolePolicyDocument: TRUST,
    RolePolicyList: [],
    AttachedManagedPolicies: attached.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })),
  };
}

function policy(arn: string) {
  return {
    PolicyName: arn.split('/').pop(),
    Arn: arn,
    DefaultVersionId: 'v1',
    PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: BAD_DOC }],
  };
}

const TEXT = JSON.stringify(
  {
    RoleDetailList: [role('deploy', [BROKEN]), role('clean', []), role('build', [BROKEN])],
    UserDetailList: [],
    GroupDetailList: [],
    Policies: [policy(BROKEN), policy(UNUSED)],
  },
  null,
  2,
);

async function run(cwd: string, ...args: string[]) {
  const io = recordingIo(cwd);
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

describe('policy-parse-error of a managed policy names the roles that attach it', () => {
  const parsed = parseSnapshot('iam.json', TEXT);
  const snap = parsed.snapshot as ParsedSnapshot;

  it('in the message, attachedTo and related (each role where it is written)', () => {
    const findings = snapshotFindings([snap]);
    const broken = findings.find((f) => f.message.includes(BROKEN))!;
    assert.equal(broken.code, 'policy-parse-error');
    assert.match(
      broken.message,
      /^The policy arn:aws:iam::222222222222:policy\/deploy-perms, attached to roles deploy and build, is not valid policy JSON: /,
    );
    assert.deepEqual(broken.attachedTo, [
      'arn:aws:iam::222222222222:role/deploy',
      'arn:aws:iam::222222222222:role/build',
    ]);
    assert.deepEqual(
      broken.related?.map((r) => [r.roleArn, r.file, TEXT.slice(r.range!.start, r.range!.start + 20)]),
      [
        ['arn:aws:iam::222222222222:role/deploy', 'iam.json', '{\n      "RoleName": '],
        ['arn:aws:iam::222222222222:role/build', 'iam.json', '{\n      "RoleName": '],
      ],
    );
    const orphan = findings.find((f) => f.message.includes(UNUSED))!;
    assert.match(orphan.message, /orphan-perms, attached to no role of this snapshot, is not valid policy JSON/);
    assert.deepEqual(orphan.attachedTo, []);
  });

  it('snapshot --check: text, JSON (attachedTo beside the contract fields) and SARIF properties', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rolecall-managed-'));
    writeFileSync(join(root, 'iam.json'), TEXT);
    const text = await run(root, 'snapshot', '--check', 'iam.json');
    assert.equal(text.code, 1);
    assert.match(
      text.out,
      /error policy-parse-error: The policy arn:aws:iam::222222222222:policy\/deploy-perms, attached to roles deploy and build, is not valid/,
    );
    const json = JSON.parse((await run(root, 'snapshot', '--check', 'iam.json', '--format', 'json')).out);
    const f = json.findings.find((x: { message: string }) => x.message.includes(BROKEN));
    assert.deepEqual(Object.keys(f), [
      'file',
      'line',
      'column',
      'endLine',
      'endColumn',
      'code',
      'severity',
      'message',
      'roleArn',
      'attachedTo',
    ]);
    assert.equal(f.roleArn, null);
    assert.deepEqual(f.attachedTo, ['arn:aws:iam::222222222222:role/deploy', 'arn:aws:iam::222222222222:role/build']);
    const sarif = JSON.parse((await run(root, 'snapshot', '--check', 'iam.json', '--format', 'sarif')).out);
    const result = sarif.runs[0].results.find((x: { message: { text: string } }) => x.message.text.includes(BROKEN));
    assert.deepEqual(result.properties, {
      attachedTo: ['arn:aws:iam::222222222222:role/deploy', 'arn:aws:iam::222222222222:role/build'],
    });
  });
});
