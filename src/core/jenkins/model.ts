// The shapes Jenkins configuration as code is read into, and that callers are described with. Plain data
// with no imports, so that the engine's vocabulary (types.ts) can name them without an import cycle.

/**
 * Where a usage's caller came from, so a wrong guess is one click from its source: a Jenkins
 * configuration-as-code file and line, a key of the project config, the pipeline's own agent
 * declaration, the pipeline's own steps (a role chain from an enclosing step), `--caller`, or nothing (`none`).
 */
export interface CallerSource {
  kind: 'jenkins-casc' | 'config' | 'inline-agent' | 'pipeline' | 'caller-flag' | 'none';
  /** The JCasC file (`jenkins-casc`), else null. */
  file: string | null;
  /** 1-based line in `file`, else null. */
  line: number | null;
  /** The key that says it: `callers.agents.linux`, `taskrole`, `iamInstanceProfile`, … */
  key: string | null;
}

/** One of the agents a label expression may pick, when they run as different principals. */
export interface CallerChoice {
  caller: string | null;
  /** The label choice, e.g. "template 'builder' (labels: linux ec2) of EC2 cloud 'prod', jenkins.yaml:14". */
  choice: string;
  origin: string;
  source: CallerSource;
}

/** A 1-based place in a JCasC file. */
export interface CascPosition {
  file: string;
  line: number;
  column: number;
}

/** The AWS identity a template's agents run as, as the template writes it. */
export type AgentIdentity =
  /** EC2: `iamInstanceProfile`, an ARN or a name; its role comes from the IAM data. */
  | { kind: 'instance-profile'; value: string }
  /** ECS: `taskrole` / `taskRole`, a role ARN or a name in the cloud's account. */
  | { kind: 'task-role'; value: string }
  /** Kubernetes: `serviceAccount` in a namespace; mapped to a role by the config's `serviceAccounts`. */
  | { kind: 'service-account'; namespace: string; name: string };

export type CloudKind = 'amazonEC2' | 'ecs' | 'kubernetes';

/** An agent template of a cloud, after `inheritFrom` is followed. */
export interface CascTemplate {
  cloudKind: CloudKind;
  /** The cloud's `name`, when written. */
  cloudName: string | null;
  /** Account the cloud works in, when it says (ECS `cluster` ARN, EC2 `roleArn`, …): for names without one. */
  cloudAccount: string | null;
  cloudRegion: string | null;
  /** `description` (EC2), `templateName` (ECS), `name` (Kubernetes). */
  name: string | null;
  /** The label atoms the template's agents carry (its label text split at whitespace). */
  labels: string[];
  /** The identity its agents run as, or null when the template sets none (its agents have no AWS role). */
  identity: AgentIdentity | null;
  /** Where the identity is written (in a parent template when inherited), or null. */
  identityAt: CascPosition | null;
  /** True when the identity key's value is a `${...}` secret or variable (not read). */
  identitySecret: boolean;
  /** The key that sets the identity (`iamInstanceProfile`, `taskrole`, `serviceAccount`). */
  identityKey: string;
  /** Where the template starts. */
  at: CascPosition;
  /** Templates it inherits from (names), outermost first, when `inheritFrom` was followed. */
  inheritedFrom: string[];
  /**
   * Whether the cloud starts it for work that asks for no label (`agent any`, `node { }`): an EC2 template
   * in `mode: NORMAL` (its default), a Kubernetes pod template in `nodeUsageMode: NORMAL` (its default is
   * EXCLUSIVE); the ECS plugin never provisions for unlabeled work.
   */
  takesUnlabeled: boolean;
}

/** An AWS credential (`credentials.system.domainCredentials[].credentials[].aws`), without its keys. */
export interface CascCredential {
  id: string;
  /** "IAM Role To Use": the role the credential assumes with its keys, or null. */
  roleArn: string | null;
  /** "MFA Serial Number": the MFA device of the keys' user, or null. */
  mfaSerial: string | null;
  at: CascPosition;
  roleArnAt: CascPosition | null;
  mfaSerialAt: CascPosition | null;
}

export interface CascProblem extends CascPosition {
  severity: 'error' | 'warning';
  message: string;
}

export interface JenkinsCasc {
  file: string;
  templates: CascTemplate[];
  credentials: CascCredential[];
  problems: CascProblem[];
}

/** A template with the principal its agents call STS as. */
export interface AgentTemplate {
  template: CascTemplate;
  /** The caller ARN, or null (then `unresolved` says why and what to do). */
  caller: string | null;
  unresolved: string | null;
  source: CallerSource;
  /** For messages: "EC2 template 'linux builder' (labels: linux ec2) of cloud 'prod', jenkins.yaml:12". */
  description: string;
}

/** An AWS credential from JCasC: the role its keys assume and its MFA device. */
export interface AgentCredential {
  roleArn: string | null;
  mfaSerial: string | null;
  source: CallerSource;
}

/** What the JCasC files of a scan say about callers. A value: never changed after it is returned. */
export interface AgentDirectory {
  files: string[];
  templates: AgentTemplate[];
  credentials: Record<string, AgentCredential>;
  /** Problems of the files (syntax, structure, secrets not read) and of resolving identities. */
  problems: CascProblem[];
}
