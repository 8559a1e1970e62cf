/* global describe, it, document -- mocha globals; document inside page.waitForFunction */
// The role owner's side, as a person uses it: from a refused call, "Ask the role's owner for access…" opens
// the least-privilege change in a read-only document; in a trust policy file, the CodeLens counts the
// pipeline lines that assume the role, and after an edit says how many of them the change breaks.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  applyQuickFix,
  expandTreeRow,
  gotoLine,
  openFile,
  quickInput,
  runCommand,
  screenshot,
  treeRows,
} from '../lib/browser.mjs';
import { useEditor } from '../lib/suite.mjs';

/** The trust policy of seed 000's `jenkins` role, pretty-printed as an IAM repository would keep it. */
function jenkinsTrust(workspace) {
  const snapshot = JSON.parse(readFileSync(path.join(workspace, 'iam', '222222222222.json'), 'utf8'));
  const role = snapshot.RoleDetailList.find((r) => r.RoleName === 'jenkins');
  const doc = role.AssumeRolePolicyDocument;
  return JSON.stringify(typeof doc === 'string' ? JSON.parse(decodeURIComponent(doc)) : doc, null, 2) + '\n';
}

async function lensTexts(page) {
  return page
    .locator('.editor-group-container.active .codelens-decoration a')
    .allInnerTexts()
    .catch(() => []);
}

async function waitForLens(page, re, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await lensTexts(page);
    if (seen.some((t) => re.test(t))) return seen;
    await page.waitForTimeout(400);
  }
  throw new Error(`no CodeLens ${re} (seen: ${JSON.stringify(seen)})`);
}

