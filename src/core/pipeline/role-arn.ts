// Syntax check of role ARNs as STS AssumeRole accepts them, with a message that says what is wrong.
// Validity is src/core/iam/arn.ts's parseRoleArn (one definition for the whole engine); this module
// only explains why an ARN fails it.
import { parseRoleArn, partitionForRegion } from '../iam/arn';

export type RoleArnCheck =
  | { ok: true; partition: string; account: string; path: string; name: string }
  | {
      ok: false;
      problem: string;
      /** A corrected ARN when the fix is mechanical (e.g. an assumed-role ARN). */ suggestion?: string;
    };

const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov']);
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Partition of a region name (`cn-*` → aws-cn, `us-gov-*` → aws-us-gov, else aws). */
export function partitionOfRegion(region: string | null): string {
  return partitionForRegion(region);
}

/** Describes what is wrong with an account id, or null when it is 12 digits. */
export function accountIdProblem(account: string): string | null {
  if (/^\d{12}$/.test(account)) return null;
  if (account === '') return 'the account id is empty';
  if (/^<.*>$|^\{.*\}$/.test(account)) return `the account id "${account}" is a placeholder, not an account number`;
  if (/^\d+$/.test(account))
    return `the account id "${account}" has ${account.length} digits; AWS account ids have exactly 12`;
  return `the account id "${account}" is not 12 digits`;
}

/** Checks a role ARN the way AssumeRole would validate it. */
export function checkRoleArn(arn: string): RoleArnCheck {
  const parsed = parseRoleArn(arn);
  if (parsed)
    return { ok: true, partition: parsed.partition, account: parsed.account, path: parsed.path, name: parsed.name };
  const why = explain(arn);
  return why.ok ? { ok: false, problem: 'it is not a valid role ARN (arn:aws:iam::ACCOUNT:role/NAME)' } : why;
}

function explain(arn: string): RoleArnCheck {
  const trimmed = arn.trim();
  if (trimmed !== arn) return { ok: false, problem: 'the ARN has leading or trailing whitespace', suggestion: trimmed };
  if (!arn.startsWith('arn:')) return { ok: false, problem: 'it does not start with "arn:"' };
  const parts = arn.split(':');
  if (parts.length < 6)
    return {
      ok: false,
      problem: `it has ${parts.length - 1} colons; a role ARN is arn:PARTITION:iam::ACCOUNT:role/NAME`,
    };
  const [, partition, service, region, account] = parts;
  const resource = parts.slice(5).join(':');
  if (!PARTITIONS.has(partition))
    return { ok: false, problem: `"${partition}" is not an AWS partition (aws, aws-cn, aws-us-gov)` };
  if (service === 'sts') {
    const m = /^assumed-role\/([^/]+)\/.+$/.exec(resource);
    if (m && /^\d{12}$/.test(account)) {
      return {
        ok: false,
        problem: 'it is an assumed-role session ARN, not the role',
        suggestion: `arn:${partition}:iam::${account}:role/${m[1]}`,
      };
    }
    return { ok: false, problem: 'it is an STS ARN; a role ARN uses the iam service' };
  }
  if (service !== 'iam') return { ok: false, problem: `the service is "${service}"; a role ARN uses "iam"` };
  if (region !== '')
    return {
      ok: false,
      problem: `IAM ARNs have no region, but this one has "${region}"`,
      suggestion: `arn:${partition}:iam::${account}:${resource}`,
    };
  const accountProblem = accountIdProblem(account);
  if (accountProblem) return { ok: false, problem: accountProblem };
  if (!resource.startsWith('role/')) {
    const type = resource.split('/')[0] || resource;
    return { ok: false, problem: `the resource is "${type}", not "role/": only roles can be assumed` };
  }
  const pathAndName = resource.slice('role/'.length);
  const slash = pathAndName.lastIndexOf('/');
  const name = pathAndName.slice(slash + 1);
  const path = slash >= 0 ? '/' + pathAndName.slice(0, slash + 1) : '/';
  if (!ROLE_NAME.test(name)) {
    if (name === '') return { ok: false, problem: 'the role name is empty' };
    if (/^<.*>$|^\{.*\}$/.test(name)) return { ok: false, problem: `the role name "${name}" is a placeholder` };
    if (name.length > 64)
      return { ok: false, problem: `the role name has ${name.length} characters; at most 64 are allowed` };
    return { ok: false, problem: `the role name "${name}" has characters outside [A-Za-z0-9+=,.@_-]` };
  }
  return { ok: true, partition, account, path, name };
}
