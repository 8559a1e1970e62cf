// Findings located in infrastructure code: problems of a trust policy defined as code (at the statement in
// the template), policy documents that are not valid policy JSON, values the reader could not resolve
// (`unresolved-reference`), and — when the same role is also deployed (snapshot or live) — a trust policy
// that differs from the deployed one (`trust-policy-drift`, info).
import type { IacIamReader, IacModel } from '../iam/iac/model';
import { compilePolicy } from '../iam/evaluate';
import { rangeInFile } from '../iam/snapshot';
import type { IamReader, PolicySource, RoleRecord } from '../ports';
import { finding, type Finding } from '../types';
import { roleProblems } from './policy-findings';
import { compiledPolicy } from './trust-context';

/**
 * Findings in the templates themselves: role-level problems, invalid policy documents, unresolved values.
 * With `only` (see `referencedSources`), just the problems of those documents — a role's trust policy, a
 * policy — and the values the reader could not resolve (they are about reading the code, not about a role),
 * as a scan reports the snapshots' problems.
 */
export function iacFindings(model: IacModel, only?: ReadonlySet<PolicySource>): Finding[] {
  const out: Finding[] = [];
  for (const u of model.unresolved)
    out.push(finding('unresolved-reference', u.loc.file, { start: u.loc.start, end: u.loc.end }, u.message));
  for (const role of model.roles) {
    if (only && !only.has(role.trustPolicy)) continue;
    for (const p of roleProblems(role)) {
      const at = p.related.find((r) => r.file && r.range);
      const file = at?.file ?? role.trustPolicy.origin.file ?? role.origin.file ?? '';
      const range = at?.range ?? role.trustPolicy.origin.range ?? role.origin.range ?? { start: 0, end: 0 };
      out.push(finding(p.code, file, range, p.message, { roleArn: role.arn }));
    }
  }
  for (const doc of model.documents) {
    if (doc.kind !== 'identity') continue;
    if (only && !only.has(doc.source)) continue;
    const policy = compilePolicy(doc.source.text, 'identity', doc.source.name);
    if (policy.valid) continue;
    const e = policy.parsed.errors[0];
    const range = rangeInFile(doc.source, { start: e.offset, end: e.offset + e.length }) ??
      doc.source.origin.range ?? { start: 0, end: 0 };
    out.push(
      finding(
        'policy-parse-error',
        doc.source.origin.file ?? '',
        range,
        `Policy ${doc.source.name} of ${doc.owner} is not valid policy JSON: ${e.message}. IAM would refuse it at deploy time.`,
      ),
    );
  }
  return out;
}

/** A policy as plain JSON with keys sorted and one-element lists as their element (IAM treats them alike). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    if (items.length === 1) return items[0];
    return items.every((i) => typeof i === 'string') ? [...(items as string[])].sort() : items;
  }
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

function sameTrust(a: RoleRecord, b: RoleRecord): boolean {
  const pa = compiledPolicy(a.trustPolicy, 'trust');
  const pb = compiledPolicy(b.trustPolicy, 'trust');
  if (!pa.valid || !pb.valid) return a.trustPolicy.text.trim() === b.trustPolicy.text.trim();
  try {
    return (
      JSON.stringify(canonical(JSON.parse(pa.parsed.text))) === JSON.stringify(canonical(JSON.parse(pb.parsed.text)))
    );
  } catch {
    return false;
  }
}

function describeSource(role: RoleRecord): string {
  if (role.origin.kind === 'snapshot') return `the snapshot ${role.origin.file ?? ''}`.trim();
  return `live IAM${role.origin.profile ? ` (profile ${role.origin.profile})` : ''}`;
}

/**
 * `trust-policy-drift` for each role defined as code that the other sources also have, with a different
 * trust policy: RoleCall checks pipelines against the code's version, which is not deployed yet. With `only`,
 * just the roles whose trust policy is in it.
 */
export async function iacDriftFindings(
  reader: IacIamReader,
  base: IamReader | null = reader.base,
  only?: ReadonlySet<PolicySource>,
): Promise<Finding[]> {
  if (!base) return [];
  const out: Finding[] = [];
  for (const role of reader.model.roles) {
    if (only && !only.has(role.trustPolicy)) continue;
    if (!base.coversAccount(role.accountId)) continue;
    let deployed;
    try {
      deployed = await base.getRole(role.arn, { identityPolicies: false });
    } catch {
      continue;
    }
    if (deployed.status !== 'found' || sameTrust(role, deployed.value)) continue;
    const origin = role.trustPolicy.origin;
    out.push(
      finding(
        'trust-policy-drift',
        origin.file ?? role.origin.file ?? '',
        origin.range ?? role.origin.range ?? { start: 0, end: 0 },
        `The trust policy of ${role.roleName} defined here differs from the deployed one (${describeSource(deployed.value)}). Pipelines are checked against this version; until it is deployed they get the deployed one — rolecall impact --iac shows which usages the deploy changes.`,
        { roleArn: role.arn },
      ),
    );
  }
  return out;
}
