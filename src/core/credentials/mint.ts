// Minting temporary credentials the way a pipeline step would get them (AssumeRole, or GetSessionToken
// for seed 004), through injected ports so that the CLI, the extension and tests share one path.
// Nothing here prompts by itself (the MfaPrompt port does) and nothing secret reaches the Log: not the
// MFA code, not the ExternalId, not the keys.
import { StsError, silentLog, systemClock } from '../ports';
import type { Clock, Log, MfaPrompt, StsClient, TemporaryCredentials } from '../ports';

/** What to mint. `roleArn` null/absent ⇒ GetSessionToken (seed 004's flow). */
export interface MintRequest {
  roleArn?: string | null;
  /** Secret: validated and sent, never logged. */
  externalId?: string;
  durationSeconds?: number;
  /** Default: `rolecall-<UTC timestamp>` (AssumeRole only). */
  roleSessionName?: string;
  /** MFA device ARN. With no `tokenCode`, the MfaPrompt port is asked for the code. */
  mfaSerial?: string;
  /** The 6-digit MFA code, when already known (CLI `--token-code`). Secret: never logged. */
  tokenCode?: string;
  /**
   * True when the source credentials are themselves a role session (role chaining: STS caps the
   * session at one hour). Undefined ⇒ asked of STS (GetCallerIdentity) only when it matters.
   */
  callerIsRoleSession?: boolean;
  /** The role's MaxSessionDuration when known (a longer request is refused by STS). */
  maxSessionDuration?: number;
}

/** The ports mint needs. Only `sts` is required. */
export interface MintPorts {
  sts: StsClient;
  mfa?: MfaPrompt;
  clock?: Clock;
  log?: Log;
  /**
   * When STS says AccessDenied to AssumeRole, names the trust statement that refuses the caller (e.g.
   * from the trust evaluator over live IAM data); its answer becomes the error's next step.
   */
  explainDenial?: (roleArn: string, request: DenialContext) => Promise<string | undefined>;
}

/** The request as the trust policy sees it. `externalId` is a secret: evaluate with it, never print it. */
export interface DenialContext {
  externalIdPresent: boolean;
  externalId?: string;
  mfa: boolean;
}

/** What was minted and exactly what was asked for (without secrets), for display and audit. */
export interface MintResult {
  credentials: TemporaryCredentials;
  operation: 'AssumeRole' | 'GetSessionToken';
  requested: {
    roleArn: string | null;
    roleSessionName: string | null;
    /** Seconds sent to STS, or null when STS's default applied. */
    durationSeconds: number | null;
    externalIdPresent: boolean;
    mfaSerial: string | null;
  };
  /** Things the person should know (duration capped by role chaining, ...). Never secret. */
  warnings: string[];
}

/** STS bounds (seconds). */
export const ASSUME_ROLE_MIN_DURATION = 900;
export const ASSUME_ROLE_MAX_DURATION = 43200;
export const ROLE_CHAINING_MAX_DURATION = 3600;
export const SESSION_TOKEN_MIN_DURATION = 900;
export const SESSION_TOKEN_MAX_DURATION = 129600;

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const TOKEN_CODE = /^\d{6}$/;
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const MFA_SERIAL = /^(?:arn:aws(?:-cn|-us-gov|-iso|-iso-b)?:iam::\d{12}:(?:mfa|u2f)\/[\w+=,.@/-]+|[A-Z0-9]{9,256})$/;

/** True for a valid STS MFA token code (exactly 6 digits). */
export function isValidTokenCode(code: string): boolean {
  return TOKEN_CODE.test(code);
}

/** True for a RoleSessionName STS accepts (`[\w+=,.@-]{2,64}`). */
export function isValidSessionName(name: string): boolean {
  return SESSION_NAME.test(name);
}

