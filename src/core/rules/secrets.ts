// invalid-external-id, hardcoded-secret and static-credentials at a usage. Messages never contain
// the secret value, only its shape (length, kind of problem).
import { credentialInfo } from '../config';
import {
  finding,
  usesStaticKeys,
  type AnalysisContext,
  type Finding,
  type Fix,
  type PipelineFact,
  type Usage,
} from '../types';

/** What the rules of pipeline facts read from the context: which AWS credentials are described. */
export type FactContext = Pick<AnalysisContext, 'config' | 'agents'>;

const EXTERNAL_ID_CHARS = /^[\w+=,.@:/-]*$/;

/** Describes why STS would reject an ExternalId, without revealing it; null when valid. */
export function externalIdProblem(value: string): string | null {
  if (value.length === 0) return 'it is empty (an empty or unset credential is the usual cause)';
  if (value.length < 2) return 'it is 1 character long; at least 2 are needed';
  if (value.length > 1224) return `it is ${value.length} characters long; at most 1224 are allowed`;
  if (!EXTERNAL_ID_CHARS.test(value)) {
    if (/\s/.test(value))
      return 'it contains whitespace (a trailing newline in the stored credential is a common cause)';
    return 'it contains characters outside [A-Za-z0-9_+=,.@:/-]';
  }
  return null;
}

/** Checks the resolved ExternalId's syntax. */
export function externalIdRule(usage: Usage): Finding[] {
  const resolved = usage.externalId.resolved;
  if (!usage.externalId.present || !resolved || resolved.value === null) return [];
  const problem = externalIdProblem(resolved.value);
  if (!problem) return [];
  const from =
    resolved.origin.source === 'credential'
      ? ` from credential '${resolved.origin.reference}'`
      : resolved.origin.reference
        ? ` from ${resolved.origin.reference}`
        : '';
  const next =
    resolved.origin.source === 'credential'
      ? `Update the secret-text credential '${resolved.origin.reference}' in Jenkins (or your --credential/--credentials-file value) to the ExternalId the role's trust policy expects.`
      : 'Use the ExternalId the role trust policy expects: 2-1224 characters of letters, digits and _+=,.@:/-.';
  return [
    finding(
      'invalid-external-id',
      usage.file,
      usage.args.externalId ?? usage.anchor,
      `The ExternalId${from} is invalid: ${problem}. STS rejects the call. ${next}`,
      { roleArn: usage.roleArn },
    ),
  ];
}

const SECRET_LABEL = {
  'external-id': 'ExternalId',
  'secret-key': 'AWS secret access key',
  'session-token': 'AWS session token',
  'access-key': 'AWS access key id',
} as const;

function externalIdFix(secret: Usage['secrets'][number]): Fix[] | undefined {
  if (!secret.replacement) return undefined;
  const edits = [];
  if (secret.statement) {
    const indent = secret.indent ?? '';
    edits.push({
      offset: secret.statement.start,
      length: 0,
      content: `withCredentials([string(credentialsId: 'external-id', variable: 'EXTERNAL_ID')]) { // TODO: create secret-text credential 'external-id' in Jenkins\n${indent}    `,
    });
  }
  edits.push({
    offset: secret.range.start,
    length: secret.range.end - secret.range.start,
    content: secret.replacement,
  });
  if (secret.statement) edits.push({ offset: secret.statement.end, length: 0, content: `\n${secret.indent ?? ''}}` });
  return [{ title: "Read the ExternalId from a Jenkins credential ('external-id') instead", edits, isPreferred: true }];
}

/** Reports literal secrets and static keys recorded at a usage. */
export function secretsRule(usage: Usage): Finding[] {
  const out: Finding[] = [];
  for (const secret of usage.secrets) {
    const label = SECRET_LABEL[secret.kind];
    if (secret.kind === 'access-key') {
      out.push(
        finding(
          'static-credentials',
          usage.file,
          secret.range,
          `Long-lived ${label} written in the pipeline. Let the agent assume a role (instance profile, task role, withAWS(role: ...)) instead of static keys, and rotate this key.`,
          {
            roleArn: usage.roleArn,
          },
        ),
      );
      continue;
    }
    const binding =
      secret.kind === 'external-id'
        ? "withCredentials([string(credentialsId: 'external-id', variable: 'EXTERNAL_ID')]) { ... env.EXTERNAL_ID ... }"
        : "withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: '...']]) { ... }";
    out.push(
      finding(
        'hardcoded-secret',
        usage.file,
        secret.range,
        `${label} written literally in the pipeline: anyone who can read the repository can use it. Store it as a Jenkins credential and bind it with ${binding}.`,
        {
          roleArn: usage.roleArn,
          fixes: secret.kind === 'external-id' ? externalIdFix(secret) : undefined,
        },
      ),
    );
  }
  return out;
}

