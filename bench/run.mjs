// `npm run bench` — RoleCall's performance report. Each measurement runs in its own Node process
// (bench/measure/*.mjs) and is compared with a peer measured in the same run, so the results are ratios,
// not absolute times that depend on the machine. Prints one table, writes bench/results/latest.json and
// latest.svg (full run), and exits non-zero only on a large regression (a gate) or a broken measurement.
//
//   npm run bench                 full run (~5–10 min: packages the .vsix, a JVM peer, moto)
//   npm run bench -- --short      quick CI variant (< 60 s), same gates; or BENCH_SHORT=1
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/engine.mjs';
import { run, tail } from './lib/proc.mjs';
import { judge, svg, table } from './lib/report.mjs';

const SHORT = process.argv.includes('--short') || process.env.BENCH_SHORT === '1';
const RESULTS = join(ROOT, 'bench', 'results');

const MEASUREMENTS = [
  { script: 'parser.mjs', ids: [['analysis-vs-tree-sitter', 'Analysis of a 5k-line Jenkinsfile']], timeoutMs: 180_000 },
  {
    script: 'process.mjs',
    ids: [['scan-process-vs-tree-sitter', 'rolecall scan of a 5k-line file, whole process']],
    timeoutMs: 300_000,
  },
  { script: 'reanalysis.mjs', ids: [['reanalysis-latency', 'Re-analysis after an edit']], timeoutMs: 180_000 },
  { script: 'trust.mjs', ids: [['trust-evaluations', 'Trust evaluations/s']], timeoutMs: 120_000 },
  {
    script: 'activation.mjs',
    ids: [
      ['activation', 'Extension activation'],
      ['vsix-size', '.vsix size'],
    ],
    timeoutMs: 480_000,
  },
  {
    script: 'workspace.mjs',
    ids: [
      ['scan-offline', 'Workspace scan'],
      ['scan-live-getrole', 'Live scan GetRole calls'],
      ['scan-live-concurrent', 'Concurrent live scan GetRole calls'],
    ],
    timeoutMs: 900_000,
  },
  {
    script: 'groovylint.mjs',
    ids: [['analysis-vs-groovy-lint', 'Analysis vs npm-groovy-lint parse']],
    timeoutMs: 900_000,
  },
];

async function measure(m) {
  const started = performance.now();
  process.stderr.write(`▶ ${m.script}${SHORT ? ' (short)' : ''}\n`);
  const r = await run(process.execPath, [join(ROOT, 'bench', 'measure', m.script), ...(SHORT ? ['--short'] : [])], {
    cwd: ROOT,
    timeoutMs: m.timeoutMs,
    onStderr: (d) => process.stderr.write(d),
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  process.stderr.write(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  if (!line) {
    const why = r.timedOut
      ? `timed out after ${m.timeoutMs / 1000} s`
      : `exited ${r.code} without a result: ${tail(r.stderr)}`;
    return m.ids.map(([id, label]) => ({ id, label, status: 'broken', note: why }));
  }
  return JSON.parse(line.slice('BENCH_RESULT '.length)).rows;
}

const startedAt = new Date();
const load0 = os.loadavg()[0];
const rows = [];
for (const m of MEASUREMENTS) rows.push(...(await measure(m)));
const judged = rows.map(judge);

const cpu = os.cpus()[0]?.model?.replace(/\s+/g, ' ') ?? 'unknown CPU';
const meta = `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC · Node ${process.version} · ${os.cpus().length}× ${cpu} · load ${load0.toFixed(1)}→${os.loadavg()[0].toFixed(1)} · ${SHORT ? 'short' : 'full'} run`;
const regressions = judged.filter((r) => r.gatePassed === false);
const broken = judged.filter((r) => r.status === 'broken');

console.log(`\nRoleCall benchmark — ${meta}\n`);
console.log(table(judged));
const report = {
  version: 1,
  mode: SHORT ? 'short' : 'full',
  startedAt: startedAt.toISOString(),
  node: process.version,
  cpu,
  cores: os.cpus().length,
  loadAverage: { start: load0, end: os.loadavg()[0] },
  rows: judged,
};
mkdirSync(RESULTS, { recursive: true });
if (SHORT) {
  writeFileSync(join(RESULTS, 'short.tmp.json'), JSON.stringify(report, null, 2) + '\n');
} else {
  writeFileSync(join(RESULTS, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(RESULTS, 'latest.svg'), svg(judged, meta));
  console.log(`\nwrote bench/results/latest.json and bench/results/latest.svg`);
}
if (regressions.length || broken.length) {
  for (const r of regressions) console.error(`REGRESSION: ${r.label} — outside the gate ${JSON.stringify(r.gate)}`);
  for (const r of broken) console.error(`BROKEN: ${r.label} — ${r.note}`);
  process.exitCode = 1;
} else {
  const missed = judged.filter((r) => r.targetMet === false).length;
  console.log(`\nno regression${missed ? ` (${missed} target(s) missed, see the table)` : ''}`);
}
