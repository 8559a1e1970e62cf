// `rolecall init [DIR]`: writes a starting `.rolecall.json` from what the repository holds — IAM snapshot
// files, IAM roles defined as code (CloudFormation templates, cdk.out, Terraform modules), a Jenkins
// configuration-as-code file, the agent labels and AWS accounts its pipelines use, the AWS profiles of
// ~/.aws/config that reach those accounts — and explains each entry. It writes only
// values it found: a principal it cannot know is left null (or listed for the user to add), never
// guessed, because a wrong caller would make every later scan wrong.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { analyzeText, decodePipelineText } from '../core/analyze';
import { defaultConfig } from '../core/config';
import { parseArn, parseRoleArn } from '../core/iam/arn';
import { looksLikeTemplate } from '../core/iam/iac/index';
import { parseJenkinsCasc, type JenkinsCasc } from '../core/jenkins/casc';
import { labelMatches, parseLabelExpression } from '../core/jenkins/labels';
import type { Usage } from '../core/types';
import { writeFileAtomic } from '../core/credentials/credentialsFile';
import { parseFlags } from './args';
import { displayPath, isPipelineFileName } from './files';
import { readIacEntries } from './iac';
import { UsageError, type CliIo, type Subcommand } from './io';

export const INIT_HELP = `Usage: rolecall init [DIR] [--force] [--print] [--aws-config FILE]

Writes DIR/.rolecall.json (default DIR: .) from what DIR holds, and explains each entry:
  iamSnapshots   snapshot files found (JSON with a RoleDetailList, as 'aws iam
                 get-account-authorization-details' or 'rolecall snapshot' writes them)
  iac            CloudFormation templates (a cdk.out directory as one entry) and Terraform modules that
                 define IAM roles, each with the account the pipelines assume its roles in when they say
                 (else the account is left for you to add)
  jenkinsCasc    a Jenkins configuration-as-code file (its agent templates say who runs each label)
  callers        the controller's principal (left null: set it) and the agent labels the pipelines use
  accounts       accounts the pipelines assume roles in that no snapshot covers, mapped to the AWS
                 profile of ~/.aws/config that reaches each (sso_account_id or role_arn), for --live

Options:
  --force            overwrite an existing .rolecall.json
  --print            print the JSON on stdout instead of writing it (the explanation goes to stderr)
  --aws-config FILE  AWS config file to find profiles in (default: $AWS_CONFIG_FILE or ~/.aws/config)

Exit status: 0 written, 2 bad usage, an existing file without --force, or an unwritable file.
`;

/** Where the schema is published; used when the installed schema is not inside the project. */
const SCHEMA_ID = 'https://rolecall.invalid/schemas/rolecall.schema.json';
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', 'build', 'target', '.terraform']);
const MAX_ENTRIES = 50_000;
const MAX_JSON_BYTES = 256 * 1024 * 1024;
const MAX_YAML_BYTES = 4 * 1024 * 1024;
const ACCOUNT = /^\d{12}$/;

interface Found {
  pipelines: string[];
  jsonFiles: string[];
  yamlFiles: string[];
  /** CloudFormation `.template` files (JSON or YAML). */
  templateFiles: string[];
  /** Folders holding `.tf` files (a Terraform module each). */
  tfDirs: string[];
}

/** Lists candidate files under root (relative, `/`-separated), skipping dependency and build folders. */
function walk(root: string): Found {
  const found: Found = { pipelines: [], jsonFiles: [], yamlFiles: [], templateFiles: [], tfDirs: [] };
  const stack = [''];
  let seen = 0;
  while (stack.length > 0 && seen < MAX_ENTRIES) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      seen++;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        // cdk.out keeps bundled code in asset.* folders: no templates there.
        if (!SKIPPED_DIRS.has(entry.name) && !(dir.endsWith('cdk.out') && entry.name.startsWith('asset.')))
          stack.push(rel);
      } else if (entry.isFile()) {
        if (entry.name.endsWith('.tf')) {
          if (!found.tfDirs.includes(dir)) found.tfDirs.push(dir);
        } else if (entry.name.endsWith('.template')) found.templateFiles.push(rel);
        else if (isPipelineFileName(entry.name)) found.pipelines.push(rel);
        else if (entry.name.endsWith('.json') && entry.name !== '.rolecall.json' && entry.name !== 'package.json')
          found.jsonFiles.push(rel);
        else if (/\.ya?ml$/.test(entry.name)) found.yamlFiles.push(rel);
      }
    }
  }
  for (const list of Object.values(found)) list.sort();
  return found;
}