/** A session name derived from the time, so sessions are distinguishable in CloudTrail (never hard-coded). */
export function defaultSessionName(clock: Clock = systemClock): string {
  return `rolecall-${clock
    .now()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

function invalid(message: string, next: string): StsError {
  return new StsError('invalid-input', message, next);
}

/**
 * Checks a request against STS's rules before any call; returns the problems (as StsError
 * 'invalid-input') and the warnings, and the duration to send after role-chaining capping.
 */
export function validateMintRequest(request: MintRequest): {
  problems: StsError[];
  warnings: string[];
  durationSeconds: number | null;
} {
  const problems: StsError[] = [];
  const warnings: string[] = [];
  const assume = typeof request.roleArn === 'string';
  let duration = request.durationSeconds ?? null;

  if (assume && !ROLE_ARN.test(request.roleArn as string)) {
    problems.push(
      invalid(`not a role ARN: ${request.roleArn}`, 'give a role ARN like arn:aws:iam::123456789012:role/NAME'),
    );
  }
  if (request.roleSessionName !== undefined) {
    if (!assume)
      problems.push(
        invalid('a session name applies only to AssumeRole', 'drop the session name, or give the role ARN to assume'),
      );
    else if (!isValidSessionName(request.roleSessionName)) {
      problems.push(
        invalid(
          `invalid role session name "${request.roleSessionName}": STS accepts 2-64 characters of letters, digits and +=,.@_-`,
          'choose a session name matching [\\w+=,.@-]{2,64}',
        ),
      );
    }
  }
  if (request.externalId !== undefined) {
    // The value is a secret: describe it by its length only.
    if (!assume)
      problems.push(
        invalid('an ExternalId applies only to AssumeRole', 'drop the ExternalId, or give the role ARN to assume'),
      );
    else if (!EXTERNAL_ID.test(request.externalId)) {
      problems.push(
        invalid(
          `invalid ExternalId (${request.externalId.length} characters): STS accepts 2-1224 characters of letters, digits and +=,.@:/_-`,
          'check the ExternalId value (an empty credential is a common cause)',
        ),
      );
    }
  }
  if (request.tokenCode !== undefined && !isValidTokenCode(request.tokenCode)) {
    problems.push(
      invalid('the MFA token code must be exactly 6 digits', 'type the current 6-digit code from the MFA device'),
    );
  }
  if (request.tokenCode !== undefined && !request.mfaSerial) {
    problems.push(
      invalid('an MFA token code needs the MFA device serial', 'give the MFA device ARN (--serial-number)'),
    );
  }
  if (request.mfaSerial !== undefined && !MFA_SERIAL.test(request.mfaSerial)) {
    problems.push(
      invalid(
        `not an MFA device serial: ${request.mfaSerial}`,
        'give the device ARN, e.g. arn:aws:iam::123456789012:mfa/NAME',
      ),
    );
  }
  if (duration !== null) {
    if (!Number.isInteger(duration)) {
      problems.push(
        invalid(`duration must be a whole number of seconds, got ${duration}`, 'give seconds, e.g. 900 or 3600'),
      );
    } else if (assume) {
      if (duration < ASSUME_ROLE_MIN_DURATION || duration > ASSUME_ROLE_MAX_DURATION) {
        problems.push(
          invalid(
            `duration ${duration}s is outside AssumeRole's ${ASSUME_ROLE_MIN_DURATION}..${ASSUME_ROLE_MAX_DURATION}s`,
            `choose a duration between ${ASSUME_ROLE_MIN_DURATION} and ${ASSUME_ROLE_MAX_DURATION} seconds`,
          ),
        );
      } else if (request.callerIsRoleSession && duration > ROLE_CHAINING_MAX_DURATION) {
        warnings.push(
          `role chaining: the caller is a role session, so STS allows at most ${ROLE_CHAINING_MAX_DURATION}s; asking for ${ROLE_CHAINING_MAX_DURATION}s instead of ${duration}s`,
        );
        duration = ROLE_CHAINING_MAX_DURATION;
      } else if (request.maxSessionDuration !== undefined && duration > request.maxSessionDuration) {
        problems.push(
          invalid(
            `duration ${duration}s exceeds the role's MaxSessionDuration of ${request.maxSessionDuration}s`,
            `ask for at most ${request.maxSessionDuration}s, or raise the role's MaxSessionDuration`,
          ),
        );
      }
    } else if (duration < SESSION_TOKEN_MIN_DURATION || duration > SESSION_TOKEN_MAX_DURATION) {
      problems.push(
        invalid(
          `duration ${duration}s is outside GetSessionToken's ${SESSION_TOKEN_MIN_DURATION}..${SESSION_TOKEN_MAX_DURATION}s`,
          `choose a duration between ${SESSION_TOKEN_MIN_DURATION} and ${SESSION_TOKEN_MAX_DURATION} seconds`,
        ),
      );
    }
  }
  if (!assume && request.callerIsRoleSession) {
    problems.push(
      invalid(
        'GetSessionToken cannot be called with role-session credentials',
        "use an IAM user's long-term keys (a profile with aws_access_key_id), or give --role-arn",
      ),
    );
  }
  return { problems, warnings, durationSeconds: duration };
}

/** Turns any failure into an StsError; an AccessDenied gets the trust statement that refused, when known. */
async function explained(error: unknown, roleArn: string, request: DenialContext, ports: MintPorts): Promise<StsError> {
  if (!(error instanceof StsError)) {
    return new StsError(
      'other',
      `sts:AssumeRole failed: ${error instanceof Error ? error.message : String(error)}`,
      'try again; if it persists, check the credentials and the endpoint',
    );
  }
  if (error.kind !== 'access-denied' || !ports.explainDenial) return error;
  try {
    const why = await ports.explainDenial(roleArn, request);
    return why ? new StsError('access-denied', error.message, `${why}; ${error.next}`) : error;
  } catch {
    return error;
  }
}

