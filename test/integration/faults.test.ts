// Fault injection (issue 7): throttling, AccessDenied, 5xx, resets, stalls and malformed bodies between
// the SDK and moto. The reader must retry boundedly with backoff, map every failure to `unavailable`
// with a reason, never pass on failure, never leave an unhandled rejection, keep to a deadline, and
// see the fault clear once its short failure TTL has passed.
import assert from 'node:assert/strict';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { createLiveIamReader, createStsClient } from '../../src/aws';
import type { AwsClientOptions, LiveIamReader } from '../../src/aws';
import { mint } from '../../src/core/credentials/mint';
import { StsError } from '../../src/core/ports';
import { startFaultProxy } from './faultProxy';
import type { FaultProxy } from './faultProxy';
import { FAKE_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, REGION, freePort, startMoto } from './moto';
import type { Moto } from './moto';

const ROLE = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/jenkins`;
const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
};

describe('live IAM under injected faults', function () {
  this.timeout(60_000);
  let moto: Moto;
  let proxy: FaultProxy;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const readers: LiveIamReader[] = [];
  let sleeps: number[] = [];

  async function reader(extra: AwsClientOptions = {}): Promise<LiveIamReader> {
    const r = await createLiveIamReader({
      endpointUrl: proxy.url,
      region: REGION,
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 4,
      baseBackoffMs: 100,
      maxBackoffMs: 1000,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...extra,
    });
    readers.push(r);
    return r;
  }

  before(async () => {
    process.on('unhandledRejection', onRejection);
    moto = await startMoto();
    proxy = await startFaultProxy(moto.url);
    const iam = new IAMClient({ region: REGION, endpoint: moto.url, credentials: FAKE_CREDENTIALS });
    await iam.send(new CreateRoleCommand({ RoleName: 'jenkins', AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
    iam.destroy();
  });
  after(async () => {
    process.off('unhandledRejection', onRejection);
    await proxy?.close();
    await moto?.stop();
  });
  beforeEach(() => {
    proxy.clear();
    sleeps = [];
  });
  afterEach(async () => {
    for (const r of readers.splice(0)) r.dispose();
    // Let any stray rejection surface before checking.
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(rejections, [], 'no unhandled rejection');
  });

  it('retries throttling with exponential backoff and succeeds when it clears', async () => {
    const r = await reader();
    proxy.setRules([{ action: 'GetRole', times: 3, fault: { kind: 'throttle' } }]);
    const got = await r.getRole(ROLE, { identityPolicies: false });
    assert.equal(got.status, 'found');
    assert.equal(proxy.seen.GetRole, 4);
    assert.equal(r.callCounts().GetRole, 4);
    // Full jitter with random()=0.5: half of 100, 200, 400 ms.
    assert.deepEqual(sleeps, [50, 100, 200]);
  });

  it('throttled past the retries ⇒ unavailable with the reason, after exactly maxAttempts', async () => {
    const r = await reader();
    proxy.setRules([{ action: 'GetRole', fault: { kind: 'throttle' } }]);
    const got = await r.getRole(ROLE, { identityPolicies: false });
    assert.equal(got.status, 'unavailable');
    if (got.status === 'unavailable') {
      assert.match(got.reason, /throttled by IAM after 4 attempts \(Throttling: Rate exceeded\)/);
      assert.match(got.next, /snapshot/);
    }
    assert.equal(proxy.seen.GetRole, 4);
    assert.equal(sleeps.length, 3);
  });

  it('AccessDenied is not retried and names the action and the principal', async () => {
    const r = await reader();
    proxy.setRules([{ action: 'GetRole', fault: { kind: 'access-denied' } }]);
    const got = await r.getRole(ROLE, { identityPolicies: false });
    assert.equal(got.status, 'unavailable');
    if (got.status === 'unavailable') {
      assert.match(
        got.reason,
        /AccessDenied: arn:aws:sts::123456789012:user\/moto may not call iam:GetRole on arn:aws:iam::123456789012:role\/jenkins/,
      );
      assert.match(got.next, /IAMReadOnlyAccess/);
    }
    assert.equal(proxy.seen.GetRole, 1);
  });

  it('5xx and connection resets are retried; past the budget they are unavailable', async () => {
    const r = await reader();
    proxy.setRules([
      { action: 'GetRole', times: 1, fault: { kind: 'server-error', status: 503 } },
      { action: 'GetRole', times: 1, fault: { kind: 'reset' } },
    ]);
    assert.equal((await r.getRole(ROLE, { identityPolicies: false })).status, 'found');
    assert.equal(proxy.seen.GetRole, 3);

    proxy.clear();
    const r2 = await reader();
    proxy.setRules([{ action: 'GetRole', fault: { kind: 'reset' } }]);
    const got = await r2.getRole(ROLE, { identityPolicies: false });
    assert.equal(got.status, 'unavailable');
    if (got.status === 'unavailable')
      assert.match(
        got.reason,
        /cannot reach IAM at http:\/\/127\.0\.0\.1:\d+ \((ECONNRESET|EPIPE|NetworkError)\) after 4 attempts/,
      );
    assert.equal(proxy.seen.GetRole, 4);
  });

  it('a malformed body ⇒ unavailable (malformed response), bounded', async () => {
    const r = await reader();
    proxy.setRules([{ action: 'GetRole', fault: { kind: 'malformed' } }]);
    const got = await r.getRole(ROLE, { identityPolicies: false });
    assert.equal(got.status, 'unavailable');
    if (got.status === 'unavailable') assert.match(got.reason, /could not be read \(malformed response\)/);
    assert.ok(proxy.seen.GetRole >= 1 && proxy.seen.GetRole <= 4);
  });

  it('a stalled server: the lookup returns within its deadline', async () => {
    const r = await createLiveIamReader({
      endpointUrl: proxy.url,
      region: REGION,
      credentials: FAKE_CREDENTIALS,
      requestTimeoutMs: 300,
      deadlineMs: 1000,
      maxAttempts: 10,
      baseBackoffMs: 50,
    });
    readers.push(r);
    proxy.setRules([{ action: 'GetRole', fault: { kind: 'stall', ms: 20_000 } }]);
    const start = Date.now();
    const got = await r.getRole(ROLE, { identityPolicies: false });
    const took = Date.now() - start;
    assert.equal(got.status, 'unavailable');
    if (got.status === 'unavailable') assert.match(got.reason, /did not answer in time/);
    assert.ok(took < 1600, `took ${took} ms`);
    assert.ok(proxy.seen.GetRole >= 2 && proxy.seen.GetRole <= 4, `attempts ${proxy.seen.GetRole}`);
  });

  it('connection refused (nothing listening) ⇒ unavailable from the start, never a throw', async () => {
    const port = await freePort();
    const r = await createLiveIamReader({
      endpointUrl: `http://127.0.0.1:${port}`,
      region: REGION,
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 2,
      sleep: async () => undefined,
    });
    readers.push(r);
    assert.equal(r.defaultAccount(), null);
    const got = await r.getRole(ROLE);
    assert.equal(got.status, 'unavailable');
    if (got.status === 'unavailable')
      assert.match(got.reason, /cannot reach STS at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    assert.equal((await r.listRoles(MOTO_DEFAULT_ACCOUNT)).status, 'unavailable');
    assert.equal((await r.getUser(`arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:user/alice`)).status, 'unavailable');
  });

  it('concurrent lookups during a fault share one failing call; the failure is forgotten after its TTL', async () => {
    let now = 5_000_000;
    const r = await reader({ failureTtlMs: 10_000, now: () => now });
    proxy.setRules([{ action: 'GetRole', fault: { kind: 'throttle' } }]);
    const results = await Promise.all(Array.from({ length: 20 }, () => r.getRole(ROLE, { identityPolicies: false })));
    assert.ok(
      results.every((x) => x.status === 'unavailable'),
      'never a pass on failure',
    );
    assert.equal(proxy.seen.GetRole, 4, 'one logical call, 4 attempts, for 20 callers');
    proxy.setRules([]);
    assert.equal(
      (await r.getRole(ROLE, { identityPolicies: false })).status,
      'unavailable',
      'still within the failure TTL',
    );
    now += 10_001;
    assert.equal(
      (await r.getRole(ROLE, { identityPolicies: false })).status,
      'found',
      'recovered once the fault cleared',
    );
  });

  it('STS: AssumeRole retries throttling but never resends a single-use MFA code after a reset', async () => {
    const sts = createStsClient({
      endpointUrl: proxy.url,
      region: REGION,
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 3,
      sleep: async () => undefined,
    });
    try {
      proxy.setRules([{ action: 'AssumeRole', times: 2, fault: { kind: 'throttle' } }]);
      const ok = await mint({ roleArn: ROLE, roleSessionName: 'faulty', durationSeconds: 900 }, { sts });
      assert.match(ok.credentials.arn ?? '', /assumed-role\/jenkins\/faulty$/);
      assert.equal(proxy.seen.AssumeRole, 3);

      proxy.clear();
      proxy.setRules([{ action: 'AssumeRole', fault: { kind: 'reset' } }]);
      await assert.rejects(
        mint(
          {
            roleArn: ROLE,
            roleSessionName: 'faulty',
            mfaSerial: `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:mfa/alice`,
            tokenCode: '123456',
          },
          { sts },
        ),
        (e: unknown) => e instanceof StsError && e.kind === 'network' && /cannot reach STS/.test(e.message),
      );
      assert.equal(proxy.seen.AssumeRole, 1, 'the MFA code was sent once');

      proxy.clear();
      proxy.setRules([{ action: 'AssumeRole', fault: { kind: 'access-denied' } }]);
      await assert.rejects(
        mint(
          { roleArn: ROLE, roleSessionName: 'faulty' },
          { sts, explainDenial: async () => 'trust statement 0 (FromHub) allows only arn:aws:iam::111111111111:root' },
        ),
        (e: unknown) => e instanceof StsError && e.kind === 'access-denied' && /FromHub/.test(e.next),
      );
    } finally {
      sts.dispose();
    }
  });
});
