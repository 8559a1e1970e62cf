// Our own sts:AssumeRole decision, the way IAM makes it, with a reason per statement. Written from the AWS
// policy-evaluation documentation (no code copied). Policies are compiled once (compilePolicy) and then
// evaluated many times; results are three-valued inside so the pipeline checks can say "unknown" for keys
// they cannot know, while `rolecall explain` (which knows its whole request) always gets allow or deny.
import { parseCaller, parseRoleArn, splitArn, type Caller } from './arn';
import {
  compileCondition,
  F,
  T,
  U,
  wildcardRegex,
  type CompiledCondition,
  type ConditionContext,
  type Tri,
} from './conditions';
import {
  parsePolicy,
  type ConditionClause,
  type ParsedPolicy,
  type PolicyKind,
  type PolicyStatement,
  type PrincipalEntry,
} from './policy';

export type ContextValue = string | string[];
/** Request context keys (any case) → value(s). */
export type RequestContext = Record<string, ContextValue>;

export type ReasonSource = 'trust-policy' | 'identity-policy';

/** One line of the explanation, exactly the `rolecall explain` JSON shape. */
export interface Reason {
  source: ReasonSource;
  statement: string;
  effect: 'Allow' | 'Deny';
  matched: boolean;
  detail: string;
}

/** How each statement fared, for the rules that need more than allow/deny. */
export interface StatementTrace {
  source: ReasonSource;
  /** Policy name (identity policies), or "trust policy". */
  policy: string;
  statement: PolicyStatement;
  action: boolean;
  /** Principal match (trust policies; identity statements are always T). */
  principal: Tri;
  /** How the principal matched: a specific ARN/unique id, the account, or "*". */
  via: 'principal' | 'account' | 'wildcard' | null;
  resource: Tri;
  conditions: Array<{ clause: ConditionClause; result: Tri }>;
  result: Tri;
}

export type DenyKind =
  | 'root-caller'
  | 'invalid-trust-policy'
  | 'trust-explicit-deny'
  | 'identity-explicit-deny'
  | 'no-trust-allow'
  | 'identity-not-allowed';

export interface Evaluation {
  /** `unknown` only when conditions depend on keys the caller declared unknown. */
  decision: 'allow' | 'deny' | 'unknown';
  denyKind: DenyKind | null;
  reasons: Reason[];
  trace: StatementTrace[];
  /** True when the caller's identity policies had to allow sts:AssumeRole (cross-account or account principal). */
  identityRequired: boolean;
}

interface CompiledStatement {
  statement: PolicyStatement;
  action: boolean;
  conditions: Array<{ clause: ConditionClause; test: CompiledCondition }>;
  resources: Array<{ re: RegExp | null; pattern: string }> | null;
  notResources: Array<{ re: RegExp | null; pattern: string }> | null;
}

/** A policy parsed and compiled for repeated evaluation of sts:AssumeRole. */
export interface CompiledPolicy {
  name: string;
  kind: PolicyKind;
  parsed: ParsedPolicy;
  /** False when IAM would refuse the document (parse or grammar errors). */
  valid: boolean;
  /**
   * A trust policy that parses but that IAM refuses as a role trust policy: NotPrincipal (with either effect),
   * or a principal value IAM rejects (a wildcard inside an ARN, `arn:aws:iam:::root`, ...). Such a document is
   * decided `deny` with this reason. Null when there is none (and always for identity policies).
   */
  refusal?: { statement: PolicyStatement; effect: 'Allow' | 'Deny'; detail: string } | null;
  statements: CompiledStatement[];
}

const ACTION = 'sts:assumerole';

function actionMatches(patterns: string[]): boolean {
  return patterns.some((p) => p === '*' || wildcardRegex(p.toLowerCase()).test(ACTION));
}

function compileResources(list: string[] | null): Array<{ re: RegExp | null; pattern: string }> | null {
  if (!list) return null;
  return list.map((pattern) => ({ pattern, re: pattern.includes('${') ? null : wildcardRegex(pattern) }));
}

