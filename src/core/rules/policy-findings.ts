// Role-level findings: problems of a trust policy itself (not of one call) — policy-parse-error,
// invalid-principal, unsatisfiable-condition. They are reported at each usage of the role, and
// snapshotFindings reports parse errors once per document at the snapshot file itself.
import { cidrMatcher, isNegatedOperator, parseDate } from '../iam/conditions';
import { compilePolicy } from '../iam/evaluate';
import type { ConditionClause, PolicyStatement } from '../iam/policy';
import { rangeInFile, type ParsedSnapshot, SnapshotIamReader } from '../iam/snapshot';
import { CompositeIamReader } from '../iam/composite';
import { parseCaller } from '../iam/arn';
import type { IamReader, PolicySource, RoleRecord } from '../ports';
import { finding, LineMap, type Finding, type FindingCode, type RelatedInfo, type Usage } from '../types';
import { compiledPolicy, statementName, statementRelated, textRelated } from './trust-context';

/** A role-level problem, before it is placed at a usage. */
export interface RoleProblem {
  code: Extract<FindingCode, 'policy-parse-error' | 'invalid-principal' | 'unsatisfiable-condition'>;
  message: string;
  related: RelatedInfo[];
}

/** Why a statement's conditions can never all hold, or null (cheap checks only). */
export function unsatisfiableReason(statement: PolicyStatement): string | null {
  const byKey = new Map<string, ConditionClause[]>();
  for (const c of statement.conditions) {
    const positive = !isNegatedOperator(c.baseOperator) && c.baseOperator !== 'Null';
    if (positive && c.values.length === 0 && !c.ifExists && c.setOperator !== 'ForAllValues') {
      return `${c.operator} on ${c.key} has an empty list of values, so it never matches`;
    }
    if (positive && !c.ifExists && c.setOperator !== 'ForAllValues' && c.values.length > 0) {
      const kind = malformedFor(c.baseOperator, c.values);
      if (kind)
        return `${c.operator} on ${c.key} compares with ${c.values.map((v) => JSON.stringify(v)).join(', ')}, which ${c.values.length > 1 ? 'are' : 'is'} no ${kind}, so it never matches`;
    }
    const key = c.key.toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  for (const clauses of byKey.values()) {
    const nullTrue = clauses.find(
      (c) => c.baseOperator === 'Null' && c.values.length > 0 && c.values.every((v) => v.toLowerCase() === 'true'),
    );
    const needsPresent = clauses.find(
      (c) =>
        c.baseOperator !== 'Null' &&
        !isNegatedOperator(c.baseOperator) &&
        !c.ifExists &&
        c.setOperator !== 'ForAllValues',
    );
    if (nullTrue && needsPresent)
      return `Null requires ${nullTrue.key} to be absent while ${needsPresent.operator} requires it to be present`;
    for (const eq of clauses.filter((c) => c.operator === 'StringEquals')) {
      for (const ne of clauses.filter((c) => c.operator === 'StringNotEquals')) {
        if (eq.values.length > 0 && eq.values.every((v) => ne.values.includes(v)))
          return `StringEquals and StringNotEquals on ${eq.key} exclude each other (every allowed value is also forbidden)`;
      }
    }
    const bools = clauses.filter((c) => c.operator === 'Bool' && c.values.length > 0);
    if (bools.length === 2) {
      const a = new Set(bools[0].values.map((v) => v.toLowerCase()));
      if (!bools[1].values.some((v) => a.has(v.toLowerCase())))
        return `two Bool conditions on ${bools[0].key} require different values`;
    }
  }
  return null;
}

/** The kind of value an operator compares when every policy value is malformed for it (never matches), else null. */
function malformedFor(base: string, values: string[]): string | null {
  const all = (ok: (v: string) => boolean) => values.every((v) => v.includes('${') || !ok(v));
  if (base === 'Bool')
    return all((v) => v.toLowerCase() === 'true' || v.toLowerCase() === 'false') ? 'boolean (true or false)' : null;
  if (base.startsWith('Numeric'))
    return all((v) => /^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) ? 'number' : null;
  if (base.startsWith('Date'))
    return all((v) => !Number.isNaN(parseDate(v))) ? 'date (W3C ISO 8601 with a time zone, or epoch seconds)' : null;
  if (base === 'IpAddress') return all((v) => cidrMatcher(v) !== null) ? 'IP address or CIDR block' : null;
  return null;
}

const roleProblemsCache = new WeakMap<RoleRecord, RoleProblem[]>();

/** The role-level problems of a role's trust policy (computed once per role). */
export function roleProblems(role: RoleRecord): RoleProblem[] {
  const cached = roleProblemsCache.get(role);
  if (cached) return cached;
  const out: RoleProblem[] = [];
  const policy = compiledPolicy(role.trustPolicy, 'trust');
  const parsed = policy.parsed;
  if (!policy.valid) {
    const lines = new LineMap(parsed.text);
    for (const e of parsed.errors.slice(0, 3)) {
      const pos = lines.position(e.offset);
      out.push({
        code: 'policy-parse-error',
        message: `The trust policy of ${role.roleName} is not valid policy JSON: ${e.message} (line ${pos.line}, column ${pos.column} of the document). IAM refuses such a policy, so nobody can assume the role through it — fix the document${role.trustPolicy.origin.file ? ` in ${role.trustPolicy.origin.file}` : ''}.`,
        related: [textRelated(role, role.trustPolicy, { start: e.offset, end: e.offset + e.length }, e.message)],
      });
    }
  }
  for (const st of parsed.policy?.statements ?? []) {
    if (st.notPrincipal && policy.valid) {
      // AWS, policy elements: NotPrincipal — not allowed in a role trust policy, with either effect.
      out.push({
        code: 'invalid-principal',
        message: `Trust policy of ${role.roleName}, ${statementName(st)}: NotPrincipal (with "Effect": "${st.effect}") cannot be used in a role trust policy; IAM refuses the document, so nobody can assume the role through it. Name the principals in Principal, and narrow with an aws:PrincipalArn condition (ArnNotEquals) instead of NotPrincipal.`,
        related: [statementRelated(role, st, `${statementName(st)} uses NotPrincipal`)],
      });
    }
    for (const p of [...(st.principal ?? []), ...(st.notPrincipal ?? [])]) {
      if (p.kind === 'unique-id') {
        // IAM shows a unique id in place of an ARN once the principal it named is deleted: a recreated
        // role or user of the same name does not match it.
        out.push({
          code: 'invalid-principal',
          message: `Trust policy of ${role.roleName}, ${statementName(st)}: principal ${p.value} is a unique id — IAM writes one when the role or user the policy named was deleted, and a recreated principal of the same name does not match it. Put the principal's ARN back into the trust policy.`,
          related: [textRelated(role, role.trustPolicy, p.range, `principal ${p.value}`)],
        });
        continue;
      }
      if (p.kind !== 'invalid') continue;
      out.push({
        code: 'invalid-principal',
        message: `Trust policy of ${role.roleName}, ${statementName(st)}: invalid principal — ${p.problem}. IAM refuses a trust policy with an invalid principal ("Invalid principal in policy"), so nothing in this document lets anyone in until it is fixed.`,
        related: [textRelated(role, role.trustPolicy, p.range, `principal ${p.value}`)],
      });
    }
    if (st.effect === 'Allow') {
      const why = unsatisfiableReason(st);
      if (why) {
        out.push({
          code: 'unsatisfiable-condition',
          message: `Trust policy of ${role.roleName}, ${statementName(st)}: no request can satisfy it — ${why}. Fill in the values the condition should allow, or remove the condition.`,
          related: [statementRelated(role, st, `${statementName(st)} of the trust policy`)],
        });
      }
    }
  }
  roleProblemsCache.set(role, out);
  return out;
}

/** The role-level problems placed at a usage of the role. */
export function roleLevelFindings(usage: Usage, role: RoleRecord): Finding[] {
  return roleProblems(role).map((p) =>
    finding(p.code, usage.file, usage.anchor, p.message, { roleArn: role.arn, related: p.related }),
  );
}

function snapshotsOf(source: IamReader | ParsedSnapshot[]): ParsedSnapshot[] {
  if (Array.isArray(source)) return source;
  if (source instanceof SnapshotIamReader) return source.snapshots;
  if (source instanceof CompositeIamReader) return source.readerList.flatMap((r) => snapshotsOf(r));
  return [];
}

/**
 * The policy documents the given usages depend on: each target role's trust policy and own policies, each
 * caller's identity policies. A scan reports snapshot-level problems only for these: a broken policy of a
 * role no scanned usage refers to says nothing about the scanned pipelines (`rolecall snapshot --check`).
 */
export async function referencedSources(iam: IamReader, usages: readonly Usage[]): Promise<Set<PolicySource>> {
  const out = new Set<PolicySource>();
  const seen = new Set<string>();
  const add = (record: { identityPolicies: PolicySource[]; trustPolicy?: PolicySource }) => {
    if (record.trustPolicy) out.add(record.trustPolicy);
    for (const p of record.identityPolicies) out.add(p);
  };
  for (const usage of usages) {
    // Every caller a label may pick is checked (caller-choices), so each one's policies count.
    for (const arn of [usage.roleArn, usage.caller, ...(usage.callerChoices ?? []).map((c) => c.caller)]) {
      if (!arn || seen.has(arn)) continue;
      seen.add(arn);
      const caller = parseCaller(arn);
      try {
        const lookup =
          caller?.kind === 'user'
            ? await iam.getUser(arn)
            : await iam.getRole(caller?.kind === 'assumed-role' && caller.roleArn ? caller.roleArn : arn);
        if (lookup.status === 'found') add(lookup.value);
      } catch {
        // A reader that fails here failed for the usage too, which then has its own iam-unavailable.
      }
    }
  }
  return out;
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: string[]): string {
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * File-level findings for snapshot files: each policy document that is not valid policy JSON, once, at
 * the snapshot file (`file` = the snapshot path, `range` = the error's offsets in that file). With `only`,
 * just the documents in that set (see referencedSources).
 */
export function snapshotFindings(source: IamReader | ParsedSnapshot[], only?: ReadonlySet<PolicySource>): Finding[] {
  const out: Finding[] = [];
  for (const snap of snapshotsOf(source)) {
    for (const doc of snap.documents) {
      if (doc.kind === 'trust' && doc.source.text === '') continue;
      if (only && !only.has(doc.source)) continue;
      const policy =
        doc.kind === 'trust'
          ? compiledPolicy(doc.source, 'trust')
          : compilePolicy(doc.source.text, 'identity', doc.source.name);
      if (policy.valid) continue;
      const e = policy.parsed.errors[0];
      const range = rangeInFile(doc.source, { start: e.offset, end: e.offset + e.length }) ?? { start: 0, end: 0 };
      // A managed policy (the snapshot's Policies): the roles that attach it get its problem as their own.
      const attachers =
        doc.kind === 'identity' && /^arn:[^:]+:iam::[^:]*:policy\//.test(doc.owner)
          ? snap.roles.filter((r) => r.identityPolicies.includes(doc.source))
          : null;
      const attached =
        attachers === null
          ? ''
          : attachers.length === 0
            ? ', attached to no role of this snapshot,'
            : `, attached to role${attachers.length > 1 ? 's' : ''} ${listed(attachers.map((r) => r.roleName))},`;
      const what =
        doc.kind === 'trust'
          ? `trust policy of ${doc.owner}`
          : `policy ${doc.source.name}${doc.owner !== doc.source.name ? ` (${doc.owner})` : ''}${attached}`;
      const more =
        policy.parsed.errors.length > 1
          ? ` (${policy.parsed.errors.length - 1} more problem${policy.parsed.errors.length > 2 ? 's' : ''} in this document)`
          : '';
      const roleArn = /^arn:[^:]+:iam::\d{12}:role\//.test(doc.owner) ? doc.owner : null;
      const f = finding(
        'policy-parse-error',
        snap.file,
        range,
        `The ${what} is not valid policy JSON: ${e.message}${more}. IAM would refuse this document; fix it where it is maintained and re-export the snapshot.`,
        {
          roleArn,
          ...(attachers && attachers.length > 0
            ? {
                related: attachers.map((r) => ({
                  message: `${r.roleName} attaches ${doc.source.name}`,
                  roleArn: r.arn,
                  ...(r.origin.kind === 'snapshot' ? { file: r.origin.file, range: r.origin.range } : {}),
                })),
              }
            : {}),
        },
      );
      out.push(attachers ? { ...f, attachedTo: attachers.map((r) => r.arn) } : f);
    }
  }
  return out;
}

/**
 * Every problem of the IAM data itself, whoever uses it (`rolecall snapshot --check`): the documents that
 * are not valid policy JSON, and each role's trust-policy problems (invalid-principal,
 * unsatisfiable-condition) placed at the statement in the snapshot file.
 */
export function snapshotCheckFindings(snapshots: ParsedSnapshot[]): Finding[] {
  const out = snapshotFindings(snapshots);
  for (const snap of snapshots) {
    for (const role of snap.roles) {
      for (const p of roleProblems(role)) {
        if (p.code === 'policy-parse-error') continue; // once per document, above
        const at = p.related.find((r) => r.file === snap.file && r.range)?.range ??
          role.origin.range ?? { start: 0, end: 0 };
        out.push(finding(p.code, snap.file, at, p.message, { roleArn: role.arn, related: p.related }));
      }
    }
  }
  return out;
}
