// `rolecall scan [PATH ...]`: finds pipeline files, analyses them with the shared engine, prints text/JSON/SARIF.
import { loadAws } from './awsModule';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve as resolvePath } from 'node:path';
import { analyzeFile, analyzeText, decodePipelineText } from '../core/analyze';
import { libraryStepName, sharedLibrary } from '../core/library';
import { configFrom, type ProjectConfig } from '../core/config';
import type { IamReader } from '../core/ports';
import {
  LineMap,
  type AnalysisContext,
  type FileAnalysis,
  type FileError,
  type Finding,
  type Usage,
  usesStaticKeys,
} from '../core/types';
import { CompositeIamReader } from '../core/iam/composite';
import { parseSnapshot, SnapshotIamReader, type ParsedSnapshot } from '../core/iam/snapshot';
import { referencedSources, snapshotFindings } from '../core/rules/policy-findings';
import { parseJsonTree } from '../core/iam/json';
import { IacIamReader, type IacEntry } from '../core/iam/iac/index';
import { iacDriftFindings, iacFindings } from '../core/rules/iac-findings';
import { readIacEntries } from './iac';
import { displayPath, findPipelineFiles } from './files';
import { toJson, toSarif, toText, type ScanResult } from './format';
import { parseFlags } from './args';
import { parseJenkinsCasc, type JenkinsCasc } from '../core/jenkins/casc';
import { resolveAgentDirectory, type AgentDirectory } from '../core/jenkins/agents';
import { UsageError, type CliIo } from './io';
import { findingsStatus, parseFailOn } from './failOn';
import { contentFreeMessage, INPUT_LIMITS, InputFileError, readRegularFile } from '../files/read';
import { readInputFile } from './input';
import { resolveInside } from '../files/paths';
import { VERSION } from './version';

export const SCAN_HELP = `Usage: rolecall scan [PATH ...] [options]

Finds Jenkins pipeline files under each PATH (default: .) and reports every AWS credential usage and
every problem with it.

Options:
  --format text|json|sarif     output format (default: text)
  --iam-snapshot FILE          offline IAM data (get-account-authorization-details output), repeatable
  --live                       read trust policies from IAM with the AWS SDK's default credential chain
  --profile NAME               AWS profile for --live (covers its own account)
  --region R                   AWS region for --live
  --endpoint-url URL           IAM/STS endpoint (an emulator) for --live
  --account-profile ACCT=PROF  profile that can read IAM in account ACCT, repeatable
  --caller ARN                 principal that runs the pipeline (config mappings take precedence)
  --param NAME=VALUE           pipeline parameter value, repeatable
  --credential ID=VALUE        Jenkins string credential value, repeatable (visible in the process list)
  --credentials-file FILE      JSON object { "id": "value" } of credential values (keep it mode 0600)
  --config FILE                project settings (default: .rolecall.json in the scanned root)
  --fail-on LEVEL              error (default), warning, info or never: the lowest severity that exits 1;
                               a gate that must not pass when IAM could not be read uses warning
  --jenkins-casc FILE          Jenkins configuration-as-code YAML to read callers from (agent templates'
                               instance profiles, task roles, service accounts; AWS credentials), repeatable
  --iac PATH                   IAM defined as code, repeatable: a CloudFormation template (YAML/JSON), a
                               CDK cdk.out directory or a Terraform directory; its roles win over
                               snapshots and live IAM for the same ARN
  --iac-account ACCOUNT        the account the --iac code deploys to (AWS::AccountId, aws_caller_identity)
  --iac-region R               the region it deploys to (AWS::Region, AWS::Partition)
  --iac-param NAME=VALUE       a template parameter / Terraform variable for --iac, repeatable
  --assume-role-template ARN   for --live: read accounts without --account-profile by assuming this role,
                               e.g. 'arn:aws:iam::{account}:role/rolecall-reader'

Exit status: 0 no finding at or above --fail-on, 1 at least one, 2 bad usage or unreadable input.
Problems of IAM data about roles no scanned usage refers to are not reported here and never change
the status: 'rolecall snapshot --check FILE' reports them.
`;

