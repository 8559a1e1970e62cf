// Project settings from `.rolecall.json`, sanitized from unknown JSON (vscode-eslint's `Foo.from(unknown)`
// style): wrong types are dropped with a warning, never trusted. The JSON schema lives in
// schemas/rolecall.schema.json and must describe the same shape.
import type { AgentDirectory } from './jenkins/model';

/** An AWS credential stored in Jenkins, described without its secret: who it is, and the role it may assume. */
export interface AwsCredentialInfo {
  /** The IAM user or role the credential's keys belong to. */
  principal?: string;
  /** A role the credential itself assumes (the AWS Credentials plugin's "IAM Role To Use"): makes calls role chains. */
  roleArn?: string;
  /** MFA device serial the credential's user has. */
  mfaSerial?: string;
}

export interface ProjectConfig {
  callers: {
    /** Principal of the Jenkins controller (withAWS without `useNode: true`). */
    controller: string | null;
    /** Principal per agent label; key `*` is any other agent. */
    agents: Record<string, string>;
    /** Vault server's principal (Vault's assumed_role engine calls STS as itself). */
    vault: string | null;
    /** Fallback for every usage when nothing more specific applies. */
    default: string | null;
  };
  /** Target account id → AWS profile that can read its IAM (live mode). */
  accounts: Record<string, string>;
  /**
   * Account id, or `*` for every account without a profile → role ARN to assume from the default
   * credentials to read its IAM (live mode); `{account}` in it is replaced by the account id.
   */
  assumeRoles: Record<string, string>;
  /** IAM defined as code: CloudFormation templates, CDK cdk.out, Terraform directories (paths relative to the config file). */
  iac: IacConfigEntry[];
  /** Snapshot files (paths relative to the config file). */
  iamSnapshots: string[];
  /** Pipeline parameter values (`params.NAME`), overriding defaults. */
  parameters: Record<string, string>;
  /** Global environment (Jenkins global properties, agent env). */
  env: Record<string, string>;
  /** AWS credentials by Jenkins credentials id. */
  awsCredentials: Record<string, AwsCredentialInfo>;
  /** Vault AWS secrets engine roles: `aws/sts/NAME` or `aws/creds/NAME` → the role ARN it assumes. */
  vaultRoles: Record<string, string>;
  /** Jenkins configuration-as-code files (paths relative to the config file) to read callers from. */
  jenkinsCasc: string[];
  /** Kubernetes service account `namespace/name` → the role ARN it runs as (IRSA, set in the cluster). */
  serviceAccounts: Record<string, string>;
  /** Directory the config was read from (relative paths are resolved against it). */
  baseDir: string | null;
}

/** A `"iac"` entry: where the code is and what it cannot say itself (account, region, parameter values). */
export interface IacConfigEntry {
  path: string;
  account: string | null;
  region: string | null;
  parameters: Record<string, string>;
}

export interface ConfigProblem {
  path: string;
  message: string;
}

function emptyConfig(): ProjectConfig {
  return {
    callers: { controller: null, agents: {}, vault: null, default: null },
    accounts: {},
    assumeRoles: {},
    iac: [],
    iamSnapshots: [],
    parameters: {},
    env: {},
    awsCredentials: {},
    vaultRoles: {},
    jenkinsCasc: [],
    serviceAccounts: {},
    baseDir: null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringMap(value: unknown, path: string, problems: ConfigProblem[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined) return out;
  if (!isRecord(value)) {
    problems.push({ path, message: 'expected an object of strings' });
    return out;
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') out[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') out[key] = String(item);
    else problems.push({ path: `${path}.${key}`, message: 'expected a string' });
  }
  return out;
}

function optionalString(value: unknown, path: string, problems: ConfigProblem[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  problems.push({ path, message: 'expected a string' });
  return null;
}

/** `accounts`: ACCOUNT → "PROFILE", or ACCOUNT / "*" → { "profile"?: ..., "assumeRole"?: "arn:...:role/NAME" }. */
function accountsFrom(value: unknown, config: ProjectConfig, problems: ConfigProblem[]): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    problems.push({
      path: 'accounts',
      message: 'expected an object of account id → profile name or { "profile", "assumeRole" }',
    });
    return;
  }
  for (const [account, item] of Object.entries(value)) {
    const path = `accounts.${account}`;
    if (account !== '*' && !/^\d{12}$/.test(account)) {
      problems.push({ path, message: 'expected a 12-digit account id or "*"' });
      continue;
    }
    if (typeof item === 'string') {
      if (account === '*')
        problems.push({
          path,
          message: '"*" takes { "assumeRole": "arn:aws:iam::{account}:role/NAME" }, not a profile',
        });
      else config.accounts[account] = item;
    } else if (isRecord(item)) {
      const profile = optionalString(item.profile, `${path}.profile`, problems);
      const assumeRole = optionalString(item.assumeRole, `${path}.assumeRole`, problems);
      if (profile && account !== '*') config.accounts[account] = profile;
      if (assumeRole) {
        if (/^arn:[\w-]+:iam::(\d{12}|\{account\}):role\/./.test(assumeRole)) config.assumeRoles[account] = assumeRole;
        else
          problems.push({
            path: `${path}.assumeRole`,
            message: 'expected a role ARN, e.g. arn:aws:iam::{account}:role/rolecall-reader',
          });
      }
      for (const key of Object.keys(item))
        if (key !== 'profile' && key !== 'assumeRole')
          problems.push({ path: `${path}.${key}`, message: 'unknown setting (ignored)' });
    } else problems.push({ path, message: 'expected a profile name or { "profile", "assumeRole" }' });
  }
}