/** Parses (when needed) and compiles a policy for sts:AssumeRole evaluation. */
export function compilePolicy(
  input: unknown,
  kind: PolicyKind,
  name = kind === 'trust' ? 'trust policy' : 'identity policy',
): CompiledPolicy {
  const parsed = isParsed(input) ? input : parsePolicy(input, kind);
  const variables = parsed.policy?.version === '2012-10-17';
  const statements = (parsed.policy?.statements ?? []).map((statement) => ({
    statement,
    action: statement.action
      ? actionMatches(statement.action)
      : statement.notAction
        ? !actionMatches(statement.notAction)
        : false,
    conditions: statement.conditions.map((clause) => ({ clause, test: compileCondition(clause, variables) })),
    resources: compileResources(statement.resource),
    notResources: compileResources(statement.notResource),
  }));
  const valid = parsed.policy !== null && parsed.errors.length === 0;
  return {
    name,
    kind,
    parsed,
    valid,
    refusal: valid && kind === 'trust' ? trustRefusal(parsed.policy?.statements ?? []) : null,
    statements,
  };
}

/**
 * Why IAM refuses a (well-formed) trust policy, or null. AWS: "You cannot use the NotPrincipal element in an IAM
 * identity-based policy nor in an IAM role trust policy" (policy elements: NotPrincipal), and "You cannot use a
 * wildcard to match part of a principal name or ARN" (policy elements: Principal); a principal that is not a
 * valid AWS account, user, role, session, service or provider makes IAM answer "Invalid principal in policy".
 */
function trustRefusal(statements: PolicyStatement[]): CompiledPolicy['refusal'] {
  for (const st of statements) {
    if (st.notPrincipal) {
      return {
        statement: st,
        effect: st.effect,
        detail: `NotPrincipal (here with "Effect": "${st.effect}") cannot be used in a role trust policy; IAM refuses the policy, so nobody can assume the role through it — name the principals in Principal (and narrow with an aws:PrincipalArn condition) instead`,
      };
    }
  }
  for (const st of statements) {
    const bad = (st.principal ?? []).find((p) => p.kind === 'invalid');
    if (bad) {
      return {
        statement: st,
        effect: st.effect,
        detail: `invalid principal ${JSON.stringify(bad.value)}: ${bad.problem ?? 'IAM rejects it'}; IAM refuses a trust policy with an invalid principal ("Invalid principal in policy"), so this document grants nothing — fix the principal`,
      };
    }
  }
  return null;
}

function isParsed(x: unknown): x is ParsedPolicy {
  return typeof x === 'object' && x !== null && 'errors' in x && 'toSource' in x && 'text' in x;
}

export interface EvaluationInput {
  trustPolicy: CompiledPolicy;
  roleArn: string;
  /** The caller's ARN; null when unknown (principal checks become "unknown"). */
  principal: string | null;
  /** The caller's identity policies; null = not known, assumed to allow (say why in `identityNote`). */
  identityPolicies: CompiledPolicy[] | null;
  identityNote?: string;
  context: RequestContext;
  /** Lower-cased keys whose values cannot be known: conditions on them are "unknown", not false. */
  unknownKeys?: (lowerKey: string) => boolean;
  /**
   * Default true: STS refuses AssumeRole with root user credentials (AWS, "Comparing the AWS STS API operations":
   * AssumeRole is called by an IAM user or a role session, not the root user), so an `:root` caller is denied
   * whatever the policies say. False reads an `:root` caller as "some principal of that account" (kept for
   * questions about an account as a whole).
   */
  rootUserCannotAssume?: boolean;
  /** The caller's unique id (AROA…/AIDA…), when known, for trust policies that name it. */
  callerUniqueId?: string;
  /** Fill aws:PrincipalArn, aws:PrincipalAccount, aws:username, aws:PrincipalType from the principal (default true). */
  deriveContext?: boolean;
}

const callerCache = new Map<string, (Caller & { derived?: Record<string, string> }) | null>();
function cachedCaller(arn: string): (Caller & { derived?: Record<string, string> }) | null {
  let c = callerCache.get(arn);
  if (c === undefined) {
    c = parseCaller(arn);
    if (c) c.derived = derivedContext(c);
    if (callerCache.size > 1000) callerCache.clear();
    callerCache.set(arn, c);
  }
  return c;
}

const PRINCIPAL_TYPE: Record<string, string> = {
  user: 'User',
  role: 'AssumedRole',
  'assumed-role': 'AssumedRole',
  root: 'Account',
  'federated-user': 'FederatedUser',
};

/** The context keys IAM derives from the caller (used when the request does not give them). */
export function derivedContext(caller: Caller): Record<string, string> {
  const out: Record<string, string> = {
    'aws:principalarn': caller.roleArn ?? caller.arn,
    'aws:principalaccount': caller.account,
    'aws:principaltype': PRINCIPAL_TYPE[caller.kind],
  };
  if (caller.kind === 'user') out['aws:username'] = caller.name;
  return out;
}

