// The trust rule families, run per usage when IAM data is available: role lookup (role-not-found,
// iam-unavailable), role-level problems of the trust policy, duration limits, and the sts:AssumeRole
// decision explained as external-id-*, mfa-required or trust-principal-mismatch.
import { accountOf, parseCaller } from '../iam/arn';
import type { IamReader, RoleRecord } from '../ports';
import { callerOf } from '../pipeline/callers';
import { finding, usesStaticKeys, type AnalysisContext, type Finding, type Usage } from '../types';
import { durationMaxRule } from './duration-max';
import { externalIdUnused } from './external-id';
import { roleLevelFindings } from './policy-findings';
import { callerIdentity, evaluateUsage, trustFindings, type CallerIdentity } from './principal';
import { accountNotCovered, lookupUnavailable, roleNotFound } from './role-lookup';
import { compiledPolicy } from './trust-context';
import { perCallerChoiceAsync } from './caller-choices';

export { snapshotFindings } from './policy-findings';
export { roleChainingRule } from './duration-max';

/** Checks of a usage against the role's trust policy and the caller's permissions. Never throws. */
export async function iamRules(
  usage: Usage,
  iam: IamReader,
  ctx: AnalysisContext,
  now: Date = new Date(),
): Promise<Finding[]> {
  try {
    return await perCallerChoiceAsync(usage, (u) => trustChecks(u, iam, ctx, now));
  } catch (e) {
    // A bug of ours must not sink the file's other findings, nor pass as "trust ok".
    const message = e instanceof Error ? e.message : String(e);
    return [
      finding(
        'iam-unavailable',
        usage.file,
        usage.anchor,
        `The trust of ${usage.roleArn ?? usage.role ?? 'this role'} could not be checked (internal error: ${message.split('\n')[0]}); please report it.`,
        { roleArn: usage.roleArn },
      ),
    ];
  }
}

async function trustChecks(usage: Usage, iam: IamReader, ctx: AnalysisContext, now: Date): Promise<Finding[]> {
  // role-chaining-duration needs no IAM data: analyzeText runs it for every scan.
  const out: Finding[] = [];
  // GetSessionToken and static keys assume no role: no trust policy decides them.
  if (usage.kind === 'sh-get-session-token' || usesStaticKeys(usage) || !usage.roleArn) return out;
  const roleArn = usage.roleArn;
  // A role given as an assumed-role ARN by mistake still names its role.
  const target = parseCaller(roleArn)?.kind === 'assumed-role' ? (parseCaller(roleArn)?.roleArn ?? roleArn) : roleArn;
  const account = accountOf(target);
  if (!account) return out;
  if (!iam.coversAccount(account)) return [...out, ...accountNotCovered(usage, target, account, iam)];
  let lookup;
  try {
    lookup = await iam.getRole(target, { identityPolicies: false });
  } catch (e) {
    lookup = {
      status: 'unavailable' as const,
      reason: e instanceof Error ? e.message : String(e),
      next: 'check the IAM data source and run the scan again',
    };
  }
  if (lookup.status === 'unavailable') return [...out, ...lookupUnavailable(usage, target, lookup)];
  if (lookup.status === 'not-found') return [...out, ...roleNotFound(usage, target, lookup)];
  const role = lookup.value;
  out.push(...roleLevelFindings(usage, role));
  out.push(...durationMaxRule(usage, role));
  const trust = compiledPolicy(role.trustPolicy, 'trust');
  if (!trust.valid) return out;
  out.push(...externalIdUnused(usage, role, trust));
  let identity: CallerIdentity;
  try {
    identity = await callerIdentity(usage, iam);
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    identity = {
      caller: usage.caller ? parseCaller(usage.caller) : null,
      record: null,
      policies: null,
      note: `the caller's identity policies could not be read (${reason})`,
      unavailable: { reason, next: 'check the IAM data source and run the scan again' },
    };
  }
  const evaluation = evaluateUsage(usage, role, identity, now);
  if (
    identity.unavailable &&
    !(evaluation.decision === 'deny' && evaluation.denyKind !== null && CALLER_INDEPENDENT.has(evaluation.denyKind))
  ) {
    // The decision depends on what could not be read: say so, never assume the caller's policies allow.
    out.push(callerUnavailable(usage, role.arn, identity));
    return out;
  }
  const found = trustFindings(usage, role, identity, evaluation, ctx, now);
  // The caller is a pipeline-side change too: withAWS runs as the controller, or as the agent with useNode.
  if (
    found.length === 1 &&
    found[0].code === 'trust-principal-mismatch' &&
    (evaluation.denyKind === 'no-trust-allow' || evaluation.denyKind === 'identity-not-allowed')
  ) {
    const other = await otherCaller(usage, role, iam, ctx, now);
    if (other)
      found[0] = {
        ...found[0],
        message: `${found[0].message.replace(/\.$/, '')}; or, from the pipeline's side: ${other}.`,
      };
  }
  out.push(...found);
  return role.origin.kind === 'iac' ? out.map((f) => namingTemplate(f, role)) : out;
}

