// Read-only `rolecall-trust:` documents: a role's trust policy, pretty-printed, so diagnostics can
// point at the statement that decided them (relatedInformation) and hovers can link to it.
import * as vscode from 'vscode';
import type { IamSource } from './iamSource';
import { findStatement, policyView, type PolicyView } from './pure/policyView';

export const TRUST_SCHEME = 'rolecall-trust';

/** `rolecall-trust:/ACCOUNT/ROLE-NAME.json?ROLE-ARN` (the `.json` gives JSON highlighting). */
export function trustUri(roleArn: string): vscode.Uri {
  const m = /^arn:[\w-]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  const account = m?.[1] ?? 'unknown';
  const name = m?.[2] ?? 'role';
  return vscode.Uri.from({ scheme: TRUST_SCHEME, path: `/${account}/${name}.trust-policy.json`, query: roleArn });
}

export class TrustDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly views = new Map<string, PolicyView>();
  private readonly registration: vscode.Disposable;

  constructor(private readonly iam: IamSource) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(TRUST_SCHEME, this);
  }

  /** The pretty view of a role's trust policy, or null when no IAM data has the role. */
  async view(roleArn: string): Promise<PolicyView | null> {
    const cached = this.views.get(roleArn);
    if (cached) return cached;
    const { reader } = await this.iam.get();
    if (!reader) return null;
    const found = await reader.getRole(roleArn);
    if (found.status !== 'found') return null;
    const view = policyView(found.value.trustPolicy.text);
    this.views.set(roleArn, view);
    return view;
  }

  /** Editor range of a statement (by Sid or index label) in the role's document; the top when unknown. */
  async statementRange(roleArn: string, statement: string | undefined): Promise<vscode.Range | null> {
    const view = await this.view(roleArn);
    if (!view) return null;
    const span = findStatement(view, statement ?? null);
    if (!span) return new vscode.Range(0, 0, 0, 0);
    const before = view.text.slice(0, span.start).split('\n');
    const inside = view.text.slice(span.start, span.end).split('\n');
    const startLine = before.length - 1;
    const startCol = before[before.length - 1].length;
    const endLine = startLine + inside.length - 1;
    const endCol = inside.length === 1 ? startCol + inside[0].length : inside[inside.length - 1].length;
    return new vscode.Range(startLine, startCol, endLine, endCol);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const roleArn = uri.query;
    const view = await this.view(roleArn);
    if (!view)
      return `// No IAM data has ${roleArn}.\n// Add a snapshot (rolecall.iam.snapshots) or enable live IAM (rolecall.iam.live).\n`;
    if (view.parseError) return `// The trust policy of ${roleArn} is not valid JSON: ${view.parseError}\n${view.text}`;
    return view.text;
  }

  /** Opens the role's trust policy with the statement selected. */
  async open(roleArn: string, statement?: string): Promise<void> {
    const uri = trustUri(roleArn);
    const doc = await vscode.workspace.openTextDocument(uri);
    const range = await this.statementRange(roleArn, statement);
    await vscode.window.showTextDocument(doc, { preview: true, ...(range ? { selection: range } : {}) });
  }

  /** Forgets cached views (IAM data changed). */
  refresh(): void {
    const arns = [...this.views.keys()];
    this.views.clear();
    for (const arn of arns) this.emitter.fire(trustUri(arn));
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
  }
}
