// Offline IAM data: files in the `aws iam get-account-authorization-details` shape. Parsing is pure (text in,
// records out) and keeps, for every policy document, where it sits in the file so findings can point there.
import { accountOf, isAccountId, parseCaller, parseRoleArn, splitArn } from './arn';
import { type JsonNode, nodeValue, parseJsonTree, property } from './json';
import { looksUrlEncoded, percentDecode } from './policy';
import type {
  IamOrigin,
  IamReader,
  InstanceProfileRecord,
  Lookup,
  PolicySource,
  RoleRecord,
  UserRecord,
} from '../ports';
import { LineMap, type Range } from '../types';

/** A policy document found in a snapshot, for file-level checks (policy-parse-error once per document). */
export interface SnapshotDocument {
  kind: 'trust' | 'identity';
  /** The role ARN (trust policies, inline role policies), user/group name or managed policy ARN it belongs to. */
  owner: string;
  source: PolicySource;
}

export interface ParsedSnapshot {
  file: string;
  accounts: string[];
  roles: RoleRecord[];
  users: UserRecord[];
  /** Instance profiles, from each role's `InstanceProfileList` (the shape has no list of its own). */
  instanceProfiles?: InstanceProfileRecord[];
  documents: SnapshotDocument[];
  /** Entries skipped as malformed (wrong types); the rest of the file is still used. */
  problems: string[];
}

// Maps an offset in a PolicySource's (decoded) text to an offset in its snapshot file.
const fileOffsets = new WeakMap<PolicySource, (offset: number) => number>();
// Attached managed policies a snapshot names but does not contain, per role/user record.
const missingPolicies = new WeakMap<RoleRecord | UserRecord, string[]>();

// Other readers' maps from a range of a PolicySource's text to the file it is written in (IaC templates).
const rangeMaps = new WeakMap<PolicySource, (range: Range) => Range | null>();

/** Managed policy ARNs attached to a role or user whose documents the snapshot lacks (its permissions are then incomplete). */
export function unresolvedPolicies(record: RoleRecord | UserRecord): string[] {
  return missingPolicies.get(record) ?? [];
}

/** Gives a changed copy of a role or user record the same unknown attached policies as its original. */
export function carryUnresolved<T extends RoleRecord | UserRecord>(original: RoleRecord | UserRecord, copy: T): T {
  const missing = missingPolicies.get(original);
  if (missing) missingPolicies.set(copy, missing);
  return copy;
}

/** Records policies of a role or user that another reader (IaC) could not read: its permissions are then incomplete. */
export function markIncomplete(record: RoleRecord | UserRecord, names: string[]): void {
  if (names.length) missingPolicies.set(record, [...(missingPolicies.get(record) ?? []), ...names]);
}

/** Registers how ranges of a PolicySource's text map into the file it is written in (for readers other than snapshots). */
export function setRangeMap(source: PolicySource, map: (range: Range) => Range | null): void {
  rangeMaps.set(source, map);
}

/** Where a range of a policy document's text lies in the snapshot (or template) file it came from (null if unknown). */
export function rangeInFile(source: PolicySource, range: Range): Range | null {
  const mapped = rangeMaps.get(source);
  if (mapped) return mapped(range) ?? source.origin.range ?? null;
  const map = fileOffsets.get(source);
  if (map) return { start: map(range.start), end: Math.max(map(range.start), map(range.end)) };
  return source.origin.range ?? null;
}

function isObject(node: JsonNode | null | undefined): node is Extract<JsonNode, { type: 'object' }> {
  return !!node && node.type === 'object';
}

function str(node: JsonNode | null | undefined, key: string): string | null {
  const p = property(node, key);
  return p?.value?.type === 'string' ? p.value.value : null;
}

function items(node: JsonNode | null | undefined, key: string): JsonNode[] {
  const p = property(node, key);
  return p?.value?.type === 'array' ? p.value.items : [];
}

