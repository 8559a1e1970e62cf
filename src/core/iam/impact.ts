// What a change to IAM does to the pipelines before it is applied. The change is an IamReader that answers
// like the current one except for the changed roles (and caller policies), and each affected usage is checked
// twice through the very checks a scan runs (addTrustFindings): the result is the difference of two scans.
import { addTrustFindings, type AnalysisContext, type FileAnalysis } from '../analyze';
import type {
  IamOrigin,
  IamReader,
  InstanceProfileRecord,
  Lookup,
  PolicySource,
  RoleRecord,
  UserRecord,
} from '../ports';
import { usesStaticKeys, type FindingCode, type Usage } from '../types';
import { parseCaller, parseRoleArn } from './arn';
import { carryUnresolved } from './snapshot';

/** A candidate change to one role: its trust policy replaced, and/or its MaxSessionDuration. */
export interface RoleChange {
  roleArn: string;
  /** The candidate trust policy (JSON text) and where it comes from (for findings that point at it). */
  trustPolicy?: { text: string; origin?: IamOrigin };
  maxSessionDuration?: number;
}

/** A policy added to a role's or user's own permissions (grant's identity statement). */
export interface IdentityChange {
  principalArn: string;
  policy: { name: string; text: string };
}

export interface IamChange {
  roles: RoleChange[];
  identities?: IdentityChange[];
}

/** `account/lower-case name` of a role ARN (or of the role behind an assumed-role ARN), or null. */
export function roleKey(arn: string): string | null {
  const caller = parseCaller(arn);
  const parts =
    parseRoleArn(arn) ?? (caller?.kind === 'assumed-role' && caller.roleArn ? parseRoleArn(caller.roleArn) : null);
  return parts ? `${parts.account}/${parts.name.toLowerCase()}` : null;
}

function userKey(arn: string): string | null {
  const caller = parseCaller(arn);
  return caller?.kind === 'user' ? `${caller.account}/${caller.name.toLowerCase()}` : null;
}

/** An IamReader that answers like `base` except for the changed roles and principals. Records are made once. */
export class ChangedIamReader implements IamReader {
  private readonly roles = new Map<string, { change: RoleChange; trust: PolicySource | null }>();
  private readonly roleIdentities = new Map<string, PolicySource[]>();
  private readonly userIdentities = new Map<string, PolicySource[]>();
  private readonly copies = new WeakMap<object, RoleRecord | UserRecord>();
  private readonly created = new Map<string, RoleRecord>();

  constructor(
    private readonly base: IamReader,
    change: IamChange,
  ) {
    for (const c of change.roles) {
      const key = roleKey(c.roleArn);
      if (!key) throw new Error(`${c.roleArn} is not a role ARN`);
      const name = parseRoleArn(c.roleArn)?.name ?? c.roleArn;
      const trust = c.trustPolicy
        ? {
            name: `trust policy of ${name}`,
            text: c.trustPolicy.text,
            origin: c.trustPolicy.origin ?? { kind: 'snapshot' as const },
          }
        : null;
      this.roles.set(key, { change: c, trust });
    }
    for (const c of change.identities ?? []) {
      const source: PolicySource = { name: c.policy.name, text: c.policy.text, origin: { kind: 'snapshot' } };
      const rk = parseCaller(c.principalArn)?.kind === 'user' ? null : roleKey(c.principalArn);
      const uk = userKey(c.principalArn);
      if (rk) this.roleIdentities.set(rk, [...(this.roleIdentities.get(rk) ?? []), source]);
      else if (uk) this.userIdentities.set(uk, [...(this.userIdentities.get(uk) ?? []), source]);
      else throw new Error(`${c.principalArn} is not a role or user ARN`);
    }
  }

  private readonly touched = new Map<string, boolean>();

  /** True when the change touches this role (as the target of a call or as a caller). */
  changesRole(arn: string): boolean {
    let hit = this.touched.get(arn);
    if (hit === undefined) {
      const key = roleKey(arn);
      hit = key !== null && (this.roles.has(key) || this.roleIdentities.has(key));
      if (this.touched.size < 100_000) this.touched.set(arn, hit);
    }
    return hit;
  }

