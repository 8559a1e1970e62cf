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

/** mfa-required at a usage, naming the statement that needs MFA. */
export function mfaRequired(usage: Usage, role: RoleRecord, statement: PolicyStatement, serial: string | null): Finding {
  const already = usage.mfa ? ' The call passes an MFA code, but the trust policy still rejects it (check aws:MultiFactorAuthAge).' : '';
  return finding('mfa-required', usage.file, usage.anchor, `The trust policy of ${role.roleName} requires MFA (${statementName(statement)}); this call does not pass an MFA code — ${howToPass(usage, serial)}.${already}`, {
    roleArn: role.arn,
    related: [statementRelated(role, statement, `${statementName(statement)} requires MFA`)],
  });
}