/** Builds a PolicySource for a document node (an object, or a JSON/URL-encoded string), recording positions. */
function documentSource(file: string, text: string, node: JsonNode, name: string): PolicySource {
  const range = { start: node.offset, end: node.offset + node.length };
  const origin: IamOrigin = { kind: 'snapshot', file, range };
  if (node.type === 'string') {
    const raw = text.slice(node.offset + 1, node.offset + node.length - 1);
    const plainLiteral = !raw.includes('\\');
    const literalStart = node.offset + 1;
    let docText = node.value;
    let map: (offset: number) => number = (o) => (plainLiteral ? literalStart + o : node.offset);
    if (looksUrlEncoded(node.value)) {
      const decoded = percentDecode(node.value);
      if (decoded) {
        docText = decoded.text;
        const m = decoded.map;
        map = (o) => (plainLiteral ? literalStart + m[Math.max(0, Math.min(o, m.length - 1))] : node.offset);
      }
    }
    const source: PolicySource = { name, text: docText, origin };
    fileOffsets.set(source, map);
    return source;
  }
  const source: PolicySource = { name, text: text.slice(node.offset, node.offset + node.length), origin };
  fileOffsets.set(source, (o) => node.offset + o);
  return source;
}

function tagsOf(node: JsonNode): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of items(node, 'Tags')) {
    const key = str(t, 'Key');
    if (key !== null) tags[key] = str(t, 'Value') ?? '';
  }
  return tags;
}

/**
 * Parses a snapshot file. A file that is not JSON gives `error` (the CLI exits 2 on it); entries of the
 * wrong shape are skipped with a problem each. Never throws.
 */
