// Owns every disposable and the extension's state (rust-analyzer's Ctx): created at activation, cheaply;
// nothing here reads IAM data or scans the workspace until asked.
import * as vscode from 'vscode';
import type { Usage } from '../core/types';
import { Analysis } from './analysis';
import { registerCodeActions } from './codeActions';
import { Config } from './config';
import { Diagnostics, LANGUAGES } from './diagnostics';
import { GrantDocuments, TrustImpactLenses } from './grant';
import { Hovers, Lenses } from './hover';
import { IamSource } from './iamSource';
import { LibraryIndex } from './library';
import { Log } from './log';
import { Secrets } from './secrets';
import { StatusBar } from './statusBar';
import { TrustDocuments } from './trustDocument';
import { TrustExplorer } from './trustExplorer';

export class Ctx implements vscode.Disposable {
  readonly log: Log;
  readonly config: Config;
  readonly secrets: Secrets;
  readonly iam: IamSource;
  readonly analysis: Analysis;
  readonly trust: TrustDocuments;
  readonly status: StatusBar;
  readonly diagnostics: Diagnostics;
  readonly explorer: TrustExplorer;
  readonly grants: GrantDocuments;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly extension: vscode.ExtensionContext) {
    this.log = this.push(new Log());
    this.config = this.push(new Config(this.log));
    this.secrets = this.push(new Secrets(extension, this.log));
    this.iam = this.push(new IamSource(this.config, this.log));
    const library = this.push(new LibraryIndex(this.log));
    this.analysis = this.push(new Analysis(this.config, this.iam, this.secrets, this.log, library));
    this.trust = this.push(new TrustDocuments(this.iam));
    this.status = this.push(new StatusBar());
    this.diagnostics = this.push(
      new Diagnostics(
        this.analysis,
        this.trust,
        this.status,
        this.log,
        vscode.Uri.joinPath(extension.extensionUri, 'README.md'),
      ),
    );
    this.explorer = this.push(new TrustExplorer(this.analysis, this.iam));
    this.grants = this.push(new GrantDocuments());
    this.push(new TrustImpactLenses(this.analysis, this.iam));
    const selector = LANGUAGES.map((language) => ({ language }));
    this.push(registerCodeActions(this.analysis, this.iam));
    this.push(vscode.languages.registerHoverProvider(selector, new Hovers(this.analysis, this.iam)));
    const lenses = this.push(new Lenses(this.analysis));
    this.push(vscode.languages.registerCodeLensProvider(selector, lenses));

    this.push(
      this.config.onDidChange(({ iam }) => {
        if (iam) this.iam.invalidate();
        this.reanalyze();
      }),
      // A template or .tf file changed: the pipelines are checked against the new roles.
      this.iam.onDidChangeCode(() => this.reanalyze()),
      // A shared-library step changed: the pipelines calling it are analysed with its new text.
      library.onDidChange(() => this.reanalyze()),
      this.iam.onDidInvalidate(() => {
        this.trust.refresh();
        this.diagnostics.forgetSnapshots();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.iam.invalidate();
        this.reanalyze();
      }),
      this.iam.onDidBuild((state) => {
        this.diagnostics.setIamProblem(state.problems[0] ?? null);
        if (state.problems.length > 0) {
          void vscode.window.showWarningMessage(`RoleCall: ${state.problems[0]}`, 'Show Log').then((a) => {
            if (a) this.log.show();
          });
        }
        this.diagnostics
          .publishSnapshotFindings(state.snapshotFindings, state.cascMarks)
          .catch((err: unknown) => this.log.error(`snapshot diagnostics failed: ${String(err)}`));
      }),
      this.secrets.onDidChangeSessions(() => this.status.setSession(this.secrets.nextExpiring())),
    );
    this.status.setSession(this.secrets.nextExpiring());
  }

  push<T extends vscode.Disposable>(...items: T[]): T {
    this.disposables.push(...items);
    return items[0];
  }

  /** Disposes a resource with the extension (terminals opened with credentials). */
  disposeLater(item: vscode.Disposable): void {
    this.disposables.push(item);
  }

  /** Re-runs the analysis of everything known, after a settings or IAM change. */
  reanalyze(): void {
    this.diagnostics.refreshAll().catch((err: unknown) => this.log.error(`re-analysis failed: ${String(err)}`));
  }

  /** A usage from a command argument: a CodeLens/explorer `{uri, offset}`, an explorer usage node, or the cursor. */
  usageFromArg(arg: unknown): { usage: Usage; uri: vscode.Uri } | null {
    if (typeof arg === 'object' && arg !== null) {
      const node = arg as { kind?: string; usage?: Usage; uri?: unknown; offset?: unknown };
      if (node.kind === 'usage' && node.usage && node.uri instanceof vscode.Uri)
        return { usage: node.usage, uri: node.uri };
      if (typeof node.uri === 'string' && typeof node.offset === 'number') {
        const uri = vscode.Uri.parse(node.uri);
        const result = this.analysis.get(uri);
        const usage = result?.analysis.usages.find((u) => u.anchor.start === node.offset);
        if (usage) return { usage, uri };
      }
      return null;
    }
    if (arg !== undefined) return null;
    const editor = vscode.window.activeTextEditor;
    if (!editor) return null;
    const result = this.analysis.get(editor.document.uri);
    if (!result) return null;
    const offset = editor.document.offsetAt(editor.selection.active);
    const hits = result.analysis.usages
      .filter((u) => offset >= u.range.start && offset <= u.range.end)
      .sort((a, b) => a.range.end - a.range.start - (b.range.end - b.range.start));
    return hits[0] ? { usage: hits[0], uri: editor.document.uri } : null;
  }

  dispose(): void {
    for (const d of this.disposables.reverse()) {
      try {
        d.dispose();
      } catch {
        // Keep disposing the rest.
      }
    }
  }
}
