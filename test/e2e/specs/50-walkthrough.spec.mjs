/* global describe, it, document -- mocha globals; document inside page.evaluate */
// The packaged extension as a new user meets it: the .vsix (installed by run.mjs with code-server's own
// --install-extension from dist/rolecall.vsix) carries the walkthrough and its media, the walkthrough
// opens from the palette with its five steps, offline snapshot first, and marks steps done as the user
// does them. The same editor then poses for the screenshots of the extension's README (readme--*.png,
// copied into docs/media by scripts/readme-media.mjs).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ensureProblemsPanel,
  expandTreeRow,
  focusEditor,
  gotoLine,
  hoverOver,
  openFile,
  quickInput,
  runCommand,
  screenshot,
  tokenBox,
  treeRows,
  waitForSquiggles,
} from '../lib/browser.mjs';
import { useEditor } from '../lib/suite.mjs';

const STEPS = [
  'Open a Jenkinsfile',
  'Give it IAM data: a snapshot, offline',
  'See the first finding',
  'Explore who may assume what',
  'Mint your first credentials',
];

/** The walkthrough's steps as the Welcome page renders them: [{ title, done }]. */
async function walkthroughSteps(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.getting-started-step')].map((b) => ({
      title: (b.querySelector('.step-title')?.textContent ?? '').trim(),
      done: b.classList.contains('complete') || !!b.querySelector('.codicon-getting-started-step-checked'),
    })),
  );
}

async function waitForSteps(page, pred, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let steps = [];
  while (Date.now() < deadline) {
    steps = await walkthroughSteps(page);
    if (pred(steps)) return steps;
    await page.waitForTimeout(300);
  }
  return steps;
}

async function openWalkthrough(page) {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  const q = await quickInput(page, { title: /walkthrough/i }).catch(() => null);
  const row = page
    .locator('.quick-input-widget .monaco-list-row')
    .filter({ hasText: 'Get started with RoleCall' })
    .first();
  if (q) await q.type('RoleCall');
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  await row.click();
  return waitForSteps(page, (s) => s.length === STEPS.length);
}

describe('the packaged extension and its walkthrough', function () {
  const ed = useEditor({ name: 'walkthrough' });

  it('the .vsix installed by code-server carries the walkthrough and its media', function () {
    const seed = process.env.ROLECALL_E2E_EXTENSIONS_SEED;
    const [dir] = readdirSync(seed).filter((d) => d.startsWith('rolecall.'));
    assert.ok(dir, `no rolecall.* extension installed in ${seed}`);
    const manifest = JSON.parse(readFileSync(path.join(seed, dir, 'package.json'), 'utf8'));
    assert.equal(manifest.preview, true);
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.deepEqual(
      walkthrough.steps.map((s) => s.title),
      STEPS,
    );
    for (const step of walkthrough.steps)
      assert.ok(existsSync(path.join(seed, dir, step.media.markdown)), `${step.media.markdown} is in the .vsix`);
  });

  it('opens from the palette with its steps, the offline snapshot step done for a workspace with snapshots', async function () {
    const steps = await openWalkthrough(ed.page);
    assert.deepEqual(
      steps.map((s) => s.title),
      STEPS,
      JSON.stringify(steps),
    );
    // examples/.rolecall.json lists snapshots: the IAM data step is done; nothing was opened yet.
    const now = await waitForSteps(ed.page, (s) => s[1]?.done === true);
    assert.equal(now[1].done, true, `the IAM data step: ${JSON.stringify(now)}`);
    assert.equal(now[0].done, false, 'no Jenkinsfile has been opened yet');
    await screenshot(ed.page, 'readme--walkthrough');
  });

  it('marks "Open a Jenkinsfile" done once one is open, and "See the first finding" after a scan', async function () {
    await openFile(ed.page, 'seed-000-external-id/Jenkinsfile.prod');
    await waitForSquiggles(ed.page, (sq) => sq.some((s) => s.line === 15));
    await runCommand(ed.page, 'RoleCall: Scan Workspace Pipelines');
    await openWalkthrough(ed.page);
    const steps = await waitForSteps(ed.page, (s) => s[0]?.done && s[2]?.done);
    assert.equal(steps[0].done, true, `open a Jenkinsfile: ${JSON.stringify(steps)}`);
    assert.equal(steps[2].done, true, `first finding: ${JSON.stringify(steps)}`);
    await runCommand(ed.page, 'View: Close Editor');
  });

  it('poses for the README: diagnostics, hover, quick fix, Role Trust Explorer', async function () {
    const page = ed.page;
    await openFile(page, 'seed-000-external-id/Jenkinsfile.prod');
    await waitForSquiggles(page, (sq) => sq.some((s) => s.line === 15) && sq.some((s) => s.line === 20));
    await ensureProblemsPanel(page);
    await gotoLine(page, 1);
    await screenshot(page, 'readme--diagnostics');

    const hover = await hoverOver(page, 15, 'withAWS');
    assert.match(hover, /arn:aws:iam::222222222222:role\/jenkins/);
    await screenshot(page, 'readme--hover');
    await page.mouse.move(1, 1);

    // As applyQuickFix does: the code actions may not be computed at the first Ctrl+.
    let fixes = [];
    for (let attempt = 0; attempt < 6 && !fixes.some((t) => /3600/.test(t)); attempt++) {
      await page.keyboard.press('Escape');
      await focusEditor(page);
      const box = await tokenBox(page, 15, '7200');
      await gotoLine(page, 15, box.column + 1);
      await page.keyboard.press('Control+.');
      await page
        .locator('.action-widget .monaco-list-row')
        .first()
        .waitFor({ state: 'visible', timeout: 4_000 })
        .catch(() => {});
      await page.waitForTimeout(300);
      fixes = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
    }
    assert.ok(
      fixes.some((t) => /3600/.test(t)),
      `quick fixes offered: ${JSON.stringify(fixes)}`,
    );
    await page.waitForTimeout(300);
    await screenshot(page, 'readme--quick-fix');
    await page.keyboard.press('Escape');

    // From the palette: after a scan the activity bar icon carries an error badge that takes the click.
    await runCommand(page, 'View: Show RoleCall');
    await expandTreeRow(page, '222222222222').catch(() => {});
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !(await treeRows(page, 'Role Trust Explorer')).some((r) => r.label === 'jenkins'))
      await page.waitForTimeout(300);
    await expandTreeRow(page, 'jenkins');
    const rows = await treeRows(page, 'Role Trust Explorer');
    assert.ok(
      rows.some((r) => /Statement/.test(r.label)),
      `explorer rows: ${JSON.stringify(rows.map((r) => r.label))}`,
    );
    await screenshot(page, 'readme--trust-explorer');
  });
});