const never = () => false;

const accountCache = new Map<string, string>();
function cacheAccount(roleArn: string): string {
  const account = splitArn(roleArn)?.account ?? '';
  if (accountCache.size > 1000) accountCache.clear();
  accountCache.set(roleArn, account);
  return account;
}

function buildContext(
  input: EvaluationInput,
  caller: (Caller & { derived?: Record<string, string> }) | null,
): ConditionContext {
  const values = new Map<string, string[]>();
  for (const key in input.context) {
    const v = input.context[key];
    values.set(key.toLowerCase(), Array.isArray(v) ? v : [v]);
  }
  let guessed: Set<string> | undefined;
  if (caller && input.deriveContext !== false) {
    const derived = caller.derived ?? derivedContext(caller);
    for (const key in derived) {
      if (values.has(key)) continue;
      values.set(key, [derived[key]]);
      (guessed ??= new Set()).add(key);
    }
  }
  return { values, isUnknown: input.unknownKeys ?? never, derived: guessed };
}

function principalEntryMatch(
  entry: PrincipalEntry,
  caller: Caller | null,
  ctx: ConditionContext,
  uniqueId: string | undefined,
): Tri {
  if (entry.kind === 'wildcard') return T;
  if (
    entry.kind === 'service' ||
    entry.kind === 'federated' ||
    entry.kind === 'canonical-user' ||
    entry.kind === 'invalid'
  )
    return F;
  if (!caller) return U;
  switch (entry.kind) {
    case 'account-root':
    case 'account-id':
      return caller.account === entry.account &&
        (entry.kind === 'account-id' || arnPartition(entry.value) === caller.partition)
        ? T
        : F;
    case 'role': {
      // A role principal names the role (IAM stores its unique id), so it matches the role's sessions. Role names
      // are unique in an account whatever their path, and the ARN (path included) must be the role's own.
      if (
        (caller.kind !== 'role' && caller.kind !== 'assumed-role') ||
        caller.account !== entry.account ||
        caller.name !== entry.name
      )
        return F;
      if (arnPartition(entry.value) !== caller.partition) return F;
      const path = rolePathOf(caller, ctx);
      // A session ARN drops the role's path; without aws:PrincipalArn the path is not known — the name decides.
      return path === null || path === entry.path ? T : F;
    }
    case 'user':
      // The whole user ARN, path included; the user name part is case-sensitive (AWS: Principal, IAM user principals).
      return caller.kind === 'user' && caller.arn === entry.value ? T : F;
    case 'assumed-role':
    case 'federated-user':
      return caller.arn === entry.value ? T : F;
    case 'unique-id': {
      if (uniqueId) return uniqueId === entry.value ? T : F;
      if (ctx.isUnknown('aws:userid')) return U;
      const ids = ctx.values.get('aws:userid');
      if (!ids) return F;
      return ids.some((id) => id === entry.value || id.startsWith(`${entry.value}:`)) ? T : F;
    }
    default:
      return F;
  }
}

function arnPartition(arn: string): string | null {
  return splitArn(arn)?.partition ?? null;
}

/** The caller's role path when known: from a role ARN caller, else from aws:PrincipalArn in the request. */
function rolePathOf(caller: Caller, ctx: ConditionContext): string | null {
  if (caller.rolePathKnown && caller.roleArn) return parseRoleArn(caller.roleArn)?.path ?? null;
  // A derived aws:PrincipalArn of a session assumes the path "/": only a given one tells the path.
  const given = ctx.derived?.has('aws:principalarn') ? undefined : ctx.values.get('aws:principalarn');
  if (given && given.length === 1) {
    const role = parseRoleArn(given[0]);
    if (role && role.name === caller.name && role.account === caller.account) return role.path;
  }
  return null;
}

function principalMatch(
  entries: PrincipalEntry[],
  caller: Caller | null,
  ctx: ConditionContext,
  uniqueId?: string,
): { result: Tri; via: StatementTrace['via'] } {
  let result: Tri = F;
  let via: StatementTrace['via'] = null;
  for (const entry of entries) {
    const r = principalEntryMatch(entry, caller, ctx, uniqueId);
    if (r === T) {
      const kind =
        entry.kind === 'wildcard'
          ? 'wildcard'
          : entry.kind === 'account-root' || entry.kind === 'account-id'
            ? 'account'
            : 'principal';
      // A specific principal is the strongest grant (same account: no identity policy needed).
      if (via === null || kind === 'principal' || (kind === 'wildcard' && via === 'account')) via = kind;
      result = T;
    } else if (r === U && result !== T) result = U;
  }
  return { result, via };
}

