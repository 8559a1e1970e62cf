// The shapes a grant is printed in, shared by `rolecall grant` and the editor's grant document: text,
// CloudFormation YAML (the statement as it goes into AssumeRolePolicyDocument) and a Terraform
// `statement {}` block of an aws_iam_policy_document.
import type { Grant, StatementJson } from './grant';
import { usesStaticKeys } from '../types';

export type GrantFormat = 'text' | 'json' | 'cloudformation' | 'terraform';

/** A JSON-quoted scalar is valid YAML (double-quoted style uses JSON's escapes). */
function yamlScalar(value: string): string {
  return /^[A-Za-z][\w:./-]*$/.test(value) &&
    !/^(true|false|yes|no|on|off|null|y|n)$/i.test(value) &&
    !value.includes(': ')
    ? value
    : JSON.stringify(value);
}

function yamlLines(value: unknown, indent: string): string[] {
  if (Array.isArray(value))
    return value.flatMap((item) => {
      const inner = yamlLines(item, `${indent}  `);
      return typeof item === 'object' && item !== null
        ? [`${indent}- ${inner[0].trimStart()}`, ...inner.slice(1)]
        : [`${indent}- ${yamlScalar(String(item))}`];
    });
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) =>
      typeof v === 'object' && v !== null
        ? [`${indent}${yamlScalar(k)}:`, ...yamlLines(v, `${indent}  `)]
        : [`${indent}${yamlScalar(k)}: ${yamlScalar(String(v))}`],
    );
  }
  return [`${indent}${yamlScalar(String(value))}`];
}

/** A statement as one YAML list item (what goes under `Statement:`). */
export function statementYaml(statement: StatementJson): string {
  return yamlLines([statement], '').join('\n');
}

function hcl(value: string): string {
  // Terraform interpolates ${ and %{ inside strings: escape them so the value stays literal.
  return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

function list(values: string | string[]): string {
  return `[${(Array.isArray(values) ? values : [values]).map(hcl).join(', ')}]`;
}

/** A statement as a `statement { ... }` block of a Terraform aws_iam_policy_document. */
export function statementTerraform(statement: StatementJson): string {
  const out = ['statement {', `  effect  = ${hcl(statement.Effect)}`, `  actions = ${list(statement.Action)}`];
  if (statement.Resource) out.push(`  resources = ${list(statement.Resource)}`);
  if (statement.Principal)
    out.push('  principals {', '    type        = "AWS"', `    identifiers = ${list(statement.Principal.AWS)}`, '  }');
  for (const [test, clause] of Object.entries(statement.Condition ?? {})) {
    for (const [variable, value] of Object.entries(clause)) {
      out.push(
        '  condition {',
        `    test     = ${hcl(test)}`,
        `    variable = ${hcl(variable)}`,
        `    values   = ${list(value)}`,
        '  }',
      );
    }
  }
  out.push('}');
  return out.join('\n');
}

function comment(prefix: string, text: string): string {
  return text
    .split('\n')
    .map((l) => `${prefix} ${l}`)
    .join('\n');
}

/** What the usage assumes, for headers: its role ARN, the role as written, or that it assumes none (static keys). */
function targetOf(grant: Grant): string {
  if (grant.roleArn) return grant.roleArn;
  if (usesStaticKeys(grant.usage)) return 'no role (static keys)';
  return grant.usage.role ?? 'unresolved role';
}

function roleName(arn: string | null): string {
  return arn ? (/role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1] ?? arn) : 'the role';
}

/** The grant as CloudFormation YAML: one document per part, notes as comments. `where` is `file:line:col`. */
export function grantCloudFormation(grant: Grant, where: string): string {
  const parts: string[] = [comment('#', `${where}: ${grant.usage.kind} → ${targetOf(grant)}`)];
  if (grant.trustStatement)
    parts.push(
      `# Add to AssumeRolePolicyDocument.Statement of ${roleName(grant.roleArn)}:\n${statementYaml(grant.trustStatement)}`,
    );
  if (grant.identityStatement)
    parts.push(
      `# Add to a policy (PolicyDocument.Statement) of ${grant.identityFor}:\n${statementYaml(grant.identityStatement)}`,
    );
  if (grant.roleChanges.MaxSessionDuration)
    parts.push(
      `# Set on the AWS::IAM::Role ${roleName(grant.roleArn)}:\nMaxSessionDuration: ${grant.roleChanges.MaxSessionDuration}`,
    );
  for (const note of grant.notes) parts.push(comment('#', `note: ${note}`));
  return `${parts.join('\n---\n')}\n`;
}

/** The grant as Terraform: `statement {}` blocks of aws_iam_policy_document, notes as comments. */
export function grantTerraform(grant: Grant, where: string): string {
  const parts: string[] = [comment('#', `${where}: ${grant.usage.kind} → ${targetOf(grant)}`)];
  if (grant.trustStatement)
    parts.push(
      `# In the aws_iam_policy_document of ${roleName(grant.roleArn)}'s assume_role_policy:\n${statementTerraform(grant.trustStatement)}`,
    );
  if (grant.identityStatement)
    parts.push(
      `# In an aws_iam_policy_document attached to ${grant.identityFor}:\n${statementTerraform(grant.identityStatement)}`,
    );
  if (grant.roleChanges.MaxSessionDuration)
    parts.push(
      `# On the aws_iam_role ${roleName(grant.roleArn)}:\n# max_session_duration = ${grant.roleChanges.MaxSessionDuration}`,
    );
  for (const note of grant.notes) parts.push(comment('#', `note: ${note}`));
  return `${parts.join('\n\n')}\n`;
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');
}

/** The grant for a person: the change, why each part is there, and what is left to the pipeline. */
export function grantText(grant: Grant, where: string): string {
  const u = grant.usage;
  const out = [`${where}: ${u.kind} → ${targetOf(grant)}${u.caller ? ` (caller ${u.caller})` : ''}`];
  out.push(`  errors now: ${grant.errorsBefore.join(', ') || 'none'}`);
  if (grant.trustStatement)
    out.push(
      `  add to the trust policy of ${roleName(grant.roleArn)}:`,
      indent(JSON.stringify(grant.trustStatement, null, 2), '    '),
    );
  if (grant.identityStatement)
    out.push(
      `  add to the policies of ${grant.identityFor}:`,
      indent(JSON.stringify(grant.identityStatement, null, 2), '    '),
    );
  if (grant.roleChanges.MaxSessionDuration)
    out.push(`  set MaxSessionDuration of ${roleName(grant.roleArn)} to ${grant.roleChanges.MaxSessionDuration}`);
  if (grant.explanations.length) out.push('  why:', ...grant.explanations.map((e) => `    - ${e}`));
  if (grant.notes.length) out.push('  notes:', ...grant.notes.map((n) => `    - ${n}`));
  if (usesStaticKeys(u)) {
    out.push('  after the change: nothing for a role owner to change — the pipeline must change (see notes)');
    return `${out.join('\n')}\n`;
  }
  out.push(
    `  after the change: ${grant.errorsAfter.length ? grant.errorsAfter.join(', ') : 'no error'}${grant.verified ? ' (re-checked against the IAM data)' : ' (not re-checked: no IAM data for the role)'}` +
      (grant.sufficient ? '' : ' — the pipeline must change too (see notes)'),
  );
  return `${out.join('\n')}\n`;
}
