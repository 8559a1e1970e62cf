// What the hover, CodeLens and "Check trust" say about a usage, derived from the engine's findings.
import { explainAssumeRole, type RequestContext } from '../../core/iam/evaluate';
import type { RoleRecord } from '../../core/ports';
import { usesStaticKeys, type Finding, type FindingCode, type Usage, type UsageArg } from '../../core/types';
import { callerSourceLabel } from './callers';
import { staticKeysOf, staticKeysSentence } from './staticKeys';

/** Findings that decide whether the caller may assume the role. */
export const TRUST_CODES: ReadonlySet<FindingCode> = new Set<FindingCode>([
  'role-not-found',
  'trust-principal-mismatch',
  'external-id-missing',
  'external-id-mismatch',
  'mfa-required',
  'duration-exceeds-max',
  'duration-out-of-range',
  'role-chaining-duration',
  'invalid-session-name',
  'invalid-external-id',
  'invalid-role-arn',
  'policy-parse-error',
]);

export type Decision =
  | { kind: 'allow'; detail: string }
  | { kind: 'deny'; finding: Finding }
  | { kind: 'unknown'; detail: string }
  /** Static keys: the step assumes no role, so there is no trust decision to make. */
  | { kind: 'no-role'; detail: string };

/**
 * Findings that belong to a usage: inside its call range, and not about another role (a helper called with
 * different roles, or a loop over a list of roles, has one usage per call or element at the same step, each
 * with its own role's findings).
 */
export function findingsOf(usage: Usage, findings: Finding[]): Finding[] {
  return findings.filter(
    (f) =>
      f.file === usage.file &&
      f.range.start >= usage.range.start &&
      f.range.start < Math.max(usage.range.end, usage.range.start + 1) &&
      !aboutAnotherRole(f, usage),
  );
}

/**
 * Whether a finding at a usage's step is about another usage of that step: another role, or a malformed role
 * (`invalid-role-arn`) when this usage's role is a valid ARN (one element of a loop's list has the typo).
 */
function aboutAnotherRole(f: Finding, usage: Usage): boolean {
  if (f.roleArn && usage.roleArn && f.roleArn.toLowerCase() !== usage.roleArn.toLowerCase()) return true;
  return f.code === 'invalid-role-arn' && usage.roleArn !== null;
}

/**
 * The Role Trust Explorer's id of a usage's node: unique in the tree even when several usages share a step
 * (a helper called with different values), stable while the file's usages keep their order.
 */
export function usageNodeId(uri: string, usage: Usage, fileUsages: readonly Usage[], under?: string): string {
  let nth = 0;
  for (const u of fileUsages) {
    if (u === usage) break;
    if (u.anchor.start === usage.anchor.start) nth++;
  }
  const at = `${uri}@${usage.anchor.start}${nth > 0 ? `#${nth}` : ''}`;
  return `usage:${under !== undefined ? `statement ${under}:` : ''}${usage.roleArn ?? ''}|${at}`;
}

/** The trust decision as the engine's findings tell it: a failing check denies; no IAM data is unknown, never "ok". */
export function decide(usage: Usage, findings: Finding[], iamCovered: boolean): Decision {
  if (usesStaticKeys(usage)) return { kind: 'no-role', detail: staticKeysSentence(usage) };
  const own = findingsOf(usage, findings);
  const deny = own.find((f) => f.severity === 'error' && TRUST_CODES.has(f.code));
  if (deny) return { kind: 'deny', finding: deny };
  const unavailable = own.find((f) => f.code === 'iam-unavailable');
  if (unavailable) return { kind: 'unknown', detail: unavailable.message };
  if (!usage.roleArn && usage.kind !== 'sh-get-session-token')
    return { kind: 'unknown', detail: 'the role ARN could not be resolved' };
  if (!iamCovered)
    return { kind: 'unknown', detail: 'no IAM data covers this account (add a snapshot or enable live IAM)' };
  if (!usage.caller)
    return { kind: 'unknown', detail: 'the caller is unknown: set `rolecall.caller` or `callers` in .rolecall.json' };
  return { kind: 'allow', detail: 'the trust policy lets the caller assume the role and no check failed' };
}

