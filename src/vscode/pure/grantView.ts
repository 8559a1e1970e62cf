// What the editor shows of a grant and of a trust policy being edited, without `vscode`: the read-only grant
// document (one format, the reason for each condition, secrets replaced by placeholders) and how a JSON
// document open in the editor maps to roles (a snapshot's RoleDetailList, or a trust policy file).
import { OWNER_FIXABLE, type Grant } from '../../core/iam/grant';
import type { Finding } from '../../core/types';
import { grantCloudFormation, grantTerraform, grantText, type GrantFormat } from '../../core/iam/grantFormat';
import { roleKey, type RoleChange } from '../../core/iam/impact';
import { nodeValue, parseJsonTree, property, type JsonNode } from '../../core/iam/json';
import { parseSnapshot } from '../../core/iam/snapshot';
import type { RoleRecord } from '../../core/ports';

/** True for the findings a role's owner can fix (the quick fix and CodeLens "Ask the role's owner…" are offered on them). */
export function isOwnerFixable(finding: Finding): boolean {
  return finding.severity === 'error' && OWNER_FIXABLE.includes(finding.code);
}

export const GRANT_FORMATS: Array<{
  format: Exclude<GrantFormat, 'text'> | 'text';
  label: string;
  detail: string;
  language: string;
  extension: string;
}> = [
  {
    format: 'cloudformation',
    label: 'CloudFormation (YAML)',
    detail: 'the statement as it goes into AssumeRolePolicyDocument',
    language: 'yaml',
    extension: 'yaml',
  },
  {
    format: 'terraform',
    label: 'Terraform',
    detail: 'a statement {} block of an aws_iam_policy_document',
    language: 'terraform',
    extension: 'tf',
  },
  {
    format: 'json',
    label: 'JSON',
    detail: 'the policy statements as IAM stores them',
    language: 'jsonc',
    extension: 'jsonc',
  },
  {
    format: 'text',
    label: 'Text',
    detail: "for an e-mail or a ticket to the role's owner",
    language: 'plaintext',
    extension: 'txt',
  },
];

/**
 * The grant as the editor may show it: an ExternalId that is a secret (a stored credential) is replaced by
 * its `<credential ID>` placeholder — the document is on screen; the owner gets the value from its keeper.
 */
export function displayableGrant(grant: Grant): Grant {
  const resolved = grant.usage.externalId.resolved;
  const ext = grant.trustStatement?.Condition?.StringEquals?.['sts:ExternalId'];
  if (
    !grant.trustStatement ||
    ext === undefined ||
    !resolved?.secret ||
    resolved.value === null ||
    ext !== resolved.value
  )
    return grant;
  const placeholder = `<credential ${resolved.origin.reference ?? 'ExternalId'}>`;
  const condition = {
    ...grant.trustStatement.Condition,
    StringEquals: { ...grant.trustStatement.Condition!.StringEquals, 'sts:ExternalId': placeholder },
  };
  return {
    ...grant,
    trustStatement: { ...grant.trustStatement, Condition: condition },
    explanations: grant.explanations.map((e) =>
      e.startsWith('StringEquals sts:ExternalId')
        ? `StringEquals sts:ExternalId: the call passes the ExternalId held in credential '${resolved.origin.reference ?? 'ExternalId'}' (not shown here: it is a secret); put its value in place of ${placeholder}, so the caller gets in only when it passes that value.`
        : e,
    ),
  };
}

function commentPrefix(format: GrantFormat): string {
  return format === 'json' ? '//' : '#';
}

/** The text of the read-only grant document in one format, with the reason for each part at the top. */
export function grantDocument(grant: Grant, where: string, format: GrantFormat): string {
  const g = displayableGrant(grant);
  const c = commentPrefix(format);
  const head = [
    `${c} RoleCall: the change the owner of ${g.roleArn ?? 'the role'} can make so that ${where} succeeds.`,
    `${c} Only this call gets in: the exact caller, with the conditions the call meets.`,
  ];
  if (g.explanations.length) head.push(`${c}`, `${c} Why each part:`, ...g.explanations.map((e) => `${c}  - ${e}`));
  if (format === 'text') return grantText(g, where);
  if (format === 'cloudformation') return `${head.join('\n')}\n${grantCloudFormation(g, where)}`;
  if (format === 'terraform') return `${head.join('\n')}\n${grantTerraform(g, where)}`;
  const body = {
    trustStatement: g.trustStatement,
    identityStatement: g.identityStatement,
    identityFor: g.identityFor,
    roleChanges: g.roleChanges,
    notes: g.notes,
  };
  return `${head.join('\n')}\n${JSON.stringify(body, null, 2)}\n`;
}