  /** True when the change adds to this principal's own policies. */
  changesPrincipal(arn: string): boolean {
    const caller = parseCaller(arn);
    if (!caller) return false;
    if (caller.kind === 'user') return this.userIdentities.has(userKey(arn) ?? '');
    return caller.roleArn ? this.roleIdentities.has(roleKey(caller.roleArn) ?? '') : false;
  }

  coversAccount(accountId: string): boolean {
    return this.base.coversAccount(accountId);
  }

  accounts(): string[] {
    return this.base.accounts();
  }

  private changedRole(record: RoleRecord, key: string): RoleRecord {
    const cached = this.copies.get(record);
    if (cached) return cached as RoleRecord;
    const c = this.roles.get(key);
    const extra = this.roleIdentities.get(key) ?? [];
    const copy: RoleRecord = {
      ...record,
      ...(c?.trust ? { trustPolicy: c.trust } : {}),
      ...(c?.change.maxSessionDuration !== undefined ? { maxSessionDuration: c.change.maxSessionDuration } : {}),
      identityPolicies: [...record.identityPolicies, ...extra],
    };
    carryUnresolved(record, copy);
    this.copies.set(record, copy);
    return copy;
  }

  private createdRole(key: string): RoleRecord | null {
    const c = this.roles.get(key);
    const parts = c ? parseRoleArn(c.change.roleArn) : null;
    if (!c?.trust || !parts) return null;
    let record = this.created.get(key);
    if (!record) {
      record = {
        arn: c.change.roleArn,
        accountId: parts.account,
        roleName: parts.name,
        path: parts.path,
        trustPolicy: c.trust,
        maxSessionDuration: c.change.maxSessionDuration ?? 3600,
        identityPolicies: this.roleIdentities.get(key) ?? [],
        tags: {},
        origin: c.trust.origin,
      };
      this.created.set(key, record);
    }
    return record;
  }

  async getRole(roleArn: string, options?: { identityPolicies?: boolean }): Promise<Lookup<RoleRecord>> {
    const key = roleKey(roleArn);
    if (!key || !this.changesRole(roleArn)) return this.base.getRole(roleArn, options);
    const found = await this.base.getRole(
      roleArn,
      this.roleIdentities.has(key) ? { ...options, identityPolicies: true } : options,
    );
    if (found.status === 'found') return { status: 'found', value: this.changedRole(found.value, key) };
    const created = found.status === 'not-found' ? this.createdRole(key) : null;
    return created ? { status: 'found', value: created } : found;
  }

  async getUser(userArn: string): Promise<Lookup<UserRecord>> {
    const found = await this.base.getUser(userArn);
    const extra = this.userIdentities.get(userKey(userArn) ?? '');
    if (!extra || found.status !== 'found') return found;
    const cached = this.copies.get(found.value);
    if (cached) return { status: 'found', value: cached as UserRecord };
    const copy = carryUnresolved(found.value, {
      ...found.value,
      identityPolicies: [...found.value.identityPolicies, ...extra],
    });
    this.copies.set(found.value, copy);
    return { status: 'found', value: copy };
  }

  async getInstanceProfile(instanceProfileArn: string): Promise<Lookup<InstanceProfileRecord>> {
    if (!this.base.getInstanceProfile)
      return {
        status: 'unavailable',
        reason: 'this IAM source does not read instance profiles',
        next: 'add an --iam-snapshot of the account',
      };
    return this.base.getInstanceProfile(instanceProfileArn);
  }

  async listRoles(accountId: string): Promise<Lookup<RoleRecord[]>> {
    const listed = await this.base.listRoles(accountId);
    if (listed.status !== 'found') return listed;
    const seen = new Set<string>();
    const roles = listed.value.map((r) => {
      const key = roleKey(r.arn);
      if (!key) return r;
      seen.add(key);
      return this.changesRole(r.arn) ? this.changedRole(r, key) : r;
    });
    for (const key of this.roles.keys()) {
      if (key.startsWith(`${accountId}/`) && !seen.has(key)) {
        const created = this.createdRole(key);
        if (created) roles.push(created);
      }
    }
    return { status: 'found', value: roles };
  }
}

