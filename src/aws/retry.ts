// Bounded retries with exponential backoff and full jitter (the AWS architecture-blog scheme), a
// per-attempt timeout and an overall deadline. Never throws: the outcome says what happened.
import { classifyError } from './errors';
import type { ClassifiedError } from './errors';

export interface RetryPolicy {
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  requestTimeoutMs: number;
  deadlineMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
}

export type RetryOutcome<T> =
  | { ok: true; value: T; attempts: number }
  | {
      ok: false;
      error: ClassifiedError;
      attempts: number;
      /** True when attempts stopped because of the deadline. */ deadlineHit: boolean;
    };

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Fills in defaults for the retry policy from user options. */
export function retryPolicy(options: {
  maxAttempts?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  requestTimeoutMs?: number;
  deadlineMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}): RetryPolicy {
  return {
    maxAttempts: Math.max(1, Math.floor(options.maxAttempts ?? 4)),
    baseBackoffMs: Math.max(0, options.baseBackoffMs ?? 200),
    maxBackoffMs: Math.max(0, options.maxBackoffMs ?? 5000),
    requestTimeoutMs: Math.max(1, options.requestTimeoutMs ?? 10_000),
    deadlineMs: Math.max(1, options.deadlineMs ?? 30_000),
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
  };
}

/** The wait before retry number `retry` (1-based): uniform in [0, min(max, base·2^(retry-1))]. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const cap = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** (retry - 1));
  return Math.floor(policy.random() * cap);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, runs out of attempts, or the
 * deadline passes. Each attempt gets an AbortSignal that fires after `requestTimeoutMs` (or at the
 * deadline, whichever is sooner): pass it to the SDK's `send(command, { abortSignal })`.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: (n: number, signal: AbortSignal) => Promise<T>,
): Promise<RetryOutcome<T>> {
  const start = policy.now();
  let last: ClassifiedError | undefined;
  for (let n = 1; n <= policy.maxAttempts; n++) {
    const remaining = policy.deadlineMs - (policy.now() - start);
    if (remaining <= 0)
      return { ok: false, error: last ?? timeoutError(policy.deadlineMs), attempts: n - 1, deadlineHit: true };
    const controller = new AbortController();
    const timeoutMs = Math.min(policy.requestTimeoutMs, remaining);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      // Race the abort too: a handler that ignores the signal must not hold the caller past the timeout.
      const value = await Promise.race([
        attempt(n, controller.signal),
        new Promise<never>((_, reject) =>
          controller.signal.addEventListener('abort', () => reject(timeoutError(timeoutMs)), { once: true }),
        ),
      ]);
      return { ok: true, value, attempts: n };
    } catch (error) {
      last = timedOut ? timeoutError(timeoutMs) : classifyError(error);
      if (!last.retryable || n === policy.maxAttempts)
        return { ok: false, error: last, attempts: n, deadlineHit: false };
      const wait = backoffDelay(policy, n);
      if (policy.now() - start + wait >= policy.deadlineMs)
        return { ok: false, error: last, attempts: n, deadlineHit: true };
      await policy.sleep(wait);
    } finally {
      clearTimeout(timer);
    }
  }
  // Unreachable: the loop returns on its last attempt.
  return {
    ok: false,
    error: last ?? timeoutError(policy.deadlineMs),
    attempts: policy.maxAttempts,
    deadlineHit: false,
  };
}

function timeoutError(ms: number): ClassifiedError {
  return { kind: 'timeout', code: 'Timeout', message: `no answer within ${ms} ms`, retryable: true };
}
