// Findings → diagnostics. Documents are analysed on open, on edit (debounced, stale runs dropped) and on
// save; `rolecall.scanWorkspace` analyses every pipeline file with progress and cancellation.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { decodePipelineText } from '../core/analyze';
import { LineMap, type Finding, type Severity } from '../core/types';
import { toRange, type Analysis, type FileResult } from './analysis';
import type { Log } from './log';
import type { CascMark } from './pure/cascDiagnostics';
import { EXCLUDE_GLOB, PIPELINE_GLOB, shouldAnalyze } from './pure/files';
import type { StatusBar } from './statusBar';
import { trustUri, type TrustDocuments } from './trustDocument';

export const DEBOUNCE_MS = 300;
export const LANGUAGES = ['jenkinsfile', 'groovy'];

function severity(s: Severity): vscode.DiagnosticSeverity {
  return s === 'error'
    ? vscode.DiagnosticSeverity.Error
    : s === 'warning'
      ? vscode.DiagnosticSeverity.Warning
      : vscode.DiagnosticSeverity.Information;
}

export function isPipelineDocument(doc: vscode.TextDocument): boolean {
  return shouldAnalyze(doc.languageId, doc.uri.fsPath, doc.uri.scheme, () => doc.getText());
}

export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('rolecall');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly generation = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];
  private scanning = 0;
  /** Syntax problems last logged per file, so an edit loop does not flood the log. */
  private readonly syntaxCounts = new Map<string, number>();

  constructor(
    private readonly analysis: Analysis,
    private readonly trust: TrustDocuments,
    private readonly status: StatusBar,
    private readonly log: Log,
    private readonly docsUri: vscode.Uri,
  ) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.schedule(e.document, DEBOUNCE_MS);
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => this.schedule(doc, 0)),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.cancel(doc.uri);
        this.analysis.forget(doc.uri);
      }),
      vscode.workspace.onDidDeleteFiles((e) => {
        for (const uri of e.files) {
          this.collection.delete(uri);
          this.analysis.delete(uri);
        }
      }),
    );
  }

  /** Schedules an analysis; a newer edit cancels the pending one and makes a running one stale. */
  schedule(doc: vscode.TextDocument, delay: number): void {
    if (!isPipelineDocument(doc)) return;
    const key = doc.uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    const gen = (this.generation.get(key) ?? 0) + 1;
    this.generation.set(key, gen);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.analyzeDocument(doc, gen).catch((err: unknown) => this.log.error(`analysis failed: ${String(err)}`));
      }, delay),
    );
  }

  private cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending);
    this.timers.delete(key);
    this.generation.set(key, (this.generation.get(key) ?? 0) + 1);
  }

  /** Analyses an open document now and publishes the result unless a newer edit superseded it. */
  async analyzeDocument(
    doc: vscode.TextDocument,
    gen = this.generation.get(doc.uri.toString()) ?? 0,
  ): Promise<FileResult | null> {
    const key = doc.uri.toString();
    const result = await this.analysis.run(doc.uri, doc.getText(), doc.version);
    if ((this.generation.get(key) ?? 0) !== gen) return null;
    await this.publish(result);
    return result;
  }

  /** Re-analyses every file with a result and every open pipeline document (settings or IAM data changed). */
  async refreshAll(): Promise<void> {
    const open = new Set<string>();
    for (const doc of vscode.workspace.textDocuments) {
      if (!isPipelineDocument(doc)) continue;
      open.add(doc.uri.toString());
      await this.analyzeDocument(doc);
    }
    for (const r of this.analysis.all()) {
      if (open.has(r.uri.toString())) continue;
      await this.analyzeUri(r.uri);
    }
  }

  private async analyzeUri(uri: vscode.Uri): Promise<void> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      await this.analyzeDocument(open);
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch {
      this.collection.delete(uri);
      this.analysis.delete(uri);
      return;
    }
    const decoded = decodePipelineText(uri.fsPath, bytes);
    if ('error' in decoded) {
      this.log.warn(`${uri.fsPath}: ${decoded.error.message}`);
      return;
    }
    await this.publish(await this.analysis.run(uri, decoded.text, -1));
  }

  /** Analyses every pipeline file of the workspace. Returns the number of files analysed. */
  async scanWorkspace(
    progress?: vscode.Progress<{ message?: string; increment?: number }>,
    token?: vscode.CancellationToken,
  ): Promise<number> {
    this.scanning++;
    this.status.set({ kind: 'scanning' });
    try {
      const files = await vscode.workspace.findFiles(PIPELINE_GLOB, EXCLUDE_GLOB, 5000, token);
      let done = 0;
      for (const uri of files) {
        if (token?.isCancellationRequested) break;
        progress?.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / Math.max(1, files.length) });
        this.status.set({ kind: 'scanning', done, total: files.length });
        await this.analyzeUri(uri);
        done++;
      }
      this.log.info(
        `workspace scan: ${done} of ${files.length} pipeline file(s) analysed${token?.isCancellationRequested ? ' (cancelled)' : ''}`,
      );
      return done;
    } finally {
      this.scanning--;
      this.updateStatus();
    }
  }

  /** Publishes a result: diagnostics with related statements, the shared store, the status bar. */
  async publish(result: FileResult): Promise<void> {
    // Role-level findings may also be reported at a snapshot file: only this file's go on this document.
    const own = result.analysis.findings.filter((f) => f.file === result.analysis.file);
    const diagnostics = await Promise.all(own.map((f) => this.toDiagnostic(result, f)));
    // Syntax errors are not ours to report (RoleCall is no Groovy linter); the tolerant parser recovers.
    const syntax = result.analysis.parseErrors.length;
    if (syntax !== (this.syntaxCounts.get(result.uri.toString()) ?? 0)) {
      this.syntaxCounts.set(result.uri.toString(), syntax);
      if (syntax) this.log.info(`${result.uri.fsPath}: ${syntax} Groovy syntax problem(s) skipped over`);
    }
    this.collection.set(result.uri, diagnostics);
    this.analysis.set(result);
    this.updateStatus();
  }

  private async toDiagnostic(result: FileResult, f: Finding): Promise<vscode.Diagnostic> {
    const d = new vscode.Diagnostic(toRange(result.lines, f.range), f.message, severity(f.severity));
    d.source = 'rolecall';
    d.code = { value: f.code, target: this.docsUri.with({ fragment: f.code }) };
    const related: vscode.DiagnosticRelatedInformation[] = [];
    for (const r of f.related ?? []) {
      try {
        // A position in the snapshot file itself (a parse error, a principal) is most precise there.
        if (r.statement === undefined && r.file && r.range) {
          const lines = await this.snapshotLines(r.file);
          if (lines) {
            related.push(
              new vscode.DiagnosticRelatedInformation(
                new vscode.Location(vscode.Uri.file(r.file), toRange(lines, r.range)),
                r.message,
              ),
            );
            continue;
          }
        }
        const range = await this.trust.statementRange(r.roleArn, r.statement);
        if (range)
          related.push(
            new vscode.DiagnosticRelatedInformation(new vscode.Location(trustUri(r.roleArn), range), r.message),
          );
      } catch (err) {
        this.log.warn(`could not locate the trust statement for ${r.roleArn}: ${String(err)}`);
      }
    }
    if (related.length === 0 && f.roleArn && f.code !== 'invalid-role-arn' && f.code !== 'role-not-found') {
      const range = await this.trust.statementRange(f.roleArn, undefined).catch(() => null);
      if (range)
        related.push(
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(trustUri(f.roleArn), range),
            `trust policy of ${f.roleArn}`,
          ),
        );
    }
    if (related.length) d.relatedInformation = related;
    return d;
  }

  private readonly snapshotText = new Map<string, Promise<LineMap | null>>();
  private snapshotUris: vscode.Uri[] = [];

  /** Puts findings about the snapshot files themselves (invalid policy JSON) on those files. */
  async publishSnapshotFindings(findings: Finding[], cascMarks: readonly CascMark[] = []): Promise<void> {
    for (const uri of this.snapshotUris) this.collection.delete(uri);
    this.snapshotUris = [];
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (file: string, d: vscode.Diagnostic) => byFile.set(file, [...(byFile.get(file) ?? []), d]);
    for (const f of findings) {
      const lines = await this.snapshotLines(f.file);
      if (!lines) continue;
      const d = new vscode.Diagnostic(toRange(lines, f.range), f.message, severity(f.severity));
      d.source = 'rolecall';
      d.code = { value: f.code, target: this.docsUri.with({ fragment: f.code }) };
      add(f.file, d);
    }
    // Problems of Jenkins configuration-as-code files: on the YAML, where the CLI's `FILE:LINE:COL` points.
    for (const m of cascMarks) {
      const d = new vscode.Diagnostic(
        new vscode.Range(m.line, m.start, m.line, m.end),
        m.message,
        severity(m.severity),
      );
      d.source = 'rolecall';
      add(m.file, d);
    }
    for (const [file, list] of byFile) {
      const uri = vscode.Uri.file(file);
      this.collection.set(uri, list);
      this.snapshotUris.push(uri);
    }
  }

  /** Line map of a snapshot file, for related locations inside it (cached until IAM data changes). */
  private snapshotLines(file: string): Promise<LineMap | null> {
    let lines = this.snapshotText.get(file);
    if (!lines) {
      lines = fs.readFile(file, 'utf8').then(
        (t) => new LineMap(t.charCodeAt(0) === 0xfeff ? t.slice(1) : t),
        () => null,
      );
      this.snapshotText.set(file, lines);
    }
    return lines;
  }

  /** Forgets cached snapshot texts (IAM data changed). */
  forgetSnapshots(): void {
    this.snapshotText.clear();
  }

  private iamProblem: string | null = null;

  /** Records a problem with the IAM source itself (unreadable snapshot, SDK failure) for the status bar. */
  setIamProblem(problem: string | null): void {
    this.iamProblem = problem;
    this.updateStatus();
  }

  private updateStatus(): void {
    if (this.scanning > 0) return;
    const all = this.analysis.all();
    if (this.iamProblem) {
      this.status.set({ kind: 'iam-unavailable', reason: this.iamProblem });
      return;
    }
    const unavailable = all.flatMap((r) => r.analysis.findings).find((f) => f.code === 'iam-unavailable');
    const count = all.reduce((n, r) => n + r.analysis.findings.filter((f) => f.severity !== 'info').length, 0);
    if (unavailable) this.status.set({ kind: 'iam-unavailable', reason: unavailable.message });
    else if (count > 0) this.status.set({ kind: 'problems', count });
    else this.status.set({ kind: 'idle' });
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