/** The error codes the IAM checks of a scan give one usage (sorted, each once). */
export async function usageErrorCodes(usage: Usage, ctx: AnalysisContext): Promise<FindingCode[]> {
  const analysis = await addTrustFindings({ file: usage.file, usages: [usage], findings: [], parseErrors: [] }, ctx);
  return [...new Set(analysis.findings.filter((f) => f.severity === 'error').map((f) => f.code))].sort();
}

/** A usage whose outcome the change alters: the error codes it gains and loses. */
export interface UsageImpact {
  usage: Usage;
  before: FindingCode[];
  after: FindingCode[];
  codesAdded: FindingCode[];
  codesRemoved: FindingCode[];
}

export interface Impact {
  /** Usages that gain an error (a trust, ExternalId, MFA or duration error appears). */
  breaks: UsageImpact[];
  /** Usages that lose an error. A usage whose error changes kind is in both lists. */
  fixes: UsageImpact[];
  /** Usages whose errors stay the same (including every usage the change does not touch). */
  unchanged: number;
  /** Usages of the changed roles, which were checked twice. */
  checked: number;
}

/** True when the change can alter the IAM checks of this usage (it targets a changed role, or its caller gains a policy). */
export function touches(reader: ChangedIamReader, usage: Usage): boolean {
  // GetSessionToken and static keys assume no role: no trust policy change reaches them.
  if (usage.kind === 'sh-get-session-token' || usesStaticKeys(usage)) return false;
  if (usage.roleArn && reader.changesRole(usage.roleArn)) return true;
  return usage.roleArn !== null && usage.caller !== null && reader.changesPrincipal(usage.caller);
}

/**
 * The impact of `change` on the usages of `analyses` (each a pipeline file's analysis; only its usages are
 * read): every usage the change touches is checked with the current IAM data and with the change.
 */
export async function impactOf(
  analyses: readonly FileAnalysis[],
  ctx: AnalysisContext,
  change: IamChange,
): Promise<Impact> {
  if (!ctx.iam) throw new Error('impact needs IAM data (snapshots or live) to compare against');
  const reader = new ChangedIamReader(ctx.iam, change);
  return impactBetween(analyses, ctx, { ...ctx, iam: reader }, (usage) => touches(reader, usage));
}

/**
 * The difference between two scans of the same usages, one with `before`'s IAM data and one with `after`'s
 * (e.g. the deployed roles and the roles a template defines). Usages `touched` rejects count as unchanged
 * without being checked (default: every usage is checked twice).
 */
export async function impactBetween(
  analyses: readonly FileAnalysis[],
  before: AnalysisContext,
  after: AnalysisContext,
  touched: (usage: Usage) => boolean = () => true,
): Promise<Impact> {
  const breaks: UsageImpact[] = [];
  const fixes: UsageImpact[] = [];
  let unchanged = 0;
  let checked = 0;
  for (const analysis of analyses) {
    for (const usage of analysis.usages) {
      if (!touched(usage)) {
        unchanged++;
        continue;
      }
      checked++;
      const [was, now] = await Promise.all([usageErrorCodes(usage, before), usageErrorCodes(usage, after)]);
      const codesAdded = now.filter((c) => !was.includes(c));
      const codesRemoved = was.filter((c) => !now.includes(c));
      const entry: UsageImpact = { usage, before: was, after: now, codesAdded, codesRemoved };
      if (codesAdded.length > 0) breaks.push(entry);
      if (codesRemoved.length > 0) fixes.push(entry);
      if (codesAdded.length === 0 && codesRemoved.length === 0) unchanged++;
    }
  }
  return { breaks, fixes, unchanged, checked };
}