const FACT_SECRET_LABEL = {
  'secret-key': 'AWS secret access key',
  'session-token': 'AWS session token',
  'external-id': 'ExternalId',
} as const;

/** When neither .rolecall.json nor JCasC describes a credential: how to tell RoleCall it has a role of its own. */
function describeHint(credId: string, ctx: FactContext): string {
  if (credentialInfo(ctx.config, ctx.agents, credId)) return '';
  return ` If the credential already has an "IAM Role To Use" in Jenkins, describe it in .rolecall.json: "awsCredentials": {"${credId}": {"roleArn": "arn:aws:iam::ACCOUNT:role/NAME"}}.`;
}

/** How a static-key usage names its keys, for messages: the credential id, as written when unresolved, or the profile. */
export function staticKeysName(usage: Usage): string {
  if (usage.credentialsId !== null) return `AWS credential '${usage.credentialsId}'`;
  if (usage.credentialsText !== undefined) {
    const o = usage.origins.credentials;
    const why = o?.description ? ` (${o.description})` : '';
    return `the AWS credential given by ${usage.credentialsText}${why}`;
  }
  if (usage.profile !== undefined) return `AWS profile '${usage.profile}' of the node`;
  return 'an AWS credential';
}

/**
 * static-credentials at a usage that assumes no role (withAWS without role:, an AWS binding without
 * roleArn): once per usage, whatever form its credential id takes.
 */
export function staticKeysRule(usage: Usage, ctx: FactContext): Finding[] {
  if (!usesStaticKeys(usage)) return [];
  const name = staticKeysName(usage);
  const hint = usage.credentialsId !== null ? describeHint(usage.credentialsId, ctx) : '';
  const message =
    usage.kind === 'withAWS'
      ? `withAWS uses the long-lived access keys of ${name} and assumes no role. Add role: (and roleAccount:) so the build works with temporary credentials${usage.profile === undefined ? ', or give the credential an "IAM Role To Use"' : ''}.${hint}`
      : `withCredentials binds the long-lived access keys of ${name} and assumes no role. Add roleArn: 'arn:aws:iam::ACCOUNT:role/NAME' to the binding (or use withAWS(role: ...)) so the build works with temporary credentials.${hint}`;
  return [finding('static-credentials', usage.file, usage.anchor, message)];
}

/** Static keys and literal secrets seen outside usages (strings, variables, bindings, calls without a role). */
export function secretFactRule(fact: PipelineFact, file: string, _ctx: FactContext): Finding[] {
  switch (fact.kind) {
    case 'access-key':
      return [
        finding(
          'static-credentials',
          file,
          fact.range,
          'Long-lived AWS access key id written in the pipeline. Let Jenkins assume a role (instance profile, task role, withAWS(role: ...)) instead of static keys, and rotate this key.',
        ),
      ];
    case 'literal-secret': {
      const label = FACT_SECRET_LABEL[fact.secret];
      const named = fact.variable !== null ? ` (${fact.variable})` : '';
      const binding =
        fact.secret === 'external-id'
          ? "withCredentials([string(credentialsId: 'external-id', variable: 'EXTERNAL_ID')]) { ... env.EXTERNAL_ID ... }"
          : 'withCredentials([...])';
      return [
        finding(
          'hardcoded-secret',
          file,
          fact.range,
          `${label} written literally in the pipeline${named}: anyone who can read the repository can use it. Store it as a Jenkins credential and bind it with ${binding} instead, and rotate it.`,
        ),
      ];
    }
    case 'static-keys-binding':
      if (fact.secretText !== undefined)
        return [
          finding(
            'static-credentials',
            file,
            fact.range,
            `${fact.secretText} binds ${fact.credentialsId !== null ? `secret text '${fact.credentialsId}'` : `the secret text given by ${fact.credentialsText ?? 'an expression'}`} as AWS_ACCESS_KEY_ID: a long-lived access key. Use an AWS credential with a role (AmazonWebServicesCredentialsBinding with roleArn:, or withAWS(role: ...)) so the build works with temporary credentials.`,
          ),
        ];
      return [
        finding(
          'static-credentials',
          file,
          fact.range,
          `withCredentials binds ${fact.credentialsId !== null ? `credential '${fact.credentialsId}'` : `the credential given by ${fact.credentialsText ?? 'an expression'}`} as AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY: long-lived access keys. Use an AWS credential with a role (AmazonWebServicesCredentialsBinding with roleArn:, or withAWS(role: ...)) so the build works with temporary credentials.`,
        ),
      ];
    default:
      return [];
  }
}
