// Who runs agent code, from Jenkins configuration as code: each cloud template's identity turned into
// the principal that calls STS (EC2 instance profile → its role's session, ECS task role, Kubernetes
// service account → the role the config maps it to), AWS credentials by id, and, for a label
// expression, the templates that satisfy it. Resolving instance profiles needs the IAM data (a port);
// everything else is pure.
import { accountOf, parseRoleArn, roleArn as makeRoleArn, splitArn, isAccountId } from '../iam/arn';
import type { IamReader } from '../ports';
import type {
  AgentCredential,
  AgentDirectory,
  AgentTemplate,
  CallerSource,
  CascCredential,
  CascProblem,
  CascTemplate,
  JenkinsCasc,
} from './model';
import { labelMatches, parseLabelExpression } from './labels';

export type { AgentCredential, AgentDirectory, AgentTemplate } from './model';

/** The agents a label expression picks. */
export interface LabelMatch {
  /** Why Jenkins would take the text as one label atom, or null when it is a valid expression. */
  parseError: string | null;
  /** Matching templates grouped by the principal they run as, in file order. */
  choices: Array<{ caller: string | null; unresolved: string | null; templates: AgentTemplate[] }>;
}

function cascSource(template: CascTemplate): CallerSource {
  const at = template.identityAt ?? template.at;
  return {
    kind: 'jenkins-casc',
    file: at.file,
    line: at.line,
    key: template.identity || template.identitySecret ? template.identityKey : null,
  };
}

const CLOUD_NAMES = { amazonEC2: 'EC2', ecs: 'ECS', kubernetes: 'Kubernetes' } as const;

/** "EC2 template 'x' (labels: a b) of cloud 'c', jenkins.yaml:12". */
export function describeTemplate(t: CascTemplate): string {
  const name = t.name ? ` '${t.name}'` : '';
  const labels = t.labels.length ? ` (labels: ${t.labels.join(' ')})` : ' (no labels)';
  const cloud = t.cloudName ? ` of cloud '${t.cloudName}'` : '';
  return `${CLOUD_NAMES[t.cloudKind]} template${name}${labels}${cloud}, ${t.at.file}:${t.at.line}`;
}

/** The caller ARN of an agent running as a role: its session (EC2: any instance, `i-*`). */
function sessionOf(role: string, session: string): string | null {
  const parts = parseRoleArn(role);
  const arn = splitArn(role);
  if (!parts || !arn) return null;
  return `arn:${arn.partition}:sts::${parts.account}:assumed-role/${parts.name}/${session}`;
}

/** A role written as an ARN or as a name in `account` (the cloud's), or why it cannot be told. */
function roleOf(
  value: string,
  account: string | null,
  region: string | null,
  key: string,
): { arn: string } | { unresolved: string } {
  if (value.startsWith('arn:')) {
    return parseRoleArn(value)
      ? { arn: value }
      : { unresolved: `${key} '${value}' is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME)` };
  }
  if (!account)
    return {
      unresolved: `${key} '${value}' is a role name and the cloud does not say its account (give an ECS cluster ARN, or write the role as an ARN)`,
    };
  const partition = region?.startsWith('cn-') ? 'aws-cn' : region?.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const slash = value.lastIndexOf('/');
  return slash >= 0
    ? {
        arn: makeRoleArn(
          partition,
          account,
          value.slice(slash + 1),
          `/${value.slice(0, slash + 1).replace(/^\/+/, '')}`,
        ),
      }
    : { arn: makeRoleArn(partition, account, value) };
}

