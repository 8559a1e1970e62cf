import { strict as assert } from 'node:assert';
import { CoalescingCache } from '../../../src/aws/cache';
import { classifyError } from '../../../src/aws/errors';
import { backoffDelay, retryPolicy, withRetry } from '../../../src/aws/retry';

function sdkError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...extra });
}

describe('AWS error classification', () => {
  const cases: Array<[unknown, string, boolean]> = [
    [sdkError('Throttling', 'Rate exceeded', { $metadata: { httpStatusCode: 400 } }), 'throttled', true],
    [sdkError('TooManyRequestsException', 'slow down'), 'throttled', true],
    [
      sdkError('AccessDenied', 'User: x is not authorized to perform: iam:GetRole', {
        $metadata: { httpStatusCode: 403 },
      }),
      'access-denied',
      false,
    ],
    [
      sdkError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. '),
      'mfa-invalid',
      false,
    ],
    [
      sdkError('NoSuchEntity', 'The role with name x cannot be found.', { $metadata: { httpStatusCode: 404 } }),
      'not-found',
      false,
    ],
    [sdkError('ExpiredToken', 'The security token included in the request is expired'), 'expired', false],
    [
      sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
      'invalid-credentials',
      false,
    ],
    [sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), 'no-credentials', false],
    [sdkError('ServiceUnavailable', 'down', { $fault: 'server', $metadata: { httpStatusCode: 503 } }), 'server', true],
    [sdkError('UnknownError', 'x', { $metadata: { httpStatusCode: 502 } }), 'server', true],
    [sdkError('TimeoutError', 'socket hang up', { code: 'ECONNRESET' }), 'network', true],
    [sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED' }), 'network', true],
    [sdkError('AbortError', 'Request aborted'), 'timeout', true],
    [
      sdkError(
        'Error',
        'Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      ),
      'malformed',
      true,
    ],
    [
      sdkError('ValidationError', '1 validation error detected: Value at roleSessionName failed'),
      'invalid-input',
      false,
    ],
    ['a string', 'other', false],
  ];
  for (const [error, kind, retryable] of cases) {
    it(`${(error as Error).name ?? 'string'}: ${(error as Error).message ?? error} ⇒ ${kind}`, () => {
      const c = classifyError(error);
      assert.equal(c.kind, kind);
      assert.equal(c.retryable, retryable);
      assert.ok(!c.message.includes('\n'));
    });
  }
});

describe('retry with backoff', () => {
  it('full jitter within an exponentially growing cap', () => {
    const hi = retryPolicy({ baseBackoffMs: 100, maxBackoffMs: 1000, random: () => 0.999999 });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(hi, n)),
      [99, 199, 399, 799, 999, 999],
    );
    const lo = retryPolicy({ random: () => 0 });
    assert.equal(backoffDelay(lo, 3), 0);
  });

  it('retries retryable errors up to maxAttempts, sleeping between tries', async () => {
    const sleeps: number[] = [];
    let n = 0;
    const policy = retryPolicy({
      maxAttempts: 3,
      baseBackoffMs: 10,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    const outcome = await withRetry(policy, async () => {
      n++;
      throw sdkError('Throttling', 'Rate exceeded');
    });
    assert.equal(n, 3);
    assert.deepEqual(sleeps, [5, 10]);
    assert.ok(!outcome.ok && outcome.attempts === 3 && outcome.error.kind === 'throttled');
  });

  it('stops at once on a non-retryable error and returns success values', async () => {
    let n = 0;
    const denied = await withRetry(retryPolicy({ sleep: async () => undefined }), async () => {
      n++;
      throw sdkError('AccessDenied', 'no');
    });
    assert.equal(n, 1);
    assert.ok(!denied.ok && denied.error.kind === 'access-denied');
    let m = 0;
    const ok = await withRetry(retryPolicy({ sleep: async () => undefined }), async () => {
      if (++m < 2) throw sdkError('Throttling', 'x');
      return 42;
    });
    assert.deepEqual(ok, { ok: true, value: 42, attempts: 2 });
  });

  it('times out an attempt that never settles, and keeps to the overall deadline', async () => {
    const policy = retryPolicy({
      maxAttempts: 50,
      requestTimeoutMs: 40,
      deadlineMs: 200,
      baseBackoffMs: 5,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    const start = Date.now();
    let attempts = 0;
    const outcome = await withRetry(policy, () => {
      attempts++;
      return new Promise<never>(() => undefined);
    });
    const took = Date.now() - start;
    assert.ok(!outcome.ok && outcome.error.kind === 'timeout');
    assert.ok(took < 400, `took ${took} ms`);
    assert.ok(attempts >= 2 && attempts < 50, `attempts ${attempts}`);
  });

  it('passes an AbortSignal that fires at the attempt timeout', async () => {
    let aborted = false;
    await withRetry(
      retryPolicy({ maxAttempts: 1, requestTimeoutMs: 20 }),
      (_n, signal) =>
        new Promise<never>((_, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(sdkError('AbortError', 'aborted'));
          });
        }),
    );
    assert.ok(aborted);
  });
});

describe('coalescing TTL cache', () => {
  it('shares one in-flight load among concurrent callers', async () => {
    const cache = new CoalescingCache<number>(() => 0);
    let loads = 0;
    let release: (v: number) => void = () => undefined;
    const load = () => {
      loads++;
      return new Promise<number>((r) => (release = r));
    };
    const all = Promise.all(Array.from({ length: 100 }, () => cache.get('k', load, () => 1000)));
    release(7);
    assert.deepEqual(new Set(await all), new Set([7]));
    assert.equal(loads, 1);
  });

  it('expires by TTL, keeps nothing with TTL 0, and clear() forgets', async () => {
    let now = 0;
    const cache = new CoalescingCache<string>(() => now);
    let loads = 0;
    const load = async () => `v${++loads}`;
    assert.equal(await cache.get('a', load, () => 100), 'v1');
    now = 99;
    assert.equal(await cache.get('a', load, () => 100), 'v1');
    now = 100;
    assert.equal(await cache.get('a', load, () => 100), 'v2');
    assert.equal(await cache.get('b', load, () => 0), 'v3');
    assert.equal(await cache.get('b', load, () => 0), 'v4');
    cache.clear();
    assert.equal(cache.size, 0);
    assert.equal(await cache.get('a', load, () => 100), 'v5');
  });

  it('a load that settles after clear() does not resurrect a stale entry', async () => {
    const cache = new CoalescingCache<string>(() => 0);
    let release: (v: string) => void = () => undefined;
    const first = cache.get(
      'k',
      () => new Promise<string>((r) => (release = r)),
      () => 1000,
    );
    cache.clear();
    const second = cache.get(
      'k',
      async () => 'fresh',
      () => 1000,
    );
    release('stale');
    assert.equal(await first, 'stale');
    assert.equal(await second, 'fresh');
    assert.equal(
      await cache.get(
        'k',
        async () => 'again',
        () => 1000,
      ),
      'fresh',
    );
  });
});