export function parseSnapshot(
  file: string,
  text: string,
): { snapshot: ParsedSnapshot; error: null } | { snapshot: null; error: string } {
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const { root, errors } = parseJsonTree(body);
  if (errors.length > 0 || !root) {
    const e = errors[0] ?? { message: 'empty file', offset: 0 };
    const pos = new LineMap(body).position(e.offset);
    return {
      snapshot: null,
      error: `${file}:${pos.line}:${pos.column}: not a JSON IAM snapshot (${e.message}); expected the output of \`aws iam get-account-authorization-details\``,
    };
  }
  if (
    !isObject(root) ||
    (!property(root, 'RoleDetailList') && !property(root, 'UserDetailList') && !property(root, 'Policies'))
  ) {
    return {
      snapshot: null,
      error: `${file}: not an IAM snapshot: expected an object with RoleDetailList/UserDetailList/Policies (the output of \`aws iam get-account-authorization-details\`)`,
    };
  }
  const problems: string[] = [];
  const documents: SnapshotDocument[] = [];
  const accounts = new Set<string>();
  const declared = str(root, 'AccountId');
  if (declared && isAccountId(declared)) accounts.add(declared);

  // Managed policies: the default version's document, by ARN.
  const managed = new Map<string, PolicySource>();
  for (const p of items(root, 'Policies')) {
    const arn = str(p, 'Arn');
    if (!arn) {
      problems.push('a Policies entry has no Arn (skipped)');
      continue;
    }
    const defaultId = str(p, 'DefaultVersionId');
    const versions = items(p, 'PolicyVersionList');
    const version =
      versions.find((v) =>
        defaultId
          ? str(v, 'VersionId') === defaultId
          : property(v, 'IsDefaultVersion')?.value?.type === 'boolean' &&
            nodeValue(property(v, 'IsDefaultVersion')?.value ?? null) === true,
      ) ?? versions.find((v) => nodeValue(property(v, 'IsDefaultVersion')?.value ?? null) === true);
    const doc = property(version, 'Document')?.value;
    if (!doc) {
      problems.push(`managed policy ${arn} has no default version document (skipped)`);
      continue;
    }
    const source = documentSource(file, body, doc, arn);
    managed.set(arn, source);
    documents.push({ kind: 'identity', owner: arn, source });
  }
  let missing: string[] = [];
  const attached = (node: JsonNode, owner: string): PolicySource[] => {
    const out: PolicySource[] = [];
    for (const a of items(node, 'AttachedManagedPolicies')) {
      const arn = str(a, 'PolicyArn');
      const source = arn ? managed.get(arn) : undefined;
      if (source) out.push(source);
      else if (arn) {
        missing.push(arn);
        problems.push(
          `${owner}: attached policy ${arn} is not in the snapshot's Policies (its permissions are not known)`,
        );
      }
    }
    return out;
  };
  const inline = (node: JsonNode, listKey: string, owner: string): PolicySource[] => {
    const out: PolicySource[] = [];
    for (const p of items(node, listKey)) {
      const doc = property(p, 'PolicyDocument')?.value;
      if (!doc) continue;
      const source = documentSource(file, body, doc, str(p, 'PolicyName') ?? 'inline policy');
      documents.push({ kind: 'identity', owner, source });
      out.push(source);
    }
    return out;
  };

  const groups = new Map<string, PolicySource[]>();
  const groupMissing = new Map<string, string[]>();
  for (const g of items(root, 'GroupDetailList')) {
    const name = str(g, 'GroupName');
    if (!name) continue;
    missing = [];
    groups.set(name, [...inline(g, 'GroupPolicyList', `group ${name}`), ...attached(g, `group ${name}`)]);
    groupMissing.set(name, missing);
  }

  const roles: RoleRecord[] = [];
  const profiles = new Map<string, InstanceProfileRecord>();
  for (const r of items(root, 'RoleDetailList')) {
    const arn = str(r, 'Arn');
    const parts = arn ? parseRoleArn(arn) : null;
    const trustNode = property(r, 'AssumeRolePolicyDocument')?.value;
    if (!arn || !parts) {
      problems.push(`a RoleDetailList entry has no valid Arn (${arn ?? 'missing'}); skipped`);
      continue;
    }
    accounts.add(parts.account);
    const origin: IamOrigin = { kind: 'snapshot', file, range: { start: r.offset, end: r.offset + r.length } };
    const trustPolicy: PolicySource = trustNode
      ? documentSource(file, body, trustNode, `trust policy of ${parts.name}`)
      : { name: `trust policy of ${parts.name}`, text: '', origin };
    documents.push({ kind: 'trust', owner: arn, source: trustPolicy });
    missing = [];
    const maxNode = property(r, 'MaxSessionDuration')?.value;
    const maxSessionDuration = maxNode?.type === 'number' ? maxNode.value : 3600;
    if (maxNode && maxNode.type !== 'number') problems.push(`${arn}: MaxSessionDuration is not a number; 3600 assumed`);
    const identityPolicies = [...inline(r, 'RolePolicyList', arn), ...attached(r, arn)];
    const record: RoleRecord = {
      arn,
      accountId: parts.account,
      roleName: str(r, 'RoleName') ?? parts.name,
      path: str(r, 'Path') ?? parts.path,
      ...(str(r, 'RoleId') ? { roleId: str(r, 'RoleId') as string } : {}),
      trustPolicy,
      maxSessionDuration,
      identityPolicies,
      tags: tagsOf(r),
      origin,
    };
    if (missing.length) missingPolicies.set(record, missing);
    roles.push(record);
    instanceProfilesOf(file, r, arn, profiles, problems);
  }

  const users: UserRecord[] = [];
  for (const u of items(root, 'UserDetailList')) {
    const arn = str(u, 'Arn');
    const caller = arn ? parseCaller(arn) : null;
    if (!arn || !caller || caller.kind !== 'user') {
      problems.push(`a UserDetailList entry has no valid user Arn (${arn ?? 'missing'}); skipped`);
      continue;
    }
    accounts.add(caller.account);
    missing = [];
    const policies = [...inline(u, 'UserPolicyList', arn), ...attached(u, arn)];
    for (const g of items(u, 'GroupList')) {
      if (g.type !== 'string') continue;
      const list = groups.get(g.value);
      if (list) {
        policies.push(...list);
        missing.push(...(groupMissing.get(g.value) ?? []));
      } else {
        missing.push(`group ${g.value}`);
        problems.push(`${arn}: group ${g.value} is not in the snapshot's GroupDetailList`);
      }
    }
    const userMissing = missing;
    const mfa = items(u, 'MFADevices')
      .map((d) => (d.type === 'string' ? d.value : str(d, 'SerialNumber')))
      .filter((s): s is string => !!s);
    const user: UserRecord = {
      arn,
      accountId: caller.account,
      userName: str(u, 'UserName') ?? caller.name,
      ...(str(u, 'UserId') ? { userId: str(u, 'UserId') as string } : {}),
      identityPolicies: policies,
      mfaDevices: mfa,
      tags: tagsOf(u),
      origin: { kind: 'snapshot', file, range: { start: u.offset, end: u.offset + u.length } },
    };
    if (userMissing.length) missingPolicies.set(user, userMissing);
    users.push(user);
  }
  // Managed policy ARNs name their account too (not AWS-managed ones, whose account is "aws").
  for (const arn of managed.keys()) {
    const account = accountOf(arn);
    if (account && roles.length === 0 && users.length === 0) accounts.add(account);
  }
  return {
    snapshot: {
      file,
      accounts: [...accounts],
      roles,
      users,
      instanceProfiles: [...profiles.values()],
      documents,
      problems,
    },
    error: null,
  };
}