/** Resolves an EC2 template's instance profile to its role through the IAM data. */
async function instanceProfileCaller(
  value: string,
  template: CascTemplate,
  iam: IamReader | null,
): Promise<{ caller: string | null; unresolved: string | null }> {
  if (!iam?.getInstanceProfile) {
    return {
      caller: null,
      unresolved: `instance profile '${value}' needs IAM data to find its role: add --iam-snapshot FILE of its account (get-account-authorization-details lists instance profiles), or map the label in .rolecall.json "callers.agents"`,
    };
  }
  let arns: string[];
  if (value.startsWith('arn:')) {
    const arn = splitArn(value);
    if (!arn || !arn.resource.startsWith('instance-profile/') || !isAccountId(arn.account))
      return {
        caller: null,
        unresolved: `iamInstanceProfile '${value}' is not an instance profile ARN (arn:aws:iam::ACCOUNT:instance-profile/NAME)`,
      };
    arns = [value];
  } else {
    // A name: the cloud's account when it says, else every account the IAM data covers.
    const accounts = template.cloudAccount ? [template.cloudAccount] : iam.accounts();
    arns = accounts.map((a) => `arn:aws:iam::${a}:instance-profile/${value}`);
  }
  const found: string[] = [];
  const reasons: string[] = [];
  for (const arn of arns) {
    const lookup = await iam.getInstanceProfile(arn);
    if (lookup.status === 'found') {
      const role = lookup.value.roleArns[0];
      if (!role) reasons.push(`instance profile ${lookup.value.arn} holds no role: its agents have no AWS identity`);
      else found.push(role);
    } else if (lookup.status === 'not-found') {
      reasons.push(
        `account ${accountOf(arn)} has no instance profile '${value}'${lookup.knownNames.length ? ` (it has: ${lookup.knownNames.slice(0, 5).join(', ')})` : ''}`,
      );
    } else reasons.push(`${lookup.reason}; ${lookup.next}`);
  }
  const distinct = [...new Set(found)];
  if (distinct.length === 1) return { caller: sessionOf(distinct[0], 'i-*'), unresolved: null };
  if (distinct.length > 1)
    return {
      caller: null,
      unresolved: `instance profile name '${value}' exists in several accounts (${distinct.map((r) => accountOf(r)).join(', ')}): write it as an ARN`,
    };
  if (arns.length === 0)
    return {
      caller: null,
      unresolved: `instance profile '${value}' is a name and no IAM data says which account holds it: write it as an ARN, or add --iam-snapshot FILE of its account`,
    };
  return { caller: null, unresolved: reasons.join('; ') };
}

/** The caller of one template's agents. */
async function templateCaller(
  t: CascTemplate,
  iam: IamReader | null,
  serviceAccounts: Record<string, string>,
): Promise<{ caller: string | null; unresolved: string | null }> {
  if (t.identitySecret)
    return {
      caller: null,
      unresolved: `its ${t.identityKey} comes from a secret or variable (\${...}), which RoleCall does not read: map the label in .rolecall.json "callers.agents"`,
    };
  const id = t.identity;
  if (!id) {
    const none =
      t.cloudKind === 'amazonEC2'
        ? 'no iamInstanceProfile'
        : t.cloudKind === 'ecs'
          ? 'no taskrole'
          : 'no serviceAccount';
    return { caller: null, unresolved: `the template sets ${none}, so its agents have no AWS role of their own` };
  }
  if (id.kind === 'instance-profile') return instanceProfileCaller(id.value, t, iam);
  if (id.kind === 'task-role') {
    const r = roleOf(id.value, t.cloudAccount, t.cloudRegion, 'taskrole');
    return 'arn' in r ? { caller: r.arn, unresolved: null } : { caller: null, unresolved: r.unresolved };
  }
  const key = `${id.namespace}/${id.name}`;
  const mapped = serviceAccounts[key];
  if (mapped) return { caller: mapped, unresolved: null };
  return {
    caller: null,
    unresolved: `service account ${key} is not mapped to a role (IRSA lives in the cluster): add "serviceAccounts": {"${key}": "arn:aws:iam::ACCOUNT:role/NAME"} to .rolecall.json`,
  };
}

/**
 * Resolves the templates and credentials of JCasC files into callers. `serviceAccounts` is the
 * config's mapping of Kubernetes service accounts to roles. Never throws.
 */
