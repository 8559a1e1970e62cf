// "RoleCall: Mint Credentials for Pipeline Role…": gets the temporary credentials a pipeline step would
// get, with the same role, ExternalId, duration and session name, then hands them over without ever
// echoing them: terminal env, clipboard, a 0600 profile, or credential_process JSON.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as Aws from '../../aws/index';
import { mint, type MintRequest } from '../../core/credentials/mint';
import { toCredentialProcessJson, toEnv, toShellExports } from '../../core/credentials/formats';
import { CredentialsFileError, writeCredentialsProfile } from '../../core/credentials/credentialsFile';
import { StsError, type MfaPrompt, type TemporaryCredentials } from '../../core/ports';
import { usesStaticKeys, type Usage } from '../../core/types';
import type { Ctx } from '../ctx';
import { loadAws } from '../iamSource';
import { messageOf } from '../log';
import { MAX_DURATION, MIN_DURATION } from '../pure/edits';
import { validateMfaCode, validateMfaSerial } from '../pure/mfa';
import { validateProfileName } from '../pure/output';
import { defaultSessionName } from '../pure/sessions';
import { endpointOrigin, isAwsEndpoint } from '../pure/endpoint';
import { decide, findingsOf } from '../pure/usageInfo';
import { nothingToMint } from '../pure/staticKeys';
import { accountOfUsage } from '../hover';

/** A mint target: a usage found in a pipeline, or a role ARN typed or picked in the explorer. */
export interface MintTarget {
  roleArn: string | null;
  usage: Usage | null;
  uri: vscode.Uri | null;
}

/** The MfaPrompt port for VS Code: an InputBox that only accepts exactly six digits. */
export const mfaPrompt: MfaPrompt = {
  async askCode(serialNumber: string, purpose: string): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: 'RoleCall: MFA code',
      prompt: `MFA code from ${serialNumber} to ${purpose}`,
      placeHolder: '123456',
      ignoreFocusOut: true,
      password: true,
      validateInput: (value) => validateMfaCode(value),
    });
  },
  async askSerial(purpose: string): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: 'RoleCall: MFA device',
      prompt: `MFA device ARN to ${purpose} (not found in ~/.aws/config mfa_serial or ListMFADevices)`,
      placeHolder: 'arn:aws:iam::123456789012:mfa/alice',
      ignoreFocusOut: true,
      validateInput: (value) => validateMfaSerial(value),
    });
  },
};

function roleNameOf(arn: string | null): string {
  return arn ? (/role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] ?? 'role') : 'session-token';
}

type PickItem = vscode.QuickPickItem & { target?: MintTarget; action?: 'type' | 'session-token' };