function resourceMatch(list: Array<{ re: RegExp | null; pattern: string }>, arn: string, ctx: ConditionContext): Tri {
  let unknown = false;
  for (const r of list) {
    if (r.re) {
      if (r.re.test(arn)) return T;
      continue;
    }
    // Policy variables in Resource: substitute, then match as a wildcard pattern.
    let missing = false;
    const text = r.pattern.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
      const k = inner.trim();
      if (k === '*' || k === '?' || k === '$') return k;
      if (ctx.isUnknown(k.toLowerCase())) unknown = true;
      const v = ctx.values.get(k.toLowerCase());
      if (!v || v.length !== 1) missing = true;
      return v?.[0] ?? '';
    });
    if (!missing && wildcardRegex(text).test(arn)) return T;
  }
  return unknown ? U : F;
}

function and(a: Tri, b: Tri): Tri {
  if (a === F || b === F) return F;
  if (a === U || b === U) return U;
  return T;
}

function evaluateStatement(
  cs: CompiledStatement,
  source: ReasonSource,
  policy: string,
  caller: Caller | null,
  roleArn: string,
  ctx: ConditionContext,
  uniqueId?: string,
): StatementTrace {
  const st = cs.statement;
  let principal: Tri = T;
  let via: StatementTrace['via'] = null;
  if (source === 'trust-policy') {
    if (st.principal) ({ result: principal, via } = principalMatch(st.principal, caller, ctx, uniqueId));
    else if (st.notPrincipal) {
      const m = principalMatch(st.notPrincipal, caller, ctx, uniqueId).result;
      principal = m === T ? F : m === F ? T : U;
      via = 'wildcard';
    } else principal = F;
  }
  let resource: Tri = T;
  if (source === 'identity-policy') {
    if (cs.resources) resource = resourceMatch(cs.resources, roleArn, ctx);
    else if (cs.notResources) {
      const m = resourceMatch(cs.notResources, roleArn, ctx);
      resource = m === T ? F : m === F ? T : U;
    } else resource = F;
  }
  const conditions: StatementTrace['conditions'] = [];
  let cond: Tri = T;
  for (const c of cs.conditions) {
    const result = c.test(ctx);
    conditions.push({ clause: c.clause, result });
    cond = and(cond, result);
  }
  const result = cs.action ? and(and(principal, resource), cond) : F;
  return { source, policy, statement: st, action: cs.action, principal, via, resource, conditions, result };
}

