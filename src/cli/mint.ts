// `rolecall mint`: temporary credentials the way a pipeline step would get them, for a local dry run.
//
// Exit status: 0 minted; 3 minted and printed but --write-profile failed; 2 bad input (flags, values STS would reject before any call: a token code that
// is not 6 digits, a duration out of bounds, a malformed ARN or session name); 1 when STS refuses or
// cannot be reached (AccessDenied, wrong MFA code, expired source credentials, throttling, network).
// Bad input is the person's typo (fix the command); a refusal is the account's answer (fix IAM, the
// code or the credentials) — scripts can tell them apart. Errors are one line on stderr with a next step.
import { loadAws, type AwsModule } from './awsModule';
import { mint } from '../core/credentials/mint';
import type { DenialContext, MintRequest } from '../core/credentials/mint';
import { explainAssumeRole } from '../core/iam/evaluate';
import type { RequestContext } from '../core/iam/evaluate';
import { CREDENTIAL_FORMATS, formatCredentials } from '../core/credentials/formats';
import type { CredentialFormat } from '../core/credentials/formats';
import {
  credentialsFilePath,
  CredentialsFileError,
  isValidProfileName,
  profileHoldsLongTermKeys,
  writeCredentialsProfile,
} from '../core/credentials/credentialsFile';
import { StsError } from '../core/ports';
import type { Log, MfaPrompt } from '../core/ports';
import { parseFlags } from './args';
import { UsageError } from './io';
import type { CliIo, Subcommand } from './io';

export const MINT_HELP = `Usage: rolecall mint [--role-arn ARN] [--external-id V | --external-id-env VAR] [--duration S]
                     [--session-name N] [--serial-number MFA_ARN [--token-code 123456|-]] [--profile P]
                     [--region R] [--endpoint-url URL] [--format env|json|credential-process|ini]
                     [--write-profile NAME [--force]]

Mints temporary credentials with sts:AssumeRole (or sts:GetSessionToken without --role-arn, as seed 004's
pipeline does) using the source credentials of --profile (default: the AWS SDK's credential chain).

  --role-arn ARN           role to assume; omit for GetSessionToken
  --external-id V          sts:ExternalId to pass (never printed; visible in the process list)
  --external-id-env VAR    the ExternalId from environment variable VAR (kept out of the process list)
  --duration S             session seconds (AssumeRole 900..43200, GetSessionToken 900..129600);
                           capped at 3600 with a warning when the source is itself a role session
  --session-name N         RoleSessionName ([\\w+=,.@-]{2,64}); default rolecall-<UTC time>
  --serial-number ARN      MFA device; without --token-code, a terminal is asked for the code
  --token-code 123456      MFA code (exactly 6 digits), or - to read it from standard input; without
                           --serial-number the device is the profile's mfa_serial, else the calling
                           user's (iam:ListMFADevices)
  --profile P / --region R / --endpoint-url URL   source credentials, region, IAM/STS endpoint (an emulator)
  --format F               env (export lines, default), json / credential-process (credential_process JSON), ini
  --write-profile NAME     also write the credentials as [NAME] into ~/.aws/credentials (mode 0600;
                           AWS_SHARED_CREDENTIALS_FILE, '~/' expanded as the SDK does; a symbolic
                           link is written through; parallel runs are serialised by a lock file)
  --force                  let --write-profile replace a profile holding long-term access keys
                           (AKIA..., or keys without a session token); a backup of the file is kept

Exit status: 0 minted, 1 STS refused or could not be reached, 2 bad input (nothing minted),
3 minted and printed, but --write-profile could not write the profile.
`;

function stderrLog(io: CliIo): Log {
  // Only warnings reach the terminal: progress lines would clutter `eval "$(rolecall mint ...)"` users' screens.
  return {
    info: () => undefined,
    warn: (m) => io.stderr(`rolecall mint: warning: ${m}\n`),
    error: (m) => io.stderr(`rolecall mint: ${m}\n`),
  };
}

