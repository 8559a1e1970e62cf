// The trust decision for one call: evaluate sts:AssumeRole as IAM would, then explain a refusal with the most
// specific code — external-id-*, mfa-required, or trust-principal-mismatch (naming the statement and the fix).
import { parseCaller, type Caller } from '../iam/arn';
import { F, T } from '../iam/conditions';
import {
  describeClause,
  evaluateAssumeRole,
  type CompiledPolicy,
  type Evaluation,
  type StatementTrace,
} from '../iam/evaluate';
import type { IamReader, RoleRecord, UserRecord } from '../ports';
import { finding, type AnalysisContext, type Finding, type Usage } from '../types';
import { unresolvedPolicies } from '../iam/snapshot';
import { credentialInfo } from '../config';
import { externalIdMismatch, externalIdMissing, isExternalIdKey } from './external-id';
import { isMfaKey, mfaRequired } from './mfa';
import { callContext, compiledPolicy, statementName, statementRelated } from './trust-context';
import { smallestFix, type PipelineFix } from './trust-fix';

/** The caller's identity: its record and compiled identity policies, or why they are unknown. */
export interface CallerIdentity {
  caller: Caller | null;
  record: RoleRecord | UserRecord | null;
  policies: CompiledPolicy[] | null;
  note: string;
  /** Set when reading the caller's identity failed (denied, throttled, network): nothing may be assumed then. */
  unavailable?: { reason: string; next: string };
}

/** Looks up the caller's identity policies when its account is covered; otherwise says they are assumed. */
export async function callerIdentity(usage: Usage, iam: IamReader): Promise<CallerIdentity> {
  const caller = usage.caller ? parseCaller(usage.caller) : null;
  if (!caller)
    return {
      caller: null,
      record: null,
      policies: null,
      note: usage.caller
        ? `the caller ${usage.caller} is not a user, role or role-session ARN`
        : 'the caller is not known',
    };
  if (caller.kind === 'root')
    return { caller, record: null, policies: null, note: 'the account root user cannot call AssumeRole' };
  if (!iam.coversAccount(caller.account)) {
    return {
      caller,
      record: null,
      policies: null,
      note: `no IAM data covers the caller's account ${caller.account}, so its identity policies are assumed to allow sts:AssumeRole`,
    };
  }
  const lookup =
    caller.kind === 'user' ? await iam.getUser(caller.arn) : caller.roleArn ? await iam.getRole(caller.roleArn) : null;
  if (!lookup)
    return {
      caller,
      record: null,
      policies: null,
      note: `the identity policies of ${caller.arn} are not known; assumed to allow sts:AssumeRole`,
    };
  if (lookup.status === 'found') {
    const record = lookup.value;
    const missing = unresolvedPolicies(record);
    if (missing.length > 0) {
      // Part of the caller's permissions is unknown: do not claim they lack sts:AssumeRole.
      return {
        caller,
        record,
        policies: null,
        note: `the IAM data lacks ${missing.join(', ')} attached to ${caller.arn}, so its identity policies are assumed to allow sts:AssumeRole`,
      };
    }
    return { caller, record, policies: record.identityPolicies.map((p) => compiledPolicy(p, 'identity')), note: '' };
  }
  if (lookup.status === 'not-found') {
    return {
      caller,
      record: null,
      policies: null,
      note: `the caller ${caller.arn} is not in the IAM data of account ${caller.account}, so its identity policies are assumed to allow sts:AssumeRole`,
    };
  }
  return {
    caller,
    record: null,
    policies: null,
    note: `the caller's identity policies could not be read (${lookup.reason})`,
    unavailable: { reason: lookup.reason, next: lookup.next },
  };
}

/** Evaluates a usage against the role's trust policy and the caller's identity policies. */
export function evaluateUsage(usage: Usage, role: RoleRecord, identity: CallerIdentity, now: Date): Evaluation {
  const call = callContext(usage, identity.caller, identity.record, now);
  return evaluateAssumeRole({
    trustPolicy: compiledPolicy(role.trustPolicy, 'trust'),
    roleArn: role.arn,
    principal: identity.caller ? identity.caller.arn : null,
    identityPolicies: identity.policies,
    identityNote: identity.note,
    context: call.context,
    unknownKeys: call.unknownKeys,
    rootUserCannotAssume: true,
    ...(call.callerUniqueId ? { callerUniqueId: call.callerUniqueId } : {}),
  });
}

