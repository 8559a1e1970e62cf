import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompositeIamReader } from '../../../../src/core/iam/composite';
import { parsePolicy } from '../../../../src/core/iam/policy';
import { parseSnapshot, rangeInFile, SnapshotIamReader, type ParsedSnapshot } from '../../../../src/core/iam/snapshot';
import type { IamReader, Lookup, RoleRecord } from '../../../../src/core/ports';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

function snapshotText(): string {
  const jenkinsTrust = encodeURIComponent(JSON.stringify(JSON.parse(fixture('seed000-jenkins-trust.json'))));
  const brokenPolicy = encodeURIComponent(fixture('seed000-jenkins-policy.json'));
  return JSON.stringify(
    {
      UserDetailList: [
        {
          UserName: 'bob',
          UserId: 'AIDABOB0000000000001',
          Arn: 'arn:aws:iam::111111111111:user/bob',
          GroupList: ['jenkins-users'],
          UserPolicyList: [
            {
              PolicyName: 'own',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }],
              },
            },
          ],
          AttachedManagedPolicies: [
            { PolicyName: 'assume-only', PolicyArn: 'arn:aws:iam::111111111111:policy/assume-only' },
          ],
          Tags: [{ Key: 'team', Value: 'red' }],
        },
      ],
      GroupDetailList: [
        {
          GroupName: 'jenkins-users',
          GroupPolicyList: [
            { PolicyName: 'group-inline', PolicyDocument: JSON.parse(fixture('seed001-user-policy.json')) },
          ],
          AttachedManagedPolicies: [],
        },
      ],
      RoleDetailList: [
        {
          Path: '/',
          RoleName: 'jenkins-slave',
          RoleId: 'AROASLAVE00000000001',
          Arn: 'arn:aws:iam::111111111111:role/jenkins-slave',
          AssumeRolePolicyDocument: JSON.parse(fixture('seed000-jenkins-slave-trust.json')),
          RolePolicyList: [],
          AttachedManagedPolicies: [
            { PolicyName: 'jenkins-slave', PolicyArn: 'arn:aws:iam::111111111111:policy/jenkins-slave' },
          ],
        },
        {
          Path: '/',
          RoleName: 'jenkins',
          Arn: 'arn:aws:iam::222222222222:role/jenkins',
          AssumeRolePolicyDocument: jenkinsTrust,
          MaxSessionDuration: 7200,
          AttachedManagedPolicies: [{ PolicyName: 'jenkins', PolicyArn: 'arn:aws:iam::222222222222:policy/jenkins' }],
          Tags: [{ Key: 'owner', Value: 'ops' }],
        },
      ],
      Policies: [
        {
          PolicyName: 'jenkins-slave',
          Arn: 'arn:aws:iam::111111111111:policy/jenkins-slave',
          DefaultVersionId: 'v2',
          PolicyVersionList: [
            {
              VersionId: 'v1',
              IsDefaultVersion: false,
              Document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
            },
            {
              VersionId: 'v2',
              IsDefaultVersion: true,
              Document: JSON.parse(fixture('seed000-jenkins-slave-policy.json')),
            },
          ],
        },
        {
          PolicyName: 'assume-only',
          Arn: 'arn:aws:iam::111111111111:policy/assume-only',
          DefaultVersionId: 'v1',
          PolicyVersionList: [
            { VersionId: 'v1', IsDefaultVersion: true, Document: JSON.parse(fixture('seed001-user-policy.json')) },
          ],
        },
        {
          PolicyName: 'jenkins',
          Arn: 'arn:aws:iam::222222222222:policy/jenkins',
          DefaultVersionId: 'v1',
          PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: brokenPolicy }],
        },
      ],
    },
    null,
    2,
  );
}

function parsed(text = snapshotText(), file = 'iam/acct.json'): ParsedSnapshot {
  const r = parseSnapshot(file, text);
  if (!r.snapshot) throw new Error(r.error);
  return r.snapshot;
}

