// The live IamReader against moto: decoding, per-account clients, coalescing, cache TTL, not-found.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient } from '@aws-sdk/client-iam';
import { createLiveIamReader } from '../../src/aws';
import type { AwsRequestEvent, LiveIamReader } from '../../src/aws';
import { credentialsFor, iamIn, writeProfiles } from './accounts';
import { FAKE_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, REGION, startMoto } from './moto';
import type { Moto } from './moto';

const TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'FromHub',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'example-external-id' } },
    },
  ],
};
const JENKINS = 'arn:aws:iam::222222222222:role/jenkins';

describe('live IAM reader against moto', function () {
  this.timeout(60_000);
  let moto: Moto;
  let iam222: IAMClient;
  const readers: LiveIamReader[] = [];

  async function reader(extra: Parameters<typeof createLiveIamReader>[0] = {}): Promise<LiveIamReader> {
    const r = await createLiveIamReader({
      endpointUrl: moto.url,
      region: REGION,
      credentials: FAKE_CREDENTIALS,
      accountCredentials: { '222222222222': await credentialsFor(moto.url, '222222222222') },
      ...extra,
    });
    readers.push(r);
    return r;
  }

  before(async () => {
    moto = await startMoto();
  });
  after(async () => {
    await moto?.stop();
  });
  beforeEach(async () => {
    await moto.reset();
    iam222 = await iamIn(moto.url, '222222222222');
    await iam222.send(
      new CreateRoleCommand({
        RoleName: 'jenkins',
        AssumeRolePolicyDocument: JSON.stringify(TRUST),
        MaxSessionDuration: 7200,
      }),
    );
    await iam222.send(
      new PutRolePolicyCommand({
        RoleName: 'jenkins',
        PolicyName: 'ec2',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
        }),
      }),
    );
    const managed = await iam222.send(
      new CreatePolicyCommand({
        PolicyName: 'assume-deploy',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::333333333333:role/deploy-role' },
          ],
        }),
      }),
    );
    await iam222.send(new AttachRolePolicyCommand({ RoleName: 'jenkins', PolicyArn: managed.Policy?.Arn }));
  });
  afterEach(() => {
    for (const r of readers.splice(0)) r.dispose();
    iam222.destroy();
  });

  it('learns the default account and covers it plus the mapped accounts', async () => {
    const r = await reader();
    assert.equal(r.defaultAccount(), MOTO_DEFAULT_ACCOUNT);
    assert.ok(r.coversAccount(MOTO_DEFAULT_ACCOUNT));
    assert.ok(r.coversAccount('222222222222'));
    assert.equal(r.coversAccount('999999999999'), false);
    assert.deepEqual(r.accounts(), [MOTO_DEFAULT_ACCOUNT, '222222222222']);
  });

  it('GetRole: URL-decoded trust policy, MaxSessionDuration, inline + attached policies', async () => {
    const r = await reader();
    const got = await r.getRole(JENKINS);
    assert.equal(got.status, 'found');
    if (got.status !== 'found') return;
    assert.deepEqual(JSON.parse(got.value.trustPolicy.text), TRUST);
    assert.equal(got.value.arn, JENKINS);
    assert.equal(got.value.accountId, '222222222222');
    assert.equal(got.value.maxSessionDuration, 7200);
    assert.equal(got.value.origin.kind, 'live');
    const names = got.value.identityPolicies.map((p) => p.name).sort();
    assert.deepEqual(names, ['arn:aws:iam::222222222222:policy/assume-deploy', 'ec2']);
    const managed = got.value.identityPolicies.find((p) => p.name.endsWith('assume-deploy'));
    assert.equal(JSON.parse(managed?.text ?? '{}').Statement[0].Resource, 'arn:aws:iam::333333333333:role/deploy-role');
  });

  it('skips the role policy calls when only the trust is needed', async () => {
    const r = await reader();
    const got = await r.getRole(JENKINS, { identityPolicies: false });
    assert.equal(got.status, 'found');
    const counts = r.callCounts();
    assert.equal(counts.GetRole, 1);
    assert.equal(counts.ListRolePolicies, undefined);
    assert.equal(counts.ListAttachedRolePolicies, undefined);
  });

  it('coalesces concurrent lookups of one role into one GetRole (counted by SDK middleware)', async () => {
    const events: AwsRequestEvent[] = [];
    const r = await reader({ onRequest: (e) => events.push(e) });
    const results = await Promise.all(Array.from({ length: 50 }, () => r.getRole(JENKINS)));
    assert.ok(results.every((x) => x.status === 'found'));
    assert.equal(events.filter((e) => e.operation === 'GetRole').length, 1);
    assert.equal(r.callCounts().GetRole, 1);
    assert.equal(r.callCounts().ListRolePolicies, 1);
    // Once for the default credentials, once to check the 222222222222 credentials really are that account's.
    assert.equal(r.callCounts().GetCallerIdentity, 2);
    // The assumed-role form of the same role shares the cache entry.
    await r.getRole('arn:aws:sts::222222222222:assumed-role/jenkins/session-1');
    assert.equal(r.callCounts().GetRole, 1);
  });

  it('keeps a lookup for the TTL, then reads again', async () => {
    let now = 1_000_000;
    const r = await reader({ cacheTtlMs: 60_000, now: () => now });
    await r.getRole(JENKINS, { identityPolicies: false });
    now += 59_000;
    await r.getRole(JENKINS, { identityPolicies: false });
    assert.equal(r.callCounts().GetRole, 1);
    now += 2_000;
    await r.getRole(JENKINS, { identityPolicies: false });
    assert.equal(r.callCounts().GetRole, 2);
    r.clearCache();
    await r.getRole(JENKINS, { identityPolicies: false });
    assert.equal(r.callCounts().GetRole, 3);
  });

  it('NoSuchEntity ⇒ not-found with the names that do exist (ListRoles, paginated)', async () => {
    // More than one ListRoles page (moto pages at 100).
    for (let i = 0; i < 102; i++) {
      await iam222.send(
        new CreateRoleCommand({
          RoleName: `filler-${String(i).padStart(3, '0')}`,
          AssumeRolePolicyDocument: JSON.stringify(TRUST),
        }),
      );
    }
    const r = await reader();
    const got = await r.getRole('arn:aws:iam::222222222222:role/jenkins-typo');
    assert.equal(got.status, 'not-found');
    if (got.status !== 'not-found') return;
    assert.ok(got.knownNames.includes('jenkins'));
    assert.ok(got.knownNames.includes('filler-101'));
    assert.equal(got.knownNames.length, 103);
    assert.ok((r.callCounts().ListRoles ?? 0) >= 2, 'followed the Marker');
    const listed = await r.listRoles('222222222222');
    assert.equal(listed.status, 'found');
    if (listed.status === 'found') {
      const jenkins = listed.value.find((x) => x.roleName === 'jenkins');
      assert.deepEqual(JSON.parse(jenkins?.trustPolicy.text ?? '{}'), TRUST);
    }
  });

  it('an account with no credentials ⇒ unavailable naming the account and how to map it', async () => {
    const r = await reader();
    const got = await r.getRole('arn:aws:iam::444444444444:role/jenkins-ecr-push-role');
    assert.equal(got.status, 'unavailable');
    if (got.status !== 'unavailable') return;
    assert.match(got.reason, /444444444444/);
    assert.match(got.next, /--account-profile 444444444444=PROFILE/);
  });

  it('GetUser: inline, group and managed policies and MFA devices', async () => {
    await iam222.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam222.send(
      new PutUserPolicyCommand({
        UserName: 'alice',
        PolicyName: 'assume-any',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
        }),
      }),
    );
    await iam222.send(new CreateGroupCommand({ GroupName: 'devs' }));
    await iam222.send(
      new PutGroupPolicyCommand({
        GroupName: 'devs',
        PolicyName: 'read',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        }),
      }),
    );
    await iam222.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'alice' }));
    const device = await iam222.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice' }));
    await iam222.send(
      new EnableMFADeviceCommand({
        UserName: 'alice',
        SerialNumber: device.VirtualMFADevice?.SerialNumber,
        AuthenticationCode1: '123456',
        AuthenticationCode2: '654321',
      }),
    );
    const r = await reader();
    const got = await r.getUser('arn:aws:iam::222222222222:user/alice');
    assert.equal(got.status, 'found');
    if (got.status !== 'found') return;
    assert.deepEqual(got.value.identityPolicies.map((p) => p.name).sort(), ['assume-any', 'devs/read']);
    assert.deepEqual(got.value.mfaDevices, [device.VirtualMFADevice?.SerialNumber]);
    assert.equal((await r.getUser('arn:aws:iam::222222222222:user/nobody')).status, 'not-found');
  });

  it('reads mapped accounts through named profiles, and refuses a profile of the wrong account', async () => {
    const profiles = writeProfiles({
      hub222: await credentialsFor(moto.url, '222222222222'),
      wrong: await credentialsFor(moto.url, '333333333333'),
    });
    const saved = { c: process.env.AWS_SHARED_CREDENTIALS_FILE, f: process.env.AWS_CONFIG_FILE };
    process.env.AWS_SHARED_CREDENTIALS_FILE = profiles.credentialsFile;
    process.env.AWS_CONFIG_FILE = profiles.configFile;
    try {
      const r = await createLiveIamReader({
        endpointUrl: moto.url,
        region: REGION,
        credentials: FAKE_CREDENTIALS,
        accountProfiles: { '222222222222': 'hub222', '444444444444': 'wrong' },
      });
      readers.push(r);
      const got = await r.getRole(JENKINS);
      assert.equal(got.status, 'found');
      const wrong = await r.getRole('arn:aws:iam::444444444444:role/jenkins-ecr-push-role');
      assert.equal(wrong.status, 'unavailable');
      if (wrong.status === 'unavailable') {
        assert.match(wrong.reason, /profile wrong mapped to account 444444444444 belongs to account 333333333333/);
      }
      assert.equal(r.callCounts().GetRole, 1, "no GetRole was sent with the wrong account's credentials");
    } finally {
      if (saved.c === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
      else process.env.AWS_SHARED_CREDENTIALS_FILE = saved.c;
      if (saved.f === undefined) delete process.env.AWS_CONFIG_FILE;
      else process.env.AWS_CONFIG_FILE = saved.f;
      rmSync(profiles.dir, { recursive: true, force: true });
    }
  });

  it('GetInstanceProfile: the role an EC2 agent runs as (by name, path ignored), not-found for an unknown profile', async () => {
    await iam222.send(new CreateInstanceProfileCommand({ InstanceProfileName: 'jenkins-agent', Path: '/ci/' }));
    await iam222.send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'jenkins-agent', RoleName: 'jenkins' }),
    );
    const r = await reader();
    const got = await r.getInstanceProfile('arn:aws:iam::222222222222:instance-profile/jenkins-agent');
    assert.equal(got.status, 'found');
    if (got.status === 'found') {
      assert.deepEqual(got.value.roleArns, [JENKINS]);
      assert.equal(got.value.path, '/ci/');
      assert.equal(got.value.accountId, '222222222222');
    }
    assert.equal(
      (await r.getInstanceProfile('arn:aws:iam::222222222222:instance-profile/ci/jenkins-agent')).status,
      'found',
    );
    assert.equal(r.callCounts().GetInstanceProfile, 1, 'the second lookup came from the cache');
    assert.equal((await r.getInstanceProfile('arn:aws:iam::222222222222:instance-profile/none')).status, 'not-found');
    assert.equal((await r.getInstanceProfile('arn:aws:iam::999999999999:instance-profile/x')).status, 'unavailable');
  });

  it('missing default credentials ⇒ every lookup unavailable with a next step, never a throw', async () => {
    const r = await createLiveIamReader({
      endpointUrl: moto.url,
      region: REGION,
      profile: 'no-such-profile-rolecall',
      maxAttempts: 1,
    });
    readers.push(r);
    assert.equal(r.defaultAccount(), null);
    assert.ok(r.coversAccount('222222222222'), 'claims unknown accounts so the real reason is reported');
    const got = await r.getRole(JENKINS);
    assert.equal(got.status, 'unavailable');
    if (got.status === 'unavailable') {
      assert.match(got.reason, /no-such-profile-rolecall/);
      assert.match(got.next, /aws (configure|sso login) --profile no-such-profile-rolecall/);
    }
  });
});