/** Adds the instance profiles a role entry lists (with the role, and any role the profile itself lists) to `profiles`. */
function instanceProfilesOf(
  file: string,
  roleNode: JsonNode,
  roleArnText: string,
  profiles: Map<string, InstanceProfileRecord>,
  problems: string[],
): void {
  for (const p of items(roleNode, 'InstanceProfileList')) {
    const arn = str(p, 'Arn');
    const parts = arn ? splitArn(arn) : null;
    const name =
      str(p, 'InstanceProfileName') ?? (parts ? parts.resource.slice(parts.resource.lastIndexOf('/') + 1) : null);
    if (!arn || !parts || !parts.resource.startsWith('instance-profile/') || !isAccountId(parts.account) || !name) {
      problems.push(
        `${roleArnText}: an InstanceProfileList entry has no valid instance profile Arn (${arn ?? 'missing'}); skipped`,
      );
      continue;
    }
    let record = profiles.get(arn);
    if (!record) {
      const resourcePath = parts.resource.slice('instance-profile'.length);
      record = {
        arn,
        accountId: parts.account,
        name,
        path: str(p, 'Path') ?? resourcePath.slice(0, resourcePath.lastIndexOf('/') + 1),
        roleArns: [],
        origin: { kind: 'snapshot', file, range: { start: p.offset, end: p.offset + p.length } },
      };
      profiles.set(arn, record);
    }
    const listed = items(p, 'Roles')
      .map((role) => str(role, 'Arn'))
      .filter((a): a is string => !!a);
    for (const member of [roleArnText, ...listed]) if (!record.roleArns.includes(member)) record.roleArns.push(member);
  }
}

/** Next step for an account no IAM data covers (shared by readers and rules). */
export function mappingHint(account: string): string {
  return `add --iam-snapshot FILE (output of \`aws iam get-account-authorization-details\` in ${account}), or map it for --live with --account-profile ${account}=PROFILE or "accounts": {"${account}": "PROFILE"} in .rolecall.json`;
}

/** IamReader over parsed snapshot files. */
export class SnapshotIamReader implements IamReader {
  private readonly roles = new Map<string, RoleRecord[]>();
  private readonly users = new Map<string, UserRecord[]>();
  private readonly profiles = new Map<string, InstanceProfileRecord[]>();
  private readonly covered = new Set<string>();

  constructor(readonly snapshots: ParsedSnapshot[]) {
    for (const s of snapshots) {
      for (const a of s.accounts) this.covered.add(a);
      for (const r of s.roles) this.roles.set(r.accountId, [...(this.roles.get(r.accountId) ?? []), r]);
      for (const u of s.users) this.users.set(u.accountId, [...(this.users.get(u.accountId) ?? []), u]);
      for (const p of s.instanceProfiles ?? [])
        this.profiles.set(p.accountId, [...(this.profiles.get(p.accountId) ?? []), p]);
    }
  }