interface Snapshot {
  file: string;
  accounts: string[];
  roles: number;
}

/** A snapshot file: JSON whose RoleDetailList is an array; its accounts come from the role ARNs. */
function readSnapshot(root: string, file: string): Snapshot | null {
  try {
    if (statSync(join(root, file)).size > MAX_JSON_BYTES) return null;
    const text = readFileSync(join(root, file), 'utf8');
    if (!text.includes('"RoleDetailList"')) return null;
    const json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as { RoleDetailList?: unknown };
    if (!Array.isArray(json.RoleDetailList)) return null;
    const accounts = new Set<string>();
    for (const role of json.RoleDetailList as Array<{ Arn?: unknown }>) {
      const arn = typeof role?.Arn === 'string' ? parseArn(role.Arn) : null;
      if (arn?.account && ACCOUNT.test(arn.account)) accounts.add(arn.account);
    }
    return { file, accounts: [...accounts].sort(), roles: json.RoleDetailList.length };
  } catch {
    return null;
  }
}

/** A JCasC file: YAML with a top-level `jenkins:` or `credentials:` key that describes agents or AWS credentials. */
function readCasc(root: string, file: string): JenkinsCasc | null {
  try {
    if (statSync(join(root, file)).size > MAX_YAML_BYTES) return null;
    const text = readFileSync(join(root, file), 'utf8');
    if (!/^(jenkins|credentials):\s*$/m.test(text)) return null;
    const casc = parseJenkinsCasc(file, text);
    return casc.templates.length > 0 || casc.credentials.length > 0 ? casc : null;
  } catch {
    return null;
  }
}

/** A candidate `"iac"` entry: a file or folder that defines IAM roles, with the role names it gives. */
interface IacCandidate {
  path: string;
  kind: 'CloudFormation template' | 'CDK cloud assembly' | 'Terraform module';
  /** Role names the code fixes (lowercase for matching is done by the caller). */
  roles: string[];
  /** Roles whose name is generated at deploy time or not resolvable without the entry's parameters. */
  unnamed: number;
}

/** True when a small text file mentions an IAM role resource (read before the real reader runs). */
function mentionsRole(root: string, file: string, pattern: RegExp): boolean {
  try {
    if (statSync(join(root, file)).size > MAX_YAML_BYTES) return false;
    const text = readFileSync(join(root, file), 'utf8');
    return pattern.test(text) && (file.endsWith('.tf') || looksLikeTemplate(text));
  } catch {
    return false;
  }
}

/**
 * CloudFormation templates (YAML/JSON/.template; everything under a cdk.out folder is that one entry) and
 * Terraform modules that define IAM roles, read with the scan's own reader (without an account, the roles
 * are named but their ARNs wait for it). A file the reader refuses is left out.
 */
async function findIac(root: string, found: Found, snapshotFiles: Set<string>): Promise<IacCandidate[]> {
  const paths = new Map<string, IacCandidate['kind']>();
  const templates = [
    ...found.yamlFiles,
    ...found.jsonFiles.filter((f) => !snapshotFiles.has(f)),
    ...found.templateFiles,
  ];
  for (const file of templates.sort()) {
    if (!mentionsRole(root, file, /AWS::IAM::Role\b/)) continue;
    const cdk = /^(.*\/)?cdk\.out\//.exec(file);
    if (cdk) paths.set(`${cdk[1] ?? ''}cdk.out`, 'CDK cloud assembly');
    else paths.set(file, 'CloudFormation template');
  }
  for (const dir of found.tfDirs.sort()) {
    let names: string[];
    try {
      names = readdirSync(join(root, dir)).filter((n) => n.endsWith('.tf'));
    } catch {
      continue;
    }
    if (names.some((n) => mentionsRole(root, dir ? `${dir}/${n}` : n, /resource\s+"aws_iam_role"/)))
      paths.set(dir || '.', 'Terraform module');
  }
  const out: IacCandidate[] = [];
  for (const [path, kind] of paths) {
    try {
      const model = await readIacEntries([{ path, account: null, region: null, parameters: {} }], (p) =>
        resolve(root, p),
      );
      const pending = model.pending.filter((p) => p.kind === 'role');
      const roles = [
        ...new Set([
          ...model.roles.map((r) => r.roleName),
          ...pending.map((p) => p.name).filter((n): n is string => n !== null),
        ]),
      ].sort();
      const unnamed = pending.filter((p) => p.name === null).length;
      if (roles.length > 0 || unnamed > 0) out.push({ path, kind, roles, unnamed });
    } catch {
      // Not a template the reader takes (a half-written file): nothing to propose.
    }
  }
  return out;
}

