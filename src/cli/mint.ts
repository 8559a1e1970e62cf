// `rolecall mint`: temporary credentials the way a pipeline step would get them, for a local dry run.
//
// Exit status: 0 minted; 2 bad input (flags, values STS would reject before any call: a token code that
// is not 6 digits, a duration out of bounds, a malformed ARN or session name); 1 when STS refuses or
// cannot be reached (AccessDenied, wrong MFA code, expired source credentials, throttling, network).
// Bad input is the person's typo (fix the command); a refusal is the account's answer (fix IAM, the
// code or the credentials) — scripts can tell them apart. Errors are one line on stderr with a next step.
import { mint } from '../core/credentials/mint';
import type { DenialContext, MintRequest } from '../core/credentials/mint';
import { explainAssumeRole } from '../core/iam/evaluate';
import type { RequestContext } from '../core/iam/evaluate';
import { CREDENTIAL_FORMATS, formatCredentials } from '../core/credentials/formats';
import type { CredentialFormat } from '../core/credentials/formats';
import { isValidProfileName, writeCredentialsProfile } from '../core/credentials/credentialsFile';
import { StsError } from '../core/ports';
import type { Log } from '../core/ports';
import { parseFlags } from './args';
import { UsageError } from './io';
import type { CliIo, Subcommand } from './io';

export const MINT_HELP = `Usage: rolecall mint [--role-arn ARN] [--external-id V] [--duration S] [--session-name N]
                     [--serial-number MFA_ARN --token-code 123456] [--profile P] [--region R]
                     [--endpoint-url URL] [--format env|json|credential-process|ini] [--write-profile NAME]

Mints temporary credentials with sts:AssumeRole (or sts:GetSessionToken without --role-arn, as seed 004's
pipeline does) using the source credentials of --profile (default: the AWS SDK's credential chain).

  --role-arn ARN           role to assume; omit for GetSessionToken
  --external-id V          sts:ExternalId to pass (never printed)
  --duration S             session seconds (AssumeRole 900..43200, GetSessionToken 900..129600);
                           capped at 3600 with a warning when the source is itself a role session
  --session-name N         RoleSessionName ([\\w+=,.@-]{2,64}); default rolecall-<UTC time>
  --serial-number ARN      MFA device; --token-code must then be its current 6-digit code
  --token-code 123456      MFA code (exactly 6 digits); without --serial-number the device is the
                           profile's mfa_serial, else the calling user's (iam:ListMFADevices)
  --profile P / --region R / --endpoint-url URL   source credentials, region, IAM/STS endpoint (an emulator)
  --format F               env (export lines, default), json / credential-process (credential_process JSON), ini
  --write-profile NAME     also write the credentials as [NAME] into ~/.aws/credentials (mode 0600)

Exit status: 0 minted, 1 STS refused or could not be reached, 2 bad input.
`;

function stderrLog(io: CliIo): Log {
  // Only warnings reach the terminal: progress lines would clutter `eval "$(rolecall mint ...)"` users' screens.
  return { info: () => undefined, warn: (m) => io.stderr(`rolecall mint: warning: ${m}\n`), error: (m) => io.stderr(`rolecall mint: ${m}\n`) };
}

