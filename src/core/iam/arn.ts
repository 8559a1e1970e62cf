// ARN parsing for the trust checks: role ARNs (with IAM paths), callers (users, roles, role sessions, roots)
// and the principal forms a policy's Principal element may hold. Pure functions, no I/O; the pipeline code
// imports these too, so they never throw on bad input.

/** Partitions a role ARN may live in (a region prefix picks one; see partitionForRegion). */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov'] as const;
export type Partition = (typeof PARTITIONS)[number];

/** The six colon-separated parts of an ARN. `resource` keeps any further colons. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

const ACCOUNT_RE = /^\d{12}$/;

/** True for a 12-digit AWS account id. */
export function isAccountId(text: string): boolean {
  return ACCOUNT_RE.test(text);
}

/** True for one of the partitions the product supports. */
export function isPartition(text: string): text is Partition {
  return (PARTITIONS as readonly string[]).includes(text);
}

/** The partition a region belongs to (`cn-*` → aws-cn, `us-gov-*` → aws-us-gov, else aws). */
export function partitionForRegion(region: string | null | undefined): Partition {
  if (!region) return 'aws';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** Splits an ARN into its parts, or null when the text is not `arn:P:S:R:A:RESOURCE`. No semantic checks. */
export function splitArn(text: string): Arn | null {
  if (!text.startsWith('arn:')) return null;
  const parts: string[] = [];
  let from = 4;
  for (let i = 0; i < 4; i++) {
    const colon = text.indexOf(':', from);
    if (colon < 0) return null;
    parts.push(text.slice(from, colon));
    from = colon + 1;
  }
  return { partition: parts[0], service: parts[1], region: parts[2], account: parts[3], resource: text.slice(from) };
}

/** Parses an ARN and checks the parts every IAM/STS ARN has: a known partition, a service, a resource. */
export function parseArn(text: string): Arn | null {
  const arn = splitArn(text);
  if (!arn || !isPartition(arn.partition) || !/^[a-z0-9-]+$/.test(arn.service) || arn.resource === '') return null;
  if (arn.account !== '' && !isAccountId(arn.account)) return null;
  return arn;
}

/** A role ARN's parts. `path` is "/" or "/a/b/". */
export interface RoleArnParts {
  partition: Partition;
  account: string;
  path: string;
  name: string;
  arn: string;
}

const ROLE_NAME_RE = /^[\w+=,.@-]{1,64}$/;
const USER_NAME_RE = /^[\w+=,.@-]{1,64}$/;

/** Parses `arn:P:iam::ACCOUNT:role[/path]/NAME`, or null when it is not a valid role ARN. */
export function parseRoleArn(text: string): RoleArnParts | null {
  const arn = parseArn(text);
  if (!arn || arn.service !== 'iam' || arn.region !== '' || !isAccountId(arn.account)) return null;
  if (!arn.resource.startsWith('role/')) return null;
  const rest = arn.resource.slice(5);
  const slash = rest.lastIndexOf('/');
  const name = rest.slice(slash + 1);
  const path = slash < 0 ? '/' : `/${rest.slice(0, slash)}/`;
  if (!ROLE_NAME_RE.test(name) || (slash >= 0 && !/^[\x21-\x7e]+$/.test(rest.slice(0, slash)))) return null;
  return { partition: arn.partition as Partition, account: arn.account, path, name, arn: text };
}

/** Builds a role ARN from its parts. */
export function roleArn(partition: string, account: string, name: string, path = '/'): string {
  return `arn:${partition}:iam::${account}:role${path}${name}`;
}

/** The kinds of caller that can call sts:AssumeRole. */
export type CallerKind = 'user' | 'role' | 'assumed-role' | 'root' | 'federated-user';

/** A principal that makes a request, parsed from its ARN. */
export interface Caller {
  arn: string;
  kind: CallerKind;
  partition: Partition;
  account: string;
  /** User name, role name, federated user name; "root" for the account. */
  name: string;
  /** For roles and role sessions: the role ARN (`aws:PrincipalArn`). Path unknown for sessions ("/"). */
  roleArn?: string;
  /** True when the role ARN's path is known (a role ARN caller) rather than assumed "/" (a session ARN). */
  rolePathKnown?: boolean;
  sessionName?: string;
}

/** Parses a caller ARN: IAM user, IAM role, STS assumed-role session, account root or federated user. */
export function parseCaller(text: string): Caller | null {
  const arn = parseArn(text);
  if (!arn || !isAccountId(arn.account) || arn.region !== '') return null;
  const partition = arn.partition as Partition;
  if (arn.service === 'iam') {
    if (arn.resource === 'root') return { arn: text, kind: 'root', partition, account: arn.account, name: 'root' };
    const role = parseRoleArn(text);
    if (role)
      return {
        arn: text,
        kind: 'role',
        partition,
        account: role.account,
        name: role.name,
        roleArn: text,
        rolePathKnown: true,
      };
    if (arn.resource.startsWith('user/')) {
      const name = arn.resource.slice(arn.resource.lastIndexOf('/') + 1);
      if (USER_NAME_RE.test(name)) return { arn: text, kind: 'user', partition, account: arn.account, name };
    }
    return null;
  }
  if (arn.service === 'sts') {
    // A session name `*` stands for any session of the role (a Jenkins EC2 agent runs as `i-*`: any instance).
    const m = /^assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@*-]{1,64})$/.exec(arn.resource);
    if (m) {
      return {
        arn: text,
        kind: 'assumed-role',
        partition,
        account: arn.account,
        name: m[1],
        roleArn: roleArn(partition, arn.account, m[1]),
        rolePathKnown: false,
        sessionName: m[2],
      };
    }
    const f = /^federated-user\/([\w+=,.@-]{2,32})$/.exec(arn.resource);
    if (f) return { arn: text, kind: 'federated-user', partition, account: arn.account, name: f[1] };
  }
  return null;
}