/** Profiles of an AWS config file by the account they reach (`sso_account_id`, or the account of `role_arn`). */
export function profilesByAccount(configText: string): Map<string, string[]> {
  const byAccount = new Map<string, string[]>();
  let profile: string | null = null;
  for (const raw of configText.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      // [default], [profile NAME]; any other section ([sso-session X], [services X]) is not a profile.
      const section = /^\[\s*(?:profile\s+(\S+)|(default))\s*\]$/.exec(line);
      profile = section ? (section[1] ?? section[2]) : null;
      continue;
    }
    const kv = /^([A-Za-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!profile || !kv) continue;
    const key = kv[1].toLowerCase();
    const account =
      key === 'sso_account_id' ? kv[2].trim() : key === 'role_arn' ? (parseArn(kv[2].trim())?.account ?? '') : '';
    if (ACCOUNT.test(account)) {
      const list = byAccount.get(account) ?? [];
      if (!list.includes(profile)) list.push(profile);
      byAccount.set(account, list);
    }
  }
  return byAccount;
}

function accountOf(usage: Usage): string | null {
  const fromArn = usage.roleArn ? parseArn(usage.roleArn)?.account : null;
  const account = fromArn ?? usage.roleAccount;
  return account && ACCOUNT.test(account) ? account : null;
}

function schemaRef(root: string): string {
  // The schema the running CLI ships (dist/cli.js → ../schemas), when the project holds it (an npm
  // dependency, or this repository): a relative path editors resolve without a network.
  for (const candidate of [
    join(root, 'node_modules', 'rolecall', 'schemas', 'rolecall.schema.json'),
    resolve(__dirname, '..', 'schemas', 'rolecall.schema.json'),
    resolve(__dirname, '..', '..', 'schemas', 'rolecall.schema.json'),
  ]) {
    const rel = relative(root, candidate);
    if (existsSync(candidate) && !rel.startsWith('..') && !rel.startsWith(sep)) return `./${rel.split(sep).join('/')}`;
  }
  return SCHEMA_ID;
}

export interface InitResult {
  config: Record<string, unknown>;
  explanation: string[];
}

