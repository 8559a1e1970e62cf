// Re-analysis latency while typing: the editor keeps one analysis session per open document
// (src/core/session.ts) and updates it on each change. Measured in its own process so the heap left by
// the full-analysis rounds of parser.mjs does not weigh on it; tree-sitter-groovy's parse of the same
// text is the peer for the regression gate.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AGENT_ROLE, generateJenkinsfile } from '../generate.mjs';
import { loadEngine, ROOT } from '../lib/engine.mjs';
import { median, quantile } from '../lib/stats.mjs';
import { SHORT, progress, runMeasurement } from '../lib/child.mjs';

const LINES = 5000;

await runMeasurement([['reanalysis-latency', 'Re-analysis after an edit (5k lines)']], async () => {
  const text = generateJenkinsfile(LINES);
  const engine = await loadEngine(['analyze', 'config', 'session']);
  const ctx = { config: engine.config.defaultConfig(), caller: AGENT_ROLE, params: {}, credentials: {}, iam: null };
  const analyze = (t) => engine.analyze.analyzeText('Jenkinsfile', t, ctx);

  const require = createRequire(join(ROOT, 'package.json'));
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const language = await Language.load(
    join(require.resolve('tree-sitter-groovy/package.json'), '..', 'tree-sitter-groovy.wasm'),
  );
  const parser = new Parser();
  parser.setLanguage(language);
  const peer = [];
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    parser.parse(text).delete();
    if (i >= 5) peer.push(performance.now() - t);
  }
  const peerMs = median(peer);

  // A keystroke (a space or a new line, alternately) at a spread-out spot, then its undo: both are
  // timed, and each keystroke lands on the pristine text, as the full-analysis timings do.
  const spots = SHORT ? 20 : 150;
  const warm = 40;
  const session = new engine.session.AnalysisSession('Jenkinsfile');
  session.update(text, ctx);
  const lat = [];
  let incremental = 0;
  let reusedShare = 0;
  for (let i = 0; i < spots + warm; i++) {
    const at = Math.floor((((i * 7919) % 997) / 997) * text.length);
    const typed = text.slice(0, at) + (i % 2 ? ' ' : '\n') + text.slice(at);
    for (const next of [typed, text]) {
      const t = performance.now();
      session.update(next, ctx);
      const ms = performance.now() - t;
      if (i >= warm) {
        lat.push(ms);
        if (session.lastUpdate.parse === 'incremental') incremental++;
        reusedShare += session.lastUpdate.usages ? session.lastUpdate.reusedUsages / session.lastUpdate.usages : 0;
      }
    }
  }
  const p50 = median(lat);
  const p95 = quantile(lat, 0.95);
  // The session's answer must be the from-scratch answer, or the timing means nothing.
  const current = text + '\n';
  const exact = JSON.stringify(session.update(current, ctx)) === JSON.stringify(analyze(current));
  const carried = ((100 * reusedShare) / lat.length).toFixed(0);
  progress(
    `re-analysis p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms over ${lat.length} updates, keystrokes and their undos (${incremental} incremental parses, ${carried}% of usages carried over on average; result ${exact ? 'identical to' : 'DIFFERENT from'} a full analysis); tree-sitter parse ${peerMs.toFixed(2)} ms`,
  );
  return [
    {
      id: 'reanalysis-latency',
      label: 'Re-analysis after an edit, p50 (p95)',
      value: p50,
      p95,
      unit: 'ms',
      peer: 'tree-sitter-groovy parse only (web-tree-sitter WASM)',
      peerValue: peerMs,
      ratio: p50 / peerMs,
      target: { of: 'value', op: '<=', value: 5 },
      gate: { of: 'ratio', op: '<=', value: 3.0 },
      status: exact ? 'measured' : 'broken',
      note: `analysis session, ${lat.length} updates (a space or a new line typed at ${lat.length / 2} spread-out spots, each then undone) after ${warm * 2} warm-up ones; ${incremental} re-parsed one block only; ${carried}% of usages carried over on average; p95 ${p95.toFixed(2)} ms; final result ${exact ? 'identical to' : 'DIFFERENT from'} a full analysis`,
    },
  ];
});
