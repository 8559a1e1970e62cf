/* global describe, it, before -- mocha globals */
// What a person sees in the editor: squiggles on the lines with mistakes, the Problems panel with the
// finding codes, a hover over withAWS with the resolved role and the decision, and quick fixes that
// make a diagnostic go away.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  applyQuickFix,
  ensureProblemsPanel,
  filterProblems,
  focusEditor,
  gotoLine,
  hoverOver,
  lineText,
  openFile,
  runCommand,
  waitForNotification,
  screenshot,
  waitForSquiggles,
  squiggles,
} from '../lib/browser.mjs';
import { cliScan, findingsOf, usagesOf } from '../lib/oracle.mjs';
import { useEditor } from '../lib/suite.mjs';

// What the README of examples/ says each setup's mistakes are, as (line, code) pairs the editor must
// mark (shared with the extension-host tests). Severity follows the CLI contract (error → red squiggle).
const { expected: EXPECTED } = createRequire(import.meta.url)('../expected.json');
const SEVERITY = { error: 'error', warning: 'warning', info: 'info' };

describe('diagnostics in the editor', function () {
  const ed = useEditor({ name: 'diagnostics' });
  let scan;

  before(function () {
    scan = cliScan(ed.workspace);
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`shows squiggles on the right lines of ${file}`, async function () {
      const cli = findingsOf(scan, file);
      const expectedLines = new Map();
      for (const [line, code] of expected) {
        const f = cli.find((x) => x.line === line && x.code === code);
        // The engine (through the CLI) must agree with the README before the editor can be judged.
        assert.ok(
          f,
          `the CLI reports no ${code} on line ${line} of ${file}; it reports ${JSON.stringify(cli.map((x) => [x.line, x.code]))}`,
        );
        expectedLines.set(line, [...(expectedLines.get(line) ?? []), SEVERITY[f.severity]]);
      }
      await openFile(ed.page, file);
      const seen = await waitForSquiggles(ed.page, (sq) =>
        [...expectedLines.keys()].every((l) => sq.some((s) => s.line === l)),
      );
      for (const [line, severities] of expectedLines) {
        const here = seen.filter((s) => s.line === line).map((s) => s.severity);
        assert.ok(
          here.length > 0,
          `no squiggle on line ${line} of ${file}; squiggles: ${JSON.stringify(seen.map((s) => [s.line, s.severity]))}`,
        );
        const strongest = severities.includes('error') ? 'error' : severities.includes('warning') ? 'warning' : 'info';
        assert.ok(
          here.includes(strongest),
          `line ${line} of ${file} should show a ${strongest} squiggle, shows ${here.join(', ')}`,
        );
      }
      // And no squiggle where the engine reports nothing: every squiggled line lies inside a call the
      // CLI reports a finding for (multi-line calls squiggle every line their range covers).
      const usages = usagesOf(scan, file);
      const covered = (line) =>
        cli.some((f) => f.line === line) ||
        usages.some(
          (u) =>
            line >= u.line &&
            line <= (u.endLine ?? u.line) &&
            cli.some((f) => f.line >= u.line && f.line <= (u.endLine ?? u.line)),
        );
      const stray = [...new Set(seen.map((s) => s.line))].filter((l) => !covered(l));
      assert.deepEqual(stray, [], `squiggles on lines the engine reports nothing for in ${file}`);
    });
  }

  it("marks seed 000's invalid policy JSON inside the IAM snapshot file", async function () {
    const [f] = findingsOf(scan, 'iam/222222222222.json').filter((x) => x.code === 'policy-parse-error');
    assert.ok(f, 'the CLI reports the trailing comma of the jenkins policy in the snapshot');
    await openFile(ed.page, 'iam/222222222222.json');
    await gotoLine(ed.page, f.line, f.column);
    const seen = await waitForSquiggles(ed.page, (sq) => sq.some((s) => s.line === f.line));
    assert.ok(
      seen.some((s) => s.line === f.line && s.severity === 'error'),
      `no error squiggle on line ${f.line} of the snapshot: ${JSON.stringify(seen)}`,
    );
  });

  it('lists the findings in the Problems panel with their codes', async function () {
    await runCommand(ed.page, 'RoleCall: Scan Workspace Pipelines');
    await ensureProblemsPanel(ed.page);
    const wanted = [
      'mfa-required',
      'role-chaining-duration',
      'invalid-principal',
      'unsatisfiable-condition',
      'invalid-session-name',
      'role-not-found',
      'hardcoded-secret',
    ];
    const lists = (code) => (rows) => rows.some((r) => r.includes(code));
    for (const code of wanted) {
      const rows = await filterProblems(ed.page, code, lists(code));
      assert.ok(
        rows.some((r) => r.includes(code)),
        `Problems panel shows no ${code} entry; rows: ${JSON.stringify(rows.slice(0, 8))}`,
      );
    }
    // Every code the CLI finds in the workspace's pipelines is listed too (the filter matches codes).
    // (The CLI may also report role-level codes at the snapshot JSON itself; the editor analyses pipelines.)
    const codes = [...new Set(scan.findings.filter((f) => !f.file.endsWith('.json')).map((f) => f.code))];
    const missing = [];
    for (const code of codes) {
      const rows = await filterProblems(ed.page, code, lists(code));
      if (!lists(code)(rows)) missing.push(code);
    }
    await filterProblems(ed.page, '');
    assert.deepEqual(missing, [], 'codes the CLI reports but the Problems panel does not list');
  });

  it('the scan command shows its notification', async function () {
    await runCommand(ed.page, 'RoleCall: Scan Workspace Pipelines');
    const text = await waitForNotification(ed.page, /RoleCall|pipeline|scan/i);
    assert.match(text, /\d+/, `scan notification gives no count: ${text}`);
  });

  it('hover over withAWS shows the resolved role ARN and the decision', async function () {
    const file = 'seed-000-external-id/Jenkinsfile.prod';
    await openFile(ed.page, file);
    const hover = await hoverOver(ed.page, 15, 'withAWS');
    assert.ok(hover.includes('arn:aws:iam::222222222222:role/jenkins'), `hover lacks the resolved role ARN: ${hover}`);
    assert.match(hover, /Decision:?\s*\S*\s*deny/i, `hover lacks a deny decision: ${hover}`);
    assert.match(hover, /role-chaining-duration|duration-exceeds-max/, `hover does not say why: ${hover}`);
    const fine = await hoverOver(ed.page, 10, 'withAWS');
    assert.match(fine, /invalid-role-arn|unresolved|22222222222/, `hover on the 11-digit account shows: ${fine}`);
  });

  it('quick fix clamps the duration and the diagnostic goes away', async function () {
    const file = 'seed-000-external-id/Jenkinsfile.prod';
    await openFile(ed.page, file);
    const before = await lineText(ed.page, 15);
    assert.match(before, /duration: 7200/);
    await applyQuickFix(ed.page, 15, '7200', /Use duration 3600 \(role chaining limit\)|Set duration to 3600 seconds/);
    const after = await lineText(ed.page, 15);
    assert.match(after, /duration: 3600/, `line 15 after the fix: ${after}`);
    await ed.page.keyboard.press('Control+S');
    const rows = await waitForProblemsWithout(ed.page, 'role-chaining-duration', 'Jenkinsfile.prod', 15);
    assert.ok(
      !rows.some((r) => /Ln 15\b|line 15\b/.test(r) && r.includes('Jenkinsfile.prod')),
      `role-chaining-duration still listed for line 15: ${JSON.stringify(rows)}`,
    );
  });

  it('quick fix repairs the session name and the diagnostic goes away', async function () {
    const file = 'seed-000-external-id/Jenkinsfile.prod';
    await openFile(ed.page, file);
    await applyQuickFix(ed.page, 20, "'jenkins session'", /Use session name ["']jenkins-session["']/);
    const after = await lineText(ed.page, 20);
    assert.match(after, /roleSessionName: 'jenkins-session'/, `line 20 after the fix: ${after}`);
    const rows = await waitForProblemsWithout(ed.page, 'invalid-session-name', 'Jenkinsfile.prod', 20);
    assert.ok(
      !rows.some((r) => /Ln 20\b|line 20\b/.test(r) && r.includes('Jenkinsfile.prod')),
      `invalid-session-name still listed for line 20: ${JSON.stringify(rows)}`,
    );
    const sq = (await squiggles(ed.page)).filter((s) => s.line === 20);
    // The missing ExternalId is still an error on that line; only the session name was fixed.
    assert.ok(sq.length > 0, 'the remaining external-id-missing error should still be squiggled');
    await gotoLine(ed.page, 1);
  });
  it('a new line typed in the first stage moves every squiggle below it and the lines the hover cites down by one; undo moves them back', async function () {
    const file = 'seed-000-external-id/Jenkinsfile.prod';
    await openFile(ed.page, file);
    const linesOf = (list) => [...new Set(list.map((s) => s.line))].sort((a, b) => a - b);
    const before = linesOf(await waitForSquiggles(ed.page, (l) => l.some((s) => s.line === 20)));
    assert.ok(before.includes(20), `squiggles before typing: ${before}`);
    const cited = await hoverOver(ed.page, 20, 'withAWS');
    assert.match(cited, /literal on line 20\b/, `hover before typing: ${cited}`);
    assert.match(cited, /session name: literal on line 20\b/, `hover before typing: ${cited}`);
    // Inside the first stage, above its withAWS: the session re-analyses that stage and carries the
    // usages below it over, moving them and rendering the lines they cite again.
    await gotoLine(ed.page, 10);
    await ed.page.keyboard.press('Enter');
    const moved = before.map((l) => (l >= 10 ? l + 1 : l));
    const after = linesOf(await waitForSquiggles(ed.page, (l) => JSON.stringify(linesOf(l)) === JSON.stringify(moved)));
    assert.deepEqual(after, moved, 'every squiggle moved down one line');
    const hover = await hoverOver(ed.page, 21, 'withAWS');
    assert.match(hover, /literal on line 21\b/, `hover after typing: ${hover}`);
    assert.match(hover, /session name: literal on line 21\b/, `hover after typing: ${hover}`);
    await screenshot(ed.page, 'diagnostics--new-line-typed-in-a-stage-hover-cites-moved-lines');
    await ed.page.keyboard.press('Escape');
    await focusEditor(ed.page);
    await ed.page.keyboard.press('Control+Z');
    const back = linesOf(await waitForSquiggles(ed.page, (l) => JSON.stringify(linesOf(l)) === JSON.stringify(before)));
    assert.deepEqual(back, before, 'undo moved every squiggle back');
    const again = await hoverOver(ed.page, 20, 'withAWS');
    assert.match(again, /literal on line 20\b/, `hover after undo: ${again}`);
    await gotoLine(ed.page, 1);
  });
});

async function waitForProblemsWithout(page, code, file, line, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let rows = [];
  // Absent on two reads 600 ms apart: one read may still show the previous filter's rows.
  let absent = 0;
  while (Date.now() < deadline && absent < 2) {
    rows = (await filterProblems(page, code)).filter((r) => r.includes(file));
    absent = rows.some((r) => new RegExp(`Ln ${line}\\b|line ${line}\\b`).test(r)) ? 0 : absent + 1;
    if (absent < 2) await page.waitForTimeout(600);
  }
  await filterProblems(page, '');
  return rows;
}