function keyValues(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`${flag} expects NAME=VALUE, got '${flag === '--credential' ? '<hidden>' : item}'`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/**
 * Reads a JSON file; `shown` is the path as the user wrote it, for messages. Messages give the position
 * of a syntax error, never a piece of the text: any quoted word of it could be a credential.
 */
function readJsonFile(path: string, shown: string, what: string, secret = false): unknown {
  const text = readInputFile(path, shown, what);
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON.parse's message: V8 quotes a slice of the input in it. Our positioned parser says where.
    const first = parseJsonTree(text).errors[0];
    const where = first ? new LineMap(text).position(first.offset) : null;
    const detail = where
      ? ` at ${where.line}:${where.column}${secret ? '' : `: ${contentFreeMessage(first.message)}`}`
      : '';
    throw new UsageError(
      `${what} ${shown} is not valid JSON${detail}${secret ? ' (contents not shown: they may be secret)' : ''}`,
    );
  }
}

export interface LoadedConfig {
  config: ProjectConfig;
  /** Path of the config file as given/found (for resolving its relative paths), or null. */
  path: string | null;
}

/**
 * The nearest `.rolecall.json` from `dir` up to the working directory (a pre-commit hook passes
 * `ci/Jenkinsfile` while the config sits at the repository root); never above the working directory,
 * and for a `dir` outside it only `dir` itself. Returns the path as the user would write it, or null.
 */
function nearestConfig(dir: string, cwd: string): string | null {
  let current = dir;
  for (let depth = 0; depth < 64; depth++) {
    const candidate = join(current, '.rolecall.json');
    if (existsSync(resolvePath(cwd, candidate))) return candidate;
    const rel = relative(cwd, resolvePath(cwd, current));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
    current = join(current, '..');
  }
  return null;
}

export function loadConfig(explicit: string | undefined, paths: string[], io: CliIo): LoadedConfig {
  const at = (p: string) => resolvePath(io.cwd, p);
  let path: string | null = explicit ?? null;
  if (!path) {
    for (const root of paths) {
      let dir = root;
      try {
        if (statSync(at(root)).isFile()) dir = dirname(root);
      } catch {
        continue;
      }
      path = nearestConfig(dir, io.cwd);
      if (path) break;
    }
  }
  if (!path) return { config: configFrom(undefined).config, path: null };
  const { config, problems } = configFrom(readJsonFile(at(path), displayPath(path), 'config'), dirname(path));
  for (const problem of problems)
    io.stderr(`rolecall: warning: ${displayPath(path)}: ${problem.path}: ${problem.message}\n`);
  return { config, path };
}

/**
 * A snapshot path written in a config file, resolved: it must stay inside the config's folder once
 * symbolic links are followed (a repository's config must not steer the scan into the rest of the
 * machine). The user's own choice of a file elsewhere is `--iam-snapshot FILE`.
 */
function configSnapshotPath(configPath: string, entry: string, at: (p: string) => string): string {
  return configFilePath(configPath, 'iamSnapshots', '--iam-snapshot', entry, at);
}

/** A file path written in a config file's `key` list (iamSnapshots, jenkinsCasc), held to the config's folder like configSnapshotPath. */
function configFilePath(
  configPath: string,
  key: string,
  flag: string,
  entry: string,
  at: (p: string) => string,
): string {
  const shown = `${displayPath(configPath)}: ${key} entry '${entry}'`;
  const hint = `a project config only names files inside its own folder — to use that file, pass ${flag} ${entry}`;
  const result = resolveInside(dirname(at(configPath)), entry);
  if (result.ok) return result.path;
  switch (result.why) {
    case 'outside':
      throw new UsageError(
        `${shown} points outside the folder of the config (${displayPath(dirname(configPath)) || '.'}); ${hint}`,
      );
    case 'link-outside':
      throw new UsageError(`${shown} is a symbolic link to a file outside the folder of the config; ${hint}`);
    case 'missing':
      throw new UsageError(`${shown}: no such file`);
    case 'loop':
      throw new UsageError(`${shown}: a symbolic link loop`);
    default:
      throw new UsageError(`${shown}: cannot be read`);
  }
}

