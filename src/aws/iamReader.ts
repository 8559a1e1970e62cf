// The live IamReader: reads roles and users from IAM with one SDK client per account, a TTL cache
// whose concurrent requests share one in-flight call, bounded retries with jittered backoff, and every
// failure turned into `unavailable` with a reason and a next step. It never throws and never rejects.
import {
  GetGroupPolicyCommand,
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import type { IAMClient, InstanceProfile, Role, Tag } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { STSClient } from '@aws-sdk/client-sts';
import { silentLog } from '../core/ports';
import type {
  IamOrigin,
  IamReader,
  InstanceProfileRecord,
  Log,
  Lookup,
  PolicySource,
  RoleRecord,
  UserRecord,
} from '../core/ports';
import { CoalescingCache } from './cache';
import { makeIamClient, makeStsClient, sendWithRetry } from './clients';
import type { ClientSettings } from './clients';
import type { ClassifiedError } from './errors';
import type { AwsClientOptions, AwsRequestEvent, CallCounts } from './options';
import { retryPolicy } from './retry';
import type { RetryOutcome, RetryPolicy } from './retry';

/** The live reader, with a few extras beyond the IamReader port. */
export interface LiveIamReader extends IamReader {
  /**
   * `options.identityPolicies: false` skips the role's own inline/attached policies (needed only when
   * the role is a caller): the record then has `identityPolicies: []`. Default: fetched.
   */
  getRole(roleArn: string, options?: { identityPolicies?: boolean }): Promise<Lookup<RoleRecord>>;
  /** The instance profile by ARN (iam:GetInstanceProfile, matched by name in the ARN's account). */
  getInstanceProfile(instanceProfileArn: string): Promise<Lookup<InstanceProfileRecord>>;
  /** The account of the default credentials, or null when they could not be identified. */
  defaultAccount(): string | null;
  /** The ARN of the default credentials' identity (for messages), or null. */
  callerArn(): string | null;
  /** HTTP attempts sent so far, by operation (GetRole, ListRoles, ...): measures coalescing and retries. */
  callCounts(): CallCounts;
  /** Forgets cached lookups and identities (after `aws sso login`, or a settings change). */
  clearCache(): void;
  /** Closes the SDK clients' sockets. */
  dispose(): void;
}

type Unavailable = Extract<Lookup<unknown>, { status: 'unavailable' }>;

interface Identity {
  arn: string;
  account: string;
}

interface AccountSource {
  /** Key for messages and events: an account id, or "default". */
  label: string;
  profile?: string;
  settings: ClientSettings;
  iam?: IAMClient;
  sts?: STSClient;
  /** The verified identity of a mapped source (for messages). */
  identityArn?: string;
}

const IAM_READ_ACTIONS =
  'iam:GetRole, iam:ListRoles, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, iam:GetPolicy, iam:GetPolicyVersion, iam:GetUser, iam:ListUserPolicies, iam:GetUserPolicy, iam:ListAttachedUserPolicies, iam:ListGroupsForUser, iam:ListGroupPolicies, iam:GetGroupPolicy, iam:ListAttachedGroupPolicies, iam:ListMFADevices, iam:GetInstanceProfile';

/** Pages of one listing before it is given up as runaway (IAM lists at most 1,000 items a page). */
const MAX_PAGES = 1000;

function paginationFailure(action: string, resource: string, why: string): Unavailable {
  return {
    status: 'unavailable',
    reason: `${action} on ${resource} did not finish: ${why}, so the listing is incomplete`,
    next: 'check the --endpoint-url (a proxy or emulator answering wrongly), or scan with a snapshot (rolecall snapshot --out FILE, then --iam-snapshot FILE)',
  };
}

/** `arn:PART:iam::ACCT:role/PATH/NAME` or `arn:PART:sts::ACCT:assumed-role/NAME/SESSION`. */
export function parseRoleArn(arn: string): { account: string; roleName: string } | null {
  const role = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
  if (role) return { account: role[1], roleName: role[2] };
  const session = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/[^/]+$/.exec(arn);
  if (session) return { account: session[1], roleName: session[2] };
  return null;
}

/** `arn:PART:iam::ACCT:user/PATH/NAME`. */
export function parseUserArn(arn: string): { account: string; userName: string } | null {
  const user = /^arn:aws[\w-]*:iam::(\d{12}):user\/(?:.*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
  return user ? { account: user[1], userName: user[2] } : null;
}

/** IAM returns policy documents URL-encoded; a document that is already JSON is left alone. */
export function decodePolicyDocument(document: string | undefined): string {
  if (document === undefined) return '';
  if (document.trimStart().startsWith('{')) return document;
  try {
    return decodeURIComponent(document);
  } catch {
    // Not valid percent-encoding: keep the text so the policy parser can point at the problem.
    return document;
  }
}

function tagsOf(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

/** Creates the live reader; learns the default credentials' account first (one GetCallerIdentity). Never rejects. */
export async function createLiveIamReader(options: AwsClientOptions = {}): Promise<LiveIamReader> {
  const reader = new LiveReader(options);
  await reader.identify();
  return reader;
}

class LiveReader implements LiveIamReader {
  private readonly log: Log;
  private readonly policy: RetryPolicy;
  private readonly cache: CoalescingCache<
    | Lookup<unknown>
    | { status: 'identity'; identity: Identity }
    | { status: 'assumed'; source: AccountSource; expiresAt: number | null }
  >;
  private readonly cacheTtlMs: number;
  private readonly failureTtlMs: number;
  private readonly now: () => number;
  private readonly counts: CallCounts = {};
  private readonly defaultSource: AccountSource;
  private readonly mapped = new Map<string, AccountSource>();
  /** Sources of accounts read through an assumed reader role (for dispose). */
  private readonly assumed = new Set<AccountSource>();
  private identity: Identity | null = null;
  private identityFailure: Unavailable | null = null;

  constructor(private readonly options: AwsClientOptions) {
    this.log = options.log ?? silentLog;
    this.policy = retryPolicy(options);
    this.now = options.now ?? Date.now;
    this.cacheTtlMs = options.cacheTtlMs ?? 5 * 60_000;
    this.failureTtlMs = options.failureTtlMs ?? 15_000;
    this.cache = new CoalescingCache(this.now);
    const common = { region: options.region, endpointUrl: options.endpointUrl };
    this.defaultSource = {
      label: 'default',
      profile: options.profile,
      settings: { ...common, profile: options.profile, credentials: options.credentials },
    };
    for (const [account, profile] of Object.entries(options.accountProfiles ?? {})) {
      this.mapped.set(account, { label: account, profile, settings: { ...common, profile } });
    }
    for (const [account, credentials] of Object.entries(options.accountCredentials ?? {})) {
      this.mapped.set(account, { label: account, settings: { ...common, credentials } });
    }
  }

  // ---- identity ------------------------------------------------------------------------------

  /** Learns (or re-learns after a failure expired) which account the default credentials belong to. */
  async identify(): Promise<void> {
    const result = await this.cache.get(
      'identity:default',
      async () => {
        const outcome = await this.send<{ Arn?: string; Account?: string }>(
          this.defaultSource,
          'sts',
          'GetCallerIdentity',
          () => new GetCallerIdentityCommand({}),
        );
        if (!outcome.ok)
          return this.unavailable(outcome, { action: 'sts:GetCallerIdentity', source: this.defaultSource });
        const identity = { arn: outcome.value.Arn ?? '', account: outcome.value.Account ?? '' };
        this.log.info(`live IAM: default credentials are ${identity.arn} (account ${identity.account})`);
        return { status: 'identity', identity } as const;
      },
      (value) => (value.status === 'identity' ? Infinity : this.failureTtlMs),
    );
    if (result.status === 'identity') {
      this.identity = result.identity;
      this.identityFailure = null;
    } else {
      this.identity = null;
      this.identityFailure = result as Unavailable;
      this.log.warn(`live IAM: cannot identify the default credentials: ${this.identityFailure.reason}`);
    }
  }

  /** Checks once that a mapped profile really belongs to the account it is mapped to (else GetRole would read the wrong account). */
  private async verifyMapped(account: string, source: AccountSource): Promise<Unavailable | null> {
    const result = await this.cache.get(
      `identity:${account}`,
      async () => {
        const outcome = await this.send<{ Arn?: string; Account?: string }>(
          source,
          'sts',
          'GetCallerIdentity',
          () => new GetCallerIdentityCommand({}),
        );
        if (!outcome.ok) return this.unavailable(outcome, { action: 'sts:GetCallerIdentity', source });
        const identity = { arn: outcome.value.Arn ?? '', account: outcome.value.Account ?? '' };
        if (identity.account !== account) {
          return {
            status: 'unavailable',
            reason: `profile ${source.profile ?? '(given credentials)'} mapped to account ${account} belongs to account ${identity.account} (${identity.arn})`,
            next: `map account ${account} to a profile of that account: --account-profile ${account}=PROFILE (or the config's "accounts")`,
          } as Unavailable;
        }
        return { status: 'identity', identity } as const;
      },
      (value) => (value.status === 'identity' ? Infinity : this.failureTtlMs),
    );
    if (result.status !== 'identity') return result as Unavailable;
    source.identityArn = result.identity.arn;
    return null;
  }

  defaultAccount(): string | null {
    return this.identity?.account ?? null;
  }

  callerArn(): string | null {
    return this.identity?.arn ?? null;
  }

  coversAccount(accountId: string): boolean {
    if (this.mapped.has(accountId) || this.readerRoleFor(accountId) !== null) return true;
    if (this.identity) return this.identity.account === accountId;
    // The default credentials failed: claim the account so lookups report that failure rather than "no profile".
    return this.identityFailure !== null;
  }

  accounts(): string[] {
    const set = new Set([...this.mapped.keys(), ...Object.keys(this.options.accountAssumeRoles ?? {})]);
    if (this.identity) set.add(this.identity.account);
    return [...set].sort();
  }

  /** The source for an account, or an `unavailable` saying how to map it. */
  private async sourceFor(account: string): Promise<AccountSource | Unavailable> {
    const mapped = this.mapped.get(account);
    if (mapped) {
      const problem = await this.verifyMapped(account, mapped);
      return problem ?? mapped;
    }
    if (!this.identity) await this.identify();
    if (this.identity?.account === account) return this.defaultSource;
    const readerRole = this.readerRoleFor(account);
    if (readerRole) return this.assumedSource(account, readerRole);
    if (this.identity) {
      return {
        status: 'unavailable',
        reason: `no credentials for account ${account}: the ${this.options.profile ? `profile ${this.options.profile}` : 'default credentials'} belong to account ${this.identity.account}, and IAM is read only inside its own account`,
        next: `map the account to a profile that can read its IAM: --account-profile ${account}=PROFILE (or "accounts": {"${account}": "PROFILE"} in .rolecall.json), or give a snapshot of it`,
      };
    }
    const failure = this.identityFailure as Unavailable;
    return {
      status: 'unavailable',
      reason: failure.reason,
      next: `${failure.next}; if account ${account} is not that profile's, map it: --account-profile ${account}=PROFILE`,
    };
  }

  /** The reader role to assume for an account without a profile, or null. */
  private readerRoleFor(account: string): string | null {
    if (!/^\d{12}$/.test(account)) return null;
    const own = this.options.accountAssumeRoles?.[account];
    if (own) return own;
    return this.options.assumeRoleTemplate ? this.options.assumeRoleTemplate.replace(/\{account\}/g, account) : null;
  }

  /**
   * The source for an account read through its reader role: one AssumeRole from the default credentials,
   * cached (and shared by concurrent lookups) until shortly before the session expires or the cache TTL.
   */
  private async assumedSource(account: string, roleArn: string): Promise<AccountSource | Unavailable> {
    const result = await this.cache.get(
      `assume:${account}:${roleArn}`,
      async () => {
        if (!new RegExp(`^arn:[\\w-]+:iam::${account}:role/.+`).test(roleArn)) {
          return {
            status: 'unavailable',
            reason: `the reader role ${roleArn} is not a role of account ${account}`,
            next: "use a role ARN with {account} in it, e.g. --assume-role-template 'arn:aws:iam::{account}:role/rolecall-reader'",
          } as Unavailable;
        }
        const outcome = await this.send<{
          Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date };
          AssumedRoleUser?: { Arn?: string };
        }>(
          this.defaultSource,
          'sts',
          'AssumeRole',
          () => new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'rolecall-reader' }),
        );
        if (!outcome.ok) {
          const failure = this.unavailable(outcome, {
            action: 'sts:AssumeRole',
            source: this.defaultSource,
            resource: roleArn,
          });
          this.log.warn(`live IAM: cannot assume the reader role ${roleArn}: ${failure.reason}`);
          return {
            status: 'unavailable',
            reason: `cannot assume the reader role ${roleArn} to read account ${account}: ${failure.reason}`,
            next: `let ${this.principalOf(this.defaultSource)} assume ${roleArn} (the role's trust policy and the caller's sts:AssumeRole permission), or map the account with --account-profile ${account}=PROFILE`,
          } as Unavailable;
        }
        const c = outcome.value.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey)
          return {
            status: 'unavailable',
            reason: `STS returned no credentials for ${roleArn}`,
            next: 'try again, or check the --endpoint-url',
          } as Unavailable;
        const credentials = {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
        const source: AccountSource = {
          label: account,
          settings: { region: this.options.region, endpointUrl: this.options.endpointUrl, credentials },
          identityArn: outcome.value.AssumedRoleUser?.Arn ?? roleArn,
        };
        this.assumed.add(source);
        this.log.info(`live IAM: reading account ${account} as ${source.identityArn}`);
        return {
          status: 'assumed',
          source,
          expiresAt: c.Expiration ? new Date(c.Expiration).getTime() : null,
        } as const;
      },
      (value) => {
        if (value.status !== 'assumed') return this.failureTtlMs;
        const v = value as { expiresAt: number | null };
        // Renewed five minutes before the session ends, or with the cache.
        return v.expiresAt === null
          ? this.cacheTtlMs
          : Math.max(0, Math.min(this.cacheTtlMs, v.expiresAt - 5 * 60_000 - this.now()));
      },
    );
    if (result.status === 'assumed') return (result as { source: AccountSource }).source;
    return result as Unavailable;
  }

  // ---- sending -------------------------------------------------------------------------------

  private clientOf(source: AccountSource, service: 'iam' | 'sts'): IAMClient | STSClient {
    if (service === 'iam') return (source.iam ??= makeIamClient(source.settings));
    return (source.sts ??= makeStsClient(source.settings));
  }

  private send<T>(
    source: AccountSource,
    service: 'iam' | 'sts',
    operation: string,
    build: () => any,
  ): Promise<RetryOutcome<T>> {
    const account = source.label === 'default' ? (this.identity?.account ?? 'default') : source.label;
    return sendWithRetry<T>(
      this.policy,
      this.clientOf(source, service),
      build,
      { service, operation, account },
      (event: AwsRequestEvent) => {
        this.counts[event.operation] = (this.counts[event.operation] ?? 0) + 1;
        this.options.onRequest?.(event);
      },
    ).catch((error: unknown) => {
      // sendWithRetry does not reject; this only guards against a bug turning into an unhandled rejection.
      return {
        ok: false,
        error: { kind: 'other', code: 'InternalError', message: String(error), retryable: false },
        attempts: 0,
        deadlineHit: false,
      } as RetryOutcome<T>;
    });
  }

  private principalOf(source: AccountSource): string {
    if (source.label === 'default')
      return (
        this.identity?.arn ??
        (source.profile ? `the credentials of profile ${source.profile}` : 'the default credentials')
      );
    return (
      source.identityArn ??
      (source.profile ? `the credentials of profile ${source.profile}` : `the credentials for account ${source.label}`)
    );
  }

  /** Maps a failed outcome to `unavailable` with a reason naming what failed and a next step. */
  private unavailable(
    outcome: Extract<RetryOutcome<unknown>, { ok: false }>,
    context: { action: string; source: AccountSource; resource?: string },
  ): Unavailable {
    const error: ClassifiedError = outcome.error;
    const where = this.options.endpointUrl ? ` at ${this.options.endpointUrl}` : '';
    const profile = context.source.profile;
    const profileFlag = profile ? ` --profile ${profile}` : '';
    const attempts = `${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}`;
    const snapshotHint = 'or scan with a snapshot (rolecall snapshot --out FILE, then --iam-snapshot FILE)';
    let reason: string;
    let next: string;
    switch (error.kind) {
      case 'access-denied':
        reason = `AccessDenied: ${this.principalOf(context.source)} may not call ${context.action}${context.resource ? ` on ${context.resource}` : ''}`;
        next = `allow ${context.action} for that identity (e.g. attach the AWS managed policy IAMReadOnlyAccess, or a policy allowing ${IAM_READ_ACTIONS}), ${snapshotHint}`;
        break;
      case 'throttled':
        reason = `throttled by ${context.action.split(':')[0].toUpperCase()} after ${attempts} (${error.code}: ${error.message})`;
        next = `try again in a minute, raise the retry budget, ${snapshotHint}`;
        break;
      case 'network':
        reason = `cannot reach ${context.action.split(':')[0].toUpperCase()}${where} (${error.code}) after ${attempts}`;
        next = `check the network, proxy or --endpoint-url, ${snapshotHint}`;
        break;
      case 'timeout':
        reason = `${context.action.split(':')[0].toUpperCase()}${where} did not answer in time (${error.message}; ${attempts}${outcome.deadlineHit ? ', deadline reached' : ''})`;
        next = `check the network or --endpoint-url, ${snapshotHint}`;
        break;
      case 'server':
        reason = `${context.action.split(':')[0].toUpperCase()} failed with a server error (${error.code}${error.httpStatus ? `, HTTP ${error.httpStatus}` : ''}) after ${attempts}`;
        next = `try again later, ${snapshotHint}`;
        break;
      case 'malformed':
        reason = `the answer to ${context.action}${where} could not be read (malformed response) after ${attempts}`;
        next = `check for a proxy rewriting AWS responses, or the --endpoint-url, ${snapshotHint}`;
        break;
      case 'expired':
        reason = `the credentials${profile ? ` of profile ${profile}` : ''} have expired (${error.code})`;
        next = `refresh them: aws sso login${profileFlag} (or new keys / a new session for the profile), then scan again`;
        break;
      case 'invalid-credentials':
        reason = `AWS rejected the credentials${profile ? ` of profile ${profile}` : ''} (${error.code}: ${error.message})`;
        next = `check the profile's keys (aws configure${profileFlag}) or sign in again (aws sso login${profileFlag})`;
        break;
      case 'no-credentials':
        reason = `no AWS credentials found${profile ? ` for profile ${profile}` : ''} (${error.message})`;
        next = /multi-?factor|mfa/i.test(error.message)
          ? // A role profile with mfa_serial needs a code the reader cannot ask for mid-scan.
            `mint MFA-backed credentials first (rolecall mint --role-arn ROLE --serial-number MFA_ARN --token-code CODE${profileFlag} --write-profile NAME) and read IAM with --profile NAME`
          : `configure credentials: aws configure${profileFlag} or aws sso login${profileFlag}, or pass --profile NAME; ${snapshotHint}`;
        break;
      default:
        reason = `${context.action} failed: ${error.code}: ${error.message}`;
        next = `check the credentials and --endpoint-url, ${snapshotHint}`;
    }
    return { status: 'unavailable', reason, next };
  }

  private ttlOf = (value: { status: string }): number => {
    if (value.status === 'found' || value.status === 'not-found') return this.cacheTtlMs;
    return this.failureTtlMs;
  };

  // ---- lookups -------------------------------------------------------------------------------

  private origin(source: AccountSource): IamOrigin {
    return { kind: 'live', ...(source.profile ? { profile: source.profile } : {}) };
  }

  private roleRecord(role: Role, account: string, source: AccountSource, identityPolicies: PolicySource[]): RoleRecord {
    const origin = this.origin(source);
    return {
      arn: role.Arn ?? `arn:aws:iam::${account}:role${role.Path ?? '/'}${role.RoleName ?? ''}`,
      accountId: account,
      roleName: role.RoleName ?? '',
      path: role.Path ?? '/',
      ...(role.RoleId ? { roleId: role.RoleId } : {}),
      trustPolicy: {
        name: `${role.RoleName ?? 'role'} trust policy`,
        text: decodePolicyDocument(role.AssumeRolePolicyDocument),
        origin,
      },
      maxSessionDuration: role.MaxSessionDuration ?? 3600,
      identityPolicies,
      tags: tagsOf(role.Tags),
      origin,
    };
  }

  async getRole(roleArn: string, options: { identityPolicies?: boolean } = {}): Promise<Lookup<RoleRecord>> {
    try {
      const parsed = parseRoleArn(roleArn);
      if (!parsed)
        return {
          status: 'unavailable',
          reason: `not a role ARN: ${roleArn}`,
          next: 'give a role ARN like arn:aws:iam::123456789012:role/NAME',
        };
      const source = await this.sourceFor(parsed.account);
      if ('status' in source) return source;
      const role = (await this.cache.get(
        `role:${parsed.account}:${parsed.roleName}`,
        () => this.loadRole(parsed.account, parsed.roleName, source),
        this.ttlOf,
      )) as Lookup<RoleRecord>;
      if (role.status !== 'found' || options.identityPolicies === false) return role;
      const policies = (await this.cache.get(
        `rolepolicies:${parsed.account}:${parsed.roleName}`,
        () => this.loadRolePolicies(parsed.roleName, source),
        this.ttlOf,
      )) as Lookup<PolicySource[]>;
      if (policies.status === 'unavailable') return policies;
      if (policies.status === 'not-found') return { status: 'not-found', knownNames: [] };
      return { status: 'found', value: { ...role.value, identityPolicies: policies.value } };
    } catch (error) {
      return this.internalFailure('iam:GetRole', error);
    }
  }

  private async loadRole(account: string, roleName: string, source: AccountSource): Promise<Lookup<RoleRecord>> {
    const outcome = await this.send<{ Role?: Role }>(
      source,
      'iam',
      'GetRole',
      () => new GetRoleCommand({ RoleName: roleName }),
    );
    if (outcome.ok) {
      if (!outcome.value.Role)
        return {
          status: 'unavailable',
          reason: `IAM returned no role for ${roleName}`,
          next: 'try again, or check the --endpoint-url',
        };
      return { status: 'found', value: this.roleRecord(outcome.value.Role, account, source, []) };
    }
    if (outcome.error.kind === 'not-found') {
      const listed = await this.listRoles(account);
      const knownNames = listed.status === 'found' ? listed.value.map((r) => r.roleName) : [];
      return { status: 'not-found', knownNames };
    }
    const failure = this.unavailable(outcome, {
      action: 'iam:GetRole',
      source,
      resource: `arn:aws:iam::${account}:role/${roleName}`,
    });
    this.log.warn(`live IAM: ${failure.reason}`);
    return failure;
  }

  /** Inline + attached managed policies of a role. */
  private async loadRolePolicies(roleName: string, source: AccountSource): Promise<Lookup<PolicySource[]>> {
    const resource = `role ${roleName}`;
    const inlineNames = await this.paginate<string>(
      source,
      'ListRolePolicies',
      (marker) => new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker }),
      (page) => page.PolicyNames ?? [],
      'iam:ListRolePolicies',
      resource,
    );
    if (!Array.isArray(inlineNames)) return inlineNames;
    const out: PolicySource[] = [];
    for (const name of inlineNames) {
      const got = await this.send<{ PolicyDocument?: string }>(
        source,
        'iam',
        'GetRolePolicy',
        () => new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }),
      );
      if (!got.ok)
        return this.unavailable(got, { action: 'iam:GetRolePolicy', source, resource: `${resource} policy ${name}` });
      out.push({ name, text: decodePolicyDocument(got.value.PolicyDocument), origin: this.origin(source) });
    }
    const attached = await this.paginate<{ PolicyArn?: string }>(
      source,
      'ListAttachedRolePolicies',
      (marker) => new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }),
      (page) => page.AttachedPolicies ?? [],
      'iam:ListAttachedRolePolicies',
      resource,
    );
    if (!Array.isArray(attached)) return attached;
    const managed = await this.managedPolicies(
      attached.map((a) => a.PolicyArn).filter((a): a is string => !!a),
      source,
    );
    if (!Array.isArray(managed)) return managed;
    return { status: 'found', value: [...out, ...managed] };
  }

  /** Managed policy documents (default version), cached by ARN: many principals share them. */
  private async managedPolicies(arns: string[], source: AccountSource): Promise<PolicySource[] | Unavailable> {
    const out: PolicySource[] = [];
    for (const policyArn of arns) {
      const doc = (await this.cache.get(
        `policy:${policyArn}`,
        async (): Promise<Lookup<PolicySource>> => {
          const policy = await this.send<{ Policy?: { DefaultVersionId?: string } }>(
            source,
            'iam',
            'GetPolicy',
            () => new GetPolicyCommand({ PolicyArn: policyArn }),
          );
          if (!policy.ok) return this.unavailable(policy, { action: 'iam:GetPolicy', source, resource: policyArn });
          const versionId = policy.value.Policy?.DefaultVersionId ?? 'v1';
          const version = await this.send<{ PolicyVersion?: { Document?: string } }>(
            source,
            'iam',
            'GetPolicyVersion',
            () => new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }),
          );
          if (!version.ok)
            return this.unavailable(version, { action: 'iam:GetPolicyVersion', source, resource: policyArn });
          return {
            status: 'found',
            value: {
              name: policyArn,
              text: decodePolicyDocument(version.value.PolicyVersion?.Document),
              origin: this.origin(source),
            },
          };
        },
        this.ttlOf,
      )) as Lookup<PolicySource>;
      if (doc.status === 'unavailable') return doc;
      if (doc.status === 'found') out.push(doc.value);
    }
    return out;
  }

  /** Follows IsTruncated/Marker; returns all items or the mapped failure. */
  private async paginate<I>(
    source: AccountSource,
    operation: string,
    build: (marker: string | undefined) => any,
    items: (page: any) => I[],
    action: string,
    resource: string,
  ): Promise<I[] | Unavailable> {
    const all: I[] = [];
    let marker: string | undefined;
    const seen = new Set<string>();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const outcome = await this.send<{ IsTruncated?: boolean; Marker?: string }>(source, 'iam', operation, () =>
        build(marker),
      );
      if (!outcome.ok) return this.unavailable(outcome, { action, source, resource });
      all.push(...items(outcome.value));
      if (!outcome.value.IsTruncated || !outcome.value.Marker) return all;
      marker = outcome.value.Marker;
      // A marker seen before would page forever: the listing is incomplete, and partial data is no answer.
      if (seen.has(marker))
        return paginationFailure(action, resource, `IAM returned the same pagination marker twice (page ${page})`);
      seen.add(marker);
    }
    return paginationFailure(action, resource, `more than ${MAX_PAGES} pages`);
  }

  async getInstanceProfile(instanceProfileArn: string): Promise<Lookup<InstanceProfileRecord>> {
    try {
      const m = /^arn:[^:]+:iam::(\d{12}):instance-profile\/(?:.*\/)?([^/]+)$/.exec(instanceProfileArn);
      if (!m)
        return {
          status: 'unavailable',
          reason: `not an instance profile ARN: ${instanceProfileArn}`,
          next: 'give an ARN like arn:aws:iam::123456789012:instance-profile/NAME',
        };
      const [, account, name] = m;
      const source = await this.sourceFor(account);
      if ('status' in source) return source;
      return (await this.cache.get(
        `instance-profile:${account}:${name}`,
        () => this.loadInstanceProfile(account, name, source),
        this.ttlOf,
      )) as Lookup<InstanceProfileRecord>;
    } catch (error) {
      return this.internalFailure('iam:GetInstanceProfile', error);
    }
  }

  private async loadInstanceProfile(
    account: string,
    name: string,
    source: AccountSource,
  ): Promise<Lookup<InstanceProfileRecord>> {
    const got = await this.send<{ InstanceProfile?: InstanceProfile }>(
      source,
      'iam',
      'GetInstanceProfile',
      () => new GetInstanceProfileCommand({ InstanceProfileName: name }),
    );
    if (!got.ok) {
      if (got.error.kind === 'not-found') return { status: 'not-found', knownNames: [] };
      return this.unavailable(got, {
        action: 'iam:GetInstanceProfile',
        source,
        resource: `arn:aws:iam::${account}:instance-profile/${name}`,
      });
    }
    const profile = got.value.InstanceProfile;
    if (!profile)
      return {
        status: 'unavailable',
        reason: `IAM returned no instance profile for ${name}`,
        next: 'try again, or check the --endpoint-url',
      };
    return {
      status: 'found',
      value: {
        arn: profile.Arn ?? `arn:aws:iam::${account}:instance-profile/${name}`,
        accountId: account,
        name: profile.InstanceProfileName ?? name,
        path: profile.Path ?? '/',
        roleArns: (profile.Roles ?? []).map((r) => r.Arn).filter((a): a is string => !!a),
        origin: this.origin(source),
      },
    };
  }

  async getUser(userArn: string): Promise<Lookup<UserRecord>> {
    try {
      const parsed = parseUserArn(userArn);
      if (!parsed)
        return {
          status: 'unavailable',
          reason: `not a user ARN: ${userArn}`,
          next: 'give a user ARN like arn:aws:iam::123456789012:user/NAME',
        };
      const source = await this.sourceFor(parsed.account);
      if ('status' in source) return source;
      return (await this.cache.get(
        `user:${parsed.account}:${parsed.userName}`,
        () => this.loadUser(parsed.account, parsed.userName, source),
        this.ttlOf,
      )) as Lookup<UserRecord>;
    } catch (error) {
      return this.internalFailure('iam:GetUser', error);
    }
  }

  private async loadUser(account: string, userName: string, source: AccountSource): Promise<Lookup<UserRecord>> {
    const resource = `arn:aws:iam::${account}:user/${userName}`;
    const got = await this.send<{ User?: { Arn?: string; UserName?: string; UserId?: string; Tags?: Tag[] } }>(
      source,
      'iam',
      'GetUser',
      () => new GetUserCommand({ UserName: userName }),
    );
    if (!got.ok) {
      if (got.error.kind === 'not-found') return { status: 'not-found', knownNames: [] };
      return this.unavailable(got, { action: 'iam:GetUser', source, resource });
    }
    const user = got.value.User ?? {};
    const origin = this.origin(source);
    const policies: PolicySource[] = [];

    const inline = await this.paginate<string>(
      source,
      'ListUserPolicies',
      (marker) => new ListUserPoliciesCommand({ UserName: userName, Marker: marker }),
      (p) => p.PolicyNames ?? [],
      'iam:ListUserPolicies',
      resource,
    );
    if (!Array.isArray(inline)) return inline;
    for (const name of inline) {
      const doc = await this.send<{ PolicyDocument?: string }>(
        source,
        'iam',
        'GetUserPolicy',
        () => new GetUserPolicyCommand({ UserName: userName, PolicyName: name }),
      );
      if (!doc.ok)
        return this.unavailable(doc, { action: 'iam:GetUserPolicy', source, resource: `${resource} policy ${name}` });
      policies.push({ name, text: decodePolicyDocument(doc.value.PolicyDocument), origin });
    }
    const attached = await this.paginate<{ PolicyArn?: string }>(
      source,
      'ListAttachedUserPolicies',
      (marker) => new ListAttachedUserPoliciesCommand({ UserName: userName, Marker: marker }),
      (p) => p.AttachedPolicies ?? [],
      'iam:ListAttachedUserPolicies',
      resource,
    );
    if (!Array.isArray(attached)) return attached;
    const managedArns = attached.map((a) => a.PolicyArn).filter((a): a is string => !!a);

    const groups = await this.paginate<{ GroupName?: string }>(
      source,
      'ListGroupsForUser',
      (marker) => new ListGroupsForUserCommand({ UserName: userName, Marker: marker }),
      (p) => p.Groups ?? [],
      'iam:ListGroupsForUser',
      resource,
    );
    if (!Array.isArray(groups)) return groups;
    for (const group of groups) {
      const groupName = group.GroupName;
      if (!groupName) continue;
      const groupResource = `group ${groupName}`;
      const names = await this.paginate<string>(
        source,
        'ListGroupPolicies',
        (marker) => new ListGroupPoliciesCommand({ GroupName: groupName, Marker: marker }),
        (p) => p.PolicyNames ?? [],
        'iam:ListGroupPolicies',
        groupResource,
      );
      if (!Array.isArray(names)) return names;
      for (const name of names) {
        const doc = await this.send<{ PolicyDocument?: string }>(
          source,
          'iam',
          'GetGroupPolicy',
          () => new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: name }),
        );
        if (!doc.ok)
          return this.unavailable(doc, {
            action: 'iam:GetGroupPolicy',
            source,
            resource: `${groupResource} policy ${name}`,
          });
        policies.push({ name: `${groupName}/${name}`, text: decodePolicyDocument(doc.value.PolicyDocument), origin });
      }
      const groupAttached = await this.paginate<{ PolicyArn?: string }>(
        source,
        'ListAttachedGroupPolicies',
        (marker) => new ListAttachedGroupPoliciesCommand({ GroupName: groupName, Marker: marker }),
        (p) => p.AttachedPolicies ?? [],
        'iam:ListAttachedGroupPolicies',
        groupResource,
      );
      if (!Array.isArray(groupAttached)) return groupAttached;
      for (const a of groupAttached)
        if (a.PolicyArn && !managedArns.includes(a.PolicyArn)) managedArns.push(a.PolicyArn);
    }
    const managed = await this.managedPolicies(managedArns, source);
    if (!Array.isArray(managed)) return managed;
    policies.push(...managed);

    // MFA devices only feed hints (which serial to use); a refusal here must not hide the user.
    let mfaDevices: string[] = [];
    const devices = await this.paginate<{ SerialNumber?: string }>(
      source,
      'ListMFADevices',
      (marker) => new ListMFADevicesCommand({ UserName: userName, Marker: marker }),
      (p) => p.MFADevices ?? [],
      'iam:ListMFADevices',
      resource,
    );
    if (Array.isArray(devices)) mfaDevices = devices.map((d) => d.SerialNumber).filter((s): s is string => !!s);
    else this.log.warn(`live IAM: MFA devices of ${resource} unknown: ${devices.reason}`);

    return {
      status: 'found',
      value: {
        arn: user.Arn ?? resource,
        accountId: account,
        userName: user.UserName ?? userName,
        ...(user.UserId ? { userId: user.UserId } : {}),
        identityPolicies: policies,
        mfaDevices,
        tags: tagsOf(user.Tags),
        origin,
      },
    };
  }

  async listRoles(accountId: string): Promise<Lookup<RoleRecord[]>> {
    try {
      const source = await this.sourceFor(accountId);
      if ('status' in source) return source;
      return (await this.cache.get(
        `roles:${accountId}`,
        async (): Promise<Lookup<RoleRecord[]>> => {
          const roles = await this.paginate<Role>(
            source,
            'ListRoles',
            (marker) => new ListRolesCommand({ Marker: marker }),
            (p) => p.Roles ?? [],
            'iam:ListRoles',
            `account ${accountId}`,
          );
          if (!Array.isArray(roles)) return roles;
          return { status: 'found', value: roles.map((role) => this.roleRecord(role, accountId, source, [])) };
        },
        this.ttlOf,
      )) as Lookup<RoleRecord[]>;
    } catch (error) {
      return this.internalFailure('iam:ListRoles', error);
    }
  }

  private internalFailure(action: string, error: unknown): Unavailable {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(`live IAM: internal error during ${action}: ${message}`);
    return {
      status: 'unavailable',
      reason: `internal error during ${action}: ${message}`,
      next: 'report this bug with the output of the rolecall log',
    };
  }

  callCounts(): CallCounts {
    return { ...this.counts };
  }

  clearCache(): void {
    this.cache.clear();
    // Keep the last identity until the new answer lands, so coversAccount() stays stable meanwhile.
    this.identify().catch(() => undefined);
  }

  dispose(): void {
    for (const source of [this.defaultSource, ...this.mapped.values(), ...this.assumed]) {
      source.iam?.destroy();
      source.sts?.destroy();
      source.iam = undefined;
      source.sts = undefined;
    }
  }
}
