// Activation stays cheap: build the context and register providers. The first analysis of open
// documents runs right after activation, the workspace scan when the editor is idle, the AWS SDK on
// first live use.
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { isPipelineDocument } from './diagnostics';
import type { FileAnalysis } from '../core/types';

let ctx: Ctx | undefined;

/** Delay before the background workspace scan, so it never competes with startup. */
const IDLE_SCAN_DELAY_MS = 2000;

/** What activate() returns, for extension-host tests and other extensions. */
export interface RoleCallApi {
  /** The Role Trust Explorer's data provider. */
  trustExplorer: vscode.TreeDataProvider<unknown>;
  /** The analysis last published for a file (usages, findings), or undefined. */
  result(uri: vscode.Uri): FileAnalysis | undefined;
}

export function activate(context: vscode.ExtensionContext): RoleCallApi {
  ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  registerCommands(ctx);
  const c = ctx;
  const first = setTimeout(() => {
    for (const doc of vscode.workspace.textDocuments) if (isPipelineDocument(doc)) c.diagnostics.schedule(doc, 0);
  }, 0);
  const scan = setTimeout(() => {
    c.diagnostics.scanWorkspace().catch((err: unknown) => c.log.error(`background scan failed: ${String(err)}`));
  }, IDLE_SCAN_DELAY_MS);
  context.subscriptions.push({
    dispose: () => {
      clearTimeout(first);
      clearTimeout(scan);
    },
  });
  // The walkthrough's "Open a Jenkinsfile" step completes on this key: `editorLangId` lives in each
  // editor's own context, which walkthrough completion events do not see.
  const notePipelineOpen = (editor: vscode.TextEditor | undefined) => {
    if (editor && isPipelineDocument(editor.document))
      void vscode.commands.executeCommand('setContext', 'rolecall.pipelineOpen', true);
  };
  notePipelineOpen(vscode.window.activeTextEditor);
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(notePipelineOpen));
  return {
    trustExplorer: c.explorer as vscode.TreeDataProvider<unknown>,
    result: (uri) => c.analysis.get(uri)?.analysis,
  };
}

export function deactivate(): void {
  ctx = undefined;
}
