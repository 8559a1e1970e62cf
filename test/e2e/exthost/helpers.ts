// Shared helpers of the extension-host tests: activation, the workspace copy, waiting for diagnostics.
import * as assert from 'node:assert/strict';
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
