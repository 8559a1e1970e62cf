// IAM defined as code, read into the same records the snapshot and live readers give. The CloudFormation
// and Terraform readers describe roles, users and policies as evaluated values (value.ts); the collector
// here turns them into RoleRecord/UserRecord with ARNs, attaches managed policies defined in the same code,
// and keeps what could not be resolved. IacIamReader puts the result in front of the other IAM sources:
// a role defined as code wins for its ARN; code defines only the roles it names, not whole accounts.
import { parseCaller, parseRoleArn } from '../arn';
import { mappingHint, markIncomplete } from '../snapshot';
import type { IamReader, InstanceProfileRecord, Lookup, PolicySource, RoleRecord, UserRecord } from '../../ports';
import type { LineMap } from '../../types';
import { firstUnknown, policySource, scalarText, type Loc, type Unresolved, type Value } from './value';

/** One `--iac PATH` / config `"iac"` entry: what the templates cannot say themselves. */
export interface IacEntry {
  path: string;
  /** `AWS::AccountId` / `data.aws_caller_identity.*.account_id`. */
  account: string | null;
  /** `AWS::Region` (and the partition derived from it). */
  region: string | null;
  /** Template parameters / Terraform variables, overriding their defaults. */
  parameters: Record<string, string>;
}

/** A role (or user) the code defines but whose name, account or trust policy is not known before deploying. */
export interface IacPending {
  kind: 'role' | 'user';
  file: string;
  loc: Loc;
  /** CloudFormation logical id or Terraform resource address. */
  id: string;
  account: string | null;
  /** Null when the name is generated at deploy time or unresolved. */
  name: string | null;
  reason: string;
}

export interface IacDocument {
  kind: 'trust' | 'identity';
  /** The role ARN, user ARN or policy name it belongs to. */
  owner: string;
  source: PolicySource;
}

/** Everything a set of IaC files defines. */
export interface IacModel {
  files: string[];
  roles: RoleRecord[];
  users: UserRecord[];
  documents: IacDocument[];
  /** Values that could not be resolved, located in the templates (`unresolved-reference`). */
  unresolved: Unresolved[];
  pending: IacPending[];
  /** Line maps of every template read (for positions and messages). */
  lines: Map<string, LineMap>;
}

/** A policy attached by name or ARN, or written inline. */
export interface PolicySpec {
  name: string;
  doc: Value;
}

export interface PrincipalSpec {
  kind: 'role' | 'user';
  file: string;
  /** Where the resource is written. */
  loc: Loc;
  id: string;
  account: string | null;
  partition: string;
  /** Null: generated at deploy time. */
  name: Value | null;
  path: Value | null;
  /** Roles only. */
  trust?: Value | null;
  maxSessionDuration?: Value | null;
  inline: PolicySpec[];
  /** Managed policy ARNs attached (resolved against policies defined in the code, else marked unknown). */
  managed: Value[];
  /** Users: group names. */
  groups?: Value[];
  tags: Record<string, string>;
}

export interface GroupSpec {
  name: string;
  inline: PolicySpec[];
  managed: Value[];
}

/** Accumulates what the readers find, then builds the model. */
export class IacCollector {
  readonly principals: PrincipalSpec[] = [];
  readonly groups = new Map<string, GroupSpec>();
  /** Managed policies defined in the code, by ARN. */
  readonly managed = new Map<string, { name: string; doc: Value }>();
  /** Extra inline policies for a role/user by name (`AWS::IAM::Policy`, `aws_iam_role_policy`). */
  readonly extraInline: Array<{
    kind: 'role' | 'user' | 'group';
    account: string | null;
    target: string;
    policy: PolicySpec;
  }> = [];
  readonly extraManaged: Array<{
    kind: 'role' | 'user' | 'group';
    account: string | null;
    target: string;
    arn: Value;
  }> = [];
  readonly unresolved: Unresolved[] = [];
  readonly files: string[] = [];
  readonly lines = new Map<string, LineMap>();

  addFile(file: string, lines: LineMap): void {
    this.files.push(file);
    this.lines.set(file, lines);
  }

  unresolvedAt(loc: Loc, message: string): void {
    if (!this.unresolved.some((u) => u.loc.file === loc.file && u.loc.start === loc.start && u.message === message))
      this.unresolved.push({ loc, message });
  }

  private lineMap(file: string): LineMap {
    return this.lines.get(file) as LineMap;
  }

