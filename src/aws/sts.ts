// The StsClient port over @aws-sdk/client-sts: bounded retries (never re-sending a single-use MFA code
// unless STS refused it before looking: throttling), and every failure as a typed StsError with a next step.
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { Credentials } from '@aws-sdk/client-sts';
import { ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { StsError, silentLog } from '../core/ports';
import type { AssumeRoleRequest, SessionTokenRequest, StsClient, TemporaryCredentials } from '../core/ports';
import { effectiveProfile, mfaSerialFromConfig, awsConfigPath } from '../core/credentials/awsConfig';
import type { Env } from '../core/credentials/awsConfig';
import { makeIamClient, makeStsClient, sendWithRetry } from './clients';
import type { ClassifiedError } from './errors';
import type { AwsClientOptions, AwsRequestEvent, CallCounts } from './options';
import { backoffDelay, retryPolicy } from './retry';
import type { RetryOutcome } from './retry';

/** The StsClient port plus what the extension and the CLI need around minting. */
export interface AwsStsClient extends StsClient {
  /** MFA devices of the calling IAM user (iam:ListMFADevices); [] for a role session. Throws StsError. */
  listMfaDevices(): Promise<string[]>;
  /** HTTP attempts sent so far, by operation. */
  callCounts(): CallCounts;
  dispose(): void;
}

/** Where an MFA serial was found. */
export type MfaSerialSource = 'config' | 'iam';

type Failure = Extract<RetryOutcome<unknown>, { ok: false }>;

/** Creates the STS client for the default credentials (`profile`, `credentials`, or the SDK's chain). */
export function createStsClient(options: AwsClientOptions = {}): AwsStsClient {
  const settings = {
    profile: options.profile,
    region: options.region,
    endpointUrl: options.endpointUrl,
    credentials: options.credentials,
  };
  const policy = retryPolicy(options);
  const log = options.log ?? silentLog;
  const counts: CallCounts = {};
  let sts: ReturnType<typeof makeStsClient> | undefined;
  let iam: ReturnType<typeof makeIamClient> | undefined;
  const profileFlag = options.profile ? ` --profile ${options.profile}` : '';
  const where = options.endpointUrl ? ` at ${options.endpointUrl}` : '';

  const onRequest = (event: AwsRequestEvent) => {
    counts[event.operation] = (counts[event.operation] ?? 0) + 1;
    options.onRequest?.(event);
  };

  async function send<T>(
    service: 'sts' | 'iam',
    operation: string,
    build: () => any,
    singleUse = false,
  ): Promise<RetryOutcome<T>> {
    const client = service === 'sts' ? (sts ??= makeStsClient(settings)) : (iam ??= makeIamClient(settings));
    if (!singleUse)
      return sendWithRetry<T>(policy, client, build, { service, operation, account: 'default' }, onRequest);
    // An MFA code is single-use: after a reset or a timeout we cannot know whether STS consumed it, so
    // only throttling (refused before processing) is retried.
    let result: RetryOutcome<T> | undefined;
    let attempt = 1;
    for (; attempt <= policy.maxAttempts; attempt++) {
      result = await sendWithRetry<T>(
        { ...policy, maxAttempts: 1 },
        client,
        build,
        { service, operation, account: 'default' },
        (e) => onRequest({ ...e, attempt }),
      );
      if (result.ok || result.error.kind !== 'throttled' || attempt === policy.maxAttempts) break;
      await policy.sleep(backoffDelay(policy, attempt));
    }
    // Each round above is one attempt of its own: the outcome counts them all (messages say "after N attempts").
    return { ...(result as RetryOutcome<T>), attempts: Math.min(attempt, policy.maxAttempts) };
  }

  function toStsError(
    failure: Failure,
    action: string,
    context: { roleArn?: string; serialNumber?: string },
  ): StsError {
    const error: ClassifiedError = failure.error;
    const attempts = `${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'}`;
    switch (error.kind) {
      case 'mfa-invalid':
        return new StsError(
          'mfa-invalid',
          `STS refused the MFA code${context.serialNumber ? ` for ${context.serialNumber}` : ''}: wrong, expired, or already used (${error.message})`,
          "wait for the next code (each code works once) and try again; check that the serial is the calling user's device",
        );
      case 'access-denied':
        if (action === 'sts:AssumeRole' && context.roleArn) {
          return new StsError(
            'access-denied',
            `AccessDenied: ${error.message}`,
            `the trust policy of ${context.roleArn} must allow the caller (Principal, sts:ExternalId and MFA conditions) and the caller's identity policy must allow sts:AssumeRole on it; check with rolecall explain --trust-policy FILE --principal CALLER --role-arn ${context.roleArn}`,
          );
        }
        return new StsError(
          'access-denied',
          `AccessDenied: ${error.message}`,
          `allow ${action} for the calling identity`,
        );
      case 'expired':
        return new StsError(
          'expired',
          `the source credentials have expired (${error.code})`,
          `refresh them: aws sso login${profileFlag}, or new keys/session for the profile, then try again`,
        );
      case 'invalid-credentials':
        return new StsError(
          'no-credentials',
          `STS rejected the source credentials (${error.code}: ${error.message})`,
          `check the keys (aws configure${profileFlag}) or sign in again (aws sso login${profileFlag})`,
        );
      case 'no-credentials':
        return new StsError(
          'no-credentials',
          `no AWS credentials found${options.profile ? ` for profile ${options.profile}` : ''} (${error.message})`,
          `configure credentials: aws configure${profileFlag} or aws sso login${profileFlag}, or pass --profile NAME`,
        );
      case 'throttled':
        return new StsError(
          'throttled',
          `STS throttled ${action} after ${attempts} (${error.code})`,
          'wait a minute and try again',
        );
      case 'network':
      case 'timeout':
        return new StsError(
          'network',
          `cannot reach STS${where} (${error.code}: ${error.message}) after ${attempts}`,
          'check the network, proxy or --endpoint-url, then try again',
        );
      case 'invalid-input':
        return new StsError(
          'invalid-input',
          `STS rejected the request: ${error.code}: ${error.message}`,
          /DurationSeconds exceeds/i.test(error.message)
            ? "ask for a shorter --duration (at most the role's MaxSessionDuration, and 3600 when chaining roles)"
            : 'check the values given (role ARN, session name, duration, ExternalId)',
        );
      case 'server':
      case 'malformed':
        return new StsError(
          'other',
          `${action} failed${where}: ${error.code}: ${error.message} (${attempts})`,
          'try again later, or check --endpoint-url',
        );
      default:
        return new StsError(
          'other',
          `${action} failed: ${error.code}: ${error.message}`,
          'check the credentials, the request and --endpoint-url',
        );
    }
  }

  function temporary(
    credentials: Credentials | undefined,
    arn: string | undefined,
    action: string,
  ): TemporaryCredentials {
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
      throw new StsError('other', `${action} returned no credentials`, 'try again, or check --endpoint-url');
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration:
        credentials.Expiration instanceof Date
          ? credentials.Expiration
          : new Date(credentials.Expiration ?? Date.now() + 3600_000),
      ...(arn ? { arn } : {}),
    };
  }

  async function getCallerIdentity(): Promise<{ arn: string; account: string; userId: string }> {
    const outcome = await send<{ Arn?: string; Account?: string; UserId?: string }>(
      'sts',
      'GetCallerIdentity',
      () => new GetCallerIdentityCommand({}),
    );
    if (!outcome.ok) throw toStsError(outcome, 'sts:GetCallerIdentity', {});
    return { arn: outcome.value.Arn ?? '', account: outcome.value.Account ?? '', userId: outcome.value.UserId ?? '' };
  }

  return {
    async assumeRole(request: AssumeRoleRequest): Promise<TemporaryCredentials> {
      const outcome = await send<{ Credentials?: Credentials; AssumedRoleUser?: { Arn?: string } }>(
        'sts',
        'AssumeRole',
        () =>
          new AssumeRoleCommand({
            RoleArn: request.roleArn,
            RoleSessionName: request.roleSessionName,
            DurationSeconds: request.durationSeconds,
            ExternalId: request.externalId,
            SerialNumber: request.serialNumber,
            TokenCode: request.tokenCode,
          }),
        request.tokenCode !== undefined,
      );
      if (!outcome.ok) {
        const error = toStsError(outcome, 'sts:AssumeRole', {
          roleArn: request.roleArn,
          serialNumber: request.serialNumber,
        });
        log.warn(`sts:AssumeRole ${request.roleArn}: ${error.message}`);
        throw error;
      }
      return temporary(outcome.value.Credentials, outcome.value.AssumedRoleUser?.Arn, 'sts:AssumeRole');
    },

    async getSessionToken(request: SessionTokenRequest): Promise<TemporaryCredentials> {
      const outcome = await send<{ Credentials?: Credentials }>(
        'sts',
        'GetSessionToken',
        () =>
          new GetSessionTokenCommand({
            DurationSeconds: request.durationSeconds,
            SerialNumber: request.serialNumber,
            TokenCode: request.tokenCode,
          }),
        request.tokenCode !== undefined,
      );
      if (!outcome.ok) {
        const error = toStsError(outcome, 'sts:GetSessionToken', { serialNumber: request.serialNumber });
        log.warn(`sts:GetSessionToken: ${error.message}`);
        throw error;
      }
      // GetSessionToken returns no ARN: the session acts as the calling user.
      return temporary(outcome.value.Credentials, undefined, 'sts:GetSessionToken');
    },

    getCallerIdentity,

    async listMfaDevices(): Promise<string[]> {
      const identity = await getCallerIdentity();
      const user = /:user\/(?:.*\/)?([\w+=,.@-]+)$/.exec(identity.arn);
      if (!user) return [];
      const outcome = await send<{ MFADevices?: Array<{ SerialNumber?: string }> }>(
        'iam',
        'ListMFADevices',
        () => new ListMFADevicesCommand({ UserName: user[1] }),
      );
      if (!outcome.ok) throw toStsError(outcome, 'iam:ListMFADevices', {});
      return (outcome.value.MFADevices ?? []).map((d) => d.SerialNumber).filter((s): s is string => !!s);
    },

    callCounts: () => ({ ...counts }),

    dispose(): void {
      sts?.destroy();
      iam?.destroy();
      sts = undefined;
      iam = undefined;
    },
  };
}

/**
 * Finds the MFA device for minting: the profile's `mfa_serial` in the shared config, else the calling
 * user's first device from iam:ListMFADevices. Null when neither knows one (ask the person then).
 */
export async function findMfaSerial(
  options: AwsClientOptions & { configFile?: string; env?: Env; sts?: AwsStsClient } = {},
): Promise<{ serial: string; source: MfaSerialSource } | null> {
  const env = options.env ?? process.env;
  const fromConfig = mfaSerialFromConfig(
    effectiveProfile(options.profile, env),
    options.configFile ?? awsConfigPath(env),
  );
  if (fromConfig) return { serial: fromConfig, source: 'config' };
  const sts = options.sts ?? createStsClient(options);
  try {
    const devices = await sts.listMfaDevices();
    return devices.length > 0 ? { serial: devices[0], source: 'iam' } : null;
  } catch (error) {
    (options.log ?? silentLog).warn(
      `MFA device lookup failed: ${error instanceof Error ? error.message : String(error)}${error instanceof StsError ? `; next: ${error.next}` : ''}`,
    );
    return null;
  } finally {
    if (!options.sts) sts.dispose();
  }
}
