// external-id-missing / -mismatch / -unused. An ExternalId's value is a secret: it is compared, never printed.
import type { PolicyStatement } from '../iam/policy';
import type { CompiledPolicy } from '../iam/evaluate';
import type { RoleRecord } from '../ports';
import { finding, type Finding, type Usage } from '../types';
import { statementName, statementRelated } from './trust-context';

const EXTERNAL_ID = 'sts:externalid';

/** True when a condition clause is about sts:ExternalId. */
export function isExternalIdKey(key: string): boolean {
  return key.toLowerCase() === EXTERNAL_ID;
}

function howToPass(usage: Usage): string {
  switch (usage.kind) {
    case 'withAWS':
      return "add externalId: to withAWS, bound from a Jenkins string credential (withCredentials([string(credentialsId: '…', variable: 'EXTERNAL_ID')]) { withAWS(role: …, externalId: \"$EXTERNAL_ID\") })";
    case 'sh-assume-role':
      return 'add --external-id "$EXTERNAL_ID" to the aws sts assume-role command, bound from a Jenkins string credential';
    case 'vault':
      return 'Vault cannot pass an ExternalId for assumed_role; give Vault its own trust statement without the ExternalId condition';
    default:
      return 'the AWS credentials binding cannot pass an ExternalId; use withAWS(role:, externalId:) instead';
  }
}

function where(usage: Usage): string {
  const ref = usage.externalId.resolved?.origin;
  if (!ref) return 'this call';
  if (ref.source === 'credential' && ref.reference) return `credential '${ref.reference}'`;
  if (ref.source === 'parameter' && ref.reference) return `parameter ${ref.reference}`;
  if (ref.source === 'environment' && ref.reference) return `environment variable ${ref.reference}`;
  return 'the value written in the call';
}

/** external-id-missing: the statements that would let the caller in all need an ExternalId the call lacks. */
export function externalIdMissing(usage: Usage, role: RoleRecord, statement: PolicyStatement): Finding {
  return finding(
    'external-id-missing',
    usage.file,
    usage.anchor,
    `The trust policy of ${role.roleName} requires sts:ExternalId (${statementName(statement)}); this call passes none — ${howToPass(usage)}.`,
    {
      roleArn: role.arn,
      related: [statementRelated(role, statement, `${statementName(statement)} requires sts:ExternalId`)],
    },
  );
}

/** external-id-mismatch: the resolved ExternalId satisfies no statement (the value itself is never shown). */
export function externalIdMismatch(usage: Usage, role: RoleRecord, statement: PolicyStatement): Finding {
  return finding(
    'external-id-mismatch',
    usage.file,
    usage.args.externalId ?? usage.anchor,
    `The ExternalId this call passes (from ${where(usage)}) does not match what the trust policy of ${role.roleName} expects in ${statementName(statement)} — update ${where(usage)} to the ExternalId agreed with the role's owner, or fix the condition in the trust policy (values not shown: ExternalIds are secrets).`,
    {
      roleArn: role.arn,
      related: [statementRelated(role, statement, `${statementName(statement)} checks sts:ExternalId`)],
    },
  );
}

/** external-id-unused: an ExternalId is passed but no Allow statement checks one. */
export function externalIdUnused(usage: Usage, role: RoleRecord, trust: CompiledPolicy): Finding[] {
  if (!usage.externalId.present || !trust.valid) return [];
  const checks = trust.statements.some((s) => s.statement.conditions.some((c) => isExternalIdKey(c.key)));
  if (checks) return [];
  return [
    finding(
      'external-id-unused',
      usage.file,
      usage.args.externalId ?? usage.anchor,
      `This call passes an ExternalId, but the trust policy of ${role.roleName} never checks sts:ExternalId, so it protects nothing — add a StringEquals sts:ExternalId condition to the trust statement, or drop externalId from the call.`,
      {
        roleArn: role.arn,
        related: [statementRelated(role, null, 'trust policy without an sts:ExternalId condition')],
      },
    ),
  ];
}
