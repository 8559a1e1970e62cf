/* global describe, it -- mocha globals */
// The Role Trust Explorer in the activity bar: accounts → roles → trust statements → pipeline usages,
// as a person expands them.
import assert from 'node:assert/strict';
import { expandTreeRow, openView, runCommand, treeRows } from '../lib/browser.mjs';
import { useEditor } from '../lib/suite.mjs';

describe('Role Trust Explorer', function () {
  const ed = useEditor({ name: 'explorer' });

  it('shows the accounts of the IAM snapshots', async function () {
    await openView(ed.page, 'RoleCall');
    const rows = await waitForRows(ed.page, (r) =>
      ['111111111111', '222222222222', '333333333333', '444444444444'].every((a) =>
        r.some((x) => x.label.startsWith(a)),
      ),
    );
    for (const a of ['111111111111', '222222222222', '333333333333', '444444444444']) {
      assert.ok(
        rows.some((r) => r.label.startsWith(a)),
        `account ${a} not in the explorer: ${JSON.stringify(rows.map((r) => r.label))}`,
      );
    }
  });

  it('lists the roles of an account, their trust statements and the pipeline lines using them', async function () {
    // A person scans first so the explorer knows the pipeline lines; accounts open expanded.
    await runCommand(ed.page, 'RoleCall: Scan Workspace Pipelines');
    await openView(ed.page, 'RoleCall');
    let rows = await waitForRows(ed.page, (r) => r.some((x) => x.label === 'developer'));
    for (const role of ['jenkins', 'developer', 'admin']) {
      assert.ok(
        rows.some((r) => r.label === role),
        `role ${role} not listed: ${JSON.stringify(rows.map((r) => r.label))}`,
      );
    }
    await expandTreeRow(ed.page, 'developer');
    rows = await waitForRows(ed.page, (r) => r.some((x) => /^Statement/.test(x.label)));
    const statement = rows.find((r) => /Statement.*ForceMFA/.test(r.label) || /Statement/.test(r.label));
    assert.ok(statement, `no trust statement under developer: ${JSON.stringify(rows.map((r) => r.label))}`);
    assert.match(
      `${statement.label} ${statement.description}`,
      /ForceMFA|arn:aws:iam:::root/,
      'the statement shows its Sid or principal',
    );
    // The usage of the role in seed-001's Jenkinsfile (line 11) appears once the workspace was scanned.
    rows = await waitForRows(ed.page, (r) => r.some((x) => /Jenkinsfile/.test(`${x.label} ${x.description}`)), 30_000);
    assert.ok(
      rows.some((r) => /Jenkinsfile/.test(`${r.label} ${r.description}`) && /11/.test(`${r.label} ${r.description}`)),
      `no usage row for seed-001-mfa-users/Jenkinsfile:11 under developer: ${JSON.stringify(rows.map((r) => `${r.label} | ${r.description}`))}`,
    );
  });

  it('lists a step that uses static keys under "Static credentials" and its credential', async function () {
    await openView(ed.page, 'RoleCall');
    await waitForRows(ed.page, (r) => r.some((x) => x.label === '444444444444'));
    // Accounts open expanded: fold them so the static-credentials rows are in view.
    for (const a of ['111111111111', '222222222222', '333333333333', '444444444444']) await collapseTreeRow(ed.page, a);
    let rows = await waitForRows(ed.page, (r) => r.some((x) => x.label === 'jenkins-static-ecr-user'));
    const group = rows.find((r) => r.label === 'Static credentials');
    assert.ok(group, `no "Static credentials" row: ${JSON.stringify(rows.map((r) => r.label))}`);
    assert.match(group.description, /assumes? no role/);
    rows = await waitForRows(ed.page, (r) => r.some((x) => /ecrLogin\.groovy:3/.test(x.label)));
    const line = rows.find((r) => /ecrLogin\.groovy:3/.test(r.label));
    assert.ok(
      line,
      `no ecrLogin.groovy:3 row under jenkins-static-ecr-user: ${JSON.stringify(rows.map((r) => `${r.label} | ${r.description}`))}`,
    );
    // File name and line lead (the sidebar cuts long labels); the folder comes last.
    assert.equal(line.label, 'ecrLogin.groovy:3');
    assert.equal(line.description, 'credentials-binding · static keys, assumes no role · seed-002-vault/vars');
  });
});

/** Collapses the first tree row labelled `label` when it is expanded. */
async function collapseTreeRow(page, label) {
  const row = page
    .locator('.part.sidebar .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) })
    .first();
  if ((await row.count()) === 0) return;
  if ((await row.getAttribute('aria-expanded')) === 'true') {
    await row.locator('.monaco-tl-twistie').click();
    await page.waitForTimeout(300);
  }
}

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
