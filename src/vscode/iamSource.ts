// Builds the IAM reader the analysis uses from the settings and every folder's `.rolecall.json`:
// snapshot files (always), live IAM through the AWS SDK (trusted workspaces only) and, in front of both,
// the roles the workspace defines as code (`"iac"` entries: CloudFormation, CDK cdk.out, Terraform). The
// SDK bundle (dist/aws.js) is required on first live use, never at activation.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as Aws from '../aws/index';
import { CompositeIamReader } from '../core/iam/composite';
import { IacIamReader, type IacEntry } from '../core/iam/iac/index';
import { iacDriftFindings, iacFindings } from '../core/rules/iac-findings';
import { readIacEntries } from '../cli/iac';
import { parseSnapshot, SnapshotIamReader } from '../core/iam/snapshot';
import type { IamReader } from '../core/ports';
import { snapshotFindings } from '../core/rules/policy-findings';
import type { Finding } from '../core/types';
import { Config, type ProjectConfigEntry } from './config';
import { parseJenkinsCasc, type JenkinsCasc } from '../core/jenkins/casc';
import { resolveAgentDirectory, type AgentDirectory } from '../core/jenkins/agents';
import { contentFreeMessage, INPUT_LIMITS, InputFileError, readTextFile } from '../files/read';
import { resolveInside } from '../files/paths';
import { projectCascFiles } from './pure/cascFiles';
import { cascMarks, type CascMark } from './pure/cascDiagnostics';
import { messageOf, type Log } from './log';

export type AwsModule = typeof Aws;

let awsModule: AwsModule | null = null;

/**
 * Loads dist/aws.js (the AWS SDK) once; the extension bundle keeps it external to stay small and fast. The
 * SDK's note about the credentials it chose (a profile next to environment keys) goes to `log` as one line.
 */
export function loadAws(log?: Log): AwsModule {
  if (!awsModule) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    awsModule = require(path.join(__dirname, 'aws.js')) as AwsModule;
  }
  if (log) awsModule.onCredentialSourceConflict((line) => log.warn(`AWS credentials: ${line}`));
  return awsModule;
}

export interface IamState {
  reader: IamReader | null;
  /** Snapshot files read (absolute paths). */
  snapshotFiles: string[];
  /** Problems reading the sources (unreadable snapshot, SDK failure): shown in the log and status bar. */
  problems: string[];
  live: Aws.LiveIamReader | null;
  /** True when nothing at all is configured (drives the explorer's welcome view). */
  unconfigured: boolean;
  /** Account → AWS profile, settings merged over `.rolecall.json` `accounts`. */
  accountProfiles: Record<string, string>;
  /** Problems inside the snapshot files and IaC templates themselves, positioned in those files. */
  snapshotFindings: Finding[];
  /** IaC files read (absolute paths). */
  iacFiles: string[];
  /** Callers read from Jenkins configuration as code (with the IAM data above), or null when no file is used. */
  agents: AgentDirectory | null;
  /** The JCasC files read (absolute paths). */
  cascFiles: string[];
  /** Problems inside the JCasC files (bad YAML, wrong shapes, unresolved identities), positioned in them. */
  cascMarks: CascMark[];
}

/** Where a workspace keeps its Jenkins configuration as code when no setting names the files. */
const CASC_GLOB =
  '{**/jenkins.yaml,**/jenkins.yml,**/casc.yaml,**/casc.yml,**/casc_configs/*.yaml,**/casc_configs/*.yml}';

