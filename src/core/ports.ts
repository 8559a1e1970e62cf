// The interfaces the core needs from outside. Implementations: src/aws (AWS SDK), src/core/iam/snapshot.ts
// (offline files), src/vscode (prompts, secret storage), tests (fakes for unit tests only).

/** Where a piece of IAM data came from, so findings can point at it. */
export interface IamOrigin {
  /** `iac`: defined as code (a CloudFormation template or Terraform file), which wins over snapshot/live. */
  kind: 'snapshot' | 'live' | 'iac';
  /** Snapshot or template file path, as given. */
  file?: string;
  /** 1-based line of `range.start` in `file`, when the reader knows it (templates: for messages). */
  line?: number;
  /** Offsets of the document inside the snapshot file, when known (for positions in findings). */
  range?: { start: number; end: number };
  /** AWS profile used for live reads. */
  profile?: string;
}

/** A policy document as IAM stores it: the raw JSON text (already URL-decoded) and where it lives. */
export interface PolicySource {
  /** Policy name, or the managed policy ARN. */
  name: string;
  /** JSON text of the document. May be invalid JSON: parsing reports positioned errors. */
  text: string;
  origin: IamOrigin;
}

export interface RoleRecord {
  arn: string;
  accountId: string;
  roleName: string;
  /** IAM path, e.g. "/" or "/service-role/". */
  path: string;
  /** Unique id (AROA...), when known: trust policies may name it. */
  roleId?: string;
  /** The trust policy (AssumeRolePolicyDocument), URL-decoded. */
  trustPolicy: PolicySource;
  /** Seconds; 3600 when IAM data leaves it out. */
  maxSessionDuration: number;
  /** The role's own permissions (inline + attached managed), used when this role is a caller. */
  identityPolicies: PolicySource[];
  tags: Record<string, string>;
  origin: IamOrigin;
}

export interface UserRecord {
  arn: string;
  accountId: string;
  userName: string;
  userId?: string;
  /** Inline + attached managed + group policies. */
  identityPolicies: PolicySource[];
  /** MFA device serials (ARNs), when known. */
  mfaDevices: string[];
  tags: Record<string, string>;
  origin: IamOrigin;
}

/** An EC2 instance profile: what a Jenkins EC2 agent template's `iamInstanceProfile` names, and its role. */
export interface InstanceProfileRecord {
  arn: string;
  accountId: string;
  name: string;
  /** IAM path, e.g. "/". */
  path: string;
  /** ARNs of the roles in the profile (IAM allows at most one; empty when none was added). */
  roleArns: string[];
  origin: IamOrigin;
}

/** The result of reading IAM: found, known absent, or unknown (never confuse the last with a pass). */
export type Lookup<T> =
  | { status: 'found'; value: T }
  | { status: 'not-found'; /** Names that do exist in that account, for "did you mean" fixes. */ knownNames: string[] }
  | {
      status: 'unavailable';
      /** Why, e.g. "AccessDenied: ...", "throttled after 5 retries". */ reason: string;
      /** What the user can do. */ next: string;
      /** True when the data exists but a value in it could not be resolved (IaC: a parameter without value): `unresolved-reference`, not `iam-unavailable`. */
      unresolved?: boolean;
    };

/** Reads roles and principals from IAM (live) or from snapshot files. */
export interface IamReader {
  /** True when this reader holds or can fetch data for the account (a snapshot covers it, or a profile maps to it). */
  coversAccount(accountId: string): boolean;
  /** Accounts this reader knows of (for the Role Trust Explorer). */
  accounts(): string[];
  /**
   * `options.identityPolicies: false` says the role's own permissions are not needed (it is only the
   * target, not a caller), so a live reader may skip fetching them; readers may ignore it.
   */
  getRole(roleArn: string, options?: { identityPolicies?: boolean }): Promise<Lookup<RoleRecord>>;
  getUser(userArn: string): Promise<Lookup<UserRecord>>;
  listRoles(accountId: string): Promise<Lookup<RoleRecord[]>>;
  /**
   * The instance profile `arn:aws:iam::ACCOUNT:instance-profile/[PATH/]NAME` (matched by name within the
   * account). Optional: a reader that cannot read instance profiles leaves it out.
   */
  getInstanceProfile?(instanceProfileArn: string): Promise<Lookup<InstanceProfileRecord>>;
}

/** Temporary credentials as STS returns them. Secret fields must never be logged. */
export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  /** The assumed-role ARN (AssumeRole) or the caller ARN (GetSessionToken). */
  arn?: string;
}

export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  externalId?: string;
  serialNumber?: string;
  tokenCode?: string;
}

export interface SessionTokenRequest {
  durationSeconds?: number;
  serialNumber?: string;
  tokenCode?: string;
}

// The AWS SDK is bundled apart (dist/aws.js) from the CLI and the extension, so each bundle holds its
// own copy of this class: `instanceof` checks a brand registered in the global symbol registry instead
// of the class identity, or an StsError thrown by dist/aws.js would look like an unknown failure.
const STS_ERROR = Symbol.for('rolecall.StsError');

/** Typed STS failure so the core can explain it (wrong MFA code, AccessDenied, expired source...). */
export class StsError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STS_ERROR] === true;
  }

  readonly [STS_ERROR] = true;

  constructor(
    public readonly kind:
      | 'access-denied'
      | 'mfa-invalid'
      | 'expired'
      | 'throttled'
      | 'network'
      | 'invalid-input'
      | 'no-credentials'
      | 'other',
    message: string,
    public readonly next: string,
  ) {
    super(message);
    this.name = 'StsError';
  }
}

export interface StsClient {
  assumeRole(request: AssumeRoleRequest): Promise<TemporaryCredentials>;
  getSessionToken(request: SessionTokenRequest): Promise<TemporaryCredentials>;
  /** The ARN of the source credentials' identity. */
  getCallerIdentity(): Promise<{ arn: string; account: string; userId: string }>;
}

/** Asks the person for an MFA code. Injected so STS logic never prompts by itself. */
export interface MfaPrompt {
  /** Resolves with a 6-digit code, or undefined when the person cancels. */
  askCode(serialNumber: string, purpose: string): Promise<string | undefined>;
  /** Asks for the MFA device serial when it cannot be found. */
  askSerial?(purpose: string): Promise<string | undefined>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Log sink. Callers must never pass a secret value (keys, tokens, ExternalIds, MFA codes). */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