/** The role ARN behind an assumed-role session ARN (path unknown, so "/"), or null. */
export function roleArnOfSession(sessionArn: string): string | null {
  const caller = parseCaller(sessionArn);
  return caller && caller.kind === 'assumed-role' ? (caller.roleArn ?? null) : null;
}

/** True when the caller is itself a role session (a role or assumed-role ARN): role chaining limits apply. */
export function isRoleSession(callerArn: string | null | undefined): boolean {
  if (!callerArn) return false;
  const caller = parseCaller(callerArn);
  return caller !== null && (caller.kind === 'role' || caller.kind === 'assumed-role');
}

/** The account id of an ARN, or null. */
export function accountOf(arnText: string): string | null {
  const arn = splitArn(arnText);
  return arn && isAccountId(arn.account) ? arn.account : null;
}

/** The kinds of value a policy's Principal element may hold. */
export type PrincipalKind =
  | 'wildcard'
  | 'account-root'
  | 'account-id'
  | 'role'
  | 'user'
  | 'assumed-role'
  | 'federated-user'
  | 'unique-id'
  | 'service'
  | 'federated'
  | 'canonical-user'
  | 'invalid';

/** One principal value of a policy, classified. `problem` says why IAM would reject or never match it. */
export interface PolicyPrincipal {
  /** The Principal map key: AWS, Service, Federated, CanonicalUser, or "*" for `"Principal": "*"`. */
  type: string;
  value: string;
  kind: PrincipalKind;
  account?: string;
  /** For role principals: the role name and path. */
  name?: string;
  path?: string;
  problem?: string;
}

const SERVICE_RE = /^[a-z0-9][a-z0-9.-]*\.(amazonaws\.com(\.cn)?|amazon\.com|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;

/** Classifies one Principal value under its type key (AWS/Service/Federated/CanonicalUser). */
export function classifyPrincipal(type: string, value: string): PolicyPrincipal {
  const base = { type, value };
  if (type === '*' || (type === 'AWS' && value === '*')) return { ...base, kind: 'wildcard' };
  if (type === 'Service') {
    if (value === '*') return { ...base, kind: 'wildcard' };
    return SERVICE_RE.test(value)
      ? { ...base, kind: 'service' }
      : {
          ...base,
          kind: 'invalid',
          problem: `"${value}" is not a service principal (expected e.g. ec2.amazonaws.com)`,
        };
  }
  if (type === 'Federated') {
    if (/^(arn:[a-z-]+:iam::\d{12}:(saml-provider|oidc-provider)\/.+|[a-z0-9.-]+\.[a-z]{2,}(\/.*)?)$/i.test(value))
      return { ...base, kind: 'federated' };
    return { ...base, kind: 'invalid', problem: `"${value}" is not a SAML/OIDC provider` };
  }
  if (type === 'CanonicalUser') {
    return /^[0-9a-f]{64}$/.test(value)
      ? { ...base, kind: 'canonical-user' }
      : { ...base, kind: 'invalid', problem: `"${value}" is not a canonical user id` };
  }
  if (type !== 'AWS')
    return {
      ...base,
      kind: 'invalid',
      problem: `unknown principal type "${type}" (use AWS, Service, Federated or CanonicalUser)`,
    };
  if (isAccountId(value)) return { ...base, kind: 'account-id', account: value };
  if (/^(AROA|AIDA|AGPA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{12,}$/.test(value)) return { ...base, kind: 'unique-id' };
  if (value.includes('*') || value.includes('?')) {
    return {
      ...base,
      kind: 'invalid',
      problem: `wildcards are not allowed inside a principal ARN ("${value}"); IAM rejects it — use "*" with an aws:PrincipalArn condition`,
    };
  }
  const arn = splitArn(value);
  if (!arn) return { ...base, kind: 'invalid', problem: `"${value}" is neither an ARN nor a 12-digit account id` };
  if (!isPartition(arn.partition))
    return { ...base, kind: 'invalid', problem: `unknown partition "${arn.partition}" in "${value}"` };
  if (arn.account === '')
    return {
      ...base,
      kind: 'invalid',
      problem: `"${value}" has no account id; IAM rejects it as an invalid principal — write arn:${arn.partition}:iam::ACCOUNT_ID:root`,
    };
  if (!isAccountId(arn.account))
    return { ...base, kind: 'invalid', problem: `"${arn.account}" in "${value}" is not a 12-digit account id` };
  if (arn.region !== '')
    return { ...base, kind: 'invalid', problem: `an IAM principal ARN has no region ("${value}")` };
  const account = arn.account;
  if (arn.service === 'iam') {
    if (arn.resource === 'root') return { ...base, kind: 'account-root', account };
    const role = parseRoleArn(value);
    if (role) return { ...base, kind: 'role', account, name: role.name, path: role.path };
    if (/^user\/(.+\/)?[\w+=,.@-]{1,64}$/.test(arn.resource)) {
      return { ...base, kind: 'user', account, name: arn.resource.slice(arn.resource.lastIndexOf('/') + 1) };
    }
    return { ...base, kind: 'invalid', account, problem: `"${value}" is not a role, user or root ARN` };
  }
  if (arn.service === 'sts') {
    const session = /^assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{1,64})$/.exec(arn.resource);
    if (session) return { ...base, kind: 'assumed-role', account, name: session[1] };
    if (/^federated-user\/[\w+=,.@-]{2,32}$/.test(arn.resource)) return { ...base, kind: 'federated-user', account };
  }
  return { ...base, kind: 'invalid', account, problem: `"${value}" is not a principal IAM accepts` };
}

/** Levenshtein distance, for "did you mean" fixes (role names, account ids). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
