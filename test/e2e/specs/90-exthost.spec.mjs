/* global describe, it, before -- mocha globals */
// Extension-host tests (mocha inside the editor, test/e2e/exthost/*.test.ts) run in code-server on a
// server of their own (the smoke-test driver they need hides notification toasts). Each bundled test
// file becomes one test here; its inner results are printed and any failure fails the run.
import assert from 'node:assert/strict';
import path from 'node:path';
import { readdirSync } from 'node:fs';
import { runExthostTests } from '../lib/exthost-driver.mjs';
import { saveArtifact } from '../lib/browser.mjs';

const index = process.env.ROLECALL_E2E_EXTHOST_INDEX;
const seed = process.env.ROLECALL_E2E_EXTENSIONS_SEED;
const files = JSON.parse(process.env.ROLECALL_E2E_EXTHOST_FILES ?? '[]').map((f) => path.basename(f));

describe('extension host (mocha inside code-server)', function () {
  let report;

  before(async function () {
    this.timeout(300_000);
    assert.ok(index && seed, 'run through node test/e2e/run.mjs (ROLECALL_E2E_EXTHOST_INDEX is not set)');
    // The development path is the unpacked .vsix: the tests exercise exactly what ships.
    const unpacked = readdirSync(seed).find((d) => d.startsWith('rolecall.'));
    assert.ok(unpacked, `no installed rolecall.* under ${seed}`);
    report = await runExthostTests({ index, extensionPath: path.join(seed, unpacked), name: 'exthost' });
    saveArtifact('exthost-results.json', JSON.stringify(report, null, 2));
    for (const r of report.results) {
      const mark = r.state === 'passed' ? '✔' : r.state === 'failed' ? '✗' : '-';
      process.stdout.write(`      ${mark} [exthost] ${r.title}${r.ms ? ` (${r.ms}ms)` : ''}\n`);
    }
  });

  it('loads and runs the bundled extension-host tests', function () {
    assert.equal(report.fatal, undefined, `the test runner inside the editor failed: ${report.fatal}`);
    assert.ok(report.results.length > 0, 'no extension-host test ran');
  });

  for (const file of files) {
    it(`${file.replace(/\.test\.js$/, '')}: every test passes inside the editor`, function () {
      const mine = report.results.filter((r) => r.file === file);
      assert.ok(mine.length > 0, `no test of ${file} ran inside the editor`);
      const failed = mine.filter((r) => r.state !== 'passed');
      assert.deepEqual(
        failed.map((r) => `${r.title}: ${r.error ?? r.state}`),
        [],
        `${failed.length} of ${mine.length} failed`,
      );
    });
  }
});