/** A code span (no escapes inside one; a backtick would end it). */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function md(text: string): string {
  return text.replace(/([\\`*_{}[\]<>#|])/g, '\\$1');
}

const ARG_LABELS: Array<[UsageArg, string]> = [
  ['role', 'role'],
  ['roleAccount', 'account'],
  ['externalId', 'ExternalId'],
  ['duration', 'duration'],
  ['roleSessionName', 'session name'],
  ['mfa', 'MFA'],
  ['region', 'region'],
  ['credentials', 'credentials'],
  ['profile', 'profile'],
];

/** Markdown for the hover on a usage. Never includes a secret value (ExternalIds from credentials). */
export function hoverMarkdown(
  usage: Usage,
  findings: Finding[],
  opts: {
    iamCovered: boolean;
    maxSessionDuration: number | null;
    statementLink?: string | null;
    allowedBy?: string | null;
    callerSourceLink?: string | null;
  },
): string {
  const lines: string[] = [];
  lines.push(`**RoleCall** · \`${usage.kind}\``);
  lines.push('');
  if (usesStaticKeys(usage)) return staticKeysMarkdown(usage, findings, lines);
  lines.push(
    `- **Role:** ${usage.roleArn ? `\`${usage.roleArn}\`` : usage.kind === 'sh-get-session-token' ? '_(GetSessionToken: no role)_' : `_unresolved_ (${md(usage.role ?? 'no role given')})`}`,
  );
  lines.push(
    `- **Caller:** ${usage.caller ? `\`${usage.caller}\`` : '_unknown_'}${usage.callerOrigin ? ` — ${md(usage.callerOrigin)}` : ''}`,
  );
  if (usage.callerSource && usage.callerSource.kind !== 'none') {
    const label = md(callerSourceLabel(usage.callerSource));
    lines.push(`- **Caller from:** ${opts.callerSourceLink ? `[${label}](${opts.callerSourceLink})` : label}`);
  }
  if (usage.callerChoices && usage.callerChoices.length > 1) {
    lines.push(
      `- **Label choices:** each is checked — ${usage.callerChoices.map((c) => `\`${c.caller ?? 'unknown'}\` (${md(c.choice)})`).join('; ')}`,
    );
  }
  const decision = decide(usage, findings, opts.iamCovered);
  if (decision.kind === 'deny') {
    const stmt = decision.finding.related?.find((r) => r.statement !== undefined);
    // A deny no statement is behind (a duration above the role's maximum) names none.
    const link = !stmt?.statement
      ? ''
      : opts.statementLink
        ? ` ([statement ${md(stmt.statement)}](${opts.statementLink}))`
        : ` (statement ${md(stmt.statement)})`;
    lines.push(`- **Decision:** $(error) deny — \`${decision.finding.code}\`: ${md(decision.finding.message)}${link}`);
  } else if (decision.kind === 'allow') {
    const by = opts.allowedBy
      ? `trust statement ${md(opts.allowedBy)} lets the caller in and no check failed`
      : md(decision.detail);
    lines.push(
      `- **Decision:** $(pass) allow — ${by}${opts.statementLink ? ` ([trust policy](${opts.statementLink}))` : ''}`,
    );
  } else {
    lines.push(`- **Decision:** $(question) unknown — ${md(decision.detail)}`);
  }
  const duration =
    usage.duration === null
      ? 'STS default (3600 s)'
      : `${usage.duration} s${usage.durationDefaulted ? ' (plugin default)' : ''}`;
  lines.push(
    `- **Duration:** ${duration}${opts.maxSessionDuration !== null ? ` · role MaxSessionDuration ${opts.maxSessionDuration} s` : ''}`,
  );
  const ext = usage.externalId;
  if (ext.present) {
    const r = ext.resolved;
    const shown = !r
      ? 'present'
      : r.secret
        ? `from ${r.origin.source} \`${md(r.origin.reference ?? '?')}\` (value hidden)`
        : r.value !== null
          ? `\`${md(r.value)}\``
          : 'unresolved';
    lines.push(`- **ExternalId:** ${shown}`);
  } else {
    lines.push('- **ExternalId:** none');
  }
  lines.push(
    `- **Session name:** ${usage.roleSessionName ? `\`${md(usage.roleSessionName)}\`` : '_plugin default_'} · **MFA:** ${usage.mfa ? 'yes' : 'no'}`,
  );
  const origins = ARG_LABELS.filter(([arg]) => usage.origins[arg]).map(
    ([arg, label]) => `${label}: ${md(usage.origins[arg]!.description)}`,
  );
  if (origins.length) {
    lines.push('');
    lines.push('_Where the values come from_');
    for (const o of origins) lines.push(`- ${o}`);
  }
  return lines.join('\n');
}

/** The hover of a usage that assumes no role: the keys it uses, the static-credentials warning, where the id comes from. */
function staticKeysMarkdown(usage: Usage, findings: Finding[], lines: string[]): string {
  const ref = staticKeysOf(usage);
  lines.push('- **Role:** _none — static keys, this step assumes no role_');
  lines.push(
    `- **Keys:** ${usage.profile !== undefined && usage.credentialsId === null ? `AWS profile ${code(usage.profile)} of the node` : `AWS credential ${code(ref.label)}`}`,
  );
  const warn = findingsOf(usage, findings).find((f) => f.code === 'static-credentials');
  lines.push(`- **Decision:** $(warning) no trust decision — ${md(warn?.message ?? staticKeysSentence(usage))}`);
  if (usage.region) lines.push(`- **Region:** ${code(usage.region)}`);
  const origins = ARG_LABELS.filter(([arg]) => usage.origins[arg]).map(
    ([arg, label]) => `${label}: ${md(usage.origins[arg]!.description)}`,
  );
  if (origins.length) {
    lines.push('');
    lines.push('_Where the values come from_');
    for (const o of origins) lines.push(`- ${o}`);
  }
  return lines.join('\n');
}

/** The trust statement that lets the usage's caller in (for an "allow" hover), or null. */
export function allowingStatement(role: RoleRecord, usage: Usage): string | null {
  if (!usage.caller || !usage.roleArn) return null;
  const context: RequestContext = {};
  // The ExternalId value only feeds the evaluation; it is never shown.
  const ext = usage.externalId.resolved?.value;
  if (ext) context['sts:ExternalId'] = ext;
  if (usage.mfa) context['aws:MultiFactorAuthPresent'] = 'true';
  try {
    const evaluation = explainAssumeRole({
      trustPolicy: role.trustPolicy.text,
      roleArn: usage.roleArn,
      principal: usage.caller,
      context,
    });
    return (
      evaluation.reasons.find((r) => r.source === 'trust-policy' && r.matched && r.effect === 'Allow')?.statement ??
      null
    );
  } catch {
    return null;
  }
}