async function activeText(page) {
  return (await page.locator('.editor-group-container.active .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

describe("Role owner's side: grant document and trust-change impact", function () {
  const ed = useEditor({
    name: 'grant',
    prepareWorkspace: (root) => {
      mkdirSync(path.join(root, 'policies'), { recursive: true });
      writeFileSync(path.join(root, 'policies', 'jenkins-trust.json'), jenkinsTrust(root));
    },
  });

  it("opens the least-privilege change from a refused call's quick fix, in the format picked", async function () {
    await openFile(ed.page, 'seed-001-mfa-users/Jenkinsfile');
    // Line 18: bob calls admin without MFA (mfa-required).
    await applyQuickFix(ed.page, 18, 'withAWS', /Ask the role's owner for access/);
    const q = await quickInput(ed.page, { title: /format of the change/ });
    await q.pick('CloudFormation');
    await ed.page
      .locator('.tabs-container .tab.active', { hasText: 'grant-for-admin' })
      .first()
      .waitFor({ timeout: 20_000 });
    await waitForLens(ed.page, /Copy the change/);
    const text = await activeText(ed.page);
    assert.match(text, /Add to AssumeRolePolicyDocument\.Statement of admin/);
    assert.match(text, /Effect: Allow/);
    assert.match(text, /AWS: arn:aws:iam::111111111111:user\/bob/);
    assert.match(
      text,
      /Principal\.AWS is exactly arn:aws:iam::111111111111:user\/bob/,
      'the reason for the principal is in the document',
    );
    assert.doesNotMatch(text, /:root/, 'never the account root');
    await screenshot(ed.page, 'grant--document-opened-from-the-mfa-required-quick-fix');
  });

  it('editing a trust policy file shows "assumed by N pipeline lines", then "this change breaks K of them" with a link to each line', async function () {
    await runCommand(ed.page, 'RoleCall: Scan Workspace Pipelines');
    // One editor group again (the grant document opened beside), so the keys go to the policy file.
    await runCommand(ed.page, 'View: Close All Editor Groups');
    await openFile(ed.page, 'policies/jenkins-trust.json');
    const before = await waitForLens(ed.page, /assumed by \d+ pipeline lines/);
    const n = Number(/assumed by (\d+)/.exec(before.find((t) => /assumed by/.test(t)))[1]);
    assert.ok(n >= 5, `jenkins is assumed by the seed-000 pipelines: ${before}`);
    assert.ok(!before.some((t) => /this change/.test(t)), 'no impact lens before an edit');
    // Rotate the ExternalId: the call that passes the old value literally (Jenkinsfile.prod) breaks.
    const lines = readFileSync(path.join(ed.workspace, 'policies', 'jenkins-trust.json'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('sts:ExternalId')) + 1;
    const column = lines[line - 1].lastIndexOf('"') + 1;
    await gotoLine(ed.page, line, column);
    await ed.page.keyboard.type('-rotated');
    await ed.page.waitForFunction(
      () => /Yz-rotated/.test(document.querySelector('.editor-group-container.active .view-lines')?.textContent ?? ''),
      null,
      { timeout: 10_000 },
    );
    const after = await waitForLens(ed.page, /this change breaks [1-9]\d* of them/);
    const k = Number(/breaks (\d+) of them/.exec(after.find((t) => /breaks \d+ of them/.test(t)))[1]);
    assert.ok(
      after.some((t) => /Jenkinsfile\.prod:26 — external-id-mismatch/.test(t)),
      `a lens links the broken line: ${JSON.stringify(after)}`,
    );
    await screenshot(ed.page, 'grant--trust-policy-edit-breaks-k-lines');
    await ed.page
      .locator('.editor-group-container.active .codelens-decoration a', { hasText: /this change breaks/ })
      .first()
      .click();
    const q = await quickInput(ed.page, { title: /this change to .* breaks/ });
    const rows = await ed.page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
    assert.equal(rows.length, k, `the quick pick lists the ${k} broken lines: ${JSON.stringify(rows)}`);
    await q.pick('Jenkinsfile.prod:26');
    await ed.page
      .locator('.tabs-container .tab.active', { hasText: 'Jenkinsfile.prod' })
      .first()
      .waitFor({ timeout: 15_000 });
    await screenshot(ed.page, 'grant--broken-line-opened-from-the-lens');
  });

  it('the Role Trust Explorer lists, under each trust statement, the pipeline lines it lets in', async function () {
    await ed.page.keyboard.press('Escape');
    await runCommand(ed.page, 'RoleCall: Scan Workspace Pipelines');
    // The view container's error badge can sit over its activity bar icon: focus the view by its command.
    await runCommand(ed.page, 'Focus on Role Trust Explorer View');
    await runCommand(ed.page, 'RoleCall: Refresh Role Trust Explorer');
    let rows = await waitForRows(ed.page, (r) => r.some((x) => x.label === 'jenkins'), 30_000);
    assert.ok(
      rows.some((x) => x.label === 'jenkins'),
      `roles of 222222222222 listed: ${JSON.stringify(rows.map((r) => `${r.level} ${r.label} | ${r.description}`))}`,
    );
    await expandTreeRow(ed.page, 'jenkins');
    // jenkins' one statement (the hub account with an ExternalId) lets in the call with the literal ExternalId.
    rows = await waitForRows(ed.page, (r) =>
      r.some((x) => /^Statement/.test(x.label) && /lets in \d+ line/.test(x.description)),
    );
    const statement = rows.find((x) => /^Statement/.test(x.label) && /lets in/.test(x.description));
    assert.ok(
      statement && /lets in [1-9]\d* line/.test(statement.description),
      `statement row: ${JSON.stringify(rows.map((r) => `${r.label} | ${r.description}`))}`,
    );
    await expandTreeRow(ed.page, statement.label);
    // The rows under the statement (until the next row at its level or above) hold the line it lets in.
    const under = (r) => {
      const i = r.findIndex((x) => x.label === statement.label && /lets in/.test(x.description));
      const rest = r.slice(i + 1);
      const end = rest.findIndex((x) => x.level <= r[i].level);
      return end < 0 ? rest : rest.slice(0, end);
    };
    rows = await waitForRows(ed.page, (r) => under(r).some((x) => /Jenkinsfile\.prod:26/.test(x.label)));
    assert.ok(
      under(rows).some((x) => /Jenkinsfile\.prod:26/.test(x.label)),
      `the usage row sits under the statement: ${JSON.stringify(rows.map((r) => `${r.level} ${r.label} | ${r.description}`))}`,
    );
    assert.ok(
      !under(rows).some((x) => /Jenkinsfile\.prod:20/.test(x.label)),
      'a refused line (no ExternalId) is not under the statement',
    );
    await screenshot(ed.page, 'grant--explorer-lines-under-the-statement-that-lets-them-in');
  });
});

async function waitForRows(page, pred, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await treeRows(page, 'Role Trust Explorer');
    if (pred(rows)) return rows;
    await page.waitForTimeout(300);
  }
  return rows;
}
