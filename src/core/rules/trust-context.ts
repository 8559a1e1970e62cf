// Shared pieces of the trust rule families: compiled-policy caches, the request context a pipeline call
// carries (what is known, what is known-absent, what cannot be known), related-information pointers and
// value-replacing edits that keep the quotes as written.
import { compilePolicy, type CompiledPolicy } from '../iam/evaluate';
import type { PolicyStatement } from '../iam/policy';
import { rangeInFile } from '../iam/snapshot';
import type { Caller } from '../iam/arn';
import type { PolicySource, RoleRecord, UserRecord } from '../ports';
import type { Range, RelatedInfo, TextEdit, Usage } from '../types';

const compiled = new WeakMap<PolicySource, CompiledPolicy>();

/** Compiles a policy source once (sources are shared by every usage of a role). */
export function compiledPolicy(source: PolicySource, kind: 'trust' | 'identity'): CompiledPolicy {
  let c = compiled.get(source);
  if (!c) {
    c = compilePolicy(source.text, kind, source.name);
    compiled.set(source, c);
  }
  return c;
}

/** The role's name for messages. */
export function roleLabel(role: RoleRecord): string {
  return role.roleName;
}

/** Points a finding at a statement of a policy (file + range when the policy came from a snapshot). */
export function statementRelated(
  role: RoleRecord,
  statement: PolicyStatement | null,
  message: string,
  source: PolicySource = role.trustPolicy,
): RelatedInfo {
  const info: RelatedInfo = { message, roleArn: role.arn };
  if (statement) info.statement = statement.label;
  if ((source.origin.kind === 'snapshot' || source.origin.kind === 'iac') && source.origin.file) {
    info.file = source.origin.file;
    const r = statement ? rangeInFile(source, statement.range) : (source.origin.range ?? null);
    if (r) info.range = r;
  }
  return info;
}

/** Points at an offset range of a policy's text (e.g. a parse error), mapped into its snapshot file. */
export function textRelated(role: RoleRecord, source: PolicySource, range: Range, message: string): RelatedInfo {
  const info: RelatedInfo = { message, roleArn: role.arn };
  if ((source.origin.kind === 'snapshot' || source.origin.kind === 'iac') && source.origin.file) {
    info.file = source.origin.file;
    const r = rangeInFile(source, range);
    if (r) info.range = r;
  }
  return info;
}

/** "statement 'Sid'" or "statement #0" for messages. */
export function statementName(statement: PolicyStatement): string {
  return statement.sid ? `statement '${statement.sid}'` : `statement #${statement.index}`;
}

/**
 * An edit replacing a value written at `range` (with or without its quotes) by `next`; null when the range
 * holds an expression rather than the plain value (then no safe fix exists).
 */
export function replaceValueEdit(range: Range | undefined, written: string | null, next: string): TextEdit | null {
  if (!range || written === null) return null;
  const len = range.end - range.start;
  if (len === written.length) return { offset: range.start, length: len, content: next };
  if (len === written.length + 2) return { offset: range.start + 1, length: written.length, content: next };
  return null;
}

/** The request context of a pipeline call and which keys the analysis cannot know. */
export interface CallContext {
  context: Record<string, string | string[]>;
  unknownKeys: (lowerKey: string) => boolean;
  callerUniqueId?: string;
}

// Keys IAM sets for an AssumeRole call that the analysis decides (present or known-absent).
const ALWAYS_KNOWN = new Set([
  'aws:multifactorauthpresent',
  'aws:multifactorauthage',
  'aws:currenttime',
  'aws:epochtime',
  'aws:principalisawsservice',
  'aws:viaawsservice',
  'aws:securetransport',
]);
const PRINCIPAL_KEYS = new Set(['aws:principalarn', 'aws:principalaccount', 'aws:principaltype', 'aws:username']);

/** Builds the request context of a usage. ExternalId values are used for checking only, never printed. */
export function callContext(
  usage: Usage,
  caller: Caller | null,
  callerRecord: RoleRecord | UserRecord | null,
  now: Date,
): CallContext {
  const context: Record<string, string | string[]> = {
    'aws:CurrentTime': now.toISOString(),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
    'aws:SecureTransport': 'true',
    'aws:PrincipalIsAWSService': 'false',
    'aws:ViaAWSService': 'false',
  };
  const known = new Set(ALWAYS_KNOWN);
  // Without a region in the call the agent's default region applies, which the analysis cannot see.
  if (usage.region) {
    context['aws:RequestedRegion'] = usage.region;
    known.add('aws:requestedregion');
  }
  const ext = usage.externalId;
  if (!ext.present) known.add('sts:externalid');
  else if (ext.resolved && ext.resolved.value !== null) {
    context['sts:ExternalId'] = ext.resolved.value;
    known.add('sts:externalid');
  }
  if (usage.mfa) {
    context['aws:MultiFactorAuthPresent'] = 'true';
    context['aws:MultiFactorAuthAge'] = '0';
  }
  if (usage.roleSessionName !== null) {
    context['sts:RoleSessionName'] = usage.roleSessionName;
    known.add('sts:rolesessionname');
  }
  let callerUniqueId: string | undefined;
  if (caller) {
    for (const k of PRINCIPAL_KEYS) known.add(k);
    // A session ARN drops its role's path: without the role's record, aws:PrincipalArn is not known.
    if (caller.kind === 'assumed-role' && !(callerRecord && 'roleName' in callerRecord))
      known.delete('aws:principalarn');
    if (callerRecord) {
      // A session ARN drops the role's path; the record has the real aws:PrincipalArn.
      if ('roleName' in callerRecord) context['aws:PrincipalArn'] = callerRecord.arn;
      for (const [k, v] of Object.entries(callerRecord.tags)) context[`aws:PrincipalTag/${k}`] = v;
      const id =
        'roleId' in callerRecord ? callerRecord.roleId : 'userId' in callerRecord ? callerRecord.userId : undefined;
      if (id) callerUniqueId = id;
      if (id && caller.kind === 'user') {
        context['aws:userid'] = id;
        known.add('aws:userid');
      }
    }
  }
  const tagsKnown = callerRecord !== null;
  return {
    context,
    callerUniqueId,
    unknownKeys: (key) => !(known.has(key) || (tagsKnown && key.startsWith('aws:principaltag/'))),
  };
}
