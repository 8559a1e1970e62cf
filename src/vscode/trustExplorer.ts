// The Role Trust Explorer: accounts → roles → trust statements (principals, conditions) and the
// pipeline lines that use each role; after the accounts, "Static credentials" → each credential → the lines
// that use its keys without assuming a role. Children load lazily; problems show as icons and a view badge.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RoleRecord } from '../core/ports';
import { usesStaticKeys, type Finding, type Usage } from '../core/types';
import { toRange, type Analysis, type FileResult } from './analysis';
import { accountOfUsage } from './hover';
import type { IamSource } from './iamSource';
import { describeStatement, statementsOf } from './pure/policyView';
import { allowingStatement, decide, findingsOf, usageNodeId } from './pure/usageInfo';
import { groupByCaller } from './pure/callers';
import { groupByStaticKeys } from './pure/staticKeys';

export type ExplorerNode =
  | { kind: 'account'; account: string }
  | { kind: 'role'; account: string; roleArn: string; name: string; record: RoleRecord | null }
  | {
      kind: 'statement';
      roleArn: string;
      label: string;
      statement: unknown;
      usages: Array<{ usage: Usage; uri: vscode.Uri }>;
    }
  | { kind: 'detail'; text: string; icon: string; tooltip?: string; open?: { file: string; line: number } }
  | {
      kind: 'usage';
      usage: Usage;
      uri: vscode.Uri;
      roleArn: string | null;
      /** The statement that lets it in, when listed under it (ids stay unique). */ under?: string;
    }
  /** The usages that assume no role (static keys), listed under the credential they use. */
  | { kind: 'static-keys'; count: number }
  | {
      kind: 'credential';
      key: string;
      label: string;
      resolved: boolean;
      usages: Array<{ usage: Usage; uri: vscode.Uri }>;
    }
  | {
      kind: 'caller';
      roleArn: string;
      caller: string | null;
      sources: string[];
      usages: Array<{ usage: Usage; uri: vscode.Uri }>;
    };

/** The argument the explorer's usage nodes pass to commands (also what CodeLens passes). */
export interface UsageRef {
  uri: string;
  offset: number;
}

/** A caller ARN shortened for the tree: the role, user or session after the account. */
function callerName(arn: string): string {
  return /^arn:[\w-]+:(?:iam|sts)::\d{12}:(.+)$/.exec(arn)?.[1] ?? arn;
}

function roleNameOf(arn: string): string {
  return /role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] ?? arn;
}