/** Lets the person pick among the workspace's usages, type a role ARN, or get a session token. */
async function pickTarget(ctx: Ctx): Promise<MintTarget | undefined> {
  if (ctx.analysis.all().length === 0) {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'RoleCall: finding pipeline roles' },
      () => ctx.diagnostics.scanWorkspace(),
    );
  }
  const items: PickItem[] = [];
  for (const result of ctx.analysis.all()) {
    for (const usage of result.analysis.usages) {
      // Static keys assume no role: nothing to mint for them.
      if (usesStaticKeys(usage)) continue;
      const line = result.lines.position(usage.anchor.start).line;
      items.push({
        label: usage.roleArn
          ? roleNameOf(usage.roleArn)
          : usage.kind === 'sh-get-session-token'
            ? 'GetSessionToken'
            : (usage.role ?? '(unresolved role)'),
        description: usage.roleArn ?? undefined,
        detail: `${vscode.workspace.asRelativePath(result.uri)}:${line} · ${usage.kind}`,
        target: { roleArn: usage.roleArn, usage, uri: result.uri },
      });
    }
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(edit) Enter a role ARN…', action: 'type', alwaysShow: true });
  items.push({
    label: '$(key) Get a session token (no role)',
    description: 'sts:GetSessionToken',
    action: 'session-token',
    alwaysShow: true,
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'RoleCall: Mint Credentials for Pipeline Role',
    placeHolder: 'Pick the pipeline step whose credentials you want',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.action === 'session-token') return { roleArn: null, usage: null, uri: null };
  if (picked.action === 'type') {
    const arn = await vscode.window.showInputBox({
      title: 'RoleCall: role ARN',
      placeHolder: 'arn:aws:iam::123456789012:role/deploy',
      ignoreFocusOut: true,
      validateInput: (v) =>
        /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(v.trim())
          ? null
          : 'Enter a role ARN: arn:aws:iam::ACCOUNT:role/NAME',
    });
    return arn ? { roleArn: arn.trim(), usage: null, uri: null } : undefined;
  }
  return picked.target;
}

/** The ExternalId the step would send; asks once for a credential's value and keeps it in SecretStorage. */
async function externalIdFor(
  ctx: Ctx,
  target: MintTarget,
  trustText: string | null,
): Promise<{ value: string | undefined } | undefined> {
  const ext = target.usage?.externalId;
  if (ext?.present) {
    const r = ext.resolved;
    if (r && r.origin.source === 'credential' && r.origin.reference) {
      const id = r.origin.reference;
      const known = await ctx.secrets.getCredential(id);
      if (known !== undefined) return { value: known };
      const value = await vscode.window.showInputBox({
        title: `RoleCall: value of Jenkins credential '${id}'`,
        prompt: `The ExternalId the pipeline reads from credential '${id}'. Kept in VS Code's secret storage, never in settings.`,
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.length >= 2 ? null : 'An ExternalId has at least 2 characters.'),
      });
      if (value === undefined) return undefined;
      await ctx.secrets.storeCredential(id, value);
      // The stored value now lets the analysis check the ExternalId against the trust policy.
      ctx.reanalyze();
      return { value };
    }
    if (r && r.value !== null) return { value: r.value };
  } else if (target.usage) {
    return { value: undefined };
  }
  if (ext?.present || (trustText && /sts:ExternalId/i.test(trustText))) {
    const value = await vscode.window.showInputBox({
      title: 'RoleCall: ExternalId',
      prompt: ext?.present
        ? 'The pipeline passes an ExternalId RoleCall could not resolve: enter it'
        : "The role's trust policy checks sts:ExternalId: enter the value (leave empty for none)",
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return undefined;
    return { value: value === '' ? undefined : value };
  }
  return { value: undefined };
}

async function mfaSerialFor(
  ctx: Ctx,
  target: MintTarget,
  aws: typeof Aws,
  purpose: string,
): Promise<string | undefined> {
  const usage = target.usage;
  if (usage?.mfaSerial && /^arn:/.test(usage.mfaSerial)) return usage.mfaSerial;
  const project = await ctx.config.project(target.uri ?? undefined);
  const fromConfig = usage?.credentialsId ? project.config.awsCredentials[usage.credentialsId]?.mfaSerial : undefined;
  if (fromConfig) return fromConfig;
  const s = ctx.config.settings.iam;
  const found = await aws.findMfaSerial({
    ...(s.profile ? { profile: s.profile } : {}),
    ...(s.region ? { region: s.region } : {}),
    ...(s.endpointUrl ? { endpointUrl: s.endpointUrl } : {}),
    log: ctx.log,
  });
  if (found) return found.serial;
  return mfaPrompt.askSerial?.(purpose);
}

function showMintError(err: unknown): void {
  if (err instanceof StsError) {
    const hint: Record<StsError['kind'], string> = {
      'access-denied': 'Access denied',
      'mfa-invalid': 'Wrong or reused MFA code',
      expired: 'Your source credentials expired',
      throttled: 'AWS is throttling requests',
      network: 'AWS could not be reached',
      'invalid-input': 'Invalid request',
      'no-credentials': 'No AWS credentials found',
      other: 'Minting failed',
    };
    void vscode.window.showErrorMessage(`RoleCall: ${hint[err.kind]}: ${err.message}. Next: ${err.next}`);
    return;
  }
  void vscode.window.showErrorMessage(
    `RoleCall: minting failed: ${messageOf(err)}. See "RoleCall: Show Log" for details.`,
  );
}

// Endpoints the person agreed to send secrets to, for this window's lifetime (never persisted).
const consented = new Set<string>();

/** Asks (modal) before minting sends an MFA code and an ExternalId to a host that is not AWS's. */
async function endpointConsent(endpointUrl: string): Promise<boolean> {
  if (isAwsEndpoint(endpointUrl) || consented.has(endpointUrl)) return true;
  const send = 'Send to this endpoint';
  const answer = await vscode.window.showWarningMessage(
    `RoleCall: minting sends your source credentials' signature, the MFA code and the ExternalId to ${endpointOrigin(endpointUrl)}, which is not an AWS endpoint.`,
    {
      modal: true,
      detail: 'It comes from rolecall.iam.endpointUrl in your user settings (e.g. an emulator). Send them there?',
    },
    send,
  );
  if (answer !== send) return false;
  consented.add(endpointUrl);
  return true;
}

/** Resolves the command argument (CodeLens/explorer usage, explorer role, or nothing) to a target. */
export function targetFromArg(ctx: Ctx, arg: unknown): MintTarget | null {
  const usage = ctx.usageFromArg(arg);
  if (usage) return { roleArn: usage.usage.roleArn, usage: usage.usage, uri: usage.uri };
  if (typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'role') {
    const roleArn = (arg as { roleArn: string }).roleArn;
    const first = ctx.analysis
      .all()
      .flatMap((r) => r.analysis.usages.map((u) => ({ u, uri: r.uri })))
      .find(({ u }) => u.roleArn === roleArn);
    return { roleArn, usage: first?.u ?? null, uri: first?.uri ?? null };
  }
  if (typeof arg === 'string' && arg.startsWith('arn:')) return { roleArn: arg, usage: null, uri: null };
  return null;
}

export async function mintCredentials(ctx: Ctx, arg?: unknown): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window
      .showWarningMessage('RoleCall: minting credentials needs a trusted workspace.', 'Manage Workspace Trust')
      .then((a) => {
        if (a) void vscode.commands.executeCommand('workbench.trust.manage');
      });
    return;
  }
  try {
    const target = targetFromArg(ctx, arg) ?? (await pickTarget(ctx));
    if (!target) return;
    if (target.usage && usesStaticKeys(target.usage)) {
      void vscode.window.showErrorMessage(nothingToMint(target.usage));
      return;
    }
    if (!target.roleArn && target.usage && target.usage.kind !== 'sh-get-session-token') {
      void vscode.window.showErrorMessage(
        `RoleCall: the role of this step could not be resolved (${target.usage.role ?? 'no role'}). Give the parameter a value in .rolecall.json "parameters", or use "Enter a role ARN…".`,
      );
      return;
    }
    const roleArn = target.roleArn;
    const { reader } = await ctx.iam.get();
    const lookup = roleArn && reader ? await reader.getRole(roleArn) : null;
    const role = lookup?.status === 'found' ? lookup.value : null;
    const trustText = role?.trustPolicy.text ?? null;

    const s = ctx.config.settings.iam;
    // Nothing secret is asked for, let alone sent, before the person agrees to a non-AWS endpoint.
    if (s.endpointUrl && !(await endpointConsent(s.endpointUrl))) return;

    const ext = await externalIdFor(ctx, target, trustText);
    if (!ext) return;
    const externalId = ext.value;

    const usage0 = target.usage;
    const needsMfa =
      (usage0?.mfa ?? false) ||
      (trustText !== null && /aws:MultiFactorAuth/i.test(trustText)) ||
      (usage0
        ? findingsOf(usage0, ctx.analysis.get(target.uri!)?.analysis.findings ?? []).some(
            (f) => f.code === 'mfa-required',
          )
        : false);
    const purpose = roleArn ? `assume ${roleArn}` : 'get a session token';
    let mfaSerial: string | undefined;
    if (needsMfa) {
      mfaSerial = await mfaSerialFor(ctx, target, loadAws(ctx.log), purpose);
      if (!mfaSerial) return;
    }
    // A cached session is reused only if everything that made it is the same.
    const origin = {
      roleArn,
      externalId,
      profile: s.profile,
      endpointUrl: s.endpointUrl,
      mfaSerial: mfaSerial ?? null,
    };
    const cached = await ctx.secrets.session(origin);
    let credentials: TemporaryCredentials;
    if (cached) {
      ctx.log.info(
        `reusing the cached session for ${roleArn ?? 'GetSessionToken'} (valid until ${cached.expiration.toISOString()})`,
      );
      credentials = cached;
    } else {
      const usage = target.usage;
      // The limit is the role's; whether the *local* source credentials are a role session (1 h cap)
      // is asked of STS by mint() only when the duration makes it matter.
      const upper = Math.min(role?.maxSessionDuration ?? MAX_DURATION, MAX_DURATION);
      const initial = Math.min(usage?.duration ?? 3600, upper);
      const durationText = await vscode.window.showInputBox({
        title: 'RoleCall: session duration (seconds)',
        prompt: `The pipeline asks for ${usage?.duration ?? 'the default (3600)'} s; ${role ? `the role allows up to ${role.maxSessionDuration} s` : 'the role limit is unknown'}. Shorten it if you like.`,
        value: String(initial),
        ignoreFocusOut: true,
        validateInput: (v) => {
          const n = Number(v.trim());
          return Number.isInteger(n) && n >= MIN_DURATION && n <= upper
            ? null
            : `Enter whole seconds between ${MIN_DURATION} and ${upper}.`;
        },
      });
      if (durationText === undefined) return;
      const folder = target.uri
        ? vscode.workspace.getWorkspaceFolder(target.uri)?.name
        : vscode.workspace.workspaceFolders?.[0]?.name;
      let user = 'me';
      try {
        user = os.userInfo().username;
      } catch {
        // Some containers have no passwd entry; the default is fine.
      }
      let sessionName: string | undefined;
      if (roleArn) {
        sessionName = await vscode.window.showInputBox({
          title: 'RoleCall: role session name',
          value: defaultSessionName(usage?.roleSessionName ?? null, usage?.kind ?? 'withAWS', folder ?? 'job', user),
          ignoreFocusOut: true,
          validateInput: (v) =>
            /^[\w+=,.@-]{2,64}$/.test(v) ? null : 'Use 2-64 characters of letters, digits and +=,.@_-',
        });
        if (sessionName === undefined) return;
      }
      const aws = loadAws(ctx.log);
      const sts = aws.createStsClient({
        ...(s.profile ? { profile: s.profile } : {}),
        ...(s.region ? { region: s.region } : {}),
        ...(s.endpointUrl ? { endpointUrl: s.endpointUrl } : {}),
        log: ctx.log,
      });
      const request: MintRequest = {
        roleArn,
        durationSeconds: Number(durationText.trim()),
        ...(externalId !== undefined ? { externalId } : {}),
        ...(sessionName ? { roleSessionName: sessionName } : {}),
        ...(mfaSerial ? { mfaSerial } : {}),
        ...(role ? { maxSessionDuration: role.maxSessionDuration } : {}),
      };
      try {
        const result = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `RoleCall: minting credentials for ${roleNameOf(roleArn)}…`,
          },
          () =>
            mint(request, {
              sts,
              mfa: mfaPrompt,
              log: ctx.log,
              explainDenial: async () => {
                const u = target.usage;
                if (!u || !target.uri) return undefined;
                const own = findingsOf(u, ctx.analysis.get(target.uri)?.analysis.findings ?? []);
                const account = accountOfUsage(u);
                const d = decide(u, own, account ? (reader?.coversAccount(account) ?? false) : false);
                if (d.kind !== 'deny') return undefined;
                const stmt = d.finding.related?.find((r) => r.statement)?.statement;
                return `RoleCall's check says ${d.finding.code}${stmt ? ` (trust statement ${stmt})` : ''}: ${d.finding.message}`;
              },
            }),
        );
        credentials = result.credentials;
        for (const w of result.warnings) void vscode.window.showWarningMessage(`RoleCall: ${w}`);
      } finally {
        sts.dispose();
      }
      await ctx.secrets.storeSession(origin, credentials);
    }
    await deliver(ctx, credentials, roleArn);
  } catch (err) {
    ctx.log.error(`mint failed: ${messageOf(err)}`);
    showMintError(err);
  }
}

