// Hover and CodeLens over each usage: what RoleCall resolved, who calls, and whether the trust policy lets it.
import * as vscode from 'vscode';
import type { Usage } from '../core/types';
import { toRange, type Analysis, type FileResult } from './analysis';
import { isOwnerFixable } from './pure/grantView';
import type { IamSource } from './iamSource';
import { allowingStatement, decide, findingsOf, hoverMarkdown } from './pure/usageInfo';
import { callerSourceTarget } from './pure/callers';
import { trustUri } from './trustDocument';

/** The account a usage's role lives in, from its ARN. */
export function accountOfUsage(usage: Usage): string | null {
  return usage.roleArn ? (/^arn:[\w-]+:iam::(\d{12}):/.exec(usage.roleArn)?.[1] ?? null) : usage.roleAccount;
}

/** The usage under a position, innermost first. */
export function usageAt(result: FileResult, doc: vscode.TextDocument, pos: vscode.Position): Usage | null {
  const offset = doc.offsetAt(pos);
  const hits = result.analysis.usages.filter((u) => offset >= u.range.start && offset <= u.range.end);
  hits.sort((a, b) => a.range.end - a.range.start - (b.range.end - b.range.start));
  // Prefer the call's own line (the anchor) so a hover inside a long withAWS block still finds it.
  return hits[0] ?? null;
}

export class Hovers implements vscode.HoverProvider {
  constructor(
    private readonly analysis: Analysis,
    private readonly iam: IamSource,
  ) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | null> {
    const result = this.analysis.get(doc.uri);
    if (!result || (result.version !== -1 && result.version !== doc.version)) return null;
    const offset = doc.offsetAt(pos);
    // Only over the call's head (identifier to end of its first line), not the whole block body.
    const usage =
      result.analysis.usages.find((u) => {
        const head = toRange(result.lines, u.anchor);
        const line = doc.lineAt(head.start.line).range;
        return offset >= u.anchor.start && pos.line === head.start.line && pos.isBeforeOrEqual(line.end);
      }) ?? result.analysis.usages.find((u) => offset >= u.anchor.start && offset <= u.anchor.end);
    if (!usage) return null;
    let max: number | null = null;
    let link: string | null = null;
    let allowedBy: string | null = null;
    if (usage.roleArn) {
      const { reader } = await this.iam.get();
      const role = reader ? await reader.getRole(usage.roleArn) : null;
      if (role?.status === 'found') {
        max = role.value.maxSessionDuration;
        link = trustUri(usage.roleArn).toString();
        allowedBy = allowingStatement(role.value, usage);
      }
    }
    const account = accountOfUsage(usage);
    const covered = account ? result.iamCovered(account) : false;
    const target = callerSourceTarget(usage.callerSource);
    const callerSourceLink = target
      ? vscode.Uri.file(target.file)
          .with({ fragment: `L${target.line}` })
          .toString()
      : null;
    const md = new vscode.MarkdownString(
      hoverMarkdown(usage, result.analysis.findings, {
        iamCovered: covered,
        maxSessionDuration: max,
        statementLink: link,
        allowedBy,
        callerSourceLink,
      }),
      true,
    );
    md.isTrusted = false;
    return new vscode.Hover(md, toRange(result.lines, usage.anchor));
  }
}

export class Lenses implements vscode.CodeLensProvider {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;

  constructor(private readonly analysis: Analysis) {
    analysis.onDidChange(() => this.emitter.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const result = this.analysis.get(doc.uri);
    if (!result || (result.version !== -1 && result.version !== doc.version)) return [];
    const lenses: vscode.CodeLens[] = [];
    for (const usage of result.analysis.usages) {
      const range = toRange(result.lines, usage.anchor);
      const account = accountOfUsage(usage);
      const decision = decide(
        usage,
        findingsOf(usage, result.analysis.findings),
        account ? result.iamCovered(account) : false,
      );
      const mark = decision.kind === 'allow' ? '$(pass) ' : decision.kind === 'deny' ? '$(error) ' : '$(question) ';
      const args = [{ uri: doc.uri.toString(), offset: usage.anchor.start }];
      if (decision.kind === 'no-role') {
        // Static keys: no trust to check and nothing to mint; one lens says so.
        lenses.push(
          new vscode.CodeLens(range, {
            title: '$(warning) Static keys · assumes no role',
            command: 'rolecall.checkTrust',
            arguments: args,
            tooltip: decision.detail,
          }),
        );
        continue;
      }
      lenses.push(
        new vscode.CodeLens(range, {
          title: `${mark}Check trust`,
          command: 'rolecall.checkTrust',
          arguments: args,
          tooltip: 'Check whether the caller may assume this role',
        }),
      );
      if (findingsOf(usage, result.analysis.findings).some(isOwnerFixable)) {
        lenses.push(
          new vscode.CodeLens(range, {
            title: "$(mail) Ask the role's owner for access…",
            command: 'rolecall.askRoleOwner',
            arguments: args,
            tooltip:
              "The least-privilege trust statement (and the other changes) that let this call in, for the role's owner",
          }),
        );
      }
      lenses.push(
        new vscode.CodeLens(range, {
          title: '$(key) Mint credentials…',
          command: 'rolecall.mintCredentials',
          arguments: args,
          tooltip: 'Get the temporary credentials this step would get',
        }),
      );
    }
    return lenses;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
