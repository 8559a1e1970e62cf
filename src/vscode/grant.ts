// The role owner's side in the editor: "Ask the role's owner for access…" opens the least-privilege change
// (src/core/iam/grant.ts) in a read-only `rolecall-grant:` document, in the format the user picks, with a
// copy action; and while a trust policy (a policy JSON file or a snapshot) is open, CodeLens on each role
// say how many pipeline lines assume it and, after an edit, which of them the change breaks.
import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import { findingsOfUsage, grantFor, type Grant } from '../core/iam/grant';
import type { GrantFormat } from '../core/iam/grantFormat';
import { impactOf, roleKey, type UsageImpact } from '../core/iam/impact';
import type { RoleRecord } from '../core/ports';
import type { Usage } from '../core/types';
import { toRange, type Analysis, type FileResult } from './analysis';
import type { IamSource } from './iamSource';
import {
  GRANT_FORMATS,
  grantDocument,
  iamDocumentKind,
  matchTrustFile,
  snapshotRoles,
  trustFileRole,
  usesRole,
  type DocumentRole,
} from './pure/grantView';

export const GRANT_SCHEME = 'rolecall-grant';

/** What a CodeLens passes to the usage commands (the explorer's UsageRef shape). */
interface UsageRef {
  uri: string;
  offset: number;
}

interface GrantEntry {
  grant: Grant;
  where: string;
  format: GrantFormat;
  text: string;
}

/** The read-only grant documents and their CodeLens (copy, other format). */
export class GrantDocuments implements vscode.TextDocumentContentProvider, vscode.CodeLensProvider, vscode.Disposable {
  private readonly entries = new Map<string, GrantEntry>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[];
  private next = 0;