export class TrustExplorer implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  readonly view: vscode.TreeView<ExplorerNode>;
  private problemsOnly = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly analysis: Analysis,
    private readonly iam: IamSource,
  ) {
    this.view = vscode.window.createTreeView('rolecall.trustExplorer', {
      treeDataProvider: this,
      showCollapseAll: true,
    });
    this.disposables.push(
      this.view,
      this.emitter,
      // Results arrive file by file during a scan: refresh once they settle.
      analysis.onDidChange(() => this.scheduleRefresh()),
      iam.onDidInvalidate(() => this.scheduleRefresh()),
    );
    void vscode.commands.executeCommand('setContext', 'rolecall.problemsOnly', false);
  }

  get filtered(): boolean {
    return this.problemsOnly;
  }

  toggleFilter(): void {
    this.problemsOnly = !this.problemsOnly;
    void vscode.commands.executeCommand('setContext', 'rolecall.problemsOnly', this.problemsOnly);
    this.view.description = this.problemsOnly ? 'problems only' : undefined;
    this.refresh();
  }

  refresh(): void {
    this.emitter.fire(undefined);
    this.updateBadge();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), 250);
  }

  private usages(): Array<{ usage: Usage; result: FileResult }> {
    return this.analysis.all().flatMap((result) => result.analysis.usages.map((usage) => ({ usage, result })));
  }

  private problemsFor(roleArn: string): Finding[] {
    return this.analysis
      .all()
      .flatMap((r) => r.analysis.findings.filter((f) => f.roleArn === roleArn && f.severity !== 'info'));
  }

  private updateBadge(): void {
    const count = this.analysis
      .all()
      .reduce((n, r) => n + r.analysis.findings.filter((f) => f.severity === 'error').length, 0);
    this.view.badge =
      count > 0 ? { value: count, tooltip: `${count} role-assumption error${count === 1 ? '' : 's'}` } : undefined;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) return [...(await this.accounts()), ...this.staticKeysRoot()];
    switch (node.kind) {
      case 'static-keys':
        return this.staticKeyCredentials();
      case 'credential':
        // Calls of a helper may give several usages at one line: the index keeps tree ids unique.
        return node.usages.map(({ usage, uri }, i): ExplorerNode => ({
          kind: 'usage',
          usage,
          uri,
          roleArn: null,
          under: `credential ${node.key}#${i}`,
        }));
      case 'account':
        return this.roles(node.account);
      case 'role':
        return this.roleChildren(node);
      case 'caller':
        return node.usages.map(({ usage, uri }): ExplorerNode => ({
          kind: 'usage',
          usage,
          uri,
          roleArn: node.roleArn,
        }));
      case 'statement': {
        const d = describeStatement(node.statement);
        return [
          ...d.principals.map((p): ExplorerNode => ({ kind: 'detail', text: p, icon: 'person' })),
          ...d.conditions.map((c): ExplorerNode => ({ kind: 'detail', text: c, icon: 'symbol-boolean' })),
          // The pipeline lines this statement lets in (the statement that matched their call).
          ...node.usages.map(({ usage, uri }): ExplorerNode => ({
            kind: 'usage',
            usage,
            uri,
            roleArn: node.roleArn,
            under: node.label,
          })),
        ];
      }
      default:
        return [];
    }
  }

  /** The static-key usages (listed with a problems-only filter too: each has a static-credentials warning). */
  private staticKeyUsages(): Array<{ usage: Usage; result: FileResult }> {
    return this.usages().filter(({ usage }) => usesStaticKeys(usage));
  }

  /** A "Static credentials" node after the accounts, when some step uses keys without assuming a role. */
  private staticKeysRoot(): ExplorerNode[] {
    const count = this.staticKeyUsages().length;
    return count > 0 ? [{ kind: 'static-keys', count }] : [];
  }

  /** Under "Static credentials": one node per credential (or profile), its pipeline lines under it. */
  private staticKeyCredentials(): ExplorerNode[] {
    return groupByStaticKeys(this.staticKeyUsages(), (x) => x.usage).map((g): ExplorerNode => ({
      kind: 'credential',
      key: g.key,
      label: g.label,
      resolved: g.resolved,
      usages: g.items.map(({ usage, result }) => ({ usage, uri: result.uri })),
    }));
  }

  private async accounts(): Promise<ExplorerNode[]> {
    const { reader } = await this.iam.get();
    const accounts = new Set(reader?.accounts() ?? []);
    for (const { usage } of this.usages()) {
      const a = accountOfUsage(usage);
      if (a && /^\d{12}$/.test(a)) accounts.add(a);
    }
    let list = [...accounts].sort();
    if (this.problemsOnly)
      list = list.filter((a) =>
        this.usages().some(
          ({ usage, result }) =>
            accountOfUsage(usage) === a &&
            findingsOf(usage, result.analysis.findings).some((f) => f.severity !== 'info'),
        ),
      );
    return list.map((account) => ({ kind: 'account', account }));
  }

  private async roles(account: string): Promise<ExplorerNode[]> {
    const { reader } = await this.iam.get();
    const byArn = new Map<string, ExplorerNode & { kind: 'role' }>();
    const extra: ExplorerNode[] = [];
    if (reader?.coversAccount(account)) {
      const listed = await reader.listRoles(account);
      if (listed.status === 'found') {
        for (const r of listed.value)
          byArn.set(r.arn, { kind: 'role', account, roleArn: r.arn, name: r.roleName, record: r });
      } else if (listed.status === 'unavailable') {
        extra.push({
          kind: 'detail',
          text: `IAM unavailable: ${listed.reason}`,
          icon: 'cloud-offline',
          tooltip: listed.next,
        });
      }
    } else {
      extra.push({
        kind: 'detail',
        text: 'No IAM data for this account',
        icon: 'info',
        tooltip: 'Add a snapshot (rolecall.iam.snapshots) or map a profile (rolecall.iam.accountProfiles).',
      });
    }
    for (const { usage } of this.usages()) {
      if (!usage.roleArn || accountOfUsage(usage) !== account || byArn.has(usage.roleArn)) continue;
      byArn.set(usage.roleArn, {
        kind: 'role',
        account,
        roleArn: usage.roleArn,
        name: roleNameOf(usage.roleArn),
        record: null,
      });
    }
    let roles = [...byArn.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (this.problemsOnly) roles = roles.filter((r) => this.problemsFor(r.roleArn).length > 0);
    return [...extra, ...roles];
  }

  private roleChildren(node: ExplorerNode & { kind: 'role' }): ExplorerNode[] {
    const out: ExplorerNode[] = [];
    // The pipeline lines that use the role.
    const using = this.usages().filter(
      ({ usage, result }) =>
        usage.roleArn === node.roleArn &&
        (!this.problemsOnly || findingsOf(usage, result.analysis.findings).some((f) => f.severity !== 'info')),
    );
    if (node.record) {
      const record = node.record;
      // A role defined as code: where (it wins over the snapshot / live version of the same ARN).
      const code = node.record.origin.kind === 'iac' && node.record.origin.file ? node.record.origin : null;
      if (code?.file)
        out.push({
          kind: 'detail',
          text: `Defined as code: ${vscode.workspace.asRelativePath(code.file)}:${code.line ?? 1}`,
          icon: 'file-code',
          tooltip:
            'This role comes from infrastructure code (an "iac" entry of .rolecall.json); it takes precedence over snapshot and live IAM.',
          open: { file: code.file, line: code.line ?? 1 },
        });
      const statements = statementsOf(node.record.trustPolicy.text);
      if (statements.length === 0)
        out.push({
          kind: 'detail',
          text: 'Trust policy could not be parsed',
          icon: 'error',
          tooltip: 'See the policy-parse-error finding',
        });
      // Under each trust statement, the lines whose call it lets in.
      const matched = using.map(({ usage, result }) => ({
        usage,
        uri: result.uri,
        statement: allowingStatement(record, usage),
      }));
      statements.forEach((statement, i) => {
        const sid =
          typeof (statement as { Sid?: unknown }).Sid === 'string' && (statement as { Sid: string }).Sid !== ''
            ? (statement as { Sid: string }).Sid
            : String(i);
        const usages = matched.filter((m) => m.statement === sid).map(({ usage, uri }) => ({ usage, uri }));
        out.push({ kind: 'statement', roleArn: node.roleArn, label: sid, statement, usages });
      });
      out.push({ kind: 'detail', text: `MaxSessionDuration ${node.record.maxSessionDuration} s`, icon: 'clock' });
    } else {
      out.push({ kind: 'detail', text: 'Role not in the IAM data', icon: 'warning' });
    }
    // The same lines grouped by who calls STS there (and where that was read from).
    for (const g of groupByCaller(using, (x) => x.usage)) {
      out.push({
        kind: 'caller',
        roleArn: node.roleArn,
        caller: g.caller,
        sources: g.sources,
        usages: g.items.map(({ usage, result }) => ({ usage, uri: result.uri })),
      });
    }
    return out;
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'account': {
        const problems = this.usages().filter(
          ({ usage, result }) =>
            accountOfUsage(usage) === node.account &&
            findingsOf(usage, result.analysis.findings).some((f) => f.severity === 'error'),
        ).length;
        const item = new vscode.TreeItem(node.account, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `account:${node.account}`;
        item.contextValue = 'account';
        item.iconPath = new vscode.ThemeIcon(
          problems ? 'error' : 'organization',
          problems ? new vscode.ThemeColor('problemsErrorIcon.foreground') : undefined,
        );
        item.description = problems ? `${problems} usage${problems === 1 ? '' : 's'} with errors` : undefined;
        return item;
      }
      case 'role': {
        const problems = this.problemsFor(node.roleArn);
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `role:${node.roleArn}`;
        item.contextValue = 'role';
        item.tooltip = node.roleArn;
        const errors = problems.filter((f) => f.severity === 'error').length;
        const fromCode = node.record?.origin.kind === 'iac' ? 'from code' : undefined;
        item.description = problems.length
          ? `${problems.length} problem${problems.length === 1 ? '' : 's'}${fromCode ? ` · ${fromCode}` : ''}`
          : node.record
            ? fromCode
            : 'not found';
        item.iconPath = errors
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
          : problems.length
            ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
            : new vscode.ThemeIcon('shield');
        return item;
      }
      case 'statement': {
        const d = describeStatement(node.statement);
        const lets = node.usages.length;
        const item = new vscode.TreeItem(
          `Statement ${d.label}`,
          d.principals.length + d.conditions.length + lets
            ? vscode.TreeItemCollapsibleState.Collapsed
            : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `statement:${node.roleArn}#${node.label}`;
        item.contextValue = 'statement';
        item.description = `${d.principals.join(', ')}${lets ? ` · lets in ${lets} line${lets === 1 ? '' : 's'}` : ''}`;
        item.tooltip = [...d.principals, ...d.conditions].join('\n');
        item.iconPath = new vscode.ThemeIcon(d.label.endsWith('Deny') ? 'circle-slash' : 'check');
        item.command = { command: 'rolecall.openTrustPolicy', title: 'Open Trust Policy', arguments: [node] };
        return item;
      }
      case 'static-keys': {
        const item = new vscode.TreeItem('Static credentials', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'static-keys';
        item.contextValue = 'staticKeys';
        item.description = `${node.count} usage${node.count === 1 ? '' : 's'} assume${node.count === 1 ? 's' : ''} no role`;
        item.tooltip =
          "Steps that use an AWS credential's long-lived access keys (withAWS without role:, an AWS binding without roleArn) and assume no role: no trust policy decides them.";
        item.iconPath = new vscode.ThemeIcon('key', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        return item;
      }
      case 'credential': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `credential:${node.key}`;
        item.contextValue = 'credential';
        const n = node.usages.length;
        item.description = `${n} pipeline line${n === 1 ? '' : 's'} · long-lived keys`;
        item.tooltip = node.resolved
          ? `${node.label}: its access keys are used as they are, without assuming a role`
          : `${node.label}: the credential id is not known before the build runs (pass --param / .rolecall.json "parameters")`;
        item.iconPath = new vscode.ThemeIcon('key');
        return item;
      }
      case 'caller': {
        const item = new vscode.TreeItem(
          node.caller ? callerName(node.caller) : 'unknown caller',
          vscode.TreeItemCollapsibleState.Expanded,
        );
        item.id = `caller:${node.roleArn}|${node.caller ?? ''}`;
        item.contextValue = 'caller';
        item.description = `${node.usages.length} usage${node.usages.length === 1 ? '' : 's'} · from ${node.sources.join(', ')}`;
        item.tooltip = `${node.caller ?? 'The caller is unknown'}\nfrom ${node.sources.join('\n')}`;
        item.iconPath = new vscode.ThemeIcon(node.caller ? 'person' : 'question');
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.tooltip = node.tooltip ?? node.text;
        item.contextValue = node.open ? 'code' : 'detail';
        if (node.open) {
          const at = new vscode.Position(node.open.line - 1, 0);
          item.command = {
            command: 'vscode.open',
            title: 'Open Template',
            arguments: [vscode.Uri.file(node.open.file), { selection: new vscode.Range(at, at) }],
          };
        }
        return item;
      }
      case 'usage': {
        const result = this.analysis.get(node.uri);
        const line = result ? toRange(result.lines, node.usage.anchor).start.line + 1 : 0;
        const own = result ? findingsOf(node.usage, result.analysis.findings) : [];
        const account = accountOfUsage(node.usage);
        const decision = decide(node.usage, own, !!(result && account && result.iamCovered(account)));
        // The file name and line lead (the sidebar cuts long labels); the folder goes last in the description.
        const relative = vscode.workspace.asRelativePath(node.uri);
        const folder = path.posix.dirname(relative.replace(/\\/g, '/'));
        const item = new vscode.TreeItem(
          `${path.basename(node.uri.fsPath)}:${line}`,
          vscode.TreeItemCollapsibleState.None,
        );
        item.id = usageNodeId(node.uri.toString(), node.usage, result?.analysis.usages ?? [], node.under);
        // A static-key line: reveal only (no trust to check, nothing to mint, no role owner to ask).
        item.contextValue = usesStaticKeys(node.usage) ? 'staticKeysUsage' : 'usage';
        item.description =
          (decision.kind === 'no-role'
            ? `${node.usage.kind} · static keys, assumes no role`
            : `${node.usage.kind} · ${decision.kind}${decision.kind === 'deny' ? ` (${decision.finding.code})` : ''}`) +
          (folder === '.' ? '' : ` · ${folder}`);
        item.tooltip = [`${relative} line ${line}`, ...own.map((f) => `${f.code}: ${f.message}`)].join('\n');
        item.iconPath = own.some((f) => f.severity === 'error')
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
          : own.some((f) => f.severity === 'warning')
            ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
            : new vscode.ThemeIcon(decision.kind === 'allow' ? 'pass' : 'file-code');
        const ref: UsageRef = { uri: node.uri.toString(), offset: node.usage.anchor.start };
        item.command = { command: 'rolecall.revealUsage', title: 'Reveal in Editor', arguments: [ref] };
        return item;
      }
    }
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}