/** Builds the starting config for the project at `root` (absolute) and the explanation of each entry. */
export async function initialConfig(
  root: string,
  awsConfigText: string | null,
  awsConfigName: string,
): Promise<InitResult> {
  const found = walk(root);
  const snapshots = found.jsonFiles.map((f) => readSnapshot(root, f)).filter((s): s is Snapshot => s !== null);
  const cascs = found.yamlFiles.map((f) => readCasc(root, f)).filter((c): c is JenkinsCasc => c !== null);

  const ctx = { config: defaultConfig(), caller: null, params: {}, credentials: {}, iam: null };
  const usages: Usage[] = [];
  for (const file of found.pipelines) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(root, file));
    } catch {
      continue;
    }
    const decoded = decodePipelineText(file, bytes);
    if ('error' in decoded) continue;
    usages.push(...analyzeText(file, decoded.text, ctx).usages);
  }
  const where = (list: Usage[]) => {
    const files = [...new Set(list.map((u) => u.file))];
    return files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
  };

  const config: Record<string, unknown> = { $schema: schemaRef(root) };
  const explain: string[] = [];
  explain.push(`$schema: lets editors check and complete this file (the VS Code extension does so without it too)`);

  if (snapshots.length > 0) {
    config.iamSnapshots = snapshots.map((s) => s.file);
    for (const s of snapshots)
      explain.push(
        `iamSnapshots: ${s.file}: ${s.roles} role${s.roles === 1 ? '' : 's'} of account ${s.accounts.join(', ') || '(none named)'}; scans check trust policies against it offline`,
      );
  } else {
    explain.push(
      `iamSnapshots: none found; write one per account with 'rolecall snapshot --out iam/ACCOUNT.json --profile P' and list it here`,
    );
  }

  // Roles defined as code: the account each entry deploys to is what the pipelines say about its roles.
  const iac = await findIac(root, found, new Set(snapshots.map((s) => s.file)));
  if (iac.length > 0) {
    // Role ARNs the repository names: the roles its pipelines assume, the task roles its JCasC agents run as,
    // the roles its JCasC AWS credentials assume.
    const assumed = new Map<string, Set<string>>();
    const named = [
      ...usages.map((u) => u.roleArn),
      ...cascs.flatMap((c) =>
        c.templates.map((t) =>
          t.identity?.kind !== 'task-role' || t.identitySecret
            ? null
            : t.identity.value.startsWith('arn:')
              ? t.identity.value
              : t.cloudAccount // a name is in the account of the cloud's cluster
                ? `arn:aws:iam::${t.cloudAccount}:role/${t.identity.value}`
                : null,
        ),
      ),
      ...cascs.flatMap((c) => c.credentials.map((k) => k.roleArn)),
    ];
    for (const arn of named) {
      const role = arn ? parseRoleArn(arn) : null;
      if (role && ACCOUNT.test(role.account)) {
        const name = role.name.toLowerCase();
        assumed.set(name, (assumed.get(name) ?? new Set()).add(role.account));
      }
    }
    config.iac = iac.map((c) => {
      const accounts = [...new Set(c.roles.flatMap((r) => [...(assumed.get(r.toLowerCase()) ?? [])]))].sort();
      const used = c.roles.filter((r) => assumed.has(r.toLowerCase()));
      const what = `${c.kind} defining ${c.roles.length > 0 ? `role${c.roles.length === 1 ? '' : 's'} ${c.roles.slice(0, 5).join(', ')}${c.roles.length > 5 ? ` and ${c.roles.length - 5} more` : ''}` : ''}${c.unnamed > 0 ? `${c.roles.length > 0 ? ' and ' : ''}${c.unnamed} role${c.unnamed === 1 ? '' : 's'} named at deploy time` : ''}`;
      if (accounts.length === 1) {
        explain.push(
          `iac: ${c.path}: ${what}; account ${accounts[0]}: the pipelines or Jenkins agents use ${used.join(', ')} there. Scans check them against the code's roles`,
        );
        return { path: c.path, account: accounts[0] };
      }
      explain.push(
        `iac: ${c.path}: ${what} — add "account": "ACCOUNT" (where it deploys${accounts.length > 1 ? `; the pipelines use its roles in ${accounts.join(' and ')}: one entry per account` : ''}); without it the roles' ARNs are unknown`,
      );
      return { path: c.path };
    });
  }

  if (cascs.length > 0) {
    config.jenkinsCasc = cascs.map((c) => c.file);
    for (const c of cascs) {
      const labels = [...new Set(c.templates.flatMap((t) => t.labels))];
      explain.push(
        `jenkinsCasc: ${c.file}: ${c.templates.length} agent template${c.templates.length === 1 ? '' : 's'}${labels.length ? ` (labels ${labels.join(', ')})` : ''} and ${c.credentials.length} AWS credential${c.credentials.length === 1 ? '' : 's'}: RoleCall takes the principal of each label from it`,
      );
    }
  }

  // Callers: the controller's principal is nowhere in a repository; labels are covered by JCasC or listed.
  const callers: Record<string, unknown> = { controller: null };
  explain.push(
    `callers.controller: null — set the ARN of the role or user the Jenkins controller runs as: withAWS (without useNode: true) calls STS as it`,
  );
  const labelled = new Map<string, Usage[]>();
  for (const u of usages) if (u.agentLabel) labelled.set(u.agentLabel, [...(labelled.get(u.agentLabel) ?? []), u]);
  const templates = cascs.flatMap((c) => c.templates);
  const uncovered: string[] = [];
  for (const [label, list] of [...labelled].sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = parseLabelExpression(label);
    const covering = parsed.expression
      ? templates.filter((t) => labelMatches(parsed.expression!, new Set(t.labels)))
      : [];
    const templateNames = [
      ...new Set(covering.map((t) => `'${t.name ?? t.labels.join(' ')}' (${t.at.file}:${t.at.line})`)),
    ];
    if (covering.length > 0)
      explain.push(
        `callers.agents: label '${label}' (${where(list)}) runs on ${templateNames.join(', ')}: nothing to add`,
      );
    else uncovered.push(label);
  }
  if (uncovered.length > 0) {
    callers.agents = {};
    for (const label of uncovered)
      explain.push(
        `callers.agents: label '${label}' (${where(labelled.get(label)!)}) — add "${label}": "arn:aws:iam::ACCOUNT:role/ROLE" with the role its agents run as (sh steps and useNode: true call STS as it)`,
      );
  }
  if (usages.some((u) => u.kind === 'vault')) {
    callers.vault = null;
    explain.push(
      `callers.vault: null — set the ARN Vault's AWS secrets engine runs as: it calls STS as itself (${where(usages.filter((u) => u.kind === 'vault'))})`,
    );
  }
  config.callers = callers;

  // Accounts: those no snapshot covers, mapped to a profile of the AWS config that reaches them.
  const covered = new Set(snapshots.flatMap((s) => s.accounts));
  const byAccount = new Map<string, Usage[]>();
  for (const u of usages) {
    const account = accountOf(u);
    if (account) byAccount.set(account, [...(byAccount.get(account) ?? []), u]);
  }
  const profiles = awsConfigText ? profilesByAccount(awsConfigText) : new Map<string, string[]>();
  const accounts: Record<string, string> = {};
  for (const [account, list] of [...byAccount].sort(([a], [b]) => a.localeCompare(b))) {
    if (covered.has(account)) {
      explain.push(`accounts: ${account} (${where(list)}) is covered by a snapshot`);
      continue;
    }
    const candidates = profiles.get(account) ?? [];
    if (candidates.length > 0) {
      accounts[account] = candidates[0];
      explain.push(
        `accounts: ${account} (${where(list)}) → profile '${candidates[0]}' of ${awsConfigName}${candidates.length > 1 ? ` (also reach it: ${candidates.slice(1).join(', ')})` : ''}: 'rolecall scan --live' reads its IAM with it`,
      );
    } else {
      explain.push(
        `accounts: ${account} (${where(list)}) — no snapshot and no profile of ${awsConfigName} reaches it: add its snapshot, or "${account}": "PROFILE" for --live`,
      );
    }
  }
  if (Object.keys(accounts).length > 0) config.accounts = accounts;

  const credentialIds = [...new Set(usages.map((u) => u.credentialsId).filter((id): id is string => !!id))].sort();
  const fromCasc = new Set(cascs.flatMap((c) => c.credentials.map((k) => k.id)));
  for (const id of credentialIds.filter((i) => !fromCasc.has(i))) {
    explain.push(
      `awsCredentials: the pipelines use the Jenkins AWS credential '${id}' — add "awsCredentials": {"${id}": {"principal": "arn:..."}} to say whose keys it holds`,
    );
  }

  explain.unshift(
    `${usages.length} AWS credential usage${usages.length === 1 ? '' : 's'} in ${new Set(usages.map((u) => u.file)).size} of ${found.pipelines.length} pipeline file${found.pipelines.length === 1 ? '' : 's'}, ` +
      `${snapshots.length} IAM snapshot${snapshots.length === 1 ? '' : 's'}, ${iac.length} IaC entr${iac.length === 1 ? 'y' : 'ies'}, ${cascs.length} JCasC file${cascs.length === 1 ? '' : 's'}`,
  );
  return { config, explanation: explain };
}