/** Mints credentials through the StsClient port. Throws StsError (with a next step) on any failure. */
export async function mint(request: MintRequest, ports: MintPorts): Promise<MintResult> {
  const log = ports.log ?? silentLog;
  const clock = ports.clock ?? systemClock;
  const assume = typeof request.roleArn === 'string';

  // Refuse bad input before any call; then learn whether the caller is a role session only if it matters.
  const first = validateMintRequest(request);
  if (first.problems.length > 0) throw first.problems[0];
  let callerIsRoleSession = request.callerIsRoleSession;
  if (assume && callerIsRoleSession === undefined && (request.durationSeconds ?? 0) > ROLE_CHAINING_MAX_DURATION) {
    // Only worth a call when the answer changes the request.
    try {
      const identity = await ports.sts.getCallerIdentity();
      callerIsRoleSession = identity.arn.includes(':assumed-role/');
    } catch {
      callerIsRoleSession = undefined;
    }
  }

  const checked = validateMintRequest({ ...request, callerIsRoleSession });
  if (checked.problems.length > 0) throw checked.problems[0];
  const warnings = [...checked.warnings];
  for (const warning of warnings) log.warn(warning);

  let tokenCode = request.tokenCode;
  if (request.mfaSerial && tokenCode === undefined) {
    if (!ports.mfa)
      throw invalid(`an MFA code is needed for ${request.mfaSerial}`, 'give the current code (--token-code 123456)');
    const purpose = assume ? `assume ${request.roleArn}` : 'get a session token';
    const answer = await ports.mfa.askCode(request.mfaSerial, purpose);
    if (answer === undefined)
      throw invalid('MFA code entry was cancelled', 'run the command again and enter the current 6-digit code');
    tokenCode = answer.trim();
    if (!isValidTokenCode(tokenCode))
      throw invalid('the MFA token code must be exactly 6 digits', 'type the current 6-digit code from the MFA device');
  }

  const mfaSerial = request.mfaSerial ?? null;
  if (assume) {
    const roleArn = request.roleArn as string;
    const roleSessionName = request.roleSessionName ?? defaultSessionName(clock);
    log.info(
      `sts:AssumeRole ${roleArn} as session ${roleSessionName}${checked.durationSeconds !== null ? ` for ${checked.durationSeconds}s` : ''}${request.externalId !== undefined ? ' with an ExternalId' : ''}${mfaSerial ? ` with MFA ${mfaSerial}` : ''}`,
    );
    let credentials: TemporaryCredentials;
    try {
      credentials = await ports.sts.assumeRole({
        roleArn,
        roleSessionName,
        ...(checked.durationSeconds !== null ? { durationSeconds: checked.durationSeconds } : {}),
        ...(request.externalId !== undefined ? { externalId: request.externalId } : {}),
        ...(mfaSerial ? { serialNumber: mfaSerial, tokenCode } : {}),
      });
    } catch (error) {
      throw await explained(
        error,
        roleArn,
        {
          externalIdPresent: request.externalId !== undefined,
          ...(request.externalId !== undefined ? { externalId: request.externalId } : {}),
          mfa: !!mfaSerial,
        },
        ports,
      );
    }
    log.info(
      `minted credentials for ${credentials.arn ?? roleArn}, valid until ${credentials.expiration.toISOString()}`,
    );
    return {
      credentials,
      operation: 'AssumeRole',
      requested: {
        roleArn,
        roleSessionName,
        durationSeconds: checked.durationSeconds,
        externalIdPresent: request.externalId !== undefined,
        mfaSerial,
      },
      warnings,
    };
  }
  log.info(
    `sts:GetSessionToken${checked.durationSeconds !== null ? ` for ${checked.durationSeconds}s` : ''}${mfaSerial ? ` with MFA ${mfaSerial}` : ''}`,
  );
  let credentials: TemporaryCredentials;
  try {
    credentials = await ports.sts.getSessionToken({
      ...(checked.durationSeconds !== null ? { durationSeconds: checked.durationSeconds } : {}),
      ...(mfaSerial ? { serialNumber: mfaSerial, tokenCode } : {}),
    });
  } catch (error) {
    if (error instanceof StsError) throw error;
    throw new StsError(
      'other',
      `sts:GetSessionToken failed: ${error instanceof Error ? error.message : String(error)}`,
      'try again; if it persists, check the credentials and the endpoint',
    );
  }
  log.info(`minted session credentials, valid until ${credentials.expiration.toISOString()}`);
  return {
    credentials,
    operation: 'GetSessionToken',
    requested: {
      roleArn: null,
      roleSessionName: null,
      durationSeconds: checked.durationSeconds,
      externalIdPresent: false,
      mfaSerial,
    },
    warnings,
  };
}