function failed(t: StatementTrace) {
  return t.conditions.filter((c) => c.result === F);
}

function mismatch(usage: Usage, role: RoleRecord, message: string, statementTrace: StatementTrace | null): Finding {
  return finding('trust-principal-mismatch', usage.file, usage.anchor, message, {
    roleArn: role.arn,
    // Only trust statements are passed here: the caller's policies belong to another principal's record.
    related: statementTrace
      ? [
          statementRelated(
            role,
            statementTrace.statement,
            `${statementName(statementTrace.statement)} of the trust policy`,
          ),
        ]
      : [statementRelated(role, null, `trust policy of ${role.roleName}`)],
  });
}

function principalsOf(trace: StatementTrace[]): string {
  const names = new Set<string>();
  for (const t of trace) {
    if (t.source !== 'trust-policy' || t.statement.effect !== 'Allow') continue;
    for (const p of t.statement.principal ?? []) names.add(p.kind === 'wildcard' ? '*' : p.value);
  }
  return [...names].join(', ') || 'none';
}

/** Findings that explain a refused (or impossible) sts:AssumeRole; none when allowed or unknown. */
export function trustFindings(
  usage: Usage,
  role: RoleRecord,
  identity: CallerIdentity,
  evaluation: Evaluation,
  ctx: Pick<AnalysisContext, 'config' | 'agents'>,
  now: Date = new Date(),
): Finding[] {
  if (evaluation.decision !== 'deny') return [];
  const caller = identity.caller;
  const who = caller ? caller.arn : 'the caller';
  const trace = evaluation.trace;
  // A refusal the pipeline itself can lift (MFA, an ExternalId, a session name) is reported as that fix.
  if (
    evaluation.denyKind === 'no-trust-allow' ||
    evaluation.denyKind === 'trust-explicit-deny' ||
    evaluation.denyKind === 'identity-explicit-deny'
  ) {
    const fix = smallestFix(usage, role, caller, (changed) => evaluateUsage(changed, role, identity, now));
    if (fix) return fixFindings(usage, role, identity, evaluation, fix, ctx);
  }
  switch (evaluation.denyKind) {
    case 'invalid-trust-policy': {
      // Parse errors are reported as policy-parse-error; only the NotPrincipal case is left here.
      if (!compiledPolicy(role.trustPolicy, 'trust').valid) return [];
      const reason = evaluation.reasons[0];
      return [
        mismatch(usage, role, `The trust policy of ${role.roleName} cannot let anyone in: ${reason.detail}.`, null),
      ];
    }
    case 'root-caller':
      return [
        mismatch(
          usage,
          role,
          `${who} is the account root user, and STS refuses AssumeRole with root user credentials ("Roles may not be assumed by root accounts") — give the pipeline an IAM user or role of account ${caller?.account} instead, whatever the trust policy of ${role.roleName} says.`,
          null,
        ),
      ];
    case 'trust-explicit-deny': {
      const t =
        trace.find((x) => x.source === 'trust-policy' && x.statement.effect === 'Deny' && x.result === T) ?? null;
      return [
        mismatch(
          usage,
          role,
          `The trust policy of ${role.roleName} explicitly denies ${who} (${t ? statementName(t.statement) : 'a Deny statement'}); an explicit Deny wins over every Allow — narrow that Deny statement or call from another principal.`,
          t,
        ),
      ];
    }
    case 'identity-explicit-deny': {
      const t =
        trace.find((x) => x.source === 'identity-policy' && x.statement.effect === 'Deny' && x.result === T) ?? null;
      return [
        mismatch(
          usage,
          role,
          `The identity policy ${t?.policy ?? ''} of ${who} explicitly denies sts:AssumeRole on ${role.arn} (${t ? statementName(t.statement) : 'a Deny statement'}); remove or narrow that Deny.`,
          null,
        ),
      ];
    }
    case 'identity-not-allowed': {
      const via =
        trace.find((x) => x.source === 'trust-policy' && x.statement.effect === 'Allow' && x.result === T) ?? null;
      const how =
        via?.via === 'account'
          ? `names only the account ${caller?.account} (${statementName(via.statement)}), which delegates the decision to the caller's own policies`
          : `allows ${who}${via ? ` (${statementName(via.statement)})` : ''}, but the call is cross-account, so the caller's own policies must allow it too`;
      return [
        mismatch(
          usage,
          role,
          `The trust policy of ${role.roleName} ${how}, and no identity policy of ${who} allows sts:AssumeRole on ${role.arn} — add a statement {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "${role.arn}"} to the caller's policy.`,
          via,
        ),
      ];
    }
    case 'no-trust-allow':
      break;
    default:
      return [];
  }
  const allows = trace.filter((t) => t.source === 'trust-policy' && t.statement.effect === 'Allow' && t.action);
  const candidates = allows.filter((t) => t.principal !== F);
  if (candidates.length === 0) {
    if (!caller) return [];
    const account = caller.account;
    const add = caller.kind === 'assumed-role' || caller.kind === 'role' ? (caller.roleArn ?? caller.arn) : caller.arn;
    const first = allows[0] ?? null;
    const invalid = allows.some((t) => (t.statement.principal ?? []).some((p) => p.kind === 'invalid'))
      ? ' (some principals in it are invalid and match nobody)'
      : '';
    const none =
      allows.length === 0
        ? ' has no Allow statement for sts:AssumeRole'
        : ` names only ${principalsOf(trace)}${invalid}`;
    return [
      mismatch(
        usage,
        role,
        `The trust policy of ${role.roleName}${none}, so ${who} cannot assume it — add "${add}" (or "arn:${caller.partition}:iam::${account}:root" plus an sts:AssumeRole permission in the caller's policy) to Principal.AWS of ${first ? statementName(first.statement) : 'a new Allow statement'}.`,
        first,
      ),
    ];
  }
  // Statements that would let the caller in but for conditions: which conditions block them?
  const classify = (t: StatementTrace) => {
    const f = failed(t);
    return {
      t,
      f,
      ext: f.some((c) => isExternalIdKey(c.clause.key)),
      mfa: f.some((c) => isMfaKey(c.clause.key)),
      other: f.some((c) => !isExternalIdKey(c.clause.key) && !isMfaKey(c.clause.key)),
    };
  };
  const classes = candidates.map(classify).filter((c) => c.f.length > 0);
  const extOnly = classes.find((c) => c.ext && !c.mfa && !c.other);
  const mfaOnly = classes.find((c) => c.mfa && !c.ext && !c.other);
  const both = classes.find((c) => c.mfa && c.ext && !c.other);
  const out: Finding[] = [];
  const extStatement = extOnly ?? (mfaOnly ? undefined : both);
  if (extStatement) {
    if (!usage.externalId.present) out.push(externalIdMissing(usage, role, extStatement.t.statement));
    else if (usage.externalId.resolved?.value != null)
      out.push(externalIdMismatch(usage, role, extStatement.t.statement));
  }
  const mfaStatement = extOnly ? undefined : (mfaOnly ?? both);
  if (mfaStatement) {
    const cred = credentialInfo(ctx.config, ctx.agents, usage.credentialsId);
    const known =
      usage.mfaSerial ??
      cred?.mfaSerial ??
      (identity.record && 'mfaDevices' in identity.record ? (identity.record.mfaDevices[0] ?? null) : null);
    // A virtual MFA device is usually named after its user: a better hint than a placeholder.
    const serial =
      known ?? (caller?.kind === 'user' ? `arn:${caller.partition}:iam::${caller.account}:mfa/${caller.name}` : null);
    out.push(mfaRequired(usage, role, mfaStatement.t.statement, serial));
  }
  if (extStatement || mfaStatement) return out;
  if (!caller) return [];
  const best = [...candidates].map(classify).sort((a, b) => a.f.length - b.f.length)[0];
  const conditions = best.f.map((c) => describeClause(c.clause)).join('; ') || 'its conditions';
  return [
    mismatch(
      usage,
      role,
      `The trust policy of ${role.roleName} lets ${who} in only under conditions this call does not meet: ${statementName(best.t.statement)} needs ${conditions} — change the call to meet them or relax the condition.`,
      best.t,
    ),
  ];
}