/** A role in a JSON document open in the editor, where its lens goes, and the candidate change the buffer holds. */
export interface DocumentRole {
  roleArn: string;
  /** Offset of the role (a snapshot's role entry, or the start of a trust policy file). */
  offset: number;
  /** The change the buffer makes to the role compared with the IAM data, or null when it changes nothing. */
  change: RoleChange | null;
  /** Set when the buffer is not a policy IAM could read (then no impact is computed). */
  problem: string | null;
}

function isObject(node: JsonNode | null | undefined): node is Extract<JsonNode, { type: 'object' }> {
  return !!node && node.type === 'object';
}

/** Canonical JSON of a policy text (key order kept, whitespace dropped), or null when it is not JSON. */
export function canonicalPolicy(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return null;
  }
}

/** What kind of IAM document a JSON text is: a snapshot, a trust policy, or neither. */
export function iamDocumentKind(text: string): 'snapshot' | 'trust-policy' | null {
  const { root } = parseJsonTree(text);
  if (!isObject(root)) return null;
  if (property(root, 'RoleDetailList')) return 'snapshot';
  const statement = property(root, 'Statement')?.value;
  const list = statement?.type === 'array' ? statement.items : statement ? [statement] : [];
  return list.some((s) => isObject(s) && (property(s, 'Principal') || property(s, 'NotPrincipal')))
    ? 'trust-policy'
    : null;
}

/**
 * The roles of a snapshot file being edited, each with the change its buffer makes to what the IAM data
 * holds (`current` looks a role up in the IAM data the analysis uses).
 */
export function snapshotRoles(
  file: string,
  text: string,
  current: (roleArn: string) => RoleRecord | null,
): DocumentRole[] {
  const parsed = parseSnapshot(file, text);
  if (!parsed.snapshot) return [];
  const { root } = parseJsonTree(text);
  const entries = property(root, 'RoleDetailList')?.value;
  const offsets = new Map<string, number>();
  if (entries?.type === 'array') {
    for (const e of entries.items) {
      const arn = nodeValue(property(e, 'Arn')?.value ?? null);
      if (typeof arn === 'string') offsets.set(arn, e.offset);
    }
  }
  return parsed.snapshot.roles.map((role) => {
    const now = current(role.arn);
    const offset = offsets.get(role.arn) ?? role.origin.range?.start ?? 0;
    const candidate = canonicalPolicy(role.trustPolicy.text);
    if (candidate === null)
      return { roleArn: role.arn, offset, change: null, problem: 'its trust policy is not valid JSON' };
    const trustChanged = !now || canonicalPolicy(now.trustPolicy.text) !== candidate;
    const maxChanged = !now || now.maxSessionDuration !== role.maxSessionDuration;
    const change: RoleChange | null =
      trustChanged || maxChanged
        ? {
            roleArn: role.arn,
            ...(trustChanged
              ? { trustPolicy: { text: role.trustPolicy.text, origin: { kind: 'snapshot', file } } }
              : {}),
            ...(maxChanged ? { maxSessionDuration: role.maxSessionDuration } : {}),
          }
        : null;
    return { roleArn: role.arn, offset, change, problem: null };
  });
}

/**
 * Which role a trust policy file is: the role whose trust policy equals the file as saved (`saved`), else
 * the one named like the file (`deploy.json`, `deploy.trust-policy.json`, `deploy-trust.json`). Null when none or several.
 */
export function matchTrustFile(fileName: string, saved: string, roles: readonly RoleRecord[]): RoleRecord | null {
  const canonical = canonicalPolicy(saved);
  const same = canonical === null ? [] : roles.filter((r) => canonicalPolicy(r.trustPolicy.text) === canonical);
  if (same.length === 1) return same[0];
  const base = fileName
    .replace(/\\/g, '/')
    .split('/')
    .pop()!
    .replace(/\.json$/i, '')
    .replace(/([._-](trust|trust-policy|assume-role-policy))$/i, '')
    .toLowerCase();
  const named = (same.length > 1 ? same : roles).filter((r) => r.roleName.toLowerCase() === base);
  return named.length === 1 ? named[0] : null;
}

/** The change an edited trust policy file makes to its role (null when the buffer equals the role's policy). */
export function trustFileRole(role: RoleRecord, file: string, text: string): DocumentRole {
  const candidate = canonicalPolicy(text);
  if (candidate === null)
    return { roleArn: role.arn, offset: 0, change: null, problem: 'the edited policy is not valid JSON' };
  if (candidate === canonicalPolicy(role.trustPolicy.text))
    return { roleArn: role.arn, offset: 0, change: null, problem: null };
  return {
    roleArn: role.arn,
    offset: 0,
    change: { roleArn: role.arn, trustPolicy: { text, origin: { kind: 'snapshot', file } } },
    problem: null,
  };
}

/** True when a usage targets the role (same account and name, as IAM matches it). */
export function usesRole(usageRoleArn: string | null, roleArn: string): boolean {
  if (!usageRoleArn) return false;
  const a = roleKey(usageRoleArn);
  return a !== null && a === roleKey(roleArn);
}