/** Evaluates `sts:AssumeRole` of `roleArn` by `principal` against the trust and identity policies. */
export function evaluateAssumeRole(input: EvaluationInput): Evaluation {
  const trust = input.trustPolicy;
  const caller = input.principal ? cachedCaller(input.principal) : null;
  const ctx = buildContext(input, caller);
  // Reason texts are built only when someone reads them: the rules and the bench rarely do.
  const pending: Array<Reason | StatementTrace> = [];
  const trace: StatementTrace[] = [];
  const result = (decision: Evaluation['decision'], denyKind: DenyKind | null, identityRequired: boolean): Evaluation =>
    new LazyEvaluation(decision, denyKind, trace, identityRequired, pending, caller, input.roleArn, ctx);
  const reasons = pending;

  if (!trust.valid) {
    const first = trust.parsed.errors[0];
    reasons.push({
      source: 'trust-policy',
      statement: '-',
      effect: 'Deny',
      matched: false,
      detail: `the trust policy is not a valid policy document${first ? ` (${first.message} at offset ${first.offset})` : ''}; IAM would refuse it`,
    });
    return result('deny', 'invalid-trust-policy', false);
  }
  if (caller?.kind === 'root' && input.rootUserCannotAssume !== false) {
    reasons.push({
      source: 'trust-policy',
      statement: '-',
      effect: 'Deny',
      matched: false,
      detail: `${caller.arn} is the account root user: STS refuses AssumeRole with root user credentials ("Roles may not be assumed by root accounts"); call it as an IAM user or role of account ${caller.account}`,
    });
    return result('deny', 'root-caller', false);
  }
  if (trust.refusal) {
    reasons.push({
      source: 'trust-policy',
      statement: trust.refusal.statement.label,
      effect: trust.refusal.effect,
      matched: false,
      detail: trust.refusal.detail,
    });
    return result('deny', 'invalid-trust-policy', false);
  }

  const roleAccount = accountCache.get(input.roleArn) ?? cacheAccount(input.roleArn);
  let trustDeny: Tri = F;
  let trustAllow: Tri = F;
  let allowViaPrincipal = false;
  for (const cs of trust.statements) {
    const t = evaluateStatement(cs, 'trust-policy', trust.name, caller, input.roleArn, ctx, input.callerUniqueId);
    trace.push(t);
    reasons.push(t);
    if (cs.statement.effect === 'Deny')
      trustDeny = t.result === T ? T : trustDeny === T ? T : t.result === U ? U : trustDeny;
    else if (t.result === T) {
      trustAllow = T;
      if (t.via === 'principal' || t.via === 'wildcard') allowViaPrincipal = true;
    } else if (t.result === U && trustAllow !== T) trustAllow = U;
  }

  const crossAccount = caller !== null && caller.account !== roleAccount;
  const identityRequired = caller !== null && (crossAccount || (trustAllow === T && !allowViaPrincipal));
  let identityDeny: Tri = F;
  let identityAllow: Tri = F;
  if (input.identityPolicies === null) {
    identityAllow = T;
    reasons.push({
      source: 'identity-policy',
      statement: '-',
      effect: 'Allow',
      matched: true,
      detail:
        input.identityNote ??
        "the caller's identity policies are not known; assumed to allow sts:AssumeRole on the role",
    });
  } else {
    for (const policy of input.identityPolicies) {
      if (!policy.valid) {
        reasons.push({
          source: 'identity-policy',
          statement: '-',
          effect: 'Allow',
          matched: false,
          detail: `identity policy ${policy.name} is not valid policy JSON; IAM would not have accepted it, so it grants nothing`,
        });
        continue;
      }
      for (const cs of policy.statements) {
        const t = evaluateStatement(cs, 'identity-policy', policy.name, caller, input.roleArn, ctx);
        trace.push(t);
        reasons.push(t);
        if (cs.statement.effect === 'Deny')
          identityDeny = t.result === T ? T : identityDeny === T ? T : t.result === U ? U : identityDeny;
        else if (t.result === T) identityAllow = T;
        else if (t.result === U && identityAllow !== T) identityAllow = U;
      }
    }
    if (identityRequired && identityAllow === F) {
      reasons.push({
        source: 'identity-policy',
        statement: '-',
        effect: 'Allow',
        matched: false,
        detail: `no identity policy of the caller allows sts:AssumeRole on ${input.roleArn}; ${crossAccount ? "a cross-account call needs both the trust policy and the caller's own policy" : "the trust policy names only the account, which delegates to the caller's own policies"}`,
      });
    }
  }

  let decision: Evaluation['decision'];
  let denyKind: DenyKind | null = null;
  if (trustDeny === T) {
    decision = 'deny';
    denyKind = 'trust-explicit-deny';
  } else if (identityDeny === T) {
    decision = 'deny';
    denyKind = 'identity-explicit-deny';
  } else if (trustAllow === F) {
    decision = 'deny';
    denyKind = 'no-trust-allow';
  } else if (identityRequired && identityAllow === F) {
    decision = 'deny';
    denyKind = 'identity-not-allowed';
  } else if (trustAllow === U || trustDeny === U || identityDeny === U || (identityRequired && identityAllow === U)) {
    decision = 'unknown';
  } else decision = 'allow';
  return result(decision, denyKind, identityRequired);
}

/** Convenience for one-off checks (the explain command): compiles then evaluates. */
export function explainAssumeRole(args: {
  trustPolicy: unknown;
  roleArn: string;
  principal: string;
  identityPolicies?: Array<{ name: string; document: unknown }>;
  context?: RequestContext;
}): Evaluation {
  return evaluateAssumeRole({
    trustPolicy: compilePolicy(args.trustPolicy, 'trust'),
    roleArn: args.roleArn,
    principal: args.principal,
    identityPolicies:
      args.identityPolicies && args.identityPolicies.length > 0
        ? args.identityPolicies.map((p) => compilePolicy(p.document, 'identity', p.name))
        : null,
    identityNote:
      "no identity policy given; the caller's identity policies are assumed to allow sts:AssumeRole on the role",
    context: args.context ?? {},
  });
}

class LazyEvaluation implements Evaluation {
  private built: Reason[] | null = null;
  constructor(
    readonly decision: Evaluation['decision'],
    readonly denyKind: DenyKind | null,
    readonly trace: StatementTrace[],
    readonly identityRequired: boolean,
    private readonly pending: Array<Reason | StatementTrace>,
    private readonly caller: Caller | null,
    private readonly roleArn: string,
    private readonly ctx: ConditionContext,
  ) {}