function mfaSerialHint(usage: Usage, identity: CallerIdentity, ctx: Pick<AnalysisContext, 'config'>): string | null {
  const caller = identity.caller;
  const cred = usage.credentialsId ? ctx.config.awsCredentials[usage.credentialsId] : undefined;
  const known =
    usage.mfaSerial ??
    cred?.mfaSerial ??
    (identity.record && 'mfaDevices' in identity.record ? (identity.record.mfaDevices[0] ?? null) : null);
  // A virtual MFA device is usually named after its user: a better hint than a placeholder.
  return (
    known ?? (caller?.kind === 'user' ? `arn:${caller.partition}:iam::${caller.account}:mfa/${caller.name}` : null)
  );
}

/** The statement a fix is about: the trust Allow that lets the changed call in, or the Deny it no longer meets. */
function fixStatement(before: Evaluation, after: Evaluation, isKey: (key: string) => boolean): StatementTrace | null {
  const about = (t: StatementTrace) => t.statement.conditions.some((c) => isKey(c.key));
  // The changed call may be allowed, or only "not refused" when the rest depends on what the analysis cannot see.
  const lets = (t: StatementTrace) => t.source === 'trust-policy' && t.statement.effect === 'Allow' && t.result !== F;
  // A Deny that refused the call and no longer does is what the fix is about; else the Allow that now lets it in.
  return (
    before.trace.find((t) => t.statement.effect === 'Deny' && t.result === T && about(t)) ??
    after.trace.find((t) => lets(t) && t.result === T && about(t)) ??
    after.trace.find((t) => lets(t) && about(t)) ??
    after.trace.find((t) => lets(t)) ??
    null
  );
}