/** Parses `rolecall mint` flags into a MintRequest plus output options; throws UsageError on bad input. */
export function parseMintArgs(argv: string[]): {
  request: MintRequest;
  format: CredentialFormat;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  writeProfile?: string;
  force: boolean;
  /** Environment variable holding the ExternalId (read in runMint, never printed). */
  externalIdEnv?: string;
  /** `--token-code -`: read the code from standard input. */
  tokenCodeFromStdin: boolean;
  help: boolean;
} {
  const parsed = parseFlags('mint', argv, {
    'role-arn': { type: 'string' },
    'external-id': { type: 'string' },
    duration: { type: 'string' },
    'session-name': { type: 'string' },
    'serial-number': { type: 'string' },
    'token-code': { type: 'string' },
    profile: { type: 'string' },
    region: { type: 'string' },
    'endpoint-url': { type: 'string' },
    format: { type: 'string' },
    'write-profile': { type: 'string' },
    force: { type: 'boolean' },
    'external-id-env': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const v = parsed.values;
  const format = (v.format ?? 'env') as CredentialFormat;
  if (!CREDENTIAL_FORMATS.includes(format))
    throw new UsageError(`--format must be one of ${CREDENTIAL_FORMATS.join(', ')}, got '${v.format}'`);
  let durationSeconds: number | undefined;
  if (v.duration !== undefined) {
    if (!/^\d+$/.test(v.duration))
      throw new UsageError(`--duration must be a whole number of seconds, got '${v.duration}'`);
    durationSeconds = Number(v.duration);
  }
  const fromStdin = v['token-code'] === '-';
  if (v['token-code'] !== undefined && !fromStdin && !/^\d{6}$/.test(v['token-code']))
    throw new UsageError(
      '--token-code must be exactly 6 digits (the current code of the MFA device), or - to read it from standard input',
    );
  if (v['external-id'] !== undefined && v['external-id-env'] !== undefined)
    throw new UsageError('--external-id and --external-id-env do not go together: give the ExternalId one way');
  if (v['external-id-env'] !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v['external-id-env']))
    throw new UsageError(`--external-id-env expects an environment variable name, got '${v['external-id-env']}'`);
  if (v.force && v['write-profile'] === undefined) throw new UsageError('--force goes with --write-profile NAME');
  if (v['endpoint-url'] !== undefined && !/^https?:\/\/[^\s/]+/.test(v['endpoint-url']))
    throw new UsageError(`--endpoint-url must be an http(s) URL, got '${v['endpoint-url']}'`);
  if (v['write-profile'] !== undefined && !isValidProfileName(v['write-profile']))
    throw new UsageError(`--write-profile: invalid profile name '${v['write-profile']}' (letters, digits and ._@+-)`);
  const request: MintRequest = {
    roleArn: v['role-arn'] ?? null,
    ...(v['external-id'] !== undefined ? { externalId: v['external-id'] } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(v['session-name'] !== undefined ? { roleSessionName: v['session-name'] } : {}),
    ...(v['serial-number'] !== undefined ? { mfaSerial: v['serial-number'] } : {}),
    ...(v['token-code'] !== undefined && !fromStdin ? { tokenCode: v['token-code'] } : {}),
  };
  return {
    request,
    format,
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v.region !== undefined ? { region: v.region } : {}),
    ...(v['endpoint-url'] !== undefined ? { endpointUrl: v['endpoint-url'] } : {}),
    ...(v['write-profile'] !== undefined ? { writeProfile: v['write-profile'] } : {}),
    force: v.force === true,
    ...(v['external-id-env'] !== undefined ? { externalIdEnv: v['external-id-env'] } : {}),
    tokenCodeFromStdin: fromStdin,
    help: v.help === true,
  };
}

/**
 * After an AccessDenied, reads the role's trust policy with the same credentials (works when the role is
 * in their account) and evaluates it the way IAM would, to name the statement that refused. Best effort:
 * undefined when the policy cannot be read.
 */
async function explainDenialLive(
  aws: AwsModule,
  args: ReturnType<typeof parseMintArgs>,
  roleArn: string,
  request: DenialContext,
): Promise<string | undefined> {
  const reader = await aws.createLiveIamReader({
    profile: args.profile,
    region: args.region,
    endpointUrl: args.endpointUrl,
    maxAttempts: 2,
    deadlineMs: 8000,
  });
  try {
    const caller = reader.callerArn();
    const role = await reader.getRole(roleArn, { identityPolicies: false });
    if (!caller || role.status !== 'found') return undefined;
    const context: RequestContext = { 'aws:MultiFactorAuthPresent': request.mfa ? 'true' : 'false' };
    if (request.externalId !== undefined) context['sts:ExternalId'] = request.externalId;
    const evaluation = explainAssumeRole({
      trustPolicy: role.value.trustPolicy.text,
      roleArn,
      principal: caller,
      context,
    });
    if (evaluation.decision === 'allow') {
      return `the trust policy of ${roleArn} allows ${caller}: the refusal comes from the caller's own permissions (sts:AssumeRole on the role), a permissions boundary or an SCP`;
    }
    const refusing = evaluation.reasons.filter(
      (r) => r.source === 'trust-policy' && (r.effect === 'Deny' ? r.matched : !r.matched),
    );
    if (refusing.length === 0) return undefined;
    return `trust policy of ${roleArn}: ${refusing.map((r) => `statement ${r.statement}: ${r.detail}`).join('; ')}`;
  } catch {
    return undefined;
  } finally {
    reader.dispose();
  }
}

/** Fills in the secrets that stay off the command line: the ExternalId from the environment, the MFA code from stdin. */
async function secretInputs(args: ReturnType<typeof parseMintArgs>, io: CliIo): Promise<void> {
  if (args.externalIdEnv !== undefined) {
    const value = io.env[args.externalIdEnv];
    if (value === undefined || value === '')
      throw new UsageError(`--external-id-env: environment variable ${args.externalIdEnv} is not set (or empty)`);
    args.request.externalId = value;
  }
  if (args.tokenCodeFromStdin) {
    if (!io.readLine) throw new UsageError('--token-code -: this command has no standard input to read the code from');
    const code = (await io.readLine()).trim();
    if (!/^\d{6}$/.test(code))
      throw new UsageError('--token-code -: standard input must start with the 6-digit MFA code');
    args.request.tokenCode = code;
  }
}

/** The MFA prompt port for a terminal; none without one (then the code must come with --token-code). */
function terminalMfa(io: CliIo): MfaPrompt | undefined {
  const prompt = io.prompt;
  if (!prompt) return undefined;
  return {
    askCode: async (serial, purpose) => prompt(`MFA code from ${serial} to ${purpose}: `),
  };
}

/** Refuses before minting (and spending an MFA code) when the profile to write holds long-term keys. */
function checkProfileWritable(args: ReturnType<typeof parseMintArgs>, io: CliIo): void {
  if (!args.writeProfile || args.force) return;
  const path = credentialsFilePath({ env: io.env });
  if (profileHoldsLongTermKeys(args.writeProfile, path)) {
    throw new UsageError(
      `--write-profile ${args.writeProfile}: that profile in ${path} holds long-term access keys; refusing to replace them — pick another profile name, or add --force (a backup of the file is kept)`,
    );
  }
}

/** The `rolecall mint` subcommand. */
export const runMint: Subcommand = async (argv, io) => {
  const args = parseMintArgs(argv);
  if (args.help) {
    io.stdout(MINT_HELP);
    return 0;
  }
  await secretInputs(args, io);
  const mfa = terminalMfa(io);
  if (args.request.mfaSerial !== undefined && args.request.tokenCode === undefined && !mfa) {
    throw new UsageError(
      '--serial-number needs --token-code (the current 6-digit MFA code, or - to read it from standard input); on a terminal the code is asked for',
    );
  }
  checkProfileWritable(args, io);
  const log = stderrLog(io);
  // Loaded on demand, like scan --live: the SDK is only paid for when used.
  const aws = await loadAws(io);
  const sts = aws.createStsClient({
    profile: args.profile,
    region: args.region,
    endpointUrl: args.endpointUrl,
    log: { ...log, warn: () => undefined },
  });
  let result;
  try {
    if (args.request.tokenCode !== undefined && args.request.mfaSerial === undefined) {
      // A code without a device: the profile's mfa_serial, else the calling user's device, as the AWS CLI would.
      let lookupFailure: string | null = null;
      const found = await aws.findMfaSerial({
        profile: args.profile,
        region: args.region,
        endpointUrl: args.endpointUrl,
        sts,
        env: io.env,
        log: { ...log, warn: (message: string) => void (lookupFailure ??= message) },
      });
      if (!found && lookupFailure !== null) {
        // The lookup failed (refused, throttled, no answer): say why, not that the caller has no device.
        const [reason, next] = String(lookupFailure)
          .split('\n')[0]
          .replace(/^MFA device lookup failed: /, '')
          .split('; next: ');
        io.stderr(
          `rolecall mint: the MFA device for --token-code could not be looked up — ${reason}; next: ${next ? `${next}, or ` : ''}pass --serial-number MFA_ARN (or set mfa_serial in the profile)\n`,
        );
        return 1;
      }
      if (!found)
        throw new UsageError(
          '--token-code needs --serial-number (the MFA device ARN): the profile has no mfa_serial and no MFA device was found for the caller',
        );
      io.stderr(
        `rolecall mint: using MFA device ${found.serial} (from ${found.source === 'config' ? "the profile's mfa_serial" : 'iam:ListMFADevices'})\n`,
      );
      args.request.mfaSerial = found.serial;
    }
    const explainDenial = (roleArn: string, request: DenialContext) => explainDenialLive(aws, args, roleArn, request);
    result = await mint(args.request, { sts, log, explainDenial, ...(mfa ? { mfa } : {}) });
  } catch (error) {
    if (error instanceof StsError) {
      if (error.kind === 'invalid-input' && !/^STS rejected/.test(error.message))
        throw new UsageError(`${error.message}; ${error.next}`);
      io.stderr(`rolecall mint: ${error.message}; next: ${error.next}\n`);
      return 1;
    }
    throw error;
  } finally {
    sts.dispose();
  }
  io.stdout(
    formatCredentials(result.credentials, args.format, {
      region: args.region ?? null,
      profileName: args.writeProfile ?? 'rolecall',
    }),
  );
  if (args.writeProfile) {
    try {
      const written = writeCredentialsProfile(args.writeProfile, result.credentials, {
        env: io.env,
        region: args.region ?? null,
        force: args.force,
      });
      if (written.backup) io.stderr(`rolecall mint: the old credentials file is kept as ${written.backup}\n`);
      io.stderr(
        `rolecall mint: wrote profile [${args.writeProfile}] to ${written.path} (expires ${result.credentials.expiration.toISOString()})\n`,
      );
    } catch (error) {
      // The credentials exist and were printed: say exactly what failed, with its own status.
      const reason =
        error instanceof CredentialsFileError
          ? error.message
          : `${(error as NodeJS.ErrnoException).code ?? 'error'}: ${(error as Error).message.split('\n')[0]}`;
      io.stderr(
        `rolecall mint: minted (the credentials were printed above), but profile [${args.writeProfile}] was not written: ${reason}\n`,
      );
      return 3;
    }
  }
  return 0;
};
