// The role owner's side of a refused call: the least-privilege change that lets this call (and only this
// call) in — a trust statement naming the exact caller with the ExternalId/MFA conditions the call meets,
// the caller-side identity statement when IAM needs one, the role's MaxSessionDuration — and what only the
// pipeline can fix. Every proposal is re-checked through the scan's own checks on the changed IAM data.
import type { AnalysisContext } from '../analyze';
import type { RoleRecord } from '../ports';
import { callerIdentity, evaluateUsage, type CallerIdentity } from '../rules/principal';
import { usesStaticKeys, type Finding, type FindingCode, type Usage } from '../types';
import { accountOf, parseCaller, type Caller } from './arn';
import { F, T, U } from './conditions';
import { ChangedIamReader, usageErrorCodes, type IamChange } from './impact';

/** A policy statement as it goes into a policy document (JSON). */
export interface StatementJson {
  Effect: 'Allow';
  Principal?: { AWS: string };
  Action: string | string[];
  Resource?: string;
  Condition?: Record<string, Record<string, string>>;
}

/** The errors a role owner can make disappear by changing the role (and the caller's policies). */
export const OWNER_FIXABLE: readonly FindingCode[] = [
  'trust-principal-mismatch',
  'external-id-missing',
  'external-id-mismatch',
  'mfa-required',
  'duration-exceeds-max',
];

/** Errors that do not stop STS from answering (they are about the pipeline's hygiene, not the call). */
const NOT_BLOCKING: ReadonlySet<FindingCode> = new Set(['hardcoded-secret']);

export interface Grant {
  usage: Usage;
  roleArn: string | null;
  trustStatement: StatementJson | null;
  identityStatement: StatementJson | null;
  /** The principal whose policies get `identityStatement`. */
  identityFor: string | null;
  roleChanges: { MaxSessionDuration?: number };
  /** What the role owner cannot fix (the pipeline must), Denies that refuse the call, and caveats. */
  notes: string[];
  /** Why each part of the change is there, one line each. */
  explanations: string[];
  /** The usage's errors today, and those a re-scan reports once the change is applied. */
  errorsBefore: FindingCode[];
  errorsAfter: FindingCode[];
  /** True when the change was re-checked against IAM data (false when no IAM data covers the role). */
  verified: boolean;
  /** True when the change alone lets the call through; false when the pipeline (or a Deny's owner) must act. */
  sufficient: boolean;
}

/** The findings a scan ties to a usage's call (anchored at its start). */
export function findingsOfUsage(usage: Usage, findings: readonly Finding[]): Finding[] {
  // Usages of a helper called with different roles (or of a loop over roles) share their step: a finding
  // about another role is not this one's, nor a malformed role when this one's is a valid ARN.
  return findings.filter(
    (f) =>
      f.file === usage.file &&
      (f.anchor ?? f.range).start === usage.anchor.start &&
      !(f.roleArn && usage.roleArn && f.roleArn.toLowerCase() !== usage.roleArn.toLowerCase()) &&
      !(f.code === 'invalid-role-arn' && usage.roleArn !== null),
  );
}

/** Placeholder for an ExternalId value the analysis does not hold (never a guessed value). */
export function externalIdValue(usage: Usage): string {
  const resolved = usage.externalId.resolved;
  if (resolved && resolved.value !== null) return resolved.value;
  const origin = resolved?.origin;
  if (origin?.source === 'credential' && origin.reference) return `<credential ${origin.reference}>`;
  if (origin?.reference) return `<${origin.source} ${origin.reference}>`;
  return '<ExternalId>';
}