  build(): IacModel {
    const roles: RoleRecord[] = [];
    const users: UserRecord[] = [];
    const documents: IacDocument[] = [];
    const pending: IacPending[] = [];
    const sourceOf = (owner: string, p: PolicySpec, kind: 'trust' | 'identity'): PolicySource | null => {
      const u = firstUnknown(p.doc);
      if (u) {
        this.unresolvedAt(
          u.loc,
          `${kind === 'trust' ? 'The trust policy' : `Policy ${p.name}`} of ${owner} uses a value that cannot be resolved: ${u.why}.`,
        );
        return null;
      }
      const source = policySource(p.name, p.doc, this.lineMap(p.doc.loc.file));
      documents.push({ kind, owner, source });
      return source;
    };
    const managedSources = new Map<string, PolicySource | null>();
    const managedSource = (arn: string): PolicySource | null => {
      if (!managedSources.has(arn)) {
        const m = this.managed.get(arn);
        managedSources.set(arn, m ? sourceOf(arn, { name: arn, doc: m.doc }, 'identity') : null);
      }
      return managedSources.get(arn) ?? null;
    };
    const attach = (owner: string, inline: PolicySpec[], managed: Value[], missing: string[]): PolicySource[] => {
      const out: PolicySource[] = [];
      for (const p of inline) {
        const s = sourceOf(owner, p, 'identity');
        if (s) out.push(s);
        else missing.push(p.name);
      }
      for (const m of managed) {
        const arn = scalarText(m);
        if (arn === null) {
          this.unresolvedAt(
            m.loc,
            `A managed policy attached to ${owner} cannot be resolved${m.t === 'unknown' ? `: ${m.why}` : ''}.`,
          );
          missing.push('a managed policy');
          continue;
        }
        const s = managedSource(arn);
        if (s) out.push(s);
        else missing.push(arn);
      }
      return out;
    };
    for (const spec of this.principals) {
      const lines = this.lineMap(spec.file);
      const label = `${spec.kind === 'role' ? 'Role' : 'User'} ${spec.id}`;
      const name = spec.name === null ? null : scalarText(spec.name);
      const pend = (reason: string): void => {
        pending.push({
          kind: spec.kind,
          file: spec.file,
          loc: spec.loc,
          id: spec.id,
          account: spec.account,
          name,
          reason,
        });
      };
      if (spec.name === null) {
        pend(
          `${label} (${spec.file}:${lines.position(spec.loc.start).line}) has no fixed name (${spec.kind === 'role' ? 'RoleName' : 'UserName'} / name): its name is generated at deploy time, so no pipeline can name it in advance — give it a fixed name`,
        );
        continue;
      }
      if (name === null) {
        const u = firstUnknown(spec.name);
        this.unresolvedAt(spec.name.loc, `The name of ${label} cannot be resolved${u ? `: ${u.why}` : ''}.`);
        pend(`the name of ${label} (${spec.file}:${lines.position(spec.loc.start).line}) cannot be resolved`);
        continue;
      }
      if (spec.account === null) {
        pend(`the account of ${spec.file} is not known`);
        continue;
      }
      let path = spec.path ? scalarText(spec.path) : '/';
      if (path === null) {
        this.unresolvedAt((spec.path as Value).loc, `The path of ${label} cannot be resolved.`);
        pend(`the path of ${label} cannot be resolved`);
        continue;
      }
      if (!path.startsWith('/')) path = `/${path}`;
      if (!path.endsWith('/')) path = `${path}/`;
      const arn = `arn:${spec.partition}:iam::${spec.account}:${spec.kind}${path}${name}`;
      const origin = {
        kind: 'iac' as const,
        file: spec.file,
        range: { start: spec.loc.start, end: spec.loc.end },
        line: lines.position(spec.loc.start).line,
      };
      const missing: string[] = [];
      if (spec.kind === 'role') {
        let trustPolicy: PolicySource | null = null;
        if (spec.trust) trustPolicy = sourceOf(arn, { name: `trust policy of ${name}`, doc: spec.trust }, 'trust');
        else
          this.unresolvedAt(spec.loc, `${label} has no trust policy (AssumeRolePolicyDocument / assume_role_policy).`);
        if (!trustPolicy) {
          pend(
            `the trust policy of ${name} (${spec.file}:${lines.position((spec.trust ?? spec).loc.start).line}) cannot be resolved`,
          );
          continue;
        }
        let maxSessionDuration = 3600;
        if (spec.maxSessionDuration) {
          const text = scalarText(spec.maxSessionDuration);
          const n = text === null ? NaN : Number(text);
          if (!Number.isInteger(n)) {
            this.unresolvedAt(
              spec.maxSessionDuration.loc,
              `The MaxSessionDuration of ${label} cannot be resolved to a whole number of seconds.`,
            );
            pend(`the MaxSessionDuration of ${name} cannot be resolved`);
            continue;
          }
          maxSessionDuration = n;
        }
        const extra = this.extraInline
          .filter((e) => e.kind === 'role' && e.target === name && (e.account === null || e.account === spec.account))
          .map((e) => e.policy);
        const extraArns = this.extraManaged
          .filter((e) => e.kind === 'role' && e.target === name && (e.account === null || e.account === spec.account))
          .map((e) => e.arn);
        const identityPolicies = attach(arn, [...spec.inline, ...extra], [...spec.managed, ...extraArns], missing);
        const record: RoleRecord = {
          arn,
          accountId: spec.account,
          roleName: name,
          path,
          trustPolicy,
          maxSessionDuration,
          identityPolicies,
          tags: spec.tags,
          origin,
        };
        markIncomplete(record, missing);
        roles.push(record);
      } else {
        const extra = this.extraInline.filter((e) => e.kind === 'user' && e.target === name).map((e) => e.policy);
        const extraArns = this.extraManaged.filter((e) => e.kind === 'user' && e.target === name).map((e) => e.arn);
        const identityPolicies = attach(arn, [...spec.inline, ...extra], [...spec.managed, ...extraArns], missing);
        for (const g of spec.groups ?? []) {
          const groupName = scalarText(g);
          const group = groupName === null ? undefined : this.groups.get(groupName);
          if (!group) {
            missing.push(`group ${groupName ?? '(unresolved)'}`);
            continue;
          }
          const gi = this.extraInline.filter((e) => e.kind === 'group' && e.target === group.name).map((e) => e.policy);
          const gm = this.extraManaged.filter((e) => e.kind === 'group' && e.target === group.name).map((e) => e.arn);
          identityPolicies.push(
            ...attach(`group ${group.name}`, [...group.inline, ...gi], [...group.managed, ...gm], missing),
          );
        }
        const record: UserRecord = {
          arn,
          accountId: spec.account,
          userName: name,
          identityPolicies,
          mfaDevices: [],
          tags: spec.tags,
          origin,
        };
        markIncomplete(record, missing);
        users.push(record);
      }
    }
    return {
      files: [...this.files],
      roles,
      users,
      documents,
      unresolved: [...this.unresolved],
      pending,
      lines: this.lines,
    };
  }
}