  get reasons(): Reason[] {
    return (this.built ??= this.pending.map((r) =>
      'detail' in r ? r : traceReason(r, this.caller, this.roleArn, this.ctx),
    ));
  }

  toJSON(): { decision: Evaluation['decision']; reasons: Reason[] } {
    return { decision: this.decision, reasons: this.reasons };
  }
}

function traceReason(t: StatementTrace, caller: Caller | null, roleArn: string, ctx: ConditionContext): Reason {
  const detail = describe(t, caller, roleArn, ctx);
  return {
    source: t.source,
    statement: t.statement.label,
    effect: t.statement.effect,
    matched: t.result === T,
    detail: t.source === 'trust-policy' ? detail : `policy ${t.policy}: ${detail}`,
  };
}

const SECRET_KEYS = new Set(['sts:externalid']);

/** Describes a condition's values without printing secrets (ExternalIds are never shown). */
export function describeClause(clause: ConditionClause): string {
  const values = SECRET_KEYS.has(clause.key.toLowerCase())
    ? '(value not shown)'
    : clause.values.length === 0
      ? '[] (empty list)'
      : clause.values.map((v) => JSON.stringify(v)).join(' or ');
  return `${clause.operator} ${clause.key} ${values}`;
}

function describe(t: StatementTrace, caller: Caller | null, roleArn: string, ctx: ConditionContext): string {
  const st = t.statement;
  const parts: string[] = [];
  if (!t.action) parts.push(`${st.action ? 'Action' : 'NotAction'} does not cover sts:AssumeRole`);
  if (t.source === 'trust-policy') {
    const entries = st.principal ?? st.notPrincipal ?? [];
    const list = entries.map((e) => (e.kind === 'wildcard' ? '*' : `${e.type} ${e.value}`)).join(', ') || 'none';
    const label = st.notPrincipal ? 'NotPrincipal' : 'Principal';
    const who = caller ? caller.arn : 'the caller';
    if (st.notPrincipal)
      parts.push(
        t.principal === T
          ? `NotPrincipal (${list}) does not list ${who}, so the statement applies`
          : t.principal === F
            ? `NotPrincipal (${list}) lists ${who}, so the statement does not apply`
            : `NotPrincipal (${list}) may or may not list the unknown caller`,
      );
    else if (t.principal === T)
      parts.push(
        `${label} (${list}) matches ${who}${t.via === 'account' ? ` through its account (which delegates to the caller's identity policies)` : ''}`,
      );
    else if (t.principal === U) parts.push(`${label} (${list}) may or may not match the unknown caller`);
    else parts.push(`${label} (${list}) does not match ${who}`);
    const invalid = entries.filter((e) => e.problem);
    for (const e of invalid) parts.push(`invalid principal: ${e.problem}`);
  } else if (t.resource !== T) {
    parts.push(`Resource does not cover ${roleArn}`);
  } else if (t.action) {
    parts.push(`Action covers sts:AssumeRole and Resource covers ${roleArn}`);
  }
  for (const c of t.conditions) {
    const key = c.clause.key.toLowerCase();
    const absent = !ctx.isUnknown(key) && !ctx.values.get(key)?.length;
    const missingVars = c.result === F ? unresolvedVariables(c.clause, ctx) : [];
    const why = absent
      ? ` (${c.clause.key} is not in the request)`
      : missingVars.length > 0
        ? ` (${missingVars.map((v) => `\${${v}}`).join(', ')} has no value in this request, and a variable without a value matches nothing — the condition fails, negated or not)`
        : '';
    const verdict = c.result === T ? 'satisfied' : c.result === F ? `not satisfied${why}` : 'not known';
    parts.push(`condition ${describeClause(c.clause)}: ${verdict}`);
  }
  return parts.join('; ');
}

/** The policy variables of a clause (without a default) whose key the request does not carry. */
function unresolvedVariables(clause: ConditionClause, ctx: ConditionContext): string[] {
  const out = new Set<string>();
  for (const v of clause.values) {
    for (const m of v.matchAll(/\$\{([^}]*)\}/g)) {
      const inner = m[1].trim();
      if (inner === '*' || inner === '?' || inner === '$' || inner.includes(',')) continue;
      const key = inner.toLowerCase();
      if (!ctx.isUnknown(key) && ctx.values.get(key)?.length !== 1) out.add(inner);
    }
  }
  return [...out];
}