export class IamSource implements vscode.Disposable {
  private state: Promise<IamState> | null = null;
  private watchers: vscode.Disposable[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the source was invalidated (settings, snapshot file, trust change). */
  readonly onDidInvalidate = this.emitter.event;
  private readonly built = new vscode.EventEmitter<IamState>();
  /** Fires with each newly built source. */
  readonly onDidBuild = this.built.event;
  private readonly codeChanged = new vscode.EventEmitter<void>();
  /** Fires when an IaC or JCasC file changed on disk (the pipelines using its roles or agents need a new analysis). */
  readonly onDidChangeCode = this.codeChanged.event;

  constructor(
    private readonly config: Config,
    private readonly log: Log,
  ) {}

  /** The current reader, built on first use. */
  get(): Promise<IamState> {
    if (!this.state) {
      const state = this.build();
      this.state = state;
      state
        .then(
          (s) => this.built.fire(s),
          () => undefined,
        )
        .catch(() => undefined);
    }
    return this.state;
  }

  invalidate(): void {
    const old = this.state;
    this.state = null;
    if (old) {
      old
        .then(
          (s) => s.live?.dispose(),
          () => undefined,
        )
        .catch(() => undefined);
    }
    this.emitter.fire();
  }

  /**
   * Snapshot paths: the user's own settings may name any file (relative ones per workspace folder);
   * paths a workspace gives (its settings, each `.rolecall.json`) must stay inside that workspace folder
   * or config folder once symbolic links are followed — a cloned repository must not make RoleCall read
   * (and quote) other files of the machine. Refused entries are reported in `problems`.
   */
  private async snapshotPaths(problems: string[]): Promise<string[]> {
    const out = new Set<string>();
    const folders = vscode.workspace.workspaceFolders ?? [];
    const { user, workspace } = Config.snapshotSettings();
    for (const p of user) {
      if (path.isAbsolute(p)) out.add(p);
      else for (const f of folders) out.add(path.join(f.uri.fsPath, p));
    }
    const refuse = (entry: string, where: string, why: string) =>
      problems.push(
        `IAM snapshot '${entry}' from ${where} is not read: ${why === 'outside' ? 'it points outside the workspace folder' : why === 'link-outside' ? 'it is a symbolic link to a file outside the workspace folder' : why === 'missing' ? 'no such file' : 'it cannot be read'}${why === 'outside' || why === 'link-outside' ? ' — a workspace may only name files inside itself; put the path in your user settings (rolecall.iam.snapshots) to use it' : ''}`,
      );
    for (const p of workspace) {
      for (const f of folders) {
        const r = resolveInside(f.uri.fsPath, p);
        if (r.ok) out.add(r.path);
        else if (!(r.why === 'missing' && folders.length > 1)) refuse(p, 'the workspace settings', r.why);
      }
    }
    for (const project of await this.config.allProjects()) {
      const base = project.config.baseDir;
      if (!base) continue;
      for (const p of project.config.iamSnapshots) {
        const r = resolveInside(base, p);
        if (r.ok) out.add(r.path);
        else refuse(p, project.file ? vscode.workspace.asRelativePath(project.file) : '.rolecall.json', r.why);
      }
    }
    return [...out];
  }

  private async build(): Promise<IamState> {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    const settings = this.config.settings;
    const problems: string[] = [];
    const readers: IamReader[] = [];
    const projects = await this.config.allProjects();
    const accountProfiles: Record<string, string> = {};
    for (const p of projects) Object.assign(accountProfiles, p.config.accounts);
    Object.assign(accountProfiles, settings.iam.accountProfiles);

    const snapshots = [];
    const snapshotFiles: string[] = [];
    const multiFolder = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    for (const file of await this.snapshotPaths(problems)) {
      let text: string;
      try {
        // Only a regular file, never past the size limit (a FIFO would hang, a device fill memory).
        text = readTextFile(file, INPUT_LIMITS.snapshot);
      } catch (err) {
        // A relative settings path is tried in every folder of a multi-root workspace: only some exist.
        const reason = err instanceof InputFileError ? err.reason : 'cannot be read';
        if (!multiFolder || reason !== 'no such file')
          problems.push(
            `IAM snapshot ${file}: ${reason}; check the path in rolecall.iam.snapshots or iamSnapshots of .rolecall.json`,
          );
        continue;
      }
      const parsed = parseSnapshot(file, text);
      if (parsed.error !== null) {
        problems.push(`IAM snapshot ${contentFreeMessage(parsed.error)}`);
        continue;
      }
      snapshots.push(parsed.snapshot);
      snapshotFiles.push(file);
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
      );
      watcher.onDidChange(() => this.invalidate());
      watcher.onDidDelete(() => this.invalidate());
      this.watchers.push(watcher);
    }
    let findings: Finding[] = [];
    if (snapshots.length > 0) {
      const snapshotReader = new SnapshotIamReader(snapshots);
      readers.push(snapshotReader);
      findings = snapshotFindings(snapshotReader);
    }

    let live: Aws.LiveIamReader | null = null;
    const assumeRoles: Record<string, string> = {};
    for (const p of projects) Object.assign(assumeRoles, p.config.assumeRoles);
    const { '*': star, ...perAccount } = assumeRoles;
    const assumeRoleTemplate = settings.iam.assumeRoleTemplate ?? star;
    if (settings.iam.live) {
      if (!vscode.workspace.isTrusted) {
        this.log.info('live IAM is off in an untrusted workspace; only snapshot files are used');
      } else {
        try {
          const aws = loadAws(this.log);
          live = await aws.createLiveIamReader({
            ...(settings.iam.profile ? { profile: settings.iam.profile } : {}),
            ...(settings.iam.region ? { region: settings.iam.region } : {}),
            ...(settings.iam.endpointUrl ? { endpointUrl: settings.iam.endpointUrl } : {}),
            accountProfiles,
            ...(assumeRoleTemplate ? { assumeRoleTemplate } : {}),
            ...(Object.keys(perAccount).length ? { accountAssumeRoles: perAccount } : {}),
            cacheTtlMs: settings.cacheTtlSeconds * 1000,
            log: this.log,
          });
          readers.push(live);
        } catch (err) {
          problems.push(
            `live IAM could not start: ${messageOf(err)}. Check rolecall.iam.profile and your AWS credentials (aws sts get-caller-identity).`,
          );
        }
      }
    }
    const base = readers.length === 0 ? null : readers.length === 1 ? readers[0] : new CompositeIamReader(readers);

    // Roles defined as code, in front of snapshots and live IAM (what the repository deploys).
    let reader: IamReader | null = base;
    let iacFiles: string[] = [];
    const entries = this.iacEntries(projects, problems);
    if (entries.length > 0) {
      for (const e of entries) this.watchCode(e.path);
      try {
        // A half-typed template is a problem to show, not a reason to drop the other files.
        const model = await readIacEntries(
          entries,
          (p) => p,
          (message) => problems.push(message),
        );
        const iac = new IacIamReader(model, base);
        reader = iac;
        iacFiles = model.files;
        findings = [...findings, ...iacFindings(model), ...(await iacDriftFindings(iac))];
      } catch (err) {
        problems.push(`roles defined as code could not be read: ${messageOf(err)}`);
      }
    }
    for (const p of problems) this.log.warn(p);
    const unconfigured = !reader && problems.length === 0 && !settings.iam.live;
    void vscode.commands.executeCommand('setContext', 'rolecall.noIamSource', !reader);
    // A positive twin for the walkthrough's "IAM data" step: VS Code completes an onContext step only when
    // the expression turns true after the walkthrough is registered, and `!rolecall.noIamSource` is
    // already true (the key unset) at registration, so it would never complete.
    void vscode.commands.executeCommand('setContext', 'rolecall.hasIamSource', !!reader);
    this.log.info(
      `IAM source: ${snapshotFiles.length} snapshot file(s)${iacFiles.length ? `, ${iacFiles.length} IaC file(s)` : ''}${live ? ', live IAM' : ''}${reader ? '' : ' — none configured: only checks that need no IAM data run'}`,
    );
    const { agents, cascFiles, marks } = await this.readCasc(reader, projects);
    return {
      reader,
      snapshotFiles,
      problems,
      live,
      unconfigured,
      accountProfiles,
      snapshotFindings: findings,
      iacFiles,
      agents,
      cascFiles,
      cascMarks: marks,
    };
  }

