// Timing helpers: warm up, then sample; report medians and percentiles, never a single run.

/** Sorted copy of the samples. */
function sorted(samples) {
  return [...samples].sort((a, b) => a - b);
}

/** The q-quantile (0..1) of the samples, nearest-rank. */
export function quantile(samples, q) {
  if (samples.length === 0) return NaN;
  const s = sorted(samples);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const median = (samples) => quantile(samples, 0.5);

/**
 * Runs fn `warmup` times, then samples it until `runs` samples or `budgetMs` elapse (at least `minRuns`).
 * Returns the samples in milliseconds.
 */
export function sampleSync(fn, { warmup = 5, runs = 30, minRuns = 5, budgetMs = 10_000 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  const samples = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn(i);
    samples.push(performance.now() - t);
    if (samples.length >= minRuns && performance.now() - start > budgetMs) break;
  }
  return samples;
}

/** The async twin of sampleSync. */
export async function sampleAsync(fn, { warmup = 2, runs = 10, minRuns = 3, budgetMs = 30_000 } = {}) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
    if (samples.length >= minRuns && performance.now() - start > budgetMs) break;
  }
  return samples;
}

/** Calls fn in batches for about `durationMs` and returns operations per second (median of `rounds`). */
export async function throughput(fn, { durationMs = 1000, rounds = 3, batch = 100 } = {}) {
  const rates = [];
  for (let round = 0; round < rounds; round++) {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < durationMs) {
      for (let i = 0; i < batch; i++) {
        const r = fn(ops + i);
        if (r && typeof r.then === 'function') await r;
      }
      ops += batch;
      elapsed = performance.now() - start;
    }
    rates.push((ops / elapsed) * 1000);
  }
  return median(rates);
}
