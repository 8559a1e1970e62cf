// The benchmark's inputs and its verdicts: deterministic generators (same text every run, so ratios are
// comparable over time) and the judging that decides the exit status of `npm run bench`.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The bench modules are plain .mjs without types: load them by path, untyped.
const importPlain = (path: string): Promise<any> => import(path);
let gen: any;
let report: any;

describe('bench generators and report', () => {
  before(async () => {
    gen = await importPlain(join(__dirname, '..', '..', '..', 'bench', 'generate.mjs'));
    report = await importPlain(join(__dirname, '..', '..', '..', 'bench', 'lib', 'report.mjs'));
  });

  it('generates the same ~5,000-line Jenkinsfile every time, with every usage kind', () => {
    const a = gen.generateJenkinsfile(5000);
    const b = gen.generateJenkinsfile(5000);
    assert.equal(a, b);
    const lines = a.split('\n').length - 1;
    assert.ok(lines >= 5000 && lines <= 5010, `lines: ${lines}`);
    for (const needle of [
      'withAWS(',
      'AmazonWebServicesCredentialsBinding',
      'aws sts assume-role',
      'withVault(',
      'pipeline {',
      "node('",
      '${',
      '/*',
      '->',
    ]) {
      assert.ok(a.includes(needle), `missing ${needle}`);
    }
    assert.notEqual(gen.generateJenkinsfile(5000, 1), a);
  });

  it('writes a workspace whose pipelines reference every role, with one snapshot per account', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-bench-test-'));
    try {
      const ws = gen.generateWorkspace(dir, 60, 20);
      assert.equal(ws.roles.length, 20);
      assert.equal(new Set(ws.roles.map((r: any) => r.account)).size, gen.TARGET_ACCOUNTS.length);
      assert.equal(ws.snapshots.length, gen.TARGET_ACCOUNTS.length + 1);
      const all = readdirSync(ws.pipelineDir)
        .map((d) => readFileSync(join(ws.pipelineDir, d, 'Jenkinsfile'), 'utf8'))
        .join('\n');
      for (const role of ws.roles) assert.ok(all.includes(role.name), `role ${role.name} is never referenced`);
      const snapshot = JSON.parse(readFileSync(ws.snapshots[1], 'utf8'));
      assert.ok(snapshot.RoleDetailList.every((r: any) => r.Arn.includes(gen.TARGET_ACCOUNTS[0])));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('judges targets and gates by ratio or value, and never judges a row that was not measured', () => {
    const row = {
      id: 'x',
      label: 'x',
      value: 40,
      ratio: 2.5,
      unit: 'ms',
      status: 'measured',
      target: { of: 'ratio', op: '<=', value: 1 },
      gate: { of: 'ratio', op: '<=', value: 3 },
    };
    assert.deepEqual([report.judge(row).targetMet, report.judge(row).gatePassed], [false, true]);
    assert.equal(report.judge({ ...row, ratio: 3.5 }).gatePassed, false);
    assert.equal(report.judge({ ...row, ratio: 0.5 }).targetMet, true);
    const calls = {
      ...row,
      value: 200,
      unit: 'calls',
      target: { of: 'value', op: '==', value: 200 },
      gate: { of: 'value', op: '<=', value: 400 },
    };
    assert.deepEqual([report.judge(calls).targetMet, report.judge(calls).gatePassed], [true, true]);
    assert.equal(report.judge({ ...calls, value: 201 }).targetMet, false);
    const skipped = report.judge({ id: 'y', label: 'y', status: 'not-measured', target: row.target, gate: row.gate });
    assert.deepEqual([skipped.targetMet, skipped.gatePassed], [null, null]);
  });

  it('renders the table and a well-formed SVG', () => {
    const rows = [
      report.judge({
        id: 'a',
        label: 'Analysis',
        value: 10,
        ratio: 0.5,
        peer: 'tree-sitter',
        peerValue: 20,
        unit: 'ms',
        status: 'measured',
        target: { of: 'ratio', op: '<=', value: 1 },
      }),
      report.judge({
        id: 'b',
        label: 'Live <calls>',
        status: 'not-measured',
        note: 'moto unavailable',
        target: { of: 'value', op: '==', value: 200 },
      }),
    ];
    const text = report.table(rows);
    assert.match(text, /Analysis .*10\.0 ms.*tree-sitter.*20\.0 ms.*0\.500.*target met/);
    assert.match(text, /moto unavailable/);
    const svg = report.svg(rows, 'meta & more');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.includes('Live &lt;calls&gt;') && svg.includes('meta &amp; more') && svg.trim().endsWith('</svg>'));
  });
});