/** Roles that are found through IaC for an ARN, case as IAM compares names (case-insensitively). */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The IaC model in front of the other IAM sources (`base`, may be null): a role or user the code defines
 * is answered from the code; anything else goes to `base` when it covers the account, and is
 * `unavailable` (never `not-found`) when it does not: code defines only the roles it names.
 */
export class IacIamReader implements IamReader {
  private readonly iacAccounts: Set<string>;

  constructor(
    readonly model: IacModel,
    readonly base: IamReader | null,
  ) {
    this.iacAccounts = new Set([
      ...model.roles.map((r) => r.accountId),
      ...model.users.map((u) => u.accountId),
      ...model.pending.map((p) => p.account).filter((a): a is string => a !== null),
    ]);
  }

  coversAccount(accountId: string): boolean {
    return this.iacAccounts.has(accountId) || (this.base?.coversAccount(accountId) ?? false);
  }

  accounts(): string[] {
    return [...new Set([...this.iacAccounts, ...(this.base?.accounts() ?? [])])].sort();
  }

  /** The role the code defines for an ARN, if any. */
  definedRole(roleArn: string): RoleRecord | null {
    const parts = parseRoleArn(roleArn);
    if (!parts) return null;
    return (
      this.model.roles.find((r) => r.accountId === parts.account && r.roleName === parts.name) ??
      this.model.roles.find((r) => r.accountId === parts.account && sameName(r.roleName, parts.name)) ??
      null
    );
  }

  private pendingFor(kind: 'role' | 'user', account: string, name: string): IacPending | null {
    const named = this.model.pending.find(
      (p) =>
        p.kind === kind && p.name !== null && sameName(p.name, name) && (p.account === null || p.account === account),
    );
    if (named) return named;
    // CloudFormation names a role without RoleName STACK-LOGICALID-RANDOM.
    return (
      this.model.pending.find(
        (p) =>
          p.kind === kind &&
          p.name === null &&
          (p.account === null || p.account === account) &&
          name.includes(`-${p.id}-`),
      ) ?? null
    );
  }