  /**
   * Jenkins configuration-as-code files: the setting's (else those found in the workspace) and each
   * `.rolecall.json`'s `jenkinsCasc`, resolved into callers with the IAM data. Watched like snapshots.
   */
  private async readCasc(
    reader: IamReader | null,
    projects: readonly ProjectConfigEntry[],
  ): Promise<{ agents: AgentDirectory | null; cascFiles: string[]; marks: CascMark[] }> {
    const files = new Set<string>();
    const discovered = new Set<string>();
    const folders = vscode.workspace.workspaceFolders ?? [];
    const configured = this.config.settings.jenkinsCasc;
    if (configured.length > 0) {
      for (const p of configured) {
        if (path.isAbsolute(p)) files.add(p);
        else for (const f of folders) files.add(path.join(f.uri.fsPath, p));
      }
    } else {
      for (const uri of await vscode.workspace.findFiles(CASC_GLOB, '{**/node_modules/**,**/.git/**}', 20)) {
        files.add(uri.fsPath);
        discovered.add(uri.fsPath);
      }
    }
    const serviceAccounts: Record<string, string> = {};
    const fromProjects = projectCascFiles(
      projects.map((project) => ({
        baseDir: project.config.baseDir ?? null,
        entries: project.config.jenkinsCasc,
        where: project.file ? vscode.workspace.asRelativePath(project.file) : '.rolecall.json',
      })),
    );
    for (const f of fromProjects.files) files.add(f);
    for (const message of fromProjects.refused) this.log.warn(message);
    for (const project of projects) Object.assign(serviceAccounts, project.config.serviceAccounts);
    // Created or deleted configuration files change what is found: rebuild then.
    // A changed file changes who calls STS: the pipelines are analysed again (and the file's problems re-shown).
    const discover = vscode.workspace.createFileSystemWatcher(CASC_GLOB);
    discover.onDidCreate(() => this.codeChangedOnDisk());
    discover.onDidDelete(() => this.codeChangedOnDisk());
    discover.onDidChange(() => this.codeChangedOnDisk());
    this.watchers.push(discover);
    const cascs: JenkinsCasc[] = [];
    const cascFiles: string[] = [];
    const texts = new Map<string, string>();
    for (const file of [...files].sort()) {
      let text: string;
      try {
        // Only a regular file under the size limit (a FIFO would hang, a device fill memory).
        text = readTextFile(file, INPUT_LIMITS.config);
      } catch {
        if (configured.length === 0 || folders.length <= 1)
          this.log.warn(
            `Jenkins configuration-as-code file ${file} cannot be read: check rolecall.jenkinsCasc or jenkinsCasc of .rolecall.json`,
          );
        continue;
      }
      cascs.push(parseJenkinsCasc(file, text));
      texts.set(file, text);
      cascFiles.push(file);
      if (!discovered.has(file)) {
        const watcher = vscode.workspace.createFileSystemWatcher(
          new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)),
        );
        watcher.onDidChange(() => this.codeChangedOnDisk());
        watcher.onDidDelete(() => this.codeChangedOnDisk());
        this.watchers.push(watcher);
      }
    }
    if (cascs.length === 0) return { agents: null, cascFiles, marks: [] };
    const agents = await resolveAgentDirectory(cascs, reader, serviceAccounts);
    for (const p of agents.problems) this.log.warn(`${p.file}:${p.line}:${p.column}: ${p.message}`);
    this.log.info(
      `callers from Jenkins configuration as code: ${cascFiles.length} file(s), ${agents.templates.length} agent template(s), ${Object.keys(agents.credentials).length} AWS credential(s)`,
    );
    // Shown on the YAML files too (diagnostics), as the CLI prints them.
    return { agents, cascFiles, marks: cascMarks(agents.problems, (f) => texts.get(f) ?? null) };
  }

  /** The `"iac"` entries of every `.rolecall.json`, with absolute paths; entries leaving the config's folder are refused. */
  private iacEntries(
    projects: Array<{ config: { iac: IacEntry[]; baseDir: string | null } }>,
    problems: string[],
  ): IacEntry[] {
    const out: IacEntry[] = [];
    for (const project of projects) {
      const base = project.config.baseDir;
      for (const e of project.config.iac) {
        const full = path.isAbsolute(e.path) || !base ? e.path : path.join(base, e.path);
        const rel = base ? path.relative(base, path.resolve(full)) : '';
        if (base && (rel.startsWith('..') || path.isAbsolute(rel))) {
          problems.push(
            `${path.join(base, '.rolecall.json')}: iac entry '${e.path}' points outside the folder of the config; a project config only names files inside its own folder`,
          );
          continue;
        }
        out.push({ ...e, path: full });
      }
    }
    return out;
  }

  /** Watches an IaC file or directory: a change rebuilds the IAM source and re-analyses the pipelines. */
  private watchCode(target: string): void {
    const pattern = /\.(tf|ya?ml|json|template)$/i.test(target)
      ? new vscode.RelativePattern(vscode.Uri.file(path.dirname(target)), path.basename(target))
      : new vscode.RelativePattern(vscode.Uri.file(target), '**/*.{tf,yaml,yml,json,template}');
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    watcher.onDidChange(() => this.codeChangedOnDisk());
    watcher.onDidCreate(() => this.codeChangedOnDisk());
    watcher.onDidDelete(() => this.codeChangedOnDisk());
    this.watchers.push(watcher);
  }

  /** An IaC or JCasC file changed: a new source, and the pipelines analysed against it. */
  private codeChangedOnDisk(): void {
    this.invalidate();
    this.codeChanged.fire();
  }

  dispose(): void {
    this.invalidate();
    for (const w of this.watchers) w.dispose();
    this.emitter.dispose();
    this.built.dispose();
    this.codeChanged.dispose();
  }
}
