// `rolecall scan FILE` of the generated 5,000-line Jenkinsfile as a whole process (Node start-up, loading
// dist/cli.js, analysis, JSON output) against tree-sitter-groovy's parse of the same file as a whole
// process (bench/peers/tree-sitter-parse.mjs: Node start-up, WASM load, parse). Interleaved runs, medians.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateJenkinsfile } from '../generate.mjs';
import { ROOT } from '../lib/engine.mjs';
import { median } from '../lib/stats.mjs';
import { SHORT, progress, runMeasurement } from '../lib/child.mjs';

const CLI = join(ROOT, 'dist', 'cli.js');
const PEER = join(ROOT, 'bench', 'peers', 'tree-sitter-parse.mjs');

function timed(args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t;
  return { ms, r };
}

await runMeasurement([['scan-process-vs-tree-sitter', 'rolecall scan of a 5k-line file, whole process']], async () => {
  // Time the CLI the sources build today (esbuild, seconds).
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), 'rolecall-process-'));
  try {
    const file = join(dir, 'Jenkinsfile');
    writeFileSync(file, generateJenkinsfile(5000));
    const first = timed([CLI, 'scan', file, '--format', 'json']);
    const usages = first.r.status !== null && first.r.status <= 1 ? JSON.parse(first.r.stdout).usages.length : 0;
    if (usages === 0)
      throw new Error(`rolecall scan found no usages (exit ${first.r.status}): ${first.r.stderr.slice(0, 300)}`);
    const peerFirst = timed([PEER, file]);
    if (peerFirst.r.status !== 0) throw new Error(`tree-sitter peer failed: ${peerFirst.r.stderr.slice(0, 300)}`);
    const rounds = SHORT ? 5 : 15;
    const ours = [];
    const peer = [];
    for (let i = 0; i < rounds; i++) {
      ours.push(timed([CLI, 'scan', file, '--format', 'json']).ms);
      peer.push(timed([PEER, file]).ms);
    }
    const o = median(ours);
    const p = median(peer);
    progress(
      `rolecall scan ${o.toFixed(0)} ms vs tree-sitter parse ${p.toFixed(0)} ms (whole processes, median of ${rounds}); ${usages} usages`,
    );
    return [
      {
        id: 'scan-process-vs-tree-sitter',
        label: 'rolecall scan of a 5k-line file, whole process',
        value: o,
        unit: 'ms',
        peer: 'tree-sitter-groovy parse, whole process (node + web-tree-sitter WASM)',
        peerValue: p,
        ratio: o / p,
        target: { of: 'ratio', op: '<=', value: 1.0 },
        gate: { of: 'ratio', op: '<=', value: 3.0 },
        status: 'measured',
        note: `median of ${rounds}, interleaved; start-up included on both sides; ${usages} usages reported as JSON`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