export async function resolveAgentDirectory(
  cascs: readonly JenkinsCasc[],
  iam: IamReader | null,
  serviceAccounts: Record<string, string>,
): Promise<AgentDirectory> {
  const templates: AgentTemplate[] = [];
  const problems: CascProblem[] = [];
  const credentials: Record<string, AgentCredential> = {};
  for (const casc of cascs) {
    problems.push(...casc.problems);
    for (const t of casc.templates) {
      let resolved: { caller: string | null; unresolved: string | null };
      try {
        resolved = await templateCaller(t, iam, serviceAccounts);
      } catch (e) {
        resolved = {
          caller: null,
          unresolved: `its identity could not be resolved (internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
        };
      }
      templates.push({
        template: t,
        caller: resolved.caller,
        unresolved: resolved.unresolved,
        source: cascSource(t),
        description: describeTemplate(t),
      });
      if (resolved.unresolved && (t.identity || t.identitySecret)) {
        const at = t.identityAt ?? t.at;
        problems.push({ ...at, severity: 'warning', message: `${describeTemplate(t)}: ${resolved.unresolved}` });
      }
    }
    for (const c of casc.credentials) credentials[c.id] = credentialOf(c);
  }
  return { files: cascs.map((c) => c.file), templates, credentials, problems };
}

function credentialOf(c: CascCredential): AgentCredential {
  const at = c.roleArnAt ?? c.at;
  return {
    roleArn: c.roleArn,
    mfaSerial: c.mfaSerial,
    source: { kind: 'jenkins-casc', file: at.file, line: at.line, key: c.roleArnAt ? 'iamRoleArn' : null },
  };
}

/** The templates that satisfy a label expression, grouped by the principal they run as. */
export function matchLabel(directory: AgentDirectory, label: string): LabelMatch {
  const parsed = parseLabelExpression(label.trim());
  return {
    parseError: parsed.error,
    choices: byCaller(directory.templates.filter((t) => labelMatches(parsed.expression, new Set(t.template.labels)))),
  };
}

/**
 * The templates Jenkins may start for work that asks for no label (`agent any`, `node { }`), grouped by the
 * principal they run as: those whose cloud provisions unlabeled work (`CascTemplate.takesUnlabeled`).
 */
export function matchUnlabeled(directory: AgentDirectory): LabelMatch {
  return { parseError: null, choices: byCaller(directory.templates.filter((t) => t.template.takesUnlabeled)) };
}

function byCaller(templates: readonly AgentTemplate[]): LabelMatch['choices'] {
  const choices: LabelMatch['choices'] = [];
  for (const t of templates) {
    const same = choices.find((c) => c.caller === t.caller && (t.caller !== null || c.unresolved === t.unresolved));
    if (same) same.templates.push(t);
    else choices.push({ caller: t.caller, unresolved: t.unresolved, templates: [t] });
  }
  return choices;
}

/** An inline agent's identity (`agent { ecs { taskrole '…' } }`, `agent { kubernetes { serviceAccount '…' } }`). */
export interface InlineAgent {
  kind: 'ecs' | 'kubernetes';
  /** `taskrole` (ECS) or `serviceAccount` (Kubernetes), as resolved; null when the block sets none. */
  identity: string | null;
  namespace: string | null;
  inheritFrom: string | null;
  cloud: string | null;
}

/**
 * The caller of an inline agent: its own identity when it sets one (a task role name takes the
 * account of the template it inherits from, or of the only ECS cloud), else the identity of the
 * template it inherits from. Null when neither says (`unresolved` tells why).
 */
export function inlineAgentCaller(
  directory: AgentDirectory | null,
  agent: InlineAgent,
  serviceAccounts: Record<string, string>,
): { caller: string | null; unresolved: string | null; parent: AgentTemplate | null } {
  const cloudKind = agent.kind === 'ecs' ? 'ecs' : 'kubernetes';
  const ofKind = (directory?.templates ?? []).filter(
    (t) => t.template.cloudKind === cloudKind && (!agent.cloud || t.template.cloudName === agent.cloud),
  );
  const parent = agent.inheritFrom
    ? (ofKind.find((t) => t.template.name === agent.inheritFrom) ??
      ofKind.find((t) => agent.kind === 'ecs' && t.template.labels.join(' ') === agent.inheritFrom) ??
      null)
    : null;
  if (!agent.identity) {
    if (parent) return { caller: parent.caller, unresolved: parent.unresolved, parent };
    return { caller: null, unresolved: null, parent: null };
  }
  if (agent.kind === 'ecs') {
    const accounts = [...new Set(ofKind.map((t) => t.template.cloudAccount).filter((a): a is string => !!a))];
    const account = parent?.template.cloudAccount ?? (accounts.length === 1 ? accounts[0] : null);
    const region = parent?.template.cloudRegion ?? null;
    const r = roleOf(agent.identity, account, region, 'taskrole');
    return 'arn' in r
      ? { caller: r.arn, unresolved: null, parent }
      : { caller: null, unresolved: r.unresolved, parent };
  }
  const namespace =
    agent.namespace ??
    (parent?.template.identity?.kind === 'service-account' ? parent.template.identity.namespace : null) ??
    'default';
  const key = `${namespace}/${agent.identity}`;
  const mapped = serviceAccounts[key];
  if (mapped) return { caller: mapped, unresolved: null, parent };
  return {
    caller: null,
    unresolved: `service account ${key} is not mapped to a role (IRSA lives in the cluster): add "serviceAccounts": {"${key}": "arn:aws:iam::ACCOUNT:role/NAME"} to .rolecall.json`,
    parent,
  };
}