const TRUST_CODES = new Set([
  'trust-principal-mismatch',
  'external-id-missing',
  'external-id-mismatch',
  'external-id-unused',
  'mfa-required',
  'duration-exceeds-max',
]);

/** A trust finding about a role defined as code names the template line it checked against. */
function namingTemplate(f: Finding, role: RoleRecord): Finding {
  if (!TRUST_CODES.has(f.code)) return f;
  const origin = f.code === 'duration-exceeds-max' ? role.origin : role.trustPolicy.origin;
  if (!origin.file) return f;
  const what = f.code === 'duration-exceeds-max' ? 'role' : 'trust policy';
  return {
    ...f,
    message: `${f.message} (${what} defined as code at ${origin.file}${origin.line ? `:${origin.line}` : ''})`,
  };
}

// Refusals that hold whatever the caller's own policies and record say.
const CALLER_INDEPENDENT = new Set<string>(['invalid-trust-policy', 'root-caller', 'trust-explicit-deny']);

/** iam-unavailable when the caller's side could not be read (its identity policies, groups, the role it runs as). */
function callerUnavailable(usage: Usage, roleArn: string, identity: CallerIdentity): Finding {
  const who = identity.caller?.arn ?? usage.caller ?? 'the caller';
  const { reason, next } = identity.unavailable ?? { reason: 'unknown', next: 'run the scan again' };
  return finding(
    'iam-unavailable',
    usage.file,
    usage.anchor,
    `Could not read the identity policies of the caller ${who}: ${reason}. Whether it may assume ${roleArn} was not checked — ${next}.`,
    { roleArn },
  );
}

/** The caller withAWS would have with `useNode` flipped, when that caller gets in: how to say so, else null. */
async function otherCaller(
  usage: Usage,
  role: RoleRecord,
  iam: IamReader,
  ctx: AnalysisContext,
  now: Date,
): Promise<string | null> {
  if (usage.kind !== 'withAWS' || !usage.caller) return null;
  const useNode = /useNode: true/.test(usage.callerOrigin ?? '');
  const alt = callerOf(
    {
      kind: 'withAWS',
      agent: { label: usage.agentLabel, declaration: null },
      useNode: !useNode,
      credentialsId: usage.credentialsId,
    },
    ctx,
  );
  if (!alt.caller || alt.caller === usage.caller) return null;
  const changed: Usage = { ...usage, caller: alt.caller, callerOrigin: alt.origin };
  let identity;
  try {
    identity = await callerIdentity(changed, iam);
  } catch {
    return null;
  }
  if (identity.unavailable) return null;
  if (evaluateUsage(changed, role, identity, now).decision === 'deny') return null;
  return useNode
    ? `without useNode: true, withAWS calls STS as the Jenkins controller's ${alt.caller}, which ${role.roleName} lets in`
    : `add useNode: true to the withAWS call — it then calls STS as ${alt.caller} (${alt.origin ?? 'the agent'}), which ${role.roleName} lets in`;
}