  private notDefined(kind: 'role' | 'user', account: string, name: string): Lookup<never> {
    const pending = this.pendingFor(kind, account, name);
    if (pending)
      return {
        status: 'unavailable',
        unresolved: true,
        reason: `${kind} ${name} is defined as code but ${pending.reason}`,
        next: 'give the missing value in the iac entry ("parameters", "account") or as a fixed value in the code',
      };
    const unnamed = this.model.pending.filter(
      (p) => p.kind === kind && p.name === null && (p.account === null || p.account === account),
    );
    if (unnamed.length > 0) {
      const list = unnamed
        .slice(0, 3)
        .map((p) => `${p.id} in ${p.file}`)
        .join(', ');
      return {
        status: 'unavailable',
        unresolved: true,
        reason: `the infrastructure code names no ${kind} ${name} in account ${account}, and ${unnamed.length === 1 ? 'a' : unnamed.length} ${kind}${unnamed.length === 1 ? '' : 's'} there (${list}) get${unnamed.length === 1 ? 's' : ''} a name generated at deploy time`,
        next: `give that ${kind} a fixed name in the code, or add a snapshot or live IAM for account ${account}`,
      };
    }
    return {
      status: 'unavailable',
      reason: `the infrastructure code (${this.model.files.length} file${this.model.files.length === 1 ? '' : 's'}) defines no ${kind} ${name}, and no snapshot or live IAM covers account ${account}`,
      next: mappingHint(account),
    };
  }

  async getRole(roleArn: string, options?: { identityPolicies?: boolean }): Promise<Lookup<RoleRecord>> {
    const parts =
      parseRoleArn(roleArn) ??
      (() => {
        const c = parseCaller(roleArn);
        return c?.kind === 'assumed-role' && c.roleArn ? parseRoleArn(c.roleArn) : null;
      })();
    if (!parts)
      return this.base
        ? this.base.getRole(roleArn, options)
        : {
            status: 'unavailable',
            reason: `"${roleArn}" is not a role ARN`,
            next: 'use arn:aws:iam::ACCOUNT_ID:role/NAME',
          };
    const role =
      this.model.roles.find((r) => r.accountId === parts.account && r.roleName === parts.name) ??
      this.model.roles.find((r) => r.accountId === parts.account && sameName(r.roleName, parts.name));
    if (role) return { status: 'found', value: role };
    if (this.base?.coversAccount(parts.account)) return this.base.getRole(roleArn, options);
    return this.notDefined('role', parts.account, parts.name);
  }

  async getUser(userArn: string): Promise<Lookup<UserRecord>> {
    const caller = parseCaller(userArn);
    if (!caller || caller.kind !== 'user')
      return this.base
        ? this.base.getUser(userArn)
        : {
            status: 'unavailable',
            reason: `"${userArn}" is not a user ARN`,
            next: 'use arn:aws:iam::ACCOUNT_ID:user/NAME',
          };
    const user = this.model.users.find((u) => u.accountId === caller.account && sameName(u.userName, caller.name));
    if (user) return { status: 'found', value: user };
    if (this.base?.coversAccount(caller.account)) return this.base.getUser(userArn);
    return this.notDefined('user', caller.account, caller.name);
  }

  /** Instance profiles are not read from code yet: the IAM data behind it answers (JCasC's EC2 agents need them). */
  async getInstanceProfile(instanceProfileArn: string): Promise<Lookup<InstanceProfileRecord>> {
    if (this.base?.getInstanceProfile) return this.base.getInstanceProfile(instanceProfileArn);
    return {
      status: 'unavailable',
      reason: 'no IAM data that lists instance profiles',
      next: 'add --iam-snapshot FILE (get-account-authorization-details lists instance profiles)',
    };
  }

  async listRoles(accountId: string): Promise<Lookup<RoleRecord[]>> {
    const own = this.model.roles.filter((r) => r.accountId === accountId);
    if (!this.base?.coversAccount(accountId)) {
      return this.iacAccounts.has(accountId)
        ? { status: 'found', value: own }
        : { status: 'unavailable', reason: `no IAM data for account ${accountId}`, next: mappingHint(accountId) };
    }
    const base = await this.base.listRoles(accountId);
    if (base.status !== 'found') return own.length ? { status: 'found', value: own } : base;
    // Role names are unique in an account (whatever the path): the code's version replaces the deployed one.
    const names = new Set(own.map((r) => r.roleName.toLowerCase()));
    return { status: 'found', value: [...own, ...base.value.filter((r) => !names.has(r.roleName.toLowerCase()))] };
  }
}
