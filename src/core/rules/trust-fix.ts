// The smallest change on the pipeline's side that turns a refused sts:AssumeRole into an allow: the call is
// evaluated again with each candidate change (pass MFA, pass an ExternalId the trust policy accepts, use a role
// session name it accepts), one change at a time, then pairs, then all three. The rules report the finding of
// the change that works (mfa-required, external-id-*, or a trust-principal-mismatch naming the session name),
// so a finding names its fix instead of a bare "the trust policy does not let you in".
// Candidate values come from the trust policy's own conditions; they are used for checking only and never
// printed (ExternalIds are secrets).
import type { Evaluation } from '../iam/evaluate';
import type { ConditionClause } from '../iam/policy';
import type { RoleRecord } from '../ports';
import type { Usage } from '../types';
import type { Caller } from '../iam/arn';
import { compiledPolicy } from './trust-context';

export type FixPart = 'mfa' | 'external-id' | 'session-name';

export interface PipelineFix {
  /** The changes, in the order mfa, external-id, session-name. */
  parts: FixPart[];
  /** The evaluation of the changed call (allow, or unknown when the rest depends on what the analysis cannot see). */
  evaluation: Evaluation;
  /** The session name that works, when the fix changes it (session names are not secrets). */
  sessionName: string | null;
}

type Evaluate = (changed: Usage) => Evaluation;

const MAX_EVALUATIONS = 64;

function clausesOn(role: RoleRecord, key: string): ConditionClause[] {
  const trust = compiledPolicy(role.trustPolicy, 'trust');
  const out: ConditionClause[] = [];
  for (const s of trust.statements)
    for (const c of s.statement.conditions) if (c.key.toLowerCase() === key) out.push(c);
  return out;
}

/** A concrete value a policy value names: wildcards filled in, variables resolved where known. */
function concrete(value: string, vars: Record<string, string>): string | null {
  const resolved = value.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
    const k = inner.trim();
    if (k === '*' || k === '?' || k === '$') return k;
    const d = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(k);
    const name = (d ? d[1] : k).trim().toLowerCase();
    return vars[name] ?? (d ? d[2] : '\u0000');
  });
  if (resolved.includes('\u0000')) return null;
  return resolved.replace(/[*?]/g, 'x');
}

function candidates(role: RoleRecord, key: string, vars: Record<string, string>, extra: string[]): string[] {
  const out = new Set<string>();
  for (const c of clausesOn(role, key)) {
    // Values of negated operators count too: a Deny "StringNotEquals sts:ExternalId X" is escaped by passing X.
    if (c.baseOperator.startsWith('String')) {
      for (const v of c.values) {
        const x = concrete(v, vars);
        if (x) out.add(x);
      }
    }
  }
  for (const e of extra) out.add(e);
  return [...out];
}

function withExternalId(usage: Usage, value: string): Usage {
  const origin = usage.externalId.resolved?.origin ?? {
    source: 'credential' as const,
    reference: null,
    description: 'a candidate ExternalId',
  };
  return { ...usage, externalId: { present: true, resolved: { value, raw: null, origin, secret: true } } };
}

/**
 * The smallest set of pipeline-side changes that makes the call pass, or null when none does (the role's owner
 * must change the trust policy, or the caller must change). `evaluate` evaluates a changed copy of the usage.
 */
export function smallestFix(
  usage: Usage,
  role: RoleRecord,
  caller: Caller | null,
  evaluate: Evaluate,
): PipelineFix | null {
  const vars: Record<string, string> = {};
  if (caller?.kind === 'user') vars['aws:username'] = caller.name;
  const options = new Map<FixPart, Array<{ apply: (u: Usage) => Usage; sessionName?: string }>>();
  if (!usage.mfa) options.set('mfa', [{ apply: (u) => ({ ...u, mfa: true }) }]);
  // An ExternalId the analysis could not resolve already makes the decision "unknown", never "deny".
  const ext = usage.externalId;
  if (!ext.present || ext.resolved?.value != null) {
    const values = candidates(role, 'sts:externalid', vars, ['rolecall-candidate-external-id']).filter(
      (v) => v !== ext.resolved?.value,
    );
    if (values.length > 0)
      options.set(
        'external-id',
        values.map((v) => ({ apply: (u: Usage) => withExternalId(u, v) })),
      );
  }
  if (usage.kind !== 'vault' && clausesOn(role, 'sts:rolesessionname').length > 0) {
    const names = candidates(role, 'sts:rolesessionname', vars, caller?.kind === 'user' ? [caller.name] : []).filter(
      (n) => n !== usage.roleSessionName && /^[\w+=,.@-]{2,64}$/.test(n),
    );
    if (names.length > 0)
      options.set(
        'session-name',
        names.map((n) => ({ apply: (u: Usage) => ({ ...u, roleSessionName: n }), sessionName: n })),
      );
  }
  const parts = [...options.keys()];
  const subsets: FixPart[][] = [];
  for (let size = 1; size <= parts.length; size++) {
    const pick = (from: number, chosen: FixPart[]) => {
      if (chosen.length === size) {
        subsets.push(chosen);
        return;
      }
      for (let i = from; i < parts.length; i++) pick(i + 1, [...chosen, parts[i]]);
    };
    pick(0, []);
  }
  let budget = MAX_EVALUATIONS;
  for (const subset of subsets) {
    // Every combination of the candidate values of the chosen parts.
    let combos: Array<{ usage: Usage; sessionName: string | null }> = [{ usage, sessionName: null }];
    for (const part of subset) {
      const next: typeof combos = [];
      for (const c of combos)
        for (const o of options.get(part) ?? [])
          next.push({ usage: o.apply(c.usage), sessionName: o.sessionName ?? c.sessionName });
      combos = next;
    }
    for (const c of combos) {
      if (budget-- <= 0) return null;
      const evaluation = evaluate(c.usage);
      if (evaluation.decision !== 'deny') return { parts: subset, evaluation, sessionName: c.sessionName };
    }
  }
  return null;
}
