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
