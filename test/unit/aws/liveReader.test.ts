// The live reader and the STS client against a small in-process stand-in (no moto needed): the
// bench's coalescing guarantee, error mapping, MFA device discovery.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLiveIamReader, createStsClient, fetchAuthorizationDetails, findMfaSerial } from '../../../src/aws';
import { decodePolicyDocument, parseRoleArn, parseUserArn } from '../../../src/aws/iamReader';
import { StsError } from '../../../src/core/ports';
import { startFakeAws } from './fakeAws';
import type { FakeAws } from './fakeAws';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
  }),
);

describe('live IAM reader (in-process stand-in)', function () {
  this.timeout(30_000);
  let fake: FakeAws;
  beforeEach(async () => {
    fake = await startFakeAws();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('1,000 files × 200 roles, all at once ⇒ exactly 200 GetRole calls', async () => {
    for (let i = 0; i < 200; i++) fake.roles.set(`role-${i}`, { trust: TRUST });
    const reader = await createLiveIamReader({ endpointUrl: fake.url, credentials: CREDENTIALS });
    try {
      const lookups: Array<Promise<unknown>> = [];
      for (let file = 0; file < 1000; file++)
        lookups.push(
          reader.getRole(`arn:aws:iam::123456789012:role/role-${(file * 7) % 200}`, { identityPolicies: false }),
        );
      // Every role also asked by a second wave while the first is in flight.
      for (let i = 0; i < 200; i++)
        lookups.push(reader.getRole(`arn:aws:iam::123456789012:role/role-${i}`, { identityPolicies: false }));
      const results = (await Promise.all(lookups)) as Array<{ status: string }>;
      assert.ok(results.every((r) => r.status === 'found'));
      assert.equal(fake.calls.GetRole, 200);
      assert.equal(reader.callCounts().GetRole, 200);
      assert.equal(fake.calls.GetCallerIdentity, 1);
    } finally {
      reader.dispose();
    }
  });

  it('maps ExpiredToken to unavailable with `aws sso login --profile`', async () => {
    fake.roles.set('jenkins', { trust: TRUST, max: 7200 });
    const reader = await createLiveIamReader({ endpointUrl: fake.url, credentials: CREDENTIALS, profile: 'sso-dev' });
    try {
      fake.errors.set('GetRole', [[403, 'ExpiredToken', 'The security token included in the request is expired']]);
      const got = await reader.getRole('arn:aws:iam::123456789012:role/jenkins');
      assert.equal(got.status, 'unavailable');
      if (got.status === 'unavailable') {
        assert.match(got.reason, /credentials of profile sso-dev have expired \(ExpiredToken\)/);
        assert.match(got.next, /aws sso login --profile sso-dev/);
      }
      assert.equal(fake.calls.GetRole, 1, 'expired credentials are not retried');
    } finally {
      reader.dispose();
    }
  });

  it('not-found lists the known names; a failing ListRoles still gives not-found', async () => {
    fake.roles.set('jenkins', { trust: TRUST });
    const reader = await createLiveIamReader({ endpointUrl: fake.url, credentials: CREDENTIALS });
    try {
      assert.deepEqual(await reader.getRole('arn:aws:iam::123456789012:role/jenkinz'), {
        status: 'not-found',
        knownNames: ['jenkins'],
      });
      reader.clearCache();
      fake.errors.set('ListRoles', [[403, 'AccessDenied', 'no ListRoles']]);
      assert.deepEqual(await reader.getRole('arn:aws:iam::123456789012:role/other'), {
        status: 'not-found',
        knownNames: [],
      });
    } finally {
      reader.dispose();
    }
  });

  it('snapshot: follows the Marker, decodes documents to JSON, keeps an unparsable one as IAM sent it, adds MaxSessionDuration', async () => {
    fake.roles.set('deploy-role', { trust: TRUST, max: 43200 });
    const details = await fetchAuthorizationDetails({ endpointUrl: fake.url, credentials: CREDENTIALS });
    assert.equal(fake.calls.GetAccountAuthorizationDetails, 2);
    const role = details.RoleDetailList[0] as Record<string, any>;
    assert.equal(role.RoleName, 'deploy-role');
    assert.equal(role.AssumeRolePolicyDocument.Statement[0].Principal.AWS, 'arn:aws:iam::111111111111:root');
    assert.equal(role.RolePolicyList[0].PolicyDocument.Statement[0].Action, '*');
    assert.equal(role.MaxSessionDuration, 43200);
    assert.equal(role.CreateDate, '2024-01-01T00:00:00.000Z');
    assert.equal((details.UserDetailList[0] as Record<string, any>).UserName, 'ken');
    const broken = (details.Policies[0] as Record<string, any>).PolicyVersionList[0].Document;
    assert.equal(typeof broken, 'string');
    assert.match(decodeURIComponent(broken), /"ec2:\*",\]/);
  });

  it('decodes documents and parses ARNs', () => {
    assert.equal(decodePolicyDocument('%7B%22a%22%3A1%7D'), '{"a":1}');
    assert.equal(decodePolicyDocument('{"a":"100%"}'), '{"a":"100%"}');
    assert.equal(decodePolicyDocument('%E0%A4%A'), '%E0%A4%A', 'bad escapes are kept for the parser to report');
    assert.deepEqual(parseRoleArn('arn:aws:iam::222222222222:role/service-role/jenkins'), {
      account: '222222222222',
      roleName: 'jenkins',
    });
    assert.deepEqual(parseRoleArn('arn:aws:sts::222222222222:assumed-role/jenkins/i-0abc'), {
      account: '222222222222',
      roleName: 'jenkins',
    });
    assert.equal(parseRoleArn('arn:aws:iam::2222:role/jenkins'), null);
    assert.deepEqual(parseUserArn('arn:aws-cn:iam::111111111111:user/ops/alice'), {
      account: '111111111111',
      userName: 'alice',
    });
  });
});

describe('STS client (in-process stand-in)', function () {
  this.timeout(30_000);
  let fake: FakeAws;
  beforeEach(async () => {
    fake = await startFakeAws();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('a wrong or reused MFA code ⇒ mfa-invalid, sent once', async () => {
    const sts = createStsClient({ endpointUrl: fake.url, credentials: CREDENTIALS, sleep: async () => undefined });
    try {
      fake.errors.set('AssumeRole', [
        [403, 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. '],
      ]);
      await assert.rejects(
        sts.assumeRole({
          roleArn: 'arn:aws:iam::123456789012:role/admin',
          roleSessionName: 's1',
          serialNumber: 'arn:aws:iam::123456789012:mfa/tester',
          tokenCode: '246810',
        }),
        (e: unknown) =>
          e instanceof StsError &&
          e.kind === 'mfa-invalid' &&
          /next code/.test(e.next) &&
          !e.message.includes('246810'),
      );
      assert.equal(fake.calls.AssumeRole, 1);
    } finally {
      sts.dispose();
    }
  });

  it('AccessDenied on AssumeRole points at the trust policy; ExpiredToken ⇒ expired; throttling retried', async () => {
    const sts = createStsClient({
      endpointUrl: fake.url,
      credentials: CREDENTIALS,
      profile: 'p',
      sleep: async () => undefined,
    });
    try {
      fake.errors.set('AssumeRole', [
        [
          403,
          'AccessDenied',
          'User: arn:aws:iam::123456789012:user/tester is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/admin',
        ],
      ]);
      await assert.rejects(
        sts.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/admin', roleSessionName: 's1' }),
        (e: unknown) =>
          e instanceof StsError &&
          e.kind === 'access-denied' &&
          /trust policy of arn:aws:iam::123456789012:role\/admin/.test(e.next),
      );
      fake.errors.set('GetSessionToken', [
        [403, 'ExpiredToken', 'The security token included in the request is expired'],
      ]);
      await assert.rejects(
        sts.getSessionToken({}),
        (e: unknown) => e instanceof StsError && e.kind === 'expired' && /aws sso login --profile p/.test(e.next),
      );
      fake.errors.set('AssumeRole', [
        [400, 'Throttling', 'Rate exceeded'],
        [400, 'Throttling', 'Rate exceeded'],
      ]);
      const before = fake.calls.AssumeRole;
      const creds = await sts.assumeRole({ roleArn: 'arn:aws:iam::123456789012:role/admin', roleSessionName: 's2' });
      assert.equal(creds.arn, 'arn:aws:sts::123456789012:assumed-role/admin/s2');
      assert.equal(fake.calls.AssumeRole - before, 3);
      assert.equal(creds.expiration.toISOString(), '2030-01-01T00:00:00.000Z');
    } finally {
      sts.dispose();
    }
  });

  it('finds the MFA serial in the profile config first, else from iam:ListMFADevices', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-mfa-'));
    try {
      const configFile = join(dir, 'config');
      writeFileSync(configFile, '[profile alice]\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n');
      assert.deepEqual(
        await findMfaSerial({ profile: 'alice', configFile, endpointUrl: fake.url, credentials: CREDENTIALS }),
        { serial: 'arn:aws:iam::111111111111:mfa/alice', source: 'config' },
      );
      assert.equal(fake.calls.ListMFADevices, undefined, 'no IAM call when the config names it');
      assert.deepEqual(
        await findMfaSerial({ profile: 'bob', configFile, endpointUrl: fake.url, credentials: CREDENTIALS }),
        { serial: 'arn:aws:iam::123456789012:mfa/tester', source: 'iam' },
      );
      fake.callerArn = 'arn:aws:sts::123456789012:assumed-role/jenkins-slave/i-0abc';
      assert.equal(
        await findMfaSerial({ profile: 'bob', configFile, endpointUrl: fake.url, credentials: CREDENTIALS }),
        null,
        'a role session has no MFA devices',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
