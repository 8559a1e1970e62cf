// Diagnostics the extension publishes for each example file: the README's mistakes at the right
// lines with the contract's codes and severities, and exactly what the CLI (same engine) reports.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { FINDING_CODES, type FindingCode } from '../../../src/core/types';
import { ALL_FILES, EXPECTED } from './expected';
import { activateRoleCall, cliFindings, codeOf, diagnosticsFor, type CliFinding } from './helpers';

const SEVERITY: Record<string, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

describe('diagnostics', () => {
  let cli: CliFinding[];
  before(async () => {
    await activateRoleCall();
    cli = cliFindings();
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: the README's mistakes at the right lines`, async () => {
      const { doc, diagnostics } = await diagnosticsFor(file, (ds) =>
        expected.every(([line, code]) => ds.some((d) => d.range.start.line + 1 === line && codeOf(d) === code)),
      );
      for (const [line, code] of expected) {
        const d = diagnostics.find((x) => x.range.start.line + 1 === line && codeOf(x) === code);
        assert.ok(
          d,
          `no ${code} on line ${line}; got ${JSON.stringify(diagnostics.map((x) => [x.range.start.line + 1, codeOf(x)]))}`,
        );
        assert.equal(
          d.severity,
          SEVERITY[FINDING_CODES[code as FindingCode].severity],
          `${code} has the contract's severity`,
        );
        assert.ok(!d.range.isEmpty, `${code} on line ${line} has an empty range`);
        assert.ok(doc.validateRange(d.range).isEqual(d.range), `${code} range lies outside the document`);
        assert.ok(d.message.length > 10, `${code} has a message`);
      }
    });
  }

  for (const file of ALL_FILES) {
    it(`${file}: the same findings as the CLI (line and code)`, async () => {
      const want = cli
        .filter((f) => f.file === file || f.file === `./${file}`)
        .map((f) => `${f.line} ${f.code}`)
        .sort();
      const { diagnostics } = await diagnosticsFor(
        file,
        (ds) => ds.length >= want.length,
        want.length ? 20_000 : 3_000,
      );
      const got = diagnostics.map((d) => `${d.range.start.line + 1} ${codeOf(d)}`).sort();
      assert.deepEqual(got, want);
      for (const d of diagnostics) {
        assert.equal(d.source, 'rolecall');
        assert.ok(codeOf(d) in FINDING_CODES, `unknown code ${codeOf(d)}`);
      }
    });
  }

  it('a published result never changes when later edits are analysed (the engine moves kept usages in place)', async () => {
    const file = 'seed-000-external-id/Jenkinsfile.prod';
    const api = (await activateRoleCall()) as {
      result(uri: vscode.Uri): { usages: unknown[]; findings: unknown[] } | undefined;
    };
    const { doc } = await diagnosticsFor(file, (ds) =>
      ds.some((d) => codeOf(d) === 'invalid-role-arn' && d.range.start.line === 9),
    );
    // A new line inside the first stage, above its withAWS: the usages below it move, and the document's
    // session carries them over by moving them (a blank line between statements is not even re-parsed).
    const newLineAbove = async (line: number): Promise<void> => {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(line, 0), '\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await diagnosticsFor(file, (ds) =>
        ds.some((d) => codeOf(d) === 'invalid-role-arn' && d.range.start.line === line + 1),
      );
    };
    // The first edit makes the open document's session publish; the second one is analysed by it again.
    await newLineAbove(9);
    const published = api.result(doc.uri);
    assert.ok(published && published.usages.length > 0, 'a result was published for the edited document');
    const before = JSON.stringify(published);
    await newLineAbove(10);
    assert.notEqual(api.result(doc.uri), published, 'the second edit published a new result');
    assert.equal(JSON.stringify(published), before, 'the result published before the edit changed under its holder');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('an edit updates the diagnostics (fixing the 11-digit account id)', async () => {
    const file = 'seed-000-external-id/Jenkinsfile.prod';
    const { doc } = await diagnosticsFor(file, (ds) => ds.some((d) => codeOf(d) === 'invalid-role-arn'));
    const line = doc.lineAt(9);
    const at = line.text.indexOf("'22222222222'");
    assert.ok(at >= 0, 'line 10 holds the 11-digit account id');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(9, at, 9, at + 13), "'222222222222'");
    assert.ok(await vscode.workspace.applyEdit(edit));
    const { diagnostics } = await diagnosticsFor(
      file,
      (ds) => !ds.some((d) => codeOf(d) === 'invalid-role-arn' && d.range.start.line === 9),
    );
    assert.ok(
      !diagnostics.some((d) => codeOf(d) === 'invalid-role-arn' && d.range.start.line === 9),
      'invalid-role-arn stays after the fix',
    );
    // Put it back for the other tests (the document is not saved).
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