type OutputItem = vscode.QuickPickItem & { id: 'terminal' | 'clipboard' | 'profile' | 'json' };

/** Hands the credentials over the way the person picks. Nothing is typed into a terminal or logged. */
async function deliver(ctx: Ctx, credentials: TemporaryCredentials, roleArn: string | null): Promise<void> {
  const region = ctx.config.settings.iam.region;
  const name = roleNameOf(roleArn);
  const items: OutputItem[] = [
    {
      id: 'terminal',
      label: '$(terminal) Open a terminal with these credentials',
      description: 'AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN in its environment',
    },
    { id: 'clipboard', label: '$(clippy) Copy export lines to the clipboard' },
    { id: 'profile', label: '$(file) Write a profile to ~/.aws/credentials', description: 'file mode 0600' },
    { id: 'json', label: '$(json) Show credential_process JSON', description: 'in an untitled editor' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `RoleCall: credentials for ${name} (valid until ${credentials.expiration.toLocaleTimeString()})`,
    placeHolder: 'Where should the credentials go?',
    ignoreFocusOut: true,
  });
  if (!picked) return;
  switch (picked.id) {
    case 'terminal': {
      const terminal = vscode.window.createTerminal({
        name: `AWS ${name}`,
        env: toEnv(credentials, region),
        iconPath: new vscode.ThemeIcon('key'),
      });
      terminal.show();
      ctx.disposeLater(terminal);
      break;
    }
    case 'clipboard':
      await vscode.env.clipboard.writeText(toShellExports(credentials, region));
      void vscode.window.showInformationMessage('RoleCall: export lines copied to the clipboard.');
      break;
    case 'profile': {
      const profile = await vscode.window.showInputBox({
        title: 'RoleCall: profile name',
        value: `rolecall-${name}`,
        ignoreFocusOut: true,
        validateInput: (v) => validateProfileName(v),
      });
      if (!profile) return;
      const profileName = profile.trim();
      let written;
      try {
        written = writeCredentialsProfile(profileName, credentials, { region });
      } catch (err) {
        if (!(err instanceof CredentialsFileError) || err.kind !== 'long-term-keys') throw err;
        // Long-term keys are not ours to destroy: only on an explicit yes, and with a backup.
        const replace = 'Replace (keep a backup)';
        const answer = await vscode.window.showWarningMessage(
          `RoleCall: profile [${profileName}] in ${err.path} holds long-term access keys. Replace them with these temporary credentials?`,
          {
            modal: true,
            detail: 'A copy of the whole file is kept next to it. Choosing another profile name leaves the keys alone.',
          },
          replace,
        );
        if (answer !== replace) return;
        written = writeCredentialsProfile(profileName, credentials, { region, force: true });
      }
      void vscode.window.showInformationMessage(
        `RoleCall: wrote profile [${profileName}] to ${path.normalize(written.path)} (mode 0600)${written.backup ? `; the old file is kept as ${path.basename(written.backup)}` : ''}. Use it with --profile ${profileName}.`,
      );
      break;
    }
    case 'json': {
      const doc = await vscode.workspace.openTextDocument({
        language: 'json',
        content: toCredentialProcessJson(credentials),
      });
      await vscode.window.showTextDocument(doc);
      break;
    }
  }
}
