// Parser/analysis benchmark: RoleCall's full analysis of a generated ~5,000-line Jenkinsfile against
// tree-sitter-groovy's parse alone (WASM, same process, same text). Re-analysis after edits: reanalysis.mjs.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AGENT_ROLE, generateJenkinsfile } from '../generate.mjs';
import { loadEngine, ROOT } from '../lib/engine.mjs';
import { median } from '../lib/stats.mjs';
import { SHORT, progress, runMeasurement } from '../lib/child.mjs';

const LINES = 5000;

async function treeSitter() {
  const require = createRequire(join(ROOT, 'package.json'));
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const wasm = join(require.resolve('tree-sitter-groovy/package.json'), '..', 'tree-sitter-groovy.wasm');
  const language = await Language.load(wasm);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

function countErrors(node, limit = 10_000) {
  let count = 0;
  const cursor = node.walk();
  let visited = 0;
  for (;;) {
    if (cursor.nodeType === 'ERROR' || cursor.nodeIsMissing) count++;
    if (++visited > limit * 100) break;
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return count;
    }
  }
  return count;
}

await runMeasurement([['analysis-vs-tree-sitter', 'Analysis of a 5k-line Jenkinsfile']], async () => {
  const text = generateJenkinsfile(LINES);
  const lineCount = text.split('\n').length - 1;
  const engine = await loadEngine(['analyze', 'config', 'parser']);
  const ctx = { config: engine.config.defaultConfig(), caller: AGENT_ROLE, params: {}, credentials: {}, iam: null };
  const analyze = (t) => engine.analyze.analyzeText('Jenkinsfile', t, ctx);
  const parser = await treeSitter();

  const first = analyze(text);
  const tree = parser.parse(text);
  const tsErrors = countErrors(tree.rootNode);
  tree.delete();
  progress(
    `text: ${lineCount} lines, ${text.length} chars; RoleCall: ${first.usages.length} usages, ${first.parseErrors.length} parse errors; tree-sitter: ${tsErrors} ERROR/MISSING nodes`,
  );

  // Interleave the two so machine load (2 shared cores) hits both alike.
  const warmup = SHORT ? 5 : 15;
  const rounds = SHORT ? 10 : 60;
  for (let i = 0; i < warmup; i++) {
    analyze(text);
    parser.parse(text).delete();
  }
  const ours = [];
  const peer = [];
  const oursParse = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    analyze(text);
    ours.push(performance.now() - t);
    t = performance.now();
    const parsed = parser.parse(text);
    peer.push(performance.now() - t);
    parsed.delete();
    t = performance.now();
    engine.parser.parse(text);
    oursParse.push(performance.now() - t);
  }
  const oursMs = median(ours);
  const peerMs = median(peer);
  const parseMs = median(oursParse);
  progress(
    `analysis median ${oursMs.toFixed(2)} ms (our parse alone ${parseMs.toFixed(2)} ms) vs tree-sitter parse ${peerMs.toFixed(2)} ms`,
  );

  // Timing an analysis that finds nothing in a file with hundreds of usages would measure a no-op.
  const sanity = first.usages.length === 0 ? ' BROKEN: no usages found in a file written with hundreds of them.' : '';
  return [
    {
      id: 'analysis-vs-tree-sitter',
      label: `Analysis of a ${lineCount}-line Jenkinsfile`,
      value: oursMs,
      unit: 'ms',
      peer: 'tree-sitter-groovy parse only (web-tree-sitter WASM)',
      peerValue: peerMs,
      ratio: oursMs / peerMs,
      target: { of: 'ratio', op: '<=', value: 1.0 },
      gate: { of: 'ratio', op: '<=', value: 3.0 },
      status: first.usages.length === 0 ? 'broken' : 'measured',
      note: `median of ${rounds}, interleaved; RoleCall: ${first.usages.length} usages, ${first.parseErrors.length} parse errors; tree-sitter: ${tsErrors} ERROR/MISSING nodes.${sanity}`,
    },
    {
      id: 'parse-vs-tree-sitter',
      label: 'Parse alone (breakdown of the analysis)',
      value: parseMs,
      unit: 'ms',
      peer: 'tree-sitter-groovy parse only (web-tree-sitter WASM)',
      peerValue: peerMs,
      ratio: parseMs / peerMs,
      status: 'measured',
      note: `src/core/syntax/parser.ts parse() alone, same rounds; the rest of the analysis (extraction, rules) takes ${Math.max(0, oursMs - parseMs).toFixed(2)} ms`,
    },
  ];
});