function iacFrom(value: unknown, problems: ConfigProblem[]): IacConfigEntry[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ path: 'iac', message: 'expected an array of { "path", "account", "region", "parameters" }' });
    return [];
  }
  const out: IacConfigEntry[] = [];
  value.forEach((item, i) => {
    const path = `iac[${i}]`;
    const entry = typeof item === 'string' ? { path: item } : item;
    if (!isRecord(entry) || typeof entry.path !== 'string' || entry.path === '') {
      problems.push({ path, message: 'expected { "path": "infra/roles.yaml", "account": "123456789012", ... }' });
      return;
    }
    const account = optionalString(entry.account, `${path}.account`, problems);
    if (account !== null && !/^\d{12}$/.test(account))
      problems.push({ path: `${path}.account`, message: 'expected a 12-digit account id' });
    out.push({
      path: entry.path,
      account: account !== null && /^\d{12}$/.test(account) ? account : null,
      region: optionalString(entry.region, `${path}.region`, problems),
      parameters: stringMap(entry.parameters, `${path}.parameters`, problems),
    });
    for (const key of Object.keys(entry))
      if (!['path', 'account', 'region', 'parameters'].includes(key))
        problems.push({ path: `${path}.${key}`, message: 'unknown setting (ignored)' });
  });
  return out;
}

/** Sanitizes parsed `.rolecall.json` content into a ProjectConfig; problems are reported, not thrown. */
export function configFrom(
  raw: unknown,
  baseDir: string | null = null,
): { config: ProjectConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const config = emptyConfig();
  config.baseDir = baseDir;
  if (raw === undefined || raw === null) return { config, problems };
  if (!isRecord(raw)) {
    problems.push({ path: '$', message: 'the config must be a JSON object' });
    return { config, problems };
  }
  const callers = raw.callers;
  if (callers !== undefined) {
    if (!isRecord(callers)) problems.push({ path: 'callers', message: 'expected an object' });
    else {
      config.callers.controller = optionalString(callers.controller, 'callers.controller', problems);
      config.callers.vault = optionalString(callers.vault, 'callers.vault', problems);
      config.callers.default = optionalString(callers.default, 'callers.default', problems);
      config.callers.agents = stringMap(callers.agents, 'callers.agents', problems);
    }
  }
  accountsFrom(raw.accounts, config, problems);
  config.iac = iacFrom(raw.iac, problems);
  if (raw.iamSnapshots !== undefined) {
    if (Array.isArray(raw.iamSnapshots) && raw.iamSnapshots.every((s) => typeof s === 'string'))
      config.iamSnapshots = raw.iamSnapshots as string[];
    else problems.push({ path: 'iamSnapshots', message: 'expected an array of file paths' });
  }
  config.parameters = stringMap(raw.parameters, 'parameters', problems);
  config.env = stringMap(raw.env, 'env', problems);
  config.vaultRoles = stringMap(raw.vaultRoles, 'vaultRoles', problems);
  config.serviceAccounts = stringMap(raw.serviceAccounts, 'serviceAccounts', problems);
  for (const key of Object.keys(config.serviceAccounts)) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(key))
      problems.push({ path: `serviceAccounts.${key}`, message: 'expected a "namespace/name" key' });
  }
  if (raw.jenkinsCasc !== undefined) {
    const list = typeof raw.jenkinsCasc === 'string' ? [raw.jenkinsCasc] : raw.jenkinsCasc;
    if (Array.isArray(list) && list.every((s) => typeof s === 'string')) config.jenkinsCasc = list as string[];
    else problems.push({ path: 'jenkinsCasc', message: 'expected an array of file paths' });
  }
  if (raw.awsCredentials !== undefined) {
    if (!isRecord(raw.awsCredentials)) problems.push({ path: 'awsCredentials', message: 'expected an object' });
    else {
      for (const [id, info] of Object.entries(raw.awsCredentials)) {
        if (!isRecord(info)) {
          problems.push({ path: `awsCredentials.${id}`, message: 'expected an object' });
          continue;
        }
        const entry: AwsCredentialInfo = {};
        const principal = optionalString(info.principal, `awsCredentials.${id}.principal`, problems);
        const roleArn = optionalString(info.roleArn, `awsCredentials.${id}.roleArn`, problems);
        const mfaSerial = optionalString(info.mfaSerial, `awsCredentials.${id}.mfaSerial`, problems);
        if (principal) entry.principal = principal;
        if (roleArn) entry.roleArn = roleArn;
        if (mfaSerial) entry.mfaSerial = mfaSerial;
        config.awsCredentials[id] = entry;
      }
    }
  }
  for (const key of Object.keys(raw)) {
    if (
      ![
        '$schema',
        'callers',
        'accounts',
        'iac',
        'iamSnapshots',
        'parameters',
        'env',
        'awsCredentials',
        'vaultRoles',
        'jenkinsCasc',
        'serviceAccounts',
      ].includes(key)
    ) {
      problems.push({ path: key, message: 'unknown setting (ignored)' });
    }
  }
  return { config, problems };
}

/**
 * An AWS credential as .rolecall.json and Jenkins configuration as code describe it, field by field
 * (.rolecall.json first); undefined when neither does.
 */
export function credentialInfo(
  config: ProjectConfig | null | undefined,
  agents: AgentDirectory | null | undefined,
  credId: string | null | undefined,
): AwsCredentialInfo | undefined {
  if (credId === null || credId === undefined) return undefined;
  const own = config?.awsCredentials[credId];
  const casc = agents?.credentials[credId];
  if (!casc) return own;
  return {
    ...(casc.roleArn ? { roleArn: casc.roleArn } : {}),
    ...(casc.mfaSerial ? { mfaSerial: casc.mfaSerial } : {}),
    ...own,
  };
}

export function defaultConfig(): ProjectConfig {
  return emptyConfig();
}