/** The findings that name the smallest pipeline-side change making the call pass. */
function fixFindings(
  usage: Usage,
  role: RoleRecord,
  identity: CallerIdentity,
  before: Evaluation,
  fix: PipelineFix,
  ctx: Pick<AnalysisContext, 'config'>,
): Finding[] {
  const out: Finding[] = [];
  const trustAllow = fixStatement(before, fix.evaluation, () => false)?.statement ?? null;
  if (fix.parts.includes('external-id')) {
    const t = fixStatement(before, fix.evaluation, isExternalIdKey);
    const statement = t?.statement ?? trustAllow;
    if (statement)
      out.push(
        usage.externalId.present
          ? externalIdMismatch(usage, role, statement)
          : externalIdMissing(usage, role, statement),
      );
  }
  if (fix.parts.includes('mfa')) {
    const t = fixStatement(before, fix.evaluation, isMfaKey);
    const statement = t?.statement ?? trustAllow;
    if (statement) {
      const via =
        t && t.source === 'identity-policy'
          ? `the identity policy ${t.policy} of ${identity.caller?.arn ?? 'the caller'} denies sts:AssumeRole without MFA (${statementName(t.statement)})`
          : undefined;
      out.push(
        mfaRequired(usage, role, statement, mfaSerialHint(usage, identity, ctx), {
          denied: t?.statement.effect === 'Deny',
          via,
        }),
      );
    }
  }
  if (fix.parts.includes('session-name')) {
    const t = fixStatement(before, fix.evaluation, (k) => k.toLowerCase() === 'sts:rolesessionname');
    const needs = t
      ? t.statement.conditions
          .filter((c) => c.key.toLowerCase() === 'sts:rolesessionname')
          .map((c) => describeClause(c))
          .join('; ')
      : 'a session name condition';
    const current =
      usage.roleSessionName === null ? 'the default session name' : `roleSessionName '${usage.roleSessionName}'`;
    const others = fix.parts.length > 1 ? ' (together with the other findings at this call)' : '';
    out.push(
      mismatch(
        usage,
        role,
        `The trust policy of ${role.roleName} lets ${identity.caller?.arn ?? 'the caller'} in only with another role session name: ${t ? statementName(t.statement) : 'a statement'} needs ${needs}, and ${current} does not meet it — set roleSessionName to e.g. '${fix.sessionName}'${others}.`,
        t && t.source === 'trust-policy' ? t : null,
      ),
    );
  }
  return out;
}