function loadCredentials(file: string | undefined, inline: Record<string, string>, io: CliIo): Record<string, string> {
  const credentials: Record<string, string> = {};
  if (file) {
    const full = resolvePath(io.cwd, file);
    const raw = readJsonFile(full, displayPath(file), 'credentials file', true);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new UsageError(`credentials file ${file} must be a JSON object { "id": "value" }`);
    for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value !== 'string')
        throw new UsageError(`credentials file ${file}: the value of '${id}' must be a string`);
      credentials[id] = value;
    }
    try {
      if ((statSync(full).mode & 0o077) !== 0) {
        io.stderr(`rolecall: warning: credentials file ${file} is readable by other users; run: chmod 600 ${file}\n`);
      }
    } catch {
      // Already read above; a vanished file changes nothing about the values we hold.
    }
  }
  return { ...credentials, ...inline };
}

/** The flags every command that scans pipelines accepts (scan, grant, impact). */
export const SCAN_FLAGS = {
  'iam-snapshot': { type: 'string', multiple: true },
  live: { type: 'boolean', default: false },
  profile: { type: 'string' },
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'account-profile': { type: 'string', multiple: true },
  caller: { type: 'string' },
  param: { type: 'string', multiple: true },
  credential: { type: 'string', multiple: true },
  'credentials-file': { type: 'string' },
  config: { type: 'string' },
  'jenkins-casc': { type: 'string', multiple: true },
  iac: { type: 'string', multiple: true },
  'iac-account': { type: 'string' },
  'iac-region': { type: 'string' },
  'iac-param': { type: 'string', multiple: true },
  'assume-role-template': { type: 'string' },
} as const;

/** The values of SCAN_FLAGS as parseArgs returns them. */
export interface ScanFlagValues {
  'iam-snapshot'?: string[];
  live?: boolean;
  profile?: string;
  region?: string;
  'endpoint-url'?: string;
  'account-profile'?: string[];
  caller?: string;
  param?: string[];
  credential?: string[];
  'credentials-file'?: string;
  config?: string;
  'jenkins-casc'?: string[];
  iac?: string[];
  'iac-account'?: string;
  'iac-region'?: string;
  'iac-param'?: string[];
  'assume-role-template'?: string;
}

/** What a scan reads before it analyses anything: the pipeline files, the analysis context and the IAM data. */
export interface ScanInputs {
  files: string[];
  ctx: AnalysisContext;
  /** Line maps of the snapshot files read (pipelines are added as they are analysed). */
  lineMaps: Map<string, LineMap>;
  snapshotReader: SnapshotIamReader | null;
  /** The IAM sources without the roles defined as code (snapshots, live), or null. */
  baseIam: IamReader | null;
  /** IAM defined as code (`--iac`, config "iac") in front of `baseIam`; it is `ctx.iam` when present. */
  iac: IacIamReader | null;
  /** Findings located in the IaC files (trust-policy problems, unresolved values, drift). */
  iacFindings: Finding[];
  /** Resolves a path as given (relative to the working directory). */
  at: (p: string) => string;
  /** Problems met while walking the paths (unreadable folders, FIFOs, dangling links): errors[] entries. */
  walkErrors: FileError[];
  /** Files named on the command line (as displayed): failing to read one is bad input, not an errors[] entry. */
  explicit: Set<string>;
  /** Problems of the inputs that do not stop the scan (a Jenkins configuration-as-code file's), reported with the files'. */
  problems: FileError[];
}