/** The `rolecall init` subcommand. */
export const runInit: Subcommand = async (argv, io: CliIo) => {
  const { values, positionals } = parseFlags(
    'init',
    argv,
    {
      force: { type: 'boolean' },
      print: { type: 'boolean' },
      'aws-config': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    io.stdout(INIT_HELP);
    return 0;
  }
  if (positionals.length > 1)
    throw new UsageError(`init takes one directory, got ${positionals.length}; run 'rolecall init --help' for usage`);
  const given = positionals[0] ?? '.';
  const root = resolve(io.cwd, given);
  let isDir: boolean;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new UsageError(`${given}: no such directory`);
  }
  if (!isDir) throw new UsageError(`${given} is not a directory`);
  const target = join(root, '.rolecall.json');
  const shown = displayPath(join(given, '.rolecall.json'));
  if (!values.print && !values.force && existsSync(target))
    throw new UsageError(`${shown} already exists; --force overwrites it, --print shows what would be written`);

  const awsConfigPath =
    values['aws-config'] ?? io.env.AWS_CONFIG_FILE ?? join(io.env.HOME ?? homedir(), '.aws', 'config');
  let awsConfigText: string | null = null;
  try {
    awsConfigText = readFileSync(resolve(io.cwd, awsConfigPath), 'utf8');
  } catch {
    if (values['aws-config'])
      throw new UsageError(`--aws-config ${values['aws-config']}: no such file or cannot be read`);
  }
  const { config, explanation } = await initialConfig(root, awsConfigText, values['aws-config'] ?? '~/.aws/config');
  const json = `${JSON.stringify(config, null, 2)}\n`;
  const notes = explanation.map((line, i) => (i === 0 ? `${line}\n` : `  ${line}\n`)).join('');
  if (values.print) {
    io.stdout(json);
    io.stderr(notes);
    return 0;
  }
  try {
    writeFileAtomic(target, json, 0o644);
  } catch (error) {
    throw new UsageError(`cannot write ${shown}: ${(error as Error).message.split('\n')[0]}`);
  }
  io.stdout(
    `wrote ${shown}: ${notes}Next: fill in the entries marked — above, then run 'rolecall scan${given === '.' ? '' : ` ${given}`}'.\n`,
  );
  return 0;
};