/** Appends a statement to a policy document's JSON text; null when the text is not a JSON policy object. */
export function withStatement(policyText: string, statement: StatementJson): string | null {
  let doc: unknown;
  try {
    doc = policyText.trim() === '' ? { Version: '2012-10-17', Statement: [] } : JSON.parse(policyText);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const record = doc as Record<string, unknown>;
  const current = record.Statement;
  const list = Array.isArray(current) ? [...current] : current === undefined ? [] : [current];
  return JSON.stringify(
    { ...record, Version: record.Version ?? '2012-10-17', Statement: [...list, statement] },
    null,
    2,
  );
}

/** The trust principal that names exactly this caller: the role ARN (with its path) of a role session, the user ARN. */
function exactPrincipal(caller: Caller, identity: CallerIdentity | null): { arn: string; caveat: string | null } {
  if (caller.kind === 'user' || caller.kind === 'federated-user' || caller.kind === 'role')
    return { arn: caller.arn, caveat: null };
  const record = identity?.record;
  if (record && 'roleName' in record) return { arn: record.arn, caveat: null };
  return {
    arn: caller.roleArn ?? caller.arn,
    caveat: `the IAM data does not hold the caller's role ${caller.name}, so its path is not known: if the role has a path (arn:…:role/PATH/${caller.name}), write it in Principal.AWS, or IAM will not match it`,
  };
}

function sorted(codes: Iterable<FindingCode>): FindingCode[] {
  return [...new Set(codes)].sort();
}

function describeCaller(usage: Usage): string {
  return usage.callerOrigin ? ` (${usage.callerOrigin})` : '';
}

/**
 * The least-privilege change for one usage. `findings` are the usage's findings from the scan (static and
 * IAM). Never throws for bad input: what cannot be granted is said in `notes`.
 */
export async function grantFor(
  usage: Usage,
  findings: readonly Finding[],
  ctx: AnalysisContext,
  now: Date = new Date(),
): Promise<Grant> {
  const errorsBefore = sorted(findings.filter((f) => f.severity === 'error').map((f) => f.code));
  const grant: Grant = {
    usage,
    roleArn: usage.roleArn,
    trustStatement: null,
    identityStatement: null,
    identityFor: null,
    roleChanges: {},
    notes: [],
    explanations: [],
    errorsBefore,
    errorsAfter: errorsBefore,
    verified: false,
    sufficient: false,
  };
  const staticErrors = findings.filter(
    (f) => f.severity === 'error' && !OWNER_FIXABLE.includes(f.code) && f.code !== 'role-not-found',
  );
  const pipelineNotes = () => {
    for (const f of staticErrors) grant.notes.push(`The pipeline must change (${f.code}): ${f.message}`);
  };
  if (usage.kind === 'sh-get-session-token' || usesStaticKeys(usage) || !usage.roleArn) {
    grant.notes.push(
      usage.kind === 'sh-get-session-token'
        ? 'GetSessionToken assumes no role: no trust policy decides it, so there is nothing for a role owner to grant.'
        : usesStaticKeys(usage)
          ? 'This step uses long-lived access keys and assumes no role: no trust policy decides it, so there is nothing for a role owner to grant. Give the step a role (withAWS role:, or roleArn: on the binding) to use temporary credentials.'
          : 'The call names no role RoleCall could resolve, so there is no role owner to ask yet.',
    );
    pipelineNotes();
    grant.sufficient = false;
    return grant;
  }
  const roleArn = usage.roleArn;
  const caller = usage.caller ? parseCaller(usage.caller) : null;
  if (!caller) {
    grant.notes.push(
      usage.caller
        ? `The caller ${usage.caller} is not a user, role or role-session ARN: a trust statement cannot name it.`
        : 'Who calls STS for this step is not known, so no statement can name it: give it with --caller ARN or map the agent label / controller in .rolecall.json "callers".',
    );
    pipelineNotes();
    return grant;
  }
  if (caller.kind === 'root') {
    grant.notes.push(
      `The caller is the root user of account ${caller.account}, and STS refuses AssumeRole with root credentials whatever the trust policy says: the pipeline must run as an IAM user or role.`,
    );
    pipelineNotes();
    return grant;
  }

  // What IAM knows about the role and the caller.
  const iam = ctx.iam;
  const roleAccount = accountOf(roleArn);
  let role: RoleRecord | null = null;
  if (iam && roleAccount && iam.coversAccount(roleAccount)) {
    const lookup = await iam.getRole(roleArn, { identityPolicies: false });
    if (lookup.status === 'found') role = lookup.value;
    else if (lookup.status === 'not-found') {
      grant.notes.push(
        `${roleArn} does not exist (per the IAM data of account ${roleAccount}): fix the role name in the pipeline${lookup.knownNames.length ? ` (roles there: ${lookup.knownNames.slice(0, 5).join(', ')})` : ''}, or its owner creates the role with this trust statement.`,
      );
    } else
      grant.notes.push(
        `The role could not be read (${lookup.reason}): the statement below is what the call needs, not checked against the role.`,
      );
  } else {
    grant.notes.push(
      `No IAM data covers account ${roleAccount ?? '(unknown)'}: the statement below is what the call needs, not checked against the role's current trust policy (it may already allow it).`,
    );
  }
  const identity = iam ? await callerIdentity(usage, iam).catch(() => null) : null;
  const principal = exactPrincipal(caller, identity);
  if (principal.caveat) grant.notes.push(`Principal: ${principal.caveat}.`);

  // The trust statement, unless the trust policy already lets the caller in (then only the caller's side is missing).
  const evaluation = role && identity ? evaluateUsage(usage, role, identity, now) : null;
  if (evaluation?.decision === 'allow' && errorsBefore.every((c) => !OWNER_FIXABLE.includes(c))) {
    grant.notes.push(`IAM already lets ${caller.arn} assume ${roleArn}: nothing to change on the role.`);
  }
  const refusedDocument = evaluation?.denyKind === 'invalid-trust-policy';
  if (refusedDocument && role) {
    grant.notes.push(
      `The trust policy of ${role.roleName} is a document IAM refuses (${evaluation?.reasons[0]?.detail ?? 'invalid'}): nothing in it lets anyone in until its owner corrects it; add the statement below in the same change.`,
    );
  }
  const trustAllows =
    evaluation?.trace.some((t) => t.source === 'trust-policy' && t.statement.effect === 'Allow' && t.result === T) ??
    false;
  const maybe = trustAllows
    ? undefined
    : evaluation?.trace.find((t) => t.source === 'trust-policy' && t.statement.effect === 'Allow' && t.result === U);
  if (maybe) {
    // Do not ask the owner for a statement the role may already have: say what would decide it.
    const unknown = maybe.conditions.filter((c) => c.result === U).map((c) => c.clause.key);
    grant.notes.push(
      `Trust statement ${maybe.statement.sid ? `'${maybe.statement.sid}'` : `#${maybe.statement.index}`} may already let this call in: it depends on ${unknown.join(', ') || 'values'} of the call, which RoleCall does not hold${unknown.some((k) => k.toLowerCase() === 'sts:externalid') ? ' (give the credential with --credential ID=VALUE or --credentials-file to check it)' : ''}.`,
    );
  }
  if (!trustAllows && !maybe) {
    const actions = [
      'sts:AssumeRole',
      ...(usage.sessionTags ? ['sts:TagSession'] : []),
      ...(usage.sourceIdentity ? ['sts:SetSourceIdentity'] : []),
    ];
    const statement: StatementJson = {
      Effect: 'Allow',
      Principal: { AWS: principal.arn },
      Action: actions.length === 1 ? actions[0] : actions,
    };
    grant.explanations.push(
      `Principal.AWS is exactly ${principal.arn}, the principal that calls STS for this step${describeCaller(usage)}: not its account's root and not "*", so no other user or role of account ${caller.account} gets in.`,
    );
    grant.explanations.push(
      actions.length === 1
        ? 'Action is sts:AssumeRole only: the call passes no session tags (--tags) and no source identity (--source-identity), so sts:TagSession and sts:SetSourceIdentity are not needed.'
        : `Action adds ${actions.slice(1).join(' and ')}: the call passes ${[usage.sessionTags ? 'session tags (--tags)' : '', usage.sourceIdentity ? 'a source identity (--source-identity)' : ''].filter(Boolean).join(' and ')}, which STS refuses unless the trust policy allows ${actions.slice(1).join(' and ')} too.`,
    );
    const condition: Record<string, Record<string, string>> = {};
    if (usage.externalId.present) {
      const value = externalIdValue(usage);
      condition.StringEquals = { 'sts:ExternalId': value };
      grant.explanations.push(
        value.startsWith('<')
          ? `StringEquals sts:ExternalId: the call passes an ExternalId (${value.slice(1, -1)}); replace the placeholder with its value (the role owner and the credential's keeper agree on it), so the caller gets in only when it passes that value.`
          : 'StringEquals sts:ExternalId: the call passes this ExternalId, so the caller gets in only when it passes that value (the confused-deputy protection); keep it as secret as the credential that holds it.',
      );
    }
    if (usage.mfa) {
      condition.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
      grant.explanations.push(
        'Bool aws:MultiFactorAuthPresent true: the call passes an MFA code, so the statement keeps requiring one.',
      );
    }
    if (Object.keys(condition).length > 0) statement.Condition = condition;
    grant.trustStatement = statement;
    const failing =
      evaluation?.trace.filter(
        (t) => t.source === 'trust-policy' && t.statement.effect === 'Allow' && t.action && t.principal !== F,
      ) ?? [];
    for (const t of failing) {
      const keys = t.conditions.filter((c) => c.result !== T).map((c) => c.clause.key.toLowerCase());
      const label = t.statement.sid ? `'${t.statement.sid}'` : `#${t.statement.index}`;
      if (keys.some((k) => k === 'aws:multifactorauthpresent' || k === 'aws:multifactorauthage') && !usage.mfa) {
        grant.notes.push(
          `Trust statement ${label} lets this caller in only with MFA, which this call does not pass: the statement above admits it without MFA. If MFA is the role's rule, the pipeline should pass an MFA code instead (then no change is needed).`,
        );
      }
      if (keys.includes('sts:externalid')) {
        grant.notes.push(
          usage.externalId.present
            ? `Trust statement ${label} expects a different ExternalId: if that value is the agreed one, update the pipeline's ExternalId instead of adding this statement.`
            : `Trust statement ${label} requires an ExternalId, which this call does not pass: the statement above admits the caller without one. The pipeline can pass the agreed ExternalId instead (then no change is needed).`,
        );
      }
    }
  }

  // MaxSessionDuration, when the call asks for more than the role allows and STS would otherwise accept it.
  const chained = staticErrors.some((f) => f.code === 'role-chaining-duration');
  const duration = usage.duration;
  if (role && duration !== null && duration > role.maxSessionDuration && duration <= 43200 && !chained) {
    grant.roleChanges.MaxSessionDuration = duration;
    grant.explanations.push(
      `MaxSessionDuration ${duration}: the call asks for ${duration} s and ${role.roleName} allows ${role.maxSessionDuration} s.`,
    );
  }

  // The caller's side: cross-account calls (and trusts that name only the account) also need the caller's own permission.
  const change: IamChange = {
    roles:
      role || grant.trustStatement
        ? [
            {
              roleArn: role?.arn ?? roleArn,
              ...(grant.trustStatement
                ? { trustPolicy: { text: withStatement(role?.trustPolicy.text ?? '', grant.trustStatement) ?? '' } }
                : {}),
              ...(grant.roleChanges.MaxSessionDuration
                ? { maxSessionDuration: grant.roleChanges.MaxSessionDuration }
                : {}),
            },
          ]
        : [],
  };
  if (role && grant.trustStatement && withStatement(role.trustPolicy.text, grant.trustStatement) === null) {
    grant.notes.push(
      `The trust policy of ${role.roleName} is not valid JSON: fix it first (see policy-parse-error), then add the statement.`,
    );
  }
  const crossAccount = caller.account !== roleAccount;
  let needsIdentity: boolean;
  if (iam && role) {
    const changed = (await new ChangedIamReader(iam, change).getRole(role.arn)) as {
      status: 'found';
      value: RoleRecord;
    };
    const after = identity ? evaluateUsage(usage, changed.value, identity, now) : null;
    needsIdentity =
      after?.denyKind === 'identity-not-allowed' || (after?.identityRequired === true && identity?.policies === null);
  } else needsIdentity = crossAccount;
  if (needsIdentity) {
    grant.identityStatement = { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role?.arn ?? roleArn };
    grant.identityFor = principal.arn;
    grant.explanations.push(
      crossAccount
        ? `Identity statement for ${principal.arn}: the call crosses from account ${caller.account} to ${roleAccount}, and IAM also requires the caller's own policies to allow sts:AssumeRole on exactly this role.`
        : `Identity statement for ${principal.arn}: the trust policy names only the account, which leaves the decision to the caller's own policies.`,
    );
    if (identity && identity.policies === null && identity.note)
      grant.notes.push(
        `The caller's own policies are not fully known (${identity.note}): add the identity statement unless they already allow sts:AssumeRole on ${role?.arn ?? roleArn}.`,
      );
    change.identities = [
      {
        principalArn: principal.arn,
        policy: {
          name: 'rolecall-grant',
          text: JSON.stringify({ Version: '2012-10-17', Statement: [grant.identityStatement] }),
        },
      },
    ];
  }

  // Re-check through the scan's own checks: what is left is what the change does not fix.
  if (iam && role) {
    const changedCtx: AnalysisContext = { ...ctx, iam: new ChangedIamReader(iam, change) };
    const iamAfter = await usageErrorCodes(usage, changedCtx);
    grant.verified = true;
    grant.errorsAfter = sorted([...iamAfter, ...staticErrors.map((f) => f.code)]);
    const left = iamAfter.filter((c) => OWNER_FIXABLE.includes(c));
    if (left.length > 0) {
      const changedRole = (await changedCtx.iam!.getRole(role.arn)) as { status: 'found'; value: RoleRecord };
      const identityAfter = await callerIdentity(usage, changedCtx.iam!).catch(() => identity);
      const after = identityAfter ? evaluateUsage(usage, changedRole.value, identityAfter, now) : null;
      const deny = after?.trace.find((t) => t.statement.effect === 'Deny' && t.result === T);
      if (deny) {
        const where =
          deny.source === 'trust-policy'
            ? `the trust policy of ${role.roleName}`
            : `the identity policy ${deny.policy} of ${caller.arn}`;
        grant.notes.push(
          `An explicit Deny refuses this call: ${deny.statement.sid ? `statement '${deny.statement.sid}'` : `statement #${deny.statement.index}`} of ${where}. A Deny is a decision, not an omission: RoleCall does not propose removing it; ask its owner, or call from another principal.`,
        );
      } else if (chained && left.every((c) => c === 'duration-exceeds-max')) {
        grant.notes.push(
          `Raising MaxSessionDuration would not help (${left.join(', ')}): the caller is a role session, and STS caps a chained session at 3600 s whatever the role allows — the pipeline must ask for 3600 s or less.`,
        );
      } else if (!refusedDocument)
        grant.notes.push(
          `Still refused after the change (${left.join(', ')}): the call needs more than a trust statement can give.`,
        );
    }
  } else {
    grant.errorsAfter = sorted(staticErrors.map((f) => f.code));
    if (!role && errorsBefore.includes('role-not-found'))
      grant.errorsAfter = sorted([...grant.errorsAfter, 'role-not-found']);
  }
  pipelineNotes();
  grant.sufficient = grant.errorsAfter.every((c) => NOT_BLOCKING.has(c));
  return grant;
}
