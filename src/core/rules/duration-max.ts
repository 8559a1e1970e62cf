// duration-exceeds-max (the role's MaxSessionDuration) and role-chaining-duration (STS caps a session
// assumed by another role session at one hour, whatever the role allows).
import { isRoleSession } from '../iam/arn';
import { credentialInfo } from '../config';
import type { RoleRecord } from '../ports';
import { finding, type AnalysisContext, type Fix, type Finding, type Usage } from '../types';

/** What the chaining check reads: the AWS credentials .rolecall.json and JCasC describe. */
export type ChainContext = Pick<AnalysisContext, 'config' | 'agents'> | null;

const CHAIN_LIMIT = 3600;

function clampFix(usage: Usage, to: number, why: string): Fix[] | undefined {
  const origin = usage.origins.duration;
  const range =
    origin?.source === 'literal' && origin.range
      ? origin.range
      : usage.durationDefaulted
        ? undefined
        : usage.args.duration;
  if (range && usage.duration !== null) {
    const len = range.end - range.start;
    const written = String(usage.duration);
    const edit =
      len === written.length + 2
        ? { offset: range.start + 1, length: written.length, content: String(to) }
        : { offset: range.start, length: len, content: String(to) };
    return [{ title: `Use duration ${to} (${why})`, edits: [edit], isPreferred: true }];
  }
  if (usage.durationDefaulted && usage.kind === 'withAWS') {
    const after = usage.args.role ?? usage.args.roleArn;
    if (after)
      return [
        {
          title: `Add duration: ${to} (${why})`,
          edits: [{ offset: after.end, length: 0, content: `, duration: ${to}` }],
          isPreferred: true,
        },
      ];
  }
  return undefined;
}

/** True when the usage's caller is itself a role session (a role/assumed-role caller or a chained credential). */
export function callsFromRoleSession(usage: Usage, ctx: ChainContext): boolean {
  if (isRoleSession(usage.caller)) return true;
  return !!credentialInfo(ctx?.config, ctx?.agents, usage.credentialsId)?.roleArn;
}

/** role-chaining-duration: needs no IAM data (the caller decides it). */
export function roleChainingRule(usage: Usage, ctx: ChainContext): Finding[] {
  if (usage.kind === 'sh-get-session-token' || usage.duration === null || usage.duration <= CHAIN_LIMIT) return [];
  if (!callsFromRoleSession(usage, ctx)) return [];
  const cred = credentialInfo(ctx?.config, ctx?.agents, usage.credentialsId);
  const who = isRoleSession(usage.caller)
    ? `the caller ${usage.caller} is a role session`
    : `credential '${usage.credentialsId}' assumes ${cred?.roleArn} first, so this call is a role chain`;
  const role = usage.roleArn ?? usage.role ?? 'the role';
  return [
    finding(
      'role-chaining-duration',
      usage.file,
      usage.args.duration ?? usage.anchor,
      `Duration ${usage.duration} s for ${role}: ${who}, and STS refuses role chaining beyond ${CHAIN_LIMIT} seconds (one hour) whatever the role's MaxSessionDuration — set duration to ${CHAIN_LIMIT} or less.`,
      {
        roleArn: usage.roleArn,
        fixes: clampFix(usage, CHAIN_LIMIT, 'role chaining limit'),
      },
    ),
  ];
}

/** duration-exceeds-max: the call asks for more than the role's MaxSessionDuration. */
export function durationMaxRule(usage: Usage, role: RoleRecord): Finding[] {
  const d = usage.duration;
  if (d === null || d <= role.maxSessionDuration || d > 43200) return [];
  return [
    finding(
      'duration-exceeds-max',
      usage.file,
      usage.args.duration ?? usage.anchor,
      `Duration ${d} s exceeds the MaxSessionDuration of ${role.roleName} (${role.maxSessionDuration} s); STS refuses the call — use ${role.maxSessionDuration} or less, or raise the role's maximum session duration.`,
      {
        roleArn: role.arn,
        fixes: clampFix(usage, role.maxSessionDuration, `${role.roleName}'s maximum`),
      },
    ),
  ];
}