  constructor() {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(GRANT_SCHEME, this),
      vscode.languages.registerCodeLensProvider({ scheme: GRANT_SCHEME }, this),
      this.changed,
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      this.entries.get(uri.toString())?.text ??
      '# This RoleCall document is no longer available: ask again from the problem in the pipeline.\n'
    );
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const entry = this.entries.get(doc.uri.toString());
    if (!entry) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, {
        title: '$(copy) Copy the change',
        command: 'rolecall.copyGrant',
        arguments: [doc.uri.toString()],
        tooltip: "Copy this document to the clipboard, to send to the role's owner",
      }),
      new vscode.CodeLens(top, {
        title: '$(list-selection) Other format…',
        command: 'rolecall.grantFormat',
        arguments: [doc.uri.toString()],
        tooltip: 'Show the change as CloudFormation, Terraform, JSON or text',
      }),
    ];
  }

  /** The text of a grant document (for the copy command). */
  text(uri: string): string | undefined {
    return this.entries.get(uri)?.text;
  }

  entry(uri: string): GrantEntry | undefined {
    return this.entries.get(uri);
  }

  /** Opens a grant in a read-only document, in one format. */
  async show(grant: Grant, where: string, format: GrantFormat): Promise<vscode.TextEditor> {
    const spec = GRANT_FORMATS.find((f) => f.format === format) ?? GRANT_FORMATS[0];
    const name = (grant.roleArn ?? 'role').replace(/^.*role\//, '').replace(/[^\w.-]+/g, '-');
    const uri = vscode.Uri.from({
      scheme: GRANT_SCHEME,
      path: `/grant-for-${name}.${spec.extension}`,
      query: String(this.next++),
    });
    const text = grantDocument(grant, where, format);
    this.entries.set(uri.toString(), { grant, where, format, text });
    // Old documents are dropped (their text is cheap to make again); keep the last few.
    if (this.entries.size > 20) this.entries.delete(this.entries.keys().next().value as string);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Asks for a format (QuickPick); undefined when the user cancels. */
export async function pickFormat(current?: GrantFormat): Promise<GrantFormat | undefined> {
  const items = GRANT_FORMATS.map((f) => ({
    label: f.label,
    detail: f.detail,
    format: f.format,
    ...(f.format === current ? { description: 'shown now' } : {}),
  }));
  const pick = await vscode.window.showQuickPick(items, {
    title: "RoleCall: format of the change for the role's owner",
    placeHolder: 'CloudFormation, Terraform, JSON or text',
  });
  return pick?.format;
}

/** Computes the grant of a usage with the analysis context of its file. */
export async function grantOfUsage(
  analysis: Analysis,
  uri: vscode.Uri,
  usage: Usage,
): Promise<{ grant: Grant; where: string } | null> {
  const result = analysis.get(uri);
  if (!result) return null;
  const { ctx } = await analysis.context(uri);
  const grant = await grantFor(usage, findingsOfUsage(usage, result.analysis.findings), ctx);
  const line = toRange(result.lines, usage.anchor).start.line + 1;
  return { grant, where: `${vscode.workspace.asRelativePath(uri)}:${line}` };
}

/** A pipeline line for QuickPicks and lenses. */
function lineOf(result: FileResult, usage: Usage): string {
  return `${vscode.workspace.asRelativePath(result.uri)}:${toRange(result.lines, usage.anchor).start.line + 1}`;
}

/** CodeLens on each role of an open trust policy or snapshot file: who assumes it, and what the unsaved edit breaks. */
export class TrustImpactLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly analysis: Analysis,
    private readonly iam: IamSource,
  ) {
    this.disposables = [
      this.emitter,
      vscode.languages.registerCodeLensProvider(
        [
          { language: 'json', scheme: 'file' },
          { language: 'jsonc', scheme: 'file' },
          { language: 'json', scheme: 'untitled' },
        ],
        this,
      ),
      analysis.onDidChange(() => this.emitter.fire()),
      iam.onDidInvalidate(() => this.emitter.fire()),
    ];
  }

  private async knownRoles(): Promise<Map<string, RoleRecord>> {
    const { reader } = await this.iam.get();
    const out = new Map<string, RoleRecord>();
    if (!reader) return out;
    for (const account of reader.accounts()) {
      const listed = await reader.listRoles(account);
      if (listed.status !== 'found') continue;
      for (const r of listed.value) {
        const key = roleKey(r.arn);
        if (key) out.set(key, r);
      }
    }
    return out;
  }

  /** The roles the document defines, with the change its buffer makes. */
  async documentRoles(doc: vscode.TextDocument): Promise<DocumentRole[]> {
    const text = doc.getText();
    const kind = iamDocumentKind(text);
    if (!kind) return [];
    const roles = await this.knownRoles();
    if (roles.size === 0) return [];
    if (kind === 'snapshot') return snapshotRoles(doc.uri.fsPath, text, (arn) => roles.get(roleKey(arn) ?? '') ?? null);
    let saved = text;
    if (doc.isDirty && doc.uri.scheme === 'file') saved = await fs.readFile(doc.uri.fsPath, 'utf8').catch(() => text);
    const role = matchTrustFile(doc.fileName, saved, [...roles.values()]);
    return role ? [trustFileRole(role, doc.uri.fsPath, text)] : [];
  }

  /** What a role change does to every analysed pipeline line (each file with its own analysis context). */
  async impactOn(change: NonNullable<DocumentRole['change']>): Promise<{
    breaks: Array<UsageImpact & { result: FileResult }>;
    fixes: Array<UsageImpact & { result: FileResult }>;
  }> {
    const breaks: Array<UsageImpact & { result: FileResult }> = [];
    const fixes: Array<UsageImpact & { result: FileResult }> = [];
    for (const result of this.analysis.all()) {
      if (!result.analysis.usages.some((u) => usesRole(u.roleArn, change.roleArn))) continue;
      const { ctx } = await this.analysis.context(result.uri);
      if (!ctx.iam) continue;
      const impact = await impactOf([result.analysis], ctx, { roles: [change] });
      breaks.push(...impact.breaks.map((b) => ({ ...b, result })));
      fixes.push(...impact.fixes.map((f) => ({ ...f, result })));
    }
    return { breaks, fixes };
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const lenses: vscode.CodeLens[] = [];
    for (const role of await this.documentRoles(doc)) {
      const at = doc.positionAt(role.offset);
      const range = new vscode.Range(at, at);
      const users = this.analysis
        .all()
        .flatMap((result) =>
          result.analysis.usages.filter((u) => usesRole(u.roleArn, role.roleArn)).map((usage) => ({ usage, result })),
        );
      const refs = users.map(({ usage, result }) => ({
        label: lineOf(result, usage),
        ref: { uri: result.uri.toString(), offset: usage.anchor.start } satisfies UsageRef,
      }));
      lenses.push(
        new vscode.CodeLens(range, {
          title: `$(references) assumed by ${users.length} pipeline line${users.length === 1 ? '' : 's'}`,
          command: 'rolecall.pickUsage',
          arguments: [`Pipeline lines that assume ${role.roleArn}`, refs],
          tooltip: role.roleArn,
        }),
      );
      if (role.problem) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(warning) ${role.problem}: its impact cannot be checked`,
            command: '',
          }),
        );
        continue;
      }
      if (!role.change) continue;
      const { breaks, fixes } = await this.impactOn(role.change);
      const broken = breaks.map((b) => ({
        label: `${lineOf(b.result, b.usage)} — ${b.codesAdded.join(', ')}`,
        ref: { uri: b.result.uri.toString(), offset: b.usage.anchor.start } satisfies UsageRef,
      }));
      lenses.push(
        new vscode.CodeLens(range, {
          title: breaks.length
            ? `$(error) this change breaks ${breaks.length} of them`
            : '$(pass) this change breaks none of them',
          command: breaks.length ? 'rolecall.pickUsage' : '',
          arguments: [`Pipeline lines this change to ${role.roleArn} breaks`, broken],
          tooltip: breaks.length ? 'Pick a line to open it' : 'Every pipeline line keeps its outcome (or gets better)',
        }),
      );
      if (fixes.length) {
        const fixed = fixes.map((f) => ({
          label: `${lineOf(f.result, f.usage)} — ${f.codesRemoved.join(', ')}`,
          ref: { uri: f.result.uri.toString(), offset: f.usage.anchor.start } satisfies UsageRef,
        }));
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(pass-filled) fixes ${fixes.length}`,
            command: 'rolecall.pickUsage',
            arguments: [`Pipeline lines this change to ${role.roleArn} fixes`, fixed],
          }),
        );
      }
      for (const b of broken.slice(0, 5))
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(arrow-right) ${b.label}`,
            command: 'rolecall.revealUsage',
            arguments: [b.ref],
          }),
        );
    }
    return lenses;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
