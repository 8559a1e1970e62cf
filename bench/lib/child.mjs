// The protocol between bench/run.mjs and a measurement process: the child prints one line
// `BENCH_RESULT {"rows":[...]}` on stdout; anything else it prints is shown as progress.
// A row: { id, label, value, unit, peer?, peerValue?, ratio?, target?, gate?, status, note? }.
//   target: { op: '<=' | '>=', value, of: 'value' | 'ratio' } — the goal, reported as met/missed.
//   gate:   the same shape — a large regression: fails the run.
//   status: 'measured' | 'not-measured' (with note saying why) | 'broken' (the measurement itself failed).
import { EngineUnavailable } from './engine.mjs';

export const SHORT = process.argv.includes('--short') || process.env.BENCH_SHORT === '1';

/** Prints progress to stderr so stdout stays machine-readable. */
export function progress(message) {
  process.stderr.write(`  · ${message}\n`);
}

/** Runs a measurement's main, prints its rows; a thrown error becomes a 'broken' row for `ids`. */
export async function runMeasurement(ids, main) {
  let rows;
  try {
    rows = await main();
  } catch (error) {
    const reason =
      error instanceof EngineUnavailable ? error.message : `${error?.name ?? 'Error'}: ${error?.message ?? error}`;
    if (!(error instanceof EngineUnavailable)) process.stderr.write(`${error?.stack ?? error}\n`);
    rows = ids.map(([id, label]) => ({ id, label, status: 'broken', note: reason }));
  }
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ rows })}\n`);
}