  coversAccount(accountId: string): boolean {
    return this.covered.has(accountId);
  }

  accounts(): string[] {
    return [...this.covered].sort();
  }

  async getRole(roleArnText: string): Promise<Lookup<RoleRecord>> {
    return this.findRole(roleArnText);
  }

  /** Synchronous lookup (snapshots need no I/O). */
  findRole(roleArnText: string): Lookup<RoleRecord> {
    const parts =
      parseRoleArn(roleArnText) ??
      (() => {
        const c = parseCaller(roleArnText);
        return c?.kind === 'assumed-role' && c.roleArn ? parseRoleArn(c.roleArn) : null;
      })();
    if (!parts)
      return {
        status: 'unavailable',
        reason: `"${roleArnText}" is not a role ARN`,
        next: 'use arn:aws:iam::ACCOUNT_ID:role/NAME',
      };
    if (!this.covered.has(parts.account))
      return {
        status: 'unavailable',
        reason: `no snapshot covers account ${parts.account}`,
        next: mappingHint(parts.account),
      };
    const list = this.roles.get(parts.account) ?? [];
    const found =
      list.find((r) => r.roleName === parts.name) ??
      list.find((r) => r.roleName.toLowerCase() === parts.name.toLowerCase());
    if (found) return { status: 'found', value: found };
    return { status: 'not-found', knownNames: list.map((r) => r.roleName) };
  }

  async getUser(userArn: string): Promise<Lookup<UserRecord>> {
    const caller = parseCaller(userArn);
    if (!caller || caller.kind !== 'user')
      return {
        status: 'unavailable',
        reason: `"${userArn}" is not a user ARN`,
        next: 'use arn:aws:iam::ACCOUNT_ID:user/NAME',
      };
    if (!this.covered.has(caller.account))
      return {
        status: 'unavailable',
        reason: `no snapshot covers account ${caller.account}`,
        next: mappingHint(caller.account),
      };
    const list = this.users.get(caller.account) ?? [];
    const found =
      list.find((u) => u.userName === caller.name) ??
      list.find((u) => u.userName.toLowerCase() === caller.name.toLowerCase());
    return found ? { status: 'found', value: found } : { status: 'not-found', knownNames: list.map((u) => u.userName) };
  }

  async getInstanceProfile(instanceProfileArn: string): Promise<Lookup<InstanceProfileRecord>> {
    return this.findInstanceProfile(instanceProfileArn);
  }

  /** Synchronous instance profile lookup, by name within the ARN's account (the path may be left out). */
  findInstanceProfile(instanceProfileArn: string): Lookup<InstanceProfileRecord> {
    const parts = splitArn(instanceProfileArn);
    if (!parts || !parts.resource.startsWith('instance-profile/') || !isAccountId(parts.account)) {
      return {
        status: 'unavailable',
        reason: `"${instanceProfileArn}" is not an instance profile ARN`,
        next: 'use arn:aws:iam::ACCOUNT_ID:instance-profile/NAME',
      };
    }
    if (!this.covered.has(parts.account))
      return {
        status: 'unavailable',
        reason: `no snapshot covers account ${parts.account}`,
        next: mappingHint(parts.account),
      };
    const name = parts.resource.slice(parts.resource.lastIndexOf('/') + 1);
    const list = this.profiles.get(parts.account) ?? [];
    const found = list.find((p) => p.name === name) ?? list.find((p) => p.name.toLowerCase() === name.toLowerCase());
    return found ? { status: 'found', value: found } : { status: 'not-found', knownNames: list.map((p) => p.name) };
  }

  async listRoles(accountId: string): Promise<Lookup<RoleRecord[]>> {
    if (!this.covered.has(accountId))
      return { status: 'unavailable', reason: `no snapshot covers account ${accountId}`, next: mappingHint(accountId) };
    return { status: 'found', value: this.roles.get(accountId) ?? [] };
  }
}