/** Reads the config, credentials and IAM sources the scan flags name, and lists the pipeline files of the paths. */
export async function scanInputs(values: ScanFlagValues, positionals: string[], io: CliIo): Promise<ScanInputs> {
  const liveOnly = ['profile', 'region', 'endpoint-url', 'account-profile', 'assume-role-template'] as const;
  // Checked before anything is read: a typo here would otherwise just leave the account unmapped.
  const accountProfiles = keyValues(values['account-profile'], '--account-profile');
  for (const [account, profile] of Object.entries(accountProfiles)) {
    if (!/^\d{12}$/.test(account))
      throw new UsageError(`--account-profile ${account}=${profile}: '${account}' is not a 12-digit AWS account id`);
    if (profile.trim() === '') throw new UsageError(`--account-profile ${account}=: the profile name is empty`);
  }
  for (const flag of liveOnly) {
    if (values[flag] !== undefined && !values.live) throw new UsageError(`--${flag} needs --live`);
  }

  const paths = positionals.length > 0 ? positionals : ['.'];
  const at = (p: string) => (isAbsolute(p) ? p : resolvePath(io.cwd, p));
  const walkErrors: FileError[] = [];
  const files = findPipelineFiles(paths, at, walkErrors);
  // A file named on the command line that cannot be read is bad input (exit 2) before any work is done.
  const explicit = new Set<string>();
  for (const p of paths) {
    try {
      if (!statSync(at(p)).isFile()) continue;
    } catch {
      continue;
    }
    explicit.add(displayPath(p));
    try {
      readRegularFile(at(p), INPUT_LIMITS.pipeline);
    } catch (error) {
      if (error instanceof InputFileError) throw new UsageError(`${displayPath(p)}: ${error.reason}`);
      throw error;
    }
  }
  const { config, path: configPath } = loadConfig(values.config, paths, io);

  const params = { ...config.parameters, ...keyValues(values.param, '--param') };
  const credentials = loadCredentials(values['credentials-file'], keyValues(values.credential, '--credential'), io);

  // IAM sources: snapshot files (flags + config) and, with --live, the AWS SDK. They mix in one scan.
  const lineMaps = new Map<string, LineMap>();
  const readers: IamReader[] = [];
  // Flags name any file (the user's choice); a config's entries stay inside the config's folder.
  const snapshotPaths: Array<{ shown: string; path: string }> = (values['iam-snapshot'] ?? []).map((p) => ({
    shown: displayPath(p),
    path: at(p),
  }));
  if (configPath) {
    for (const p of config.iamSnapshots) {
      const shown = displayPath(isAbsolute(p) ? p : join(dirname(configPath), p));
      snapshotPaths.push({ shown, path: configSnapshotPath(configPath, p, at) });
    }
  }
  const snapshots: ParsedSnapshot[] = [];
  for (const { shown: file, path } of snapshotPaths) {
    const text = readInputFile(path, file, 'IAM snapshot', INPUT_LIMITS.snapshot);
    const parsedSnapshot = parseSnapshot(file, text);
    if (parsedSnapshot.snapshot === null)
      throw new UsageError(`IAM snapshot ${file}: ${contentFreeMessage(parsedSnapshot.error)}`);
    snapshots.push(parsedSnapshot.snapshot);
    lineMaps.set(file, new LineMap(text));
  }
  let snapshotReader: SnapshotIamReader | null = null;
  if (snapshots.length > 0) {
    snapshotReader = new SnapshotIamReader(snapshots);
    readers.push(snapshotReader);
  }
  if (values.live) {
    // Loaded on demand: a scan without --live never pays for the AWS SDK.
    const aws = await loadAws(io);
    readers.push(
      await aws.createLiveIamReader({
        profile: values.profile,
        region: values.region,
        endpointUrl: values['endpoint-url'],
        accountProfiles: { ...config.accounts, ...accountProfiles },
        ...assumeRoleOptions(values['assume-role-template'], config.assumeRoles),
      }),
    );
  }
  const baseIam = readers.length === 0 ? null : readers.length === 1 ? readers[0] : new CompositeIamReader(readers);

  // IAM defined as code: in front of the other sources (it is what the repository deploys).
  const iacEntries = iacEntriesOf(values, config, configPath, at);
  let iac: IacIamReader | null = null;
  const iacOwn: Finding[] = [];
  if (iacEntries.length > 0) {
    const model = await readIacEntries(iacEntries, at);
    for (const [file, map] of model.lines) lineMaps.set(file, map);
    iac = new IacIamReader(model, baseIam);
    iacOwn.push(...iacFindings(model), ...(await iacDriftFindings(iac)));
  }
  const iam = iac ?? baseIam;

  // Jenkins configuration as code (flags + config): who runs agent code, and AWS credentials' roles.
  const cascPaths: Array<{ shown: string; path: string }> = (values['jenkins-casc'] ?? []).map((p) => ({
    shown: displayPath(p),
    path: at(p),
  }));
  if (configPath) {
    for (const p of config.jenkinsCasc)
      cascPaths.push({
        shown: displayPath(isAbsolute(p) ? p : join(dirname(configPath), p)),
        path: configFilePath(configPath, 'jenkinsCasc', '--jenkins-casc', p, at),
      });
  }
  const problems: FileError[] = [];
  let agents: AgentDirectory | null = null;
  if (cascPaths.length > 0) {
    const cascs: JenkinsCasc[] = [];
    // A file named both by --jenkins-casc and the config's "jenkinsCasc" is read once: read twice, each of
    // its templates would count as a second template running as the same principal.
    for (const { shown: file, path } of uniqueFiles(cascPaths))
      cascs.push(
        parseJenkinsCasc(file, readInputFile(path, file, 'Jenkins configuration-as-code file', INPUT_LIMITS.config)),
      );
    agents = await resolveAgentDirectory(cascs, iam, config.serviceAccounts);
    for (const p of agents.problems)
      problems.push({ file: p.file, line: p.line, column: p.column, message: `${p.severity}: ${p.message}` });
  }
  const ctx: AnalysisContext = { config, caller: values.caller ?? null, params, credentials, iam, agents };
  return {
    files,
    ctx,
    lineMaps,
    snapshotReader,
    baseIam,
    iac,
    iacFindings: iacOwn,
    at,
    walkErrors,
    explicit,
    problems,
  };
}

