// Shared helpers of the extension-host tests: activation, the workspace copy, waiting for diagnostics.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'rolecall.rolecall';

/** Activates RoleCall and returns whatever its activate() exported. */
export async function activateRoleCall(): Promise<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in this extension host`);
  return ext.isActive ? ext.exports : await ext.activate();
}

/** The workspace folder (a temp copy of examples/) the runner opened. */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri;
}

export function fileUri(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));
}

export function rolecallDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'rolecall');
}

export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code ?? '');
}

/** Opens a document and waits until RoleCall has published diagnostics satisfying `ready`. */
export async function diagnosticsFor(
  rel: string,
  ready: (ds: vscode.Diagnostic[]) => boolean = (ds) => ds.length > 0,
  timeoutMs = 20_000,
): Promise<{ doc: vscode.TextDocument; diagnostics: vscode.Diagnostic[] }> {
  const uri = fileUri(rel);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  const deadline = Date.now() + timeoutMs;
  let ds = rolecallDiagnostics(uri);
  while (!ready(ds) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    ds = rolecallDiagnostics(uri);
  }
  return { doc, diagnostics: ds };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A finding of `rolecall scan --format json`, as much of it as the editor tests compare. */
export interface CliFinding {
  file: string;
  line: number;
  column: number;
  code: string;
}

/** The findings of the packaged CLI run on the workspace (exit 1, error findings, is expected). */
export function cliFindings(): CliFinding[] {
  const repo = process.env.ROLECALL_REPO_ROOT;
  assert.ok(repo, 'ROLECALL_REPO_ROOT is not set (the runner passes it through extensionEnvironment)');
  let out: string;
  try {
    out = execFileSync(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'scan', '.', '--format', 'json'], {
      cwd: workspaceRoot().fsPath,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
  } catch (err) {
    out = String((err as { stdout?: string }).stdout ?? '');
  }
  return (JSON.parse(out) as { findings: CliFinding[] }).findings;
}
