// Command id → factory (rust-analyzer style). Every handler awaits its work or hands it to a
// notification explicitly; none blocks on a toast's buttons.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseIni, sectionNames } from '../core/credentials/ini';
import { mintCredentials } from './commands/mint';
import type { Ctx } from './ctx';
import { grantOfUsage, pickFormat } from './grant';
import { accountOfUsage } from './hover';
import { decide, findingsOf } from './pure/usageInfo';

type Handler = (...args: unknown[]) => Promise<void> | void;

export const COMMANDS: Record<string, (ctx: Ctx) => Handler> = {
  'rolecall.scanWorkspace': (ctx) => async () => {
    const count = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'RoleCall: checking pipelines', cancellable: true },
      (progress, token) => ctx.diagnostics.scanWorkspace(progress, token),
    );
    const problems = ctx.analysis
      .all()
      .reduce((n, r) => n + r.analysis.findings.filter((f) => f.severity !== 'info').length, 0);
    void vscode.window.showInformationMessage(
      `RoleCall: checked ${count} pipeline file${count === 1 ? '' : 's'}: ${problems} problem${problems === 1 ? '' : 's'}.`,
    );
  },

  'rolecall.checkTrust': (ctx) => async (arg?: unknown) => {
    let found = ctx.usageFromArg(arg);
    if (!found && arg === undefined && vscode.window.activeTextEditor) {
      await ctx.diagnostics.analyzeDocument(vscode.window.activeTextEditor.document);
      found = ctx.usageFromArg(undefined);
    }
    if (!found) {
      void vscode.window.showInformationMessage(
        'RoleCall: put the cursor on a withAWS, withCredentials, withVault or `aws sts` step to check it.',
      );
      return;
    }
    // Run the check fresh (IAM data may have changed since the last analysis).
    const doc =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === found!.uri.toString()) ??
      (await vscode.workspace.openTextDocument(found.uri));
    const result = await ctx.diagnostics.analyzeDocument(doc);
    const usage = result?.analysis.usages.find((u) => u.anchor.start === found!.usage.anchor.start) ?? found.usage;
    const findings = result?.analysis.findings ?? ctx.analysis.get(found.uri)?.analysis.findings ?? [];
    const account = accountOfUsage(usage);
    const decision = decide(
      usage,
      findingsOf(usage, findings),
      account ? (result?.iamCovered(account) ?? false) : false,
    );
    const who = usage.caller ?? 'the caller';
    const role = usage.roleArn ?? usage.role ?? 'the role';
    if (decision.kind === 'allow') {
      void vscode.window
        .showInformationMessage(`RoleCall: allow — ${who} may assume ${role}.`, 'Open Trust Policy')
        .then((a) => {
          if (a && usage.roleArn) return ctx.trust.open(usage.roleArn);
        });
    } else if (decision.kind === 'deny') {
      const stmt = decision.finding.related?.find((r) => r.statement !== undefined);
      void vscode.window
        .showErrorMessage(
          `RoleCall: deny — ${decision.finding.code}: ${decision.finding.message}`,
          ...(usage.roleArn ? ['Show Statement'] : []),
        )
        .then((a) => {
          if (a && usage.roleArn) return ctx.trust.open(stmt?.roleArn ?? usage.roleArn, stmt?.statement);
        });
    } else if (decision.kind === 'no-role') {
      void vscode.window.showWarningMessage(
        `RoleCall: no role — ${decision.detail}. Give the step a role (withAWS role:, or roleArn: on the binding) to use temporary credentials.`,
      );
    } else {
      void vscode.window
        .showWarningMessage(`RoleCall: unknown — ${decision.detail}.`, 'Select Snapshot File')
        .then((a) => {
          if (a) return vscode.commands.executeCommand('rolecall.selectSnapshot');
        });
    }
  },

  'rolecall.mintCredentials': (ctx) => (arg?: unknown) => mintCredentials(ctx, arg),

  'rolecall.clearSessions': (ctx) => async () => {
    const n = await ctx.secrets.clear(false);
    void vscode.window
      .showInformationMessage(
        `RoleCall: cleared ${n} cached session${n === 1 ? '' : 's'}.`,
        'Also Forget Stored ExternalIds',
      )
      .then(async (a) => {
        if (!a) return;
        await ctx.secrets.clear(true);
        ctx.reanalyze();
      });
  },

  'rolecall.refreshExplorer': (ctx) => async () => {
    ctx.iam.invalidate();
    await ctx.diagnostics.refreshAll();
    ctx.explorer.refresh();
  },

  'rolecall.filterProblems': (ctx) => () => ctx.explorer.toggleFilter(),

  'rolecall.selectSnapshot': (ctx) => async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const picked = await vscode.window.showOpenDialog({
      title: 'RoleCall: IAM snapshot files (aws iam get-account-authorization-details output)',
      canSelectMany: true,
      filters: { JSON: ['json'] },
      ...(folder ? { defaultUri: folder.uri } : {}),
    });
    if (!picked || picked.length === 0) return;
    const section = vscode.workspace.getConfiguration('rolecall');
    const current = ctx.config.settings.iam.snapshots;
    const added = picked.map((uri) => {
      const rel = folder ? path.relative(folder.uri.fsPath, uri.fsPath) : null;
      return rel !== null && !rel.startsWith('..') && !path.isAbsolute(rel)
        ? rel.split(path.sep).join('/')
        : uri.fsPath;
    });
    const next = [...new Set([...current, ...added])];
    await section.update(
      'iam.snapshots',
      next,
      folder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
    );
    ctx.log.info(`snapshots set: ${next.join(', ')}`);
  },

  'rolecall.useLiveIam': () => async () => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('RoleCall: live IAM needs a trusted workspace.');
      return;
    }
    const names = new Set<string>(['default']);
    for (const file of [path.join(os.homedir(), '.aws', 'config'), path.join(os.homedir(), '.aws', 'credentials')]) {
      try {
        for (const s of sectionNames(parseIni(await fs.readFile(file, 'utf8'))))
          names.add(s.replace(/^profile\s+/, ''));
      } catch {
        // No such file: fine.
      }
    }
    const pick = await vscode.window.showQuickPick(
      [...[...names].sort().map((label) => ({ label })), { label: '$(edit) Other profile…' }],
      { title: 'RoleCall: AWS profile for live IAM' },
    );
    if (!pick) return;
    let profile: string | undefined = pick.label;
    if (pick.label.startsWith('$(edit)'))
      profile = await vscode.window.showInputBox({
        title: 'RoleCall: AWS profile name',
        validateInput: (v) => (/^[\w.+@-]+$/.test(v) ? null : 'Letters, digits and ._+@-'),
      });
    if (!profile) return;
    const section = vscode.workspace.getConfiguration('rolecall');
    const target = vscode.workspace.workspaceFolders
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
    await section.update('iam.profile', profile === 'default' ? null : profile, target);
    await section.update('iam.live', true, target);
  },

  'rolecall.showOutput': (ctx) => () => ctx.log.show(),

  'rolecall.revealUsage': (ctx) => async (arg?: unknown) => {
    const found = ctx.usageFromArg(arg);
    if (!found) return;
    const doc = await vscode.workspace.openTextDocument(found.uri);
    const start = doc.positionAt(found.usage.anchor.start);
    const end = doc.positionAt(found.usage.anchor.end);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, end) });
  },

  'rolecall.askRoleOwner': (ctx) => async (arg?: unknown) => {
    const found = ctx.usageFromArg(arg);
    if (!found) {
      void vscode.window.showInformationMessage(
        "RoleCall: put the cursor on a withAWS, withCredentials, withVault or `aws sts` step that is refused, then ask the role's owner for access.",
      );
      return;
    }
    const made = await grantOfUsage(ctx.analysis, found.uri, found.usage);
    if (!made) return;
    const format = await pickFormat();
    if (!format) return;
    await ctx.grants.show(made.grant, made.where, format);
  },

  'rolecall.grantFormat': (ctx) => async (uri?: unknown) => {
    const entry = typeof uri === 'string' ? ctx.grants.entry(uri) : undefined;
    if (!entry) return;
    const format = await pickFormat(entry.format);
    if (format) await ctx.grants.show(entry.grant, entry.where, format);
  },

  'rolecall.copyGrant': (ctx) => async (uri?: unknown) => {
    // From a CodeLens: the URI as a string; from the editor title: the Uri; from the palette: the active editor.
    const key =
      typeof uri === 'string'
        ? uri
        : uri instanceof vscode.Uri
          ? uri.toString()
          : vscode.window.activeTextEditor?.document.uri.toString();
    const text = key ? ctx.grants.text(key) : undefined;
    if (!text) return;
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(
      "RoleCall: the change is on the clipboard — send it to the role's owner.",
    );
  },

  'rolecall.pickUsage': () => async (title?: unknown, refs?: unknown) => {
    const list = Array.isArray(refs) ? (refs as Array<{ label: string; ref: { uri: string; offset: number } }>) : [];
    if (list.length === 0) return;
    const pick = await vscode.window.showQuickPick(
      list.map((r) => ({ label: r.label, ref: r.ref })),
      { title: typeof title === 'string' ? `RoleCall: ${title}` : 'RoleCall: pipeline lines' },
    );
    if (pick) await vscode.commands.executeCommand('rolecall.revealUsage', pick.ref);
  },

  'rolecall.openTrustPolicy': (ctx) => async (arg?: unknown) => {
    const node = arg as { kind?: string; roleArn?: string; label?: string } | string | undefined;
    if (typeof node === 'string') return ctx.trust.open(node);
    if (node?.roleArn) return ctx.trust.open(node.roleArn, node.kind === 'statement' ? node.label : undefined);
  },
};

/** Registers every command with the context. */
export function registerCommands(ctx: Ctx): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    const handler = factory(ctx);
    ctx.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await handler(...args);
        } catch (err) {
          ctx.log.error(`${id} failed: ${err instanceof Error ? err.message : String(err)}`);
          void vscode.window.showErrorMessage(
            `RoleCall: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
          );
        }
      }),
    );
  }
}