/** The entries naming distinct files (symbolic links followed), the first of each kept. */
function uniqueFiles<T extends { path: string }>(entries: readonly T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    let key: string;
    try {
      key = realpathSync(e.path);
    } catch {
      key = resolvePath(e.path);
    }
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The analyses of the pipeline files, and the files that could not be (fully) analysed. */
export interface AnalysedFiles {
  analyses: FileAnalysis[];
  errors: FileError[];
}

/**
 * Reads and analyses each file (`trust: false` runs only the checks that need no IAM data, for callers that
 * add the trust checks themselves), recording each file's LineMap.
 */
export async function analyseFiles(
  inputs: ScanInputs,
  options: { trust: boolean } = { trust: true },
): Promise<AnalysedFiles> {
  const { files, ctx, lineMaps, at } = inputs;
  const analyses: FileAnalysis[] = [];
  const errors: FileError[] = [...inputs.walkErrors, ...(inputs.problems ?? [])];
  const read = (file: string): { bytes: Uint8Array } | { reason: string } => {
    try {
      return { bytes: readRegularFile(at(file), INPUT_LIMITS.pipeline) };
    } catch (error) {
      return { reason: error instanceof InputFileError ? error.reason : 'cannot be read' };
    }
  };
  // Shared-library steps first (`vars/NAME.groovy` among the files): pipelines' calls of them are analysed
  // with their arguments. Each is read once; its problems are reported in the file order below.
  const early = new Map<string, ReturnType<typeof read>>();
  const steps: Array<{ file: string; text: string }> = [];
  for (const file of files) {
    if (libraryStepName(file) === null) continue;
    const got = read(file);
    early.set(file, got);
    if ('bytes' in got) {
      const decoded = decodePipelineText(file, got.bytes);
      if (!('error' in decoded)) steps.push({ file, text: decoded.text });
    }
  }
  if (steps.length > 0) ctx.library = sharedLibrary(steps);
  for (const file of files) {
    const got = early.get(file) ?? read(file);
    if ('reason' in got) {
      if (inputs.explicit.has(file)) throw new UsageError(`${file}: ${got.reason}`);
      errors.push({ file, message: `${got.reason}; skipped` });
      continue;
    }
    const decoded = decodePipelineText(file, got.bytes);
    if ('error' in decoded) {
      errors.push(decoded.error);
      continue;
    }
    const map = new LineMap(decoded.text);
    lineMaps.set(file, map);
    const analysis = options.trust ? await analyzeFile(file, decoded.text, ctx) : analyzeText(file, decoded.text, ctx);
    analyses.push(analysis);
    if (analysis.parseErrors.length > 0) {
      const first = analysis.parseErrors[0];
      const { line, column } = map.position(first.offset);
      const more = analysis.parseErrors.length - 1;
      errors.push({
        file,
        message: `syntax error at ${line}:${column}: ${first.message}${more > 0 ? ` (and ${more} more)` : ''}; the calls around it were still analysed`,
      });
    }
  }
  return { analyses, errors };
}

/** Runs `rolecall scan`. */
export async function runScan(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(
    'scan',
    argv,
    {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string' },
      ...SCAN_FLAGS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(SCAN_HELP);
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif')
    throw new UsageError(`--format must be text, json or sarif (got '${format}')`);
  const failOn = parseFailOn(values['fail-on']);

  const inputs = await scanInputs(values, positionals, io);
  const { lineMaps, snapshotReader, iacFindings: iacOwn } = inputs;
  const { analyses, errors } = await analyseFiles(inputs);
  const usages: Usage[] = analyses.flatMap((a) => a.usages);
  const findings: Finding[] = analyses.flatMap((a) => a.findings);
  let unreferenced = 0;
  if (snapshotReader) {
    // Only the documents the scanned usages depend on: the scan's status is about the scanned pipelines.
    const relevant = snapshotFindings(snapshotReader, await referencedSources(snapshotReader, usages));
    unreferenced = snapshotFindings(snapshotReader).length - relevant.length;
    findings.push(...relevant);
  }
  // Like the snapshots': the problems of the roles and policies the scanned usages depend on are reported, the
  // others counted (`rolecall snapshot --iac PATH` reports them). Code roles only: snapshots were counted above.
  let iacShown: Finding[] = [];
  if (inputs.iac) {
    const only = await referencedSources(new IacIamReader(inputs.iac.model, null), usages);
    iacShown = [...iacFindings(inputs.iac.model, only), ...(await iacDriftFindings(inputs.iac, inputs.iac.base, only))];
  }
  const unreferencedIac = iacOwn.length - iacShown.length;
  findings.push(...iacShown);

  const result: ScanResult = {
    usages,
    findings: sortFindings(findings, lineMaps),
    errors: [...errors].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
    lineMaps,
    iamCoverage: iamCoverage(usages, findings, inputs.ctx.iam !== null),
    unreferencedIamProblems: unreferenced,
    unreferencedIacProblems: unreferencedIac,
  };
  io.stdout(format === 'json' ? toJson(result) : format === 'sarif' ? toSarif(result, VERSION) : toText(result));
  // A value the code reader could not resolve is shown (it says why a role may be missing) but is about no
  // role the usages depend on: it does not decide the status (a usage of such a role has its own finding).
  const unresolvedCode = new Set(iacShown.filter((f) => f.code === 'unresolved-reference' && f.roleArn === null));
  return findingsStatus(
    result.findings.filter((f) => !unresolvedCode.has(f)),
    failOn,
  );
}

/** True for a usage whose role IAM decides (static keys and GetSessionToken assume none). */
function assumesRole(usage: Usage): boolean {
  return !usesStaticKeys(usage) && usage.kind !== 'sh-get-session-token';
}

/**
 * How many usages that assume a role were not checked against IAM: no IAM data in the scan, a role that
 * could not be resolved, or an iam-unavailable finding at the call (a read failed, an account not covered).
 */
export function iamCoverage(
  usages: readonly Usage[],
  findings: readonly Finding[],
  haveIam: boolean,
): { roleUsages: number; notChecked: number } {
  const unavailable = new Set(
    findings.filter((f) => f.code === 'iam-unavailable').map((f) => `${f.file}\0${(f.anchor ?? f.range).start}`),
  );
  let roleUsages = 0;
  let notChecked = 0;
  for (const u of usages) {
    if (!assumesRole(u)) continue;
    roleUsages++;
    if (!haveIam || u.roleArn === null || unavailable.has(`${u.file}\0${u.anchor.start}`)) notChecked++;
  }
  return { roleUsages, notChecked };
}

/** IaC entries from `--iac` (with --iac-account/-region/-param) and the config's "iac" (paths relative to it). */
function iacEntriesOf(
  values: ScanFlagValues,
  config: ProjectConfig,
  configPath: string | null,
  at: (p: string) => string,
): IacEntry[] {
  const entries = iacFlagEntries(values);
  if (configPath) {
    for (const e of config.iac) {
      // Like snapshots: a config's entries stay inside the config's folder (checked with links followed).
      configFilePath(configPath, 'iac', '--iac', e.path, at);
      entries.push({ ...e, path: isAbsolute(e.path) ? e.path : join(dirname(configPath), e.path) });
    }
  }
  return entries;
}

/** IaC entries from `--iac PATH` with `--iac-account`, `--iac-region`, `--iac-param` (also `rolecall snapshot`'s). */
export function iacFlagEntries(
  values: Pick<ScanFlagValues, 'iac' | 'iac-account' | 'iac-region' | 'iac-param'>,
): IacEntry[] {
  const account = values['iac-account'] ?? null;
  if (account !== null && !/^\d{12}$/.test(account))
    throw new UsageError(`--iac-account expects a 12-digit account id, got '${account}'`);
  const parameters = keyValues(values['iac-param'], '--iac-param');
  if ((values['iac-account'] || values['iac-region'] || values['iac-param']) && !values.iac?.length)
    throw new UsageError('--iac-account, --iac-region and --iac-param need --iac PATH');
  const entries: IacEntry[] = (values.iac ?? []).map((path) => ({
    path,
    account,
    region: values['iac-region'] ?? null,
    parameters,
  }));
  return entries;
}

/** `--assume-role-template` (or config accounts "*" / per account "assumeRole") for the live reader. */
function assumeRoleOptions(
  template: string | undefined,
  fromConfig: Record<string, string>,
): { assumeRoleTemplate?: string; accountAssumeRoles?: Record<string, string> } {
  if (template !== undefined && !/^arn:[\w-]+:iam::(\{account\}|\d{12}):role\/./.test(template)) {
    throw new UsageError(
      `--assume-role-template expects a role ARN such as 'arn:aws:iam::{account}:role/rolecall-reader', got '${template}'`,
    );
  }
  const { '*': star, ...perAccount } = fromConfig;
  const chosen = template ?? star;
  return {
    ...(chosen ? { assumeRoleTemplate: chosen } : {}),
    ...(Object.keys(perAccount).length ? { accountAssumeRoles: perAccount } : {}),
  };
}

/** Findings in file order, then line, column and code (the order every output uses). */
export function sortFindings(findings: Finding[], lineMaps: Map<string, LineMap>): Finding[] {
  const key = (f: Finding) => lineMaps.get(f.file)?.position((f.anchor ?? f.range).start) ?? { line: 0, column: 0 };
  return [...findings].sort((a, b) => {
    if (a.file !== b.file) return a.file < b.file ? -1 : 1;
    const ka = key(a);
    const kb = key(b);
    return ka.line - kb.line || ka.column - kb.column || a.code.localeCompare(b.code);
  });
}
