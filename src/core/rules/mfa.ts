// mfa-required: the trust policy needs MFA (aws:MultiFactorAuthPresent / aws:MultiFactorAuthAge) and the
// call cannot carry it. Reported instead of trust-principal-mismatch when MFA is the only unmet condition.
import type { PolicyStatement } from '../iam/policy';
import type { RoleRecord } from '../ports';
import { finding, type Finding, type Usage } from '../types';
import { statementName, statementRelated } from './trust-context';

/** True for the MFA context keys. */
export function isMfaKey(key: string): boolean {
  const k = key.toLowerCase();
  return k === 'aws:multifactorauthpresent' || k === 'aws:multifactorauthage';
}

function howToPass(usage: Usage, serial: string | null): string {
  const device = serial ?? 'arn:aws:iam::ACCOUNT_ID:mfa/USER';
  switch (usage.kind) {
    case 'withAWS':
      return `add iamMfaToken: to withAWS (an input step can ask for the 6-digit code), with the user's MFA device ${device}`;
    case 'sh-assume-role':
      return `add --serial-number ${device} --token-code CODE to the aws sts assume-role command`;
    case 'vault':
      return 'Vault cannot pass an MFA code; give Vault a trust statement without the MFA condition';
    default:
      return 'the AWS credentials binding cannot pass an MFA code; use withAWS(role:, iamMfaToken:) or `aws sts assume-role --serial-number … --token-code …`';
  }
}

/**
 * mfa-required at a usage, naming the statement that needs MFA: an Allow whose MFA condition the call does not
 * meet, or a Deny (`BoolIfExists aws:MultiFactorAuthPresent false`) that refuses it (`denied`); `via` says so when
 * the Deny is in the caller's own identity policy rather than the trust policy.
 */
export function mfaRequired(
  usage: Usage,
  role: RoleRecord,
  statement: PolicyStatement,
  serial: string | null,
  how: { denied?: boolean; via?: string } = {},
): Finding {
  const already = usage.mfa
    ? ' The call passes an MFA code, but the trust policy still rejects it (check aws:MultiFactorAuthAge).'
    : '';
  const why =
    how.via ??
    `the trust policy of ${role.roleName} ${how.denied ? 'denies sts:AssumeRole without MFA' : 'requires MFA'} (${statementName(statement)})`;
  const first = why.charAt(0).toUpperCase() + why.slice(1);
  return finding(
    'mfa-required',
    usage.file,
    usage.anchor,
    `${first}; this call does not pass an MFA code — ${howToPass(usage, serial)}.${already}`,
    {
      roleArn: role.arn,
      related: how.via
        ? []
        : [
            statementRelated(
              role,
              statement,
              `${statementName(statement)} ${how.denied ? 'denies calls without MFA' : 'requires MFA'}`,
            ),
          ],
    },
  );
}