/** Parses `rolecall mint` flags into a MintRequest plus output options; throws UsageError on bad input. */
export function parseMintArgs(argv: string[]): {
  request: MintRequest;
  format: CredentialFormat;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  writeProfile?: string;
  help: boolean;
} {
  const parsed = parseFlags(
    'mint',
    argv,
    {
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
      help: { type: 'boolean', short: 'h' },
    },
  );
  const v = parsed.values;
  const format = (v.format ?? 'env') as CredentialFormat;
  if (!CREDENTIAL_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${CREDENTIAL_FORMATS.join(', ')}, got '${v.format}'`);
  let durationSeconds: number | undefined;
  if (v.duration !== undefined) {
    if (!/^\d+$/.test(v.duration)) throw new UsageError(`--duration must be a whole number of seconds, got '${v.duration}'`);
    durationSeconds = Number(v.duration);
  }
  if (v['token-code'] !== undefined && !/^\d{6}$/.test(v['token-code'])) throw new UsageError('--token-code must be exactly 6 digits (the current code of the MFA device)');
  if (v['serial-number'] !== undefined && v['token-code'] === undefined) throw new UsageError('--serial-number needs --token-code (the current 6-digit MFA code)');
  if (v['endpoint-url'] !== undefined && !/^https?:\/\/[^\s/]+/.test(v['endpoint-url'])) throw new UsageError(`--endpoint-url must be an http(s) URL, got '${v['endpoint-url']}'`);
  if (v['write-profile'] !== undefined && !isValidProfileName(v['write-profile'])) throw new UsageError(`--write-profile: invalid profile name '${v['write-profile']}' (letters, digits and ._@+-)`);
  const request: MintRequest = {
    roleArn: v['role-arn'] ?? null,
    ...(v['external-id'] !== undefined ? { externalId: v['external-id'] } : {}),
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(v['session-name'] !== undefined ? { roleSessionName: v['session-name'] } : {}),
    ...(v['serial-number'] !== undefined ? { mfaSerial: v['serial-number'] } : {}),
    ...(v['token-code'] !== undefined ? { tokenCode: v['token-code'] } : {}),
  };
  return {
    request,
    format,
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v.region !== undefined ? { region: v.region } : {}),
    ...(v['endpoint-url'] !== undefined ? { endpointUrl: v['endpoint-url'] } : {}),
    ...(v['write-profile'] !== undefined ? { writeProfile: v['write-profile'] } : {}),
    help: v.help === true,
  };
}

type AwsModule = typeof import('../aws/index');

/**
 * After an AccessDenied, reads the role's trust policy with the same credentials (works when the role is
 * in their account) and evaluates it the way IAM would, to name the statement that refused. Best effort:
 * undefined when the policy cannot be read.
 */
async function explainDenialLive(aws: AwsModule, args: ReturnType<typeof parseMintArgs>, roleArn: string, request: DenialContext): Promise<string | undefined> {
  const reader = await aws.createLiveIamReader({ profile: args.profile, region: args.region, endpointUrl: args.endpointUrl, maxAttempts: 2, deadlineMs: 8000 });
  try {
    const caller = reader.callerArn();
    const role = await reader.getRole(roleArn, { identityPolicies: false });
    if (!caller || role.status !== 'found') return undefined;
    const context: RequestContext = { 'aws:MultiFactorAuthPresent': request.mfa ? 'true' : 'false' };
    if (request.externalId !== undefined) context['sts:ExternalId'] = request.externalId;
    const evaluation = explainAssumeRole({ trustPolicy: role.value.trustPolicy.text, roleArn, principal: caller, context });
    if (evaluation.decision === 'allow') {
      return `the trust policy of ${roleArn} allows ${caller}: the refusal comes from the caller's own permissions (sts:AssumeRole on the role), a permissions boundary or an SCP`;
    }
    const refusing = evaluation.reasons.filter((r) => r.source === 'trust-policy' && (r.effect === 'Deny' ? r.matched : !r.matched));
    if (refusing.length === 0) return undefined;
    return `trust policy of ${roleArn}: ${refusing.map((r) => `statement ${r.statement}: ${r.detail}`).join('; ')}`;
  } catch {
    return undefined;
  } finally {
    reader.dispose();
  }
}

/** The `rolecall mint` subcommand. */
export const runMint: Subcommand = async (argv, io) => {
  const args = parseMintArgs(argv);
  if (args.help) {
    io.stdout(MINT_HELP);
    return 0;
  }
  const log = stderrLog(io);
  // Loaded on demand, like scan --live: the SDK is only paid for when used.
  const aws = await import('../aws/index');
  const sts = aws.createStsClient({ profile: args.profile, region: args.region, endpointUrl: args.endpointUrl, log: { ...log, warn: () => undefined } });
  try {
    if (args.request.tokenCode !== undefined && args.request.mfaSerial === undefined) {
      // A code without a device: the profile's mfa_serial, else the calling user's device, as the AWS CLI would.
      const found = await aws.findMfaSerial({ profile: args.profile, region: args.region, endpointUrl: args.endpointUrl, sts, env: io.env });
      if (!found) throw new UsageError('--token-code needs --serial-number (the MFA device ARN): the profile has no mfa_serial and no MFA device was found for the caller');
      io.stderr(`rolecall mint: using MFA device ${found.serial} (from ${found.source === 'config' ? 'the profile\'s mfa_serial' : 'iam:ListMFADevices'})\n`);
      args.request.mfaSerial = found.serial;
    }
    const explainDenial = (roleArn: string, request: DenialContext) => explainDenialLive(aws, args, roleArn, request);
    const result = await mint(args.request, { sts, log, explainDenial });
    io.stdout(formatCredentials(result.credentials, args.format, { region: args.region ?? null, profileName: args.writeProfile ?? 'rolecall' }));
    if (args.writeProfile) {
      const path = writeCredentialsProfile(args.writeProfile, result.credentials, { path: io.env.AWS_SHARED_CREDENTIALS_FILE || undefined, region: args.region ?? null });
      io.stderr(`rolecall mint: wrote profile [${args.writeProfile}] to ${path} (expires ${result.credentials.expiration.toISOString()})\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof StsError) {
      if (error.kind === 'invalid-input' && !/^STS rejected/.test(error.message)) throw new UsageError(`${error.message}; ${error.next}`);
      io.stderr(`rolecall mint: ${error.message}; next: ${error.next}\n`);
      return 1;
    }
    throw error;
  } finally {
    sts.dispose();
  }
};
