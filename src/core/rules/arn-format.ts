// invalid-role-arn: a role ARN (or account id) that STS would reject before looking at any trust policy.
import { finding, type Finding, type PipelineFact, type Usage } from '../types';
import { accountIdProblem, checkRoleArn } from '../pipeline/role-arn';

function isUnresolved(usage: Usage, arg: 'role' | 'roleAccount' | 'roleArn'): boolean {
  return usage.unresolved.some((u) => u.arg === arg);
}

/** Checks the role ARN or the account id a usage names. */
export function arnFormatRule(usage: Usage): Finding[] {
  if (usage.kind === 'sh-get-session-token') return [];
  const role = usage.role;
  if (role === null || role.includes('${') || isUnresolved(usage, 'role') || isUnresolved(usage, 'roleArn')) return [];
  const range = usage.args.roleArn ?? usage.args.role ?? usage.anchor;
  if (role.startsWith('arn:') || role.includes(':')) {
    const check = checkRoleArn(role);
    if (check.ok) return [];
    const written = usage.origins.roleArn ?? usage.origins.role;
    const fixes =
      check.suggestion && written?.source === 'literal' && written.range
        ? [
            {
              title: `Use ${check.suggestion}`,
              edits: [
                {
                  offset: written.range.start,
                  length: written.range.end - written.range.start,
                  content: check.suggestion,
                },
              ],
              isPreferred: true,
            },
          ]
        : undefined;
    const next = check.suggestion
      ? `use ${check.suggestion}`
      : 'write it as arn:aws:iam::ACCOUNT:role/NAME with the 12-digit account id of the role';
    return [
      finding('invalid-role-arn', usage.file, range, `Invalid role ARN "${role}": ${check.problem}; ${next}.`, {
        fixes,
      }),
    ];
  }
  // A role name: withAWS builds the ARN from roleAccount (or the caller's account); STS refuses a name
  // IAM cannot have, whatever the account.
  const out: Finding[] = [];
  const named = checkRoleArn(`arn:aws:iam::000000000000:role/${role}`);
  if (!named.ok) {
    out.push(
      finding(
        'invalid-role-arn',
        usage.file,
        range,
        `Invalid role name "${role}": ${named.problem}. IAM role names are 1-64 characters of letters, digits and +=,.@_- (a path goes before the name: path/name).`,
      ),
    );
  }
  const account = usage.roleAccount;
  if (account === null || account.includes('${') || isUnresolved(usage, 'roleAccount')) return out;
  const problem = accountIdProblem(account);
  if (!problem) return out;
  const at = usage.args.roleAccount ?? range;
  out.push(
    finding(
      'invalid-role-arn',
      usage.file,
      at,
      `Invalid roleAccount for role "${role}": ${problem}. Use the 12-digit id of the account that owns the role (leading zeros included).`,
    ),
  );
  return out;
}

/** `aws sts assume-role` without `--role-arn`: the AWS CLI refuses to run it. */
export function missingRoleArnRule(fact: PipelineFact, file: string): Finding[] {
  if (fact.kind !== 'missing-shell-option' || fact.option !== 'role-arn') return [];
  const anchor = fact.anchor;
  return [
    {
      ...finding(
        'invalid-role-arn',
        file,
        anchor,
        'aws sts assume-role without --role-arn: the AWS CLI stops with "the following arguments are required: --role-arn". Add --role-arn arn:aws:iam::ACCOUNT:role/NAME.',
      ),
      anchor,
    },
  ];
}