describe('iam/snapshot', () => {
  it('reads roles, users, groups and managed policies (default version), with accounts covered', () => {
    const s = parsed();
    assert.deepEqual(s.accounts.sort(), ['111111111111', '222222222222']);
    const slave = s.roles.find((r) => r.roleName === 'jenkins-slave')!;
    assert.equal(slave.maxSessionDuration, 3600, 'defaults to 3600');
    assert.equal(slave.roleId, 'AROASLAVE00000000001');
    assert.equal(slave.identityPolicies.length, 1);
    assert.match(
      slave.identityPolicies[0].text,
      /arn:aws:iam::222222222222:role\/jenkins/,
      'the default version, not v1',
    );
    const jenkins = s.roles.find((r) => r.roleName === 'jenkins')!;
    assert.equal(jenkins.maxSessionDuration, 7200);
    assert.deepEqual(jenkins.tags, { owner: 'ops' });
    assert.match(jenkins.trustPolicy.text, /^\{"Version"/, 'URL-encoded trust policy is decoded');
    const bob = s.users[0];
    assert.equal(bob.userName, 'bob');
    assert.deepEqual(
      bob.identityPolicies.map((p) => p.name),
      ['own', 'arn:aws:iam::111111111111:policy/assume-only', 'group-inline'],
    );
    assert.deepEqual(bob.tags, { team: 'red' });
    assert.deepEqual(s.problems, []);
  });

  it('records where each document is in the file, through URL-encoding', () => {
    const text = snapshotText();
    const s = parsed(text);
    const slave = s.roles.find((r) => r.roleName === 'jenkins-slave')!;
    const r = slave.trustPolicy.origin.range!;
    assert.equal(text.slice(r.start, r.start + 1), '{');
    assert.deepEqual(JSON.parse(text.slice(r.start, r.end)), JSON.parse(fixture('seed000-jenkins-slave-trust.json')));
    // A statement range maps into the file.
    const p = parsePolicy(slave.trustPolicy.text, 'trust');
    const st = rangeInFile(slave.trustPolicy, p.policy!.statements[0].range)!;
    assert.match(text.slice(st.start, st.end), /^\{\s*"Sid": "",[\s\S]*"sts:AssumeRole"\s*\}$/);
    // The broken managed policy is URL-encoded: its trailing comma maps to the %2C in the file.
    const broken = s.documents.find((d) => d.owner === 'arn:aws:iam::222222222222:policy/jenkins')!;
    const e = parsePolicy(broken.source.text, 'identity').errors[0];
    assert.match(e.message, /trailing comma/);
    const at = rangeInFile(broken.source, { start: e.offset, end: e.offset + e.length })!;
    assert.equal(text.slice(at.start, at.end), '%2C');
  });

  it('reports a snapshot that is not JSON, with its position', () => {
    const r = parseSnapshot('bad.json', '{"RoleDetailList": [}');
    assert.equal(r.snapshot, null);
    assert.match(r.error ?? '', /^bad\.json:1:21: not a JSON IAM snapshot/);
    assert.match(parseSnapshot('x.json', '{"foo": 1}').error ?? '', /not an IAM snapshot/);
    assert.match(parseSnapshot('x.json', '').error ?? '', /not a JSON IAM snapshot/);
  });

  it('honours an AccountId field and skips malformed entries with a problem each', () => {
    const s = parsed(
      JSON.stringify({
        AccountId: '555555555555',
        RoleDetailList: [
          { RoleName: 'x', Arn: 'nope' },
          { RoleName: 'y', Arn: 'arn:aws:iam::555555555555:role/y', MaxSessionDuration: 'long' },
        ],
        UserDetailList: [],
      }),
    );
    assert.deepEqual(s.accounts, ['555555555555']);
    assert.equal(s.roles.length, 1);
    assert.equal(s.roles[0].maxSessionDuration, 3600);
    assert.equal(s.problems.length, 2);
  });

  it('SnapshotIamReader finds roles and users, and says not-found / unavailable', async () => {
    const reader = new SnapshotIamReader([parsed()]);
    assert.equal(reader.coversAccount('111111111111'), true);
    assert.equal(reader.coversAccount('333333333333'), false);
    assert.deepEqual(reader.accounts(), ['111111111111', '222222222222']);
    const found = await reader.getRole('arn:aws:iam::222222222222:role/jenkins');
    assert.equal(found.status, 'found');
    const viaSession = await reader.getRole('arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-1');
    assert.equal(viaSession.status, 'found');
    const missing = await reader.getRole('arn:aws:iam::222222222222:role/jenkns');
    assert.deepEqual(missing, { status: 'not-found', knownNames: ['jenkins'] });
    const uncovered = await reader.getRole('arn:aws:iam::333333333333:role/deploy-role');
    assert.equal(uncovered.status, 'unavailable');
    assert.match(
      uncovered.status === 'unavailable' ? uncovered.next : '',
      /--iam-snapshot.*--account-profile 333333333333=PROFILE/,
    );
    assert.equal((await reader.getUser('arn:aws:iam::111111111111:user/bob')).status, 'found');
    assert.equal((await reader.getUser('arn:aws:iam::111111111111:user/eve')).status, 'not-found');
    const roles = await reader.listRoles('111111111111');
    assert.equal(roles.status === 'found' ? roles.value.length : -1, 1);
  });

  it('CompositeIamReader asks the first reader covering the account, and reports uncovered accounts', async () => {
    const snapshots = new SnapshotIamReader([parsed()]);
    const calls: string[] = [];
    const live: IamReader = {
      coversAccount: (a) => a === '333333333333' || a === '222222222222',
      accounts: () => ['222222222222', '333333333333'],
      getRole: async (arn): Promise<Lookup<RoleRecord>> => {
        calls.push(arn);
        return { status: 'unavailable', reason: 'AccessDenied: not authorized', next: 'grant iam:GetRole' };
      },
      getUser: async () => ({ status: 'not-found', knownNames: [] }),
      listRoles: async () => ({ status: 'found', value: [] }),
    };
    const composite = new CompositeIamReader([snapshots, live]);
    assert.deepEqual(composite.accounts(), ['111111111111', '222222222222', '333333333333']);
    assert.equal(
      (await composite.getRole('arn:aws:iam::222222222222:role/jenkins')).status,
      'found',
      'the snapshot comes first',
    );
    const l = await composite.getRole('arn:aws:iam::333333333333:role/deploy-role');
    assert.equal(l.status, 'unavailable');
    assert.deepEqual(calls, ['arn:aws:iam::333333333333:role/deploy-role']);
    const none = await composite.getRole('arn:aws:iam::444444444444:role/x');
    assert.equal(none.status, 'unavailable');
    assert.match(
      none.status === 'unavailable' ? `${none.reason} ${none.next}` : '',
      /no IAM data for account 444444444444.*--account-profile 444444444444=PROFILE/,
    );
    assert.equal(composite.coversAccount('444444444444'), false);
  });

  it('reads the example workspace snapshots', () => {
    for (const account of ['111111111111', '222222222222', '333333333333', '444444444444']) {
      const file = join(__dirname, '..', '..', '..', '..', 'examples', 'iam', `${account}.json`);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // The examples are the lead's; tolerate their absence in a partial checkout.
      }
      const s = parsed(text, file);
      assert.ok(s.accounts.includes(account), account);
      assert.ok(s.roles.length > 0, account);
    }
  });
});
