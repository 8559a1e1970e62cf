// role-not-found and iam-unavailable: what we know about the role's account. An account without IAM data
// is never silently "ok": it gets iam-unavailable naming the account and how to map it.
import { accountOf, editDistance, parseRoleArn } from '../iam/arn';
import { mappingHint } from '../iam/snapshot';
import type { IamReader, Lookup, RoleRecord } from '../ports';
import { finding, type Fix, type Finding, type Usage } from '../types';
import { replaceValueEdit } from './trust-context';

/** Names within a small edit distance of `name`, nearest first. */
export function nearestNames(
  name: string,
  known: string[],
  maxDistance = Math.max(2, Math.floor(name.length / 3)),
): string[] {
  return known
    .map((k) => ({ k, d: Math.min(editDistance(name, k), editDistance(name.toLowerCase(), k.toLowerCase())) }))
    .filter((x) => x.d <= maxDistance)
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .map((x) => x.k);
}

function roleNameFix(usage: Usage, wrong: string, right: string, preferred: boolean): Fix[] | undefined {
  const raw = usage.role;
  const candidates: Array<[typeof usage.args.role, string | null]> = [
    [usage.args.role, raw],
    [usage.origins.role?.range, raw],
    [usage.args.roleArn, usage.roleArn],
  ];
  for (const [range, written] of candidates) {
    if (!written || !written.endsWith(wrong)) continue;
    const edit = replaceValueEdit(range, written, written.slice(0, written.length - wrong.length) + right);
    if (edit) return [{ title: `Change the role to ${right}`, edits: [edit], isPreferred: preferred }];
  }
  return undefined;
}

/** role-not-found, with a "did you mean" fix for the nearest existing role name. */
export function roleNotFound(
  usage: Usage,
  roleArn: string,
  lookup: Extract<Lookup<RoleRecord>, { status: 'not-found' }>,
): Finding[] {
  const parts = parseRoleArn(roleArn);
  const name = parts?.name ?? roleArn;
  const account = parts?.account ?? accountOf(roleArn) ?? '?';
  const near = nearestNames(name, lookup.knownNames);
  // Without a close match, still offer the nearest name (not preferred): picking from a list beats retyping.
  const nearest = near[0] ?? nearestNames(name, lookup.knownNames, Infinity)[0];
  const suggestion =
    near.length > 0
      ? ` Did you mean ${near.slice(0, 3).join(', ')}?`
      : lookup.knownNames.length > 0
        ? ` Roles in that account: ${lookup.knownNames.slice(0, 8).join(', ')}${lookup.knownNames.length > 8 ? ', …' : ''}.`
        : '';
  return [
    finding(
      'role-not-found',
      usage.file,
      usage.args.role ?? usage.args.roleArn ?? usage.anchor,
      `Role ${name} does not exist in account ${account} (per the IAM data for that account).${suggestion} Fix the role name, or refresh the IAM data if the role is new.`,
      {
        roleArn,
        fixes: nearest ? roleNameFix(usage, name, nearest, near.length > 0) : undefined,
      },
    ),
  ];
}

function accountFix(usage: Usage, wrong: string, right: string): Fix | null {
  const tries: Array<[typeof usage.args.role, string | null]> = [
    [usage.args.roleAccount, usage.roleAccount],
    [usage.origins.roleAccount?.range, usage.roleAccount],
    [usage.args.role, usage.role],
    [usage.args.roleArn, usage.roleArn],
  ];
  for (const [range, written] of tries) {
    if (!written || !written.includes(wrong)) continue;
    const edit = replaceValueEdit(range, written, written.replace(wrong, right));
    if (edit) return { title: `Change the account to ${right}`, edits: [edit], isPreferred: true };
  }
  return null;
}

/** iam-unavailable for an account no reader covers; offers a fix when the id is a near-typo of a covered one. */
export function accountNotCovered(usage: Usage, roleArn: string, account: string, iam: IamReader): Finding[] {
  const near = iam.accounts().filter((a) => {
    const d = editDistance(a, account);
    return d >= 1 && d <= 2;
  });
  const fix = near.length === 1 ? accountFix(usage, account, near[0]) : null;
  const typo = near.length > 0 ? ` ${account} is close to ${near.join(', ')}, which the IAM data covers — a typo?` : '';
  return [
    finding(
      'iam-unavailable',
      usage.file,
      usage.args.roleAccount ?? usage.anchor,
      `No IAM data for account ${account}, so the trust of ${roleArn} was not checked.${typo} To check it, ${mappingHint(account)}.`,
      {
        roleArn,
        fixes: fix ? [fix] : undefined,
      },
    ),
  ];
}

/** iam-unavailable for a lookup that failed (access denied, throttling, network): the reason and next step. */
export function lookupUnavailable(
  usage: Usage,
  roleArn: string,
  lookup: Extract<Lookup<RoleRecord>, { status: 'unavailable' }>,
): Finding[] {
  if (lookup.unresolved) {
    // The role is defined (as code) but a value it needs is only known at deploy time or was not given.
    return [
      finding(
        'unresolved-reference',
        usage.file,
        usage.anchor,
        `The trust of ${roleArn} was not checked: ${lookup.reason} — ${lookup.next}.`,
        { roleArn },
      ),
    ];
  }
  return [
    finding(
      'iam-unavailable',
      usage.file,
      usage.anchor,
      `Could not read the role ${roleArn}: ${lookup.reason}. Its trust was not checked — ${lookup.next}.`,
      { roleArn },
    ),
  ];
}
