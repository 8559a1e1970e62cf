// Options shared by the live IAM reader and the STS client. Plain data plus a few injectable hooks
// (sleep, random, now, onRequest) so retries, backoff and caching are testable without real time.
import type { Log } from '../core/ports';

/** Static credentials (an SDK `AwsCredentialIdentity`), or a provider of them. Secret: never logged. */
export type AwsCredentialsInput =
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }
  | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>);

/** One HTTP attempt the SDK is about to send, reported to `onRequest` (counting, fault tests). */
export interface AwsRequestEvent {
  service: 'iam' | 'sts';
  /** API operation, e.g. "GetRole". */
  operation: string;
  /** The account whose client sends it ("default" before the default account is known). */
  account: string;
  /** 1-based attempt number within one logical call (retries increase it). */
  attempt: number;
}

export interface AwsClientOptions {
  /** Profile of `~/.aws/config`/`credentials` for the default account; absent ⇒ the SDK's default chain. */
  profile?: string;
  /** Signing region; IAM is global, so this only matters for STS endpoints. Default: us-east-1. */
  region?: string;
  /** An IAM/STS emulator (moto) or a VPC endpoint, e.g. http://127.0.0.1:5000. Used for both services. */
  endpointUrl?: string;
  /** ACCOUNT → PROFILE for the accounts the default profile cannot read (IAM is read per account). */
  accountProfiles?: Record<string, string>;
  /**
   * For an account with no profile (and not the default credentials' own): a role to assume from the
   * default credentials to read its IAM, `{account}` replaced by the account id — one reader role per
   * account, the way organisation-wide auditing tools work. One AssumeRole per account, cached.
   */
  assumeRoleTemplate?: string;
  /** ACCOUNT → role ARN to assume to read that account (wins over `assumeRoleTemplate`). */
  accountAssumeRoles?: Record<string, string>;
  /** How long a successful lookup stays cached. Default 5 minutes. */
  cacheTtlMs?: number;
  /** How long a failed ("unavailable") lookup stays cached before it is tried again. Default 15 s. */
  failureTtlMs?: number;
  /** Attempts per call, first try included (throttling, 5xx, network). Default 4. */
  maxAttempts?: number;
  /** First backoff step; each retry doubles it, full jitter, capped by `maxBackoffMs`. Default 200 ms. */
  baseBackoffMs?: number;
  /** Default 5 s. */
  maxBackoffMs?: number;
  /** Per-attempt timeout (a stalled server counts as a failed attempt). Default 10 s. */
  requestTimeoutMs?: number;
  /** Budget for one logical call, retries included: no new attempt starts past it. Default 30 s. */
  deadlineMs?: number;
  /** Where progress and mapped failures go. Never receives secrets. */
  log?: Log;
  /** Credentials for the default account, overriding `profile` and the default chain (tests, the extension's SecretStorage). */
  credentials?: AwsCredentialsInput;
  /** Credentials per account, overriding `accountProfiles` for that account. */
  accountCredentials?: Record<string, AwsCredentialsInput>;
  /** Test hook: replaces real waiting between retries. */
  sleep?: (ms: number) => Promise<void>;
  /** Test hook: jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Test hook: milliseconds clock for cache expiry. Default Date.now. */
  now?: () => number;
  /** Called for every HTTP attempt (after signing, before sending): counts real calls. */
  onRequest?: (event: AwsRequestEvent) => void;
}

/** Counts of HTTP attempts by operation, e.g. `{ GetRole: 200, GetCallerIdentity: 1 }`. */
export type CallCounts = Record<string, number>;
