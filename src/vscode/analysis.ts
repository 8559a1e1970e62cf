// Runs the shared engine on documents and keeps the latest result per file: diagnostics, hovers,
// CodeLens, quick fixes and the Role Trust Explorer all read from here.
import * as vscode from 'vscode';
import { addTrustFindings, analyzeFile } from '../core/analyze';
import { AnalysisSession } from '../core/session';
import { LineMap, type AnalysisContext, type FileAnalysis, type Range } from '../core/types';
import type { Config } from './config';
import type { IamSource, IamState } from './iamSource';
import type { LibraryIndex } from './library';
import { messageOf, type Log } from './log';
import type { Secrets } from './secrets';

export interface FileResult {
  uri: vscode.Uri;
  analysis: FileAnalysis;
  /** Document version analysed (open documents), or -1 for a file read from disk. */
  version: number;
  lines: LineMap;
  iamCovered: (account: string) => boolean;
}

/** Converts an offset range to an editor range through the file's LineMap (UTF-16, like VS Code). */
export function toRange(lines: LineMap, range: Range): vscode.Range {
  const a = lines.position(range.start);
  const b = lines.position(Math.max(range.start, range.end));
  return new vscode.Range(a.line - 1, a.column - 1, b.line - 1, b.column - 1);
}

export class Analysis implements vscode.Disposable {
  private readonly results = new Map<string, FileResult>();
  /**
   * One re-analysis session per open document (see session.ts). Its results are values: what is published
   * is never changed by a later update, so it is published as it is.
   */
  private readonly sessions = new Map<string, AnalysisSession>();
  /** The last context per file, reused while its inputs are the same objects (sessions restart on a new one). */
  private readonly contexts = new Map<string, { parts: unknown[]; ctx: AnalysisContext }>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires with the file whose result changed (undefined: many changed). */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly config: Config,
    private readonly iam: IamSource,
    private readonly secrets: Secrets,
    private readonly log: Log,
    private readonly library: LibraryIndex,
  ) {}

  /** The analysis context for a file: its folder's `.rolecall.json`, the settings and the IAM source. */
  async context(uri: vscode.Uri | undefined): Promise<{ ctx: AnalysisContext; iam: IamState }> {
    const [project, iam, credentials, library] = await Promise.all([
      this.config.project(uri),
      this.iam.get(),
      this.secrets.credentials(),
      this.library.get(),
    ]);
    const caller = this.config.settings.caller;
    // A file without .rolecall.json gets a fresh default config object each time: compare its folder instead.
    const parts: unknown[] = [
      project.file ? project.config : project.config.baseDir,
      iam,
      credentials,
      caller,
      library,
    ];
    const key = uri?.toString() ?? '';
    const last = this.contexts.get(key);
    if (last && last.parts.length === parts.length && last.parts.every((p, i) => p === parts[i]))
      return { ctx: last.ctx, iam };
    const config = { ...project.config, accounts: { ...project.config.accounts, ...iam.accountProfiles } };
    const ctx: AnalysisContext = {
      config,
      caller,
      params: { ...config.parameters },
      credentials,
      iam: iam.reader,
      agents: iam.agents,
      // The workspace's vars/*.groovy steps: calls of them are analysed with their arguments, as the CLI does.
      library,
    };
    this.contexts.set(key, { parts, ctx });
    return { ctx, iam };
  }

  /**
   * Analyses text; never throws (an engine failure becomes a logged message and an empty result). An open
   * document (version >= 0) is re-analysed through its session; a file read from disk from scratch.
   */
  async run(uri: vscode.Uri, text: string, version: number): Promise<FileResult> {
    const { ctx, iam } = await this.context(uri);
    let analysis: FileAnalysis;
    try {
      if (version >= 0) {
        const key = uri.toString();
        let session = this.sessions.get(key);
        if (!session) this.sessions.set(key, (session = new AnalysisSession(uri.fsPath)));
        analysis = await addTrustFindings(session.update(text, ctx), ctx);
      } else {
        analysis = await analyzeFile(uri.fsPath, text, ctx);
      }
    } catch (err) {
      this.sessions.delete(uri.toString());
      this.log.error(`analysis of ${uri.fsPath} failed: ${messageOf(err)}`);
      analysis = { file: uri.fsPath, usages: [], findings: [], parseErrors: [] };
    }
    const reader = iam.reader;
    return {
      uri,
      analysis,
      version,
      lines: new LineMap(text),
      iamCovered: (account) => reader?.coversAccount(account) ?? false,
    };
  }

  /** Drops the re-analysis state of a document that was closed. */
  forget(uri: vscode.Uri): void {
    this.sessions.delete(uri.toString());
    this.contexts.delete(uri.toString());
  }

  set(result: FileResult): void {
    this.results.set(result.uri.toString(), result);
    this.emitter.fire(result.uri);
  }

  delete(uri: vscode.Uri): void {
    if (this.results.delete(uri.toString())) this.emitter.fire(uri);
  }

  get(uri: vscode.Uri): FileResult | undefined {
    return this.results.get(uri.toString());
  }

  all(): FileResult[] {
    return [...this.results.values()];
  }

  clear(): void {
    this.results.clear();
    this.sessions.clear();
    this.contexts.clear();
    this.emitter.fire(undefined);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
