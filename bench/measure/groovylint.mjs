// The accuracy-at-any-cost peer: npm-groovy-lint parses with Groovy's own parser through CodeNarc on a
// JVM. Installed into bench/peers/ (its own package.json + lock, not a root dependency) on first use.
// Cheapest parse-only setup found: the library API with `parse: true` (GroovyShell compile, the real
// Groovy parser) and a one-rule ruleset so CodeNarc adds next to nothing; `noserver: true` because the
// CodeNarcServer (a warm JVM) answers its own /ping with an empty reply on this machine and every call
// then falls back to a fresh JVM anyway — this way the fallback's 10 s of pinging is not charged to it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AGENT_ROLE, generateJenkinsfile } from '../generate.mjs';
import { loadEngine, ROOT } from '../lib/engine.mjs';
import { median } from '../lib/stats.mjs';
import { run, tail } from '../lib/proc.mjs';
import { SHORT, progress, runMeasurement } from '../lib/child.mjs';

const PEERS = join(ROOT, 'bench', 'peers');
const ROW = ['analysis-vs-groovy-lint', 'Analysis vs npm-groovy-lint parse'];

/** Installs the peers from their lock file unless the locked version is already there. Idempotent. */
async function ensurePeers() {
  const wanted = JSON.parse(readFileSync(join(PEERS, 'package.json'), 'utf8')).dependencies['npm-groovy-lint'];
  const installed = join(PEERS, 'node_modules', 'npm-groovy-lint', 'package.json');
  if (existsSync(installed) && JSON.parse(readFileSync(installed, 'utf8')).version === wanted) return null;
  progress(`installing npm-groovy-lint@${wanted} into bench/peers (first use)…`);
  const args = existsSync(join(PEERS, 'package-lock.json')) ? ['ci'] : ['install'];
  const r = await run('npm', [...args, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: PEERS,
    timeoutMs: 300_000,
  });
  if (r.code !== 0 || !existsSync(installed))
    return `npm ${args[0]} in bench/peers failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}): ${tail(r.stderr + r.stdout)}`;
  return null;
}

await runMeasurement([ROW], async () => {
  if (SHORT)
    return [
      {
        id: ROW[0],
        label: ROW[1],
        status: 'not-measured',
        note: 'skipped in --short (a JVM per file takes tens of seconds here); the full run measures it',
      },
    ];
  const installProblem = await ensurePeers();
  if (installProblem)
    return [{ id: ROW[0], label: ROW[1], status: 'not-measured', note: `peer skipped: ${installProblem}` }];
  const java = await run('java', ['-version'], { timeoutMs: 30_000 });
  if (java.code !== 0)
    return [
      {
        id: ROW[0],
        label: ROW[1],
        status: 'not-measured',
        note: `peer skipped: no working java on PATH (${tail(java.stderr) || 'not found'})`,
      },
    ];

  const text = generateJenkinsfile(5000);
  const engine = await loadEngine(['analyze', 'config']);
  const ctx = { config: engine.config.defaultConfig(), caller: AGENT_ROLE, params: {}, credentials: {}, iam: null };
  const ours = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    engine.analyze.analyzeText('Jenkinsfile', text, ctx);
    if (i >= 10) ours.push(performance.now() - t);
  }
  const oursMs = median(ours);

  const { default: NpmGroovyLint } = await import(
    pathToFileURL(join(PEERS, 'node_modules', 'npm-groovy-lint', 'lib', 'groovy-lint.js')).href
  );
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-bench-ngl-'));
  const file = join(dir, 'Jenkinsfile');
  writeFileSync(file, text);
  const runs = 3;
  const samples = [];
  let parseErrors = null;
  let floorMs;
  try {
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const linter = new NpmGroovyLint(
        {
          source: text,
          sourcefilepath: file,
          rulesets: 'UnnecessarySemicolon',
          parse: true,
          noserver: true,
          output: 'none',
          loglevel: 'error',
          failon: 'none',
          insight: false,
        },
        {},
      );
      await linter.run();
      const ms = performance.now() - t;
      if (!linter.lintResult || linter.status === 2)
        throw new Error(
          `npm-groovy-lint did not produce a result (status ${linter.status}): ${linter.error?.msg ?? 'no detail'}`,
        );
      const errors = Object.values(linter.lintResult.files ?? {}).flatMap((f) => f.errors ?? []);
      parseErrors = errors.filter((e) => e.rule === 'NglParseError').length;
      samples.push(ms);
      progress(`npm-groovy-lint run ${i + 1}/${runs}: ${(ms / 1000).toFixed(2)} s (${parseErrors} parse errors)`);
    }
    // The fixed cost of one call (JVM start, Groovy + CodeNarc class loading) on a one-line file, for context.
    const tiny = new NpmGroovyLint(
      {
        source: "echo 'hi'\n",
        sourcefilepath: file,
        rulesets: 'UnnecessarySemicolon',
        parse: true,
        noserver: true,
        output: 'none',
        loglevel: 'error',
        failon: 'none',
        insight: false,
      },
      {},
    );
    const tinyStart = performance.now();
    await tiny.run();
    floorMs = performance.now() - tinyStart;
    progress(`npm-groovy-lint on a one-line file: ${(floorMs / 1000).toFixed(2)} s (per-call floor)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const peerMs = median(samples);
  const speedup = peerMs / oursMs;
  return [
    {
      id: ROW[0],
      label: 'Speed-up over npm-groovy-lint parse (5k lines)',
      value: speedup,
      unit: '×',
      peer: 'npm-groovy-lint (CodeNarc + GroovyShell parse, JVM per file)',
      peerValue: peerMs,
      ours: oursMs,
      ratio: oursMs / peerMs,
      target: { of: 'value', op: '>=', value: 100 },
      gate: { of: 'value', op: '>=', value: 10 },
      status: 'measured',
      note: `npm-groovy-lint median of ${runs} runs ${(peerMs / 1000).toFixed(2)} s (${samples.map((s) => (s / 1000).toFixed(1)).join(', ')} s; ${parseErrors} parse errors reported) vs RoleCall analysis ${oursMs.toFixed(2)} ms; a one-line file costs it ${(floorMs / 1000).toFixed(2)} s (JVM start + class loading); CodeNarcServer (warm JVM) not used: it gives an empty reply to /ping here`,
    },
  ];
});
