// Quick fixes keyed on the diagnostics' finding codes: the engine's own fixes (Finding.fixes) plus
// editor-only ones that need IAM lookups or the surrounding text.
import * as vscode from 'vscode';
import type { Finding, FindingCode, TextEdit, Usage } from '../core/types';
import { toRange, type Analysis } from './analysis';
import { isOwnerFixable } from './pure/grantView';
import type { IamSource } from './iamSource';
import {
  clampDuration,
  insertNamedArg,
  literalAt,
  MAX_DURATION,
  nearest,
  replaceLiteral,
  replaceRoleName,
  ROLE_CHAINING_MAX,
  sanitizeSessionName,
  stringCredentialBindings,
  wrapInWithCredentials,
} from './pure/edits';

const SECRET_VARIABLES = {
  'external-id': ['external-id', 'EXTERNAL_ID'],
  'secret-key': ['aws-secret-access-key', 'AWS_SECRET_ACCESS_KEY'],
  'session-token': ['aws-session-token', 'AWS_SESSION_TOKEN'],
} as const;

function codeOf(d: vscode.Diagnostic): string | null {
  if (d.source !== 'rolecall' || d.code === undefined) return null;
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

export class CodeActions implements vscode.CodeActionProvider {
  constructor(
    private readonly analysis: Analysis,
    private readonly iam: IamSource,
  ) {}

  async provideCodeActions(
    doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    const result = this.analysis.get(doc.uri);
    // Offsets are only valid for the text that was analysed.
    if (!result || (result.version !== -1 && result.version !== doc.version)) return [];
    const actions: vscode.CodeAction[] = [];
    const asked = new Set<number>();
    for (const diagnostic of context.diagnostics) {
      const code = codeOf(diagnostic);
      if (!code) continue;
      const finding = result.analysis.findings.find(
        (f) => f.code === code && toRange(result.lines, f.range).isEqual(diagnostic.range),
      );
      if (!finding) continue;
      const usage =
        result.analysis.usages.find(
          (u) => finding.range.start >= u.range.start && finding.range.start < Math.max(u.range.end, u.range.start + 1),
        ) ?? null;
      const before = actions.length;
      for (const fix of finding.fixes ?? []) {
        actions.push(
          this.action(
            fix.title,
            doc,
            fix.edits,
            diagnostic,
            fix.isPreferred === true || (fix === finding.fixes?.[0] && before === actions.length),
          ),
        );
      }
      // The engine's fixes come first and win: editor-only fixes fill in where it has none, so a
      // problem never shows two quick fixes doing the same thing.
      if (usage && (finding.fixes?.length ?? 0) === 0) {
        for (const extra of await this.uiFixes(doc, finding, usage)) {
          actions.push(
            this.action(extra.title, doc, extra.edits, diagnostic, actions.length === before && extra.preferred),
          );
        }
      }
      if (usage && isOwnerFixable(finding) && !asked.has(usage.anchor.start)) {
        asked.add(usage.anchor.start);
        const ask = new vscode.CodeAction("Ask the role's owner for access…", vscode.CodeActionKind.QuickFix);
        ask.command = {
          command: 'rolecall.askRoleOwner',
          title: "Ask the role's owner for access…",
          arguments: [{ uri: doc.uri.toString(), offset: usage.anchor.start }],
        };
        ask.diagnostics = [diagnostic];
        actions.push(ask);
      }
      if (token.isCancellationRequested) return [];
    }
    return actions;
  }

  private action(
    title: string,
    doc: vscode.TextDocument,
    edits: TextEdit[],
    diagnostic: vscode.Diagnostic,
    preferred: boolean,
  ): vscode.CodeAction {
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits)
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.content);
    action.edit = edit;
    action.diagnostics = [diagnostic];
    action.isPreferred = preferred;
    return action;
  }

  /** Editor-only fixes. Each returns plain edits; none repeats a secret value. */
  private async uiFixes(
    doc: vscode.TextDocument,
    finding: Finding,
    usage: Usage,
  ): Promise<Array<{ title: string; edits: TextEdit[]; preferred: boolean }>> {
    const text = doc.getText();
    const out: Array<{ title: string; edits: TextEdit[]; preferred: boolean }> = [];
    const code: FindingCode = finding.code;
    switch (code) {
      case 'external-id-missing': {
        if (usage.kind !== 'withAWS') break;
        const bindings = usage.boundStringCredentials ?? stringCredentialBindings(text, usage.anchor.start);
        const seen = new Set<string>();
        for (const b of bindings) {
          if (seen.has(b.variable)) continue;
          seen.add(b.variable);
          const edit = insertNamedArg(text, usage.anchor.end, `externalId: env.${b.variable}`);
          if (edit)
            out.push({
              title: `Pass the ExternalId from credential '${b.credentialsId}' (env.${b.variable})`,
              edits: [edit],
              preferred: out.length === 0,
            });
          if (seen.size >= 3) break;
        }
        break;
      }
      case 'mfa-required': {
        if (usage.kind !== 'withAWS' || usage.mfa) break;
        const edit = insertNamedArg(text, usage.anchor.end, 'iamMfaToken: params.MFA_TOKEN');
        if (edit)
          out.push({
            title: 'Pass the MFA token (iamMfaToken: params.MFA_TOKEN; add a MFA_TOKEN string parameter)',
            edits: [edit],
            preferred: true,
          });
        break;
      }
      case 'duration-exceeds-max':
      case 'duration-out-of-range':
      case 'role-chaining-duration': {
        const range = usage.args.duration;
        if (!range || usage.duration === null) break;
        let max = MAX_DURATION;
        if (code === 'role-chaining-duration') max = ROLE_CHAINING_MAX;
        if (code === 'duration-exceeds-max' && usage.roleArn) {
          const { reader } = await this.iam.get();
          const role = reader ? await reader.getRole(usage.roleArn) : null;
          if (role?.status === 'found') max = role.value.maxSessionDuration;
        }
        const value = clampDuration(usage.duration, max);
        const raw = text.slice(range.start, range.end);
        const edit = /^\d+$/.test(raw)
          ? { offset: range.start, length: raw.length, content: String(value) }
          : replaceLiteral(text, range, String(value));
        if (edit && value !== usage.duration)
          out.push({ title: `Set duration to ${value} seconds`, edits: [edit], preferred: true });
        break;
      }
      case 'invalid-session-name': {
        const range = usage.args.roleSessionName;
        const lit = range ? literalAt(text, range) : null;
        if (!range || !lit) break;
        const edit = replaceLiteral(text, range, sanitizeSessionName(lit.value));
        if (edit)
          out.push({ title: `Use session name '${sanitizeSessionName(lit.value)}'`, edits: [edit], preferred: true });
        break;
      }
      case 'role-not-found': {
        const range = usage.args.role ?? usage.args.roleArn;
        if (!range || !usage.roleArn) break;
        const { reader } = await this.iam.get();
        const lookup = reader ? await reader.getRole(usage.roleArn) : null;
        if (lookup?.status !== 'not-found') break;
        const current = /role\/(?:.*\/)?([^/]+)$/.exec(usage.roleArn)?.[1] ?? usage.role ?? '';
        for (const name of nearest(current, lookup.knownNames)) {
          const edit = replaceRoleName(text, range, name);
          if (edit) out.push({ title: `Change role to '${name}'`, edits: [edit], preferred: out.length === 0 });
        }
        break;
      }
      case 'invalid-role-arn': {
        const range = usage.args.roleAccount;
        const lit = range ? literalAt(text, range) : null;
        if (!range || !lit) break;
        const { reader } = await this.iam.get();
        for (const account of nearest(lit.value, reader?.accounts() ?? [], 2)) {
          const edit = replaceLiteral(text, range, account);
          if (edit) out.push({ title: `Change account to ${account}`, edits: [edit], preferred: out.length === 0 });
        }
        break;
      }
      case 'hardcoded-secret': {
        const secret = usage.secrets.find((s) => s.range.start === finding.range.start && s.kind !== 'access-key');
        if (!secret || secret.kind === 'access-key') break;
        const [credentialsId, variable] = SECRET_VARIABLES[secret.kind];
        const call = secret.statement ?? usage.range;
        out.push({
          title: `Move the secret into a Jenkins credential ('${credentialsId}') with withCredentials`,
          edits: wrapInWithCredentials(text, call, secret.range, credentialsId, variable),
          preferred: true,
        });
        break;
      }
      default:
        break;
    }
    return out;
  }
}

/** Registers the provider for both language ids that may hold pipelines. */
export function registerCodeActions(analysis: Analysis, iam: IamSource): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(
    [{ language: 'jenkinsfile' }, { language: 'groovy' }],
    new CodeActions(analysis, iam),
    { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
  );
}
