// Quick fixes keyed on finding codes: offered for the diagnostic, and applying one removes it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateRoleCall, codeOf, diagnosticsFor } from './helpers';

/** Quick fixes for a diagnostic; waits while the provider has none (an edit or revert is being re-analysed). */
async function fixesFor(
  doc: vscode.TextDocument,
  d: vscode.Diagnostic,
  timeoutMs = 10_000,
): Promise<vscode.CodeAction[]> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const actions =
      (await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        d.range,
        vscode.CodeActionKind.QuickFix.value,
      )) ?? [];
    const fixes = actions.filter((a): a is vscode.CodeAction => 'edit' in a || 'kind' in a);
    if (fixes.length > 0 || Date.now() > deadline) return fixes;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('quick fixes', () => {
  const file = 'seed-000-external-id/Jenkinsfile.prod';
  before(async () => {
    await activateRoleCall();
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    // Back to the original findings before the next test picks a diagnostic.
    await diagnosticsFor(file, (ds) =>
      ['role-chaining-duration', 'invalid-session-name'].every((c) => ds.some((d) => codeOf(d) === c)),
    );
  });

  it('clamps a role-chaining duration to 3600 and the diagnostic goes away', async () => {
    const { doc, diagnostics } = await diagnosticsFor(file, (ds) =>
      ds.some((d) => codeOf(d) === 'role-chaining-duration'),
    );
    const d = diagnostics.find((x) => codeOf(x) === 'role-chaining-duration');
    assert.ok(d, 'no role-chaining-duration diagnostic');
    const fixes = await fixesFor(doc, d);
    const fix = fixes.find((a) =>
      /^(Use duration 3600 \(role chaining limit\)|Set duration to 3600 seconds)$/.test(a.title),
    );
    assert.ok(fix?.edit, `no duration clamp offered; offered: ${fixes.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(d.range.start.line).text, /duration: 3600/);
    const after = await diagnosticsFor(
      file,
      (ds) => !ds.some((x) => codeOf(x) === 'role-chaining-duration' && x.range.start.line === d.range.start.line),
    );
    assert.ok(
      !after.diagnostics.some(
        (x) => codeOf(x) === 'role-chaining-duration' && x.range.start.line === d.range.start.line,
      ),
      'role-chaining-duration stays',
    );
  });

  it('repairs an invalid session name and the diagnostic goes away', async () => {
    const { doc, diagnostics } = await diagnosticsFor(file, (ds) =>
      ds.some((d) => codeOf(d) === 'invalid-session-name'),
    );
    const d = diagnostics.find((x) => codeOf(x) === 'invalid-session-name');
    assert.ok(d, 'no invalid-session-name diagnostic');
    const fixes = await fixesFor(doc, d);
    const fix = fixes.find((a) => /session name/i.test(a.title));
    assert.ok(fix?.edit, `no session name fix; offered: ${fixes.map((a) => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(d.range.start.line).text, /roleSessionName: 'jenkins-session'/);
    const after = await diagnosticsFor(file, (ds) => !ds.some((x) => codeOf(x) === 'invalid-session-name'));
    assert.ok(!after.diagnostics.some((x) => codeOf(x) === 'invalid-session-name'), 'invalid-session-name stays');
  });

  it('offers the existing role names for a role that does not exist', async () => {
    const { doc, diagnostics } = await diagnosticsFor(file, (ds) => ds.some((d) => codeOf(d) === 'role-not-found'));
    const d = diagnostics.find((x) => codeOf(x) === 'role-not-found');
    assert.ok(d, 'no role-not-found diagnostic');
    const titles = (await fixesFor(doc, d)).map((a) => a.title);
    assert.ok(
      titles.some((t) => /Change (the )?role to '?jenkins'?$/.test(t)),
      `no "Change role to jenkins" among: ${titles.join(' | ')}`,
    );
  });
});
