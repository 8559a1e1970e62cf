// Typed settings (rust-analyzer's Config): read once, sanitized, re-read on change with an event.
// Also the workspace's `.rolecall.json` per folder, read through the core's `configFrom`.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { configFrom, defaultConfig, type ProjectConfig } from '../core/config';
import type { Log } from './log';
import {
  iamChanged,
  setByWorkspace,
  settingsFrom,
  settingsGetter,
  snapshotSettings,
  USER_ONLY_SETTINGS,
  type Settings,
} from './pure/settings';
import { INPUT_LIMITS, InputFileError, readTextFile } from '../files/read';

export interface ProjectConfigEntry {
  config: ProjectConfig;
  /** The `.rolecall.json` file, or null when the folder has none. */
  file: vscode.Uri | null;
}

/** A file of a virtual workspace (no local path): a regular file under the limit, else InputFileError. */
async function readVirtual(file: vscode.Uri, limit: number): Promise<string> {
  const stat = await vscode.workspace.fs.stat(file);
  if ((stat.type & vscode.FileType.File) === 0)
    throw new InputFileError('not a regular file: only regular files are read');
  if (stat.size > limit) throw new InputFileError('above the size limit for this kind of file');
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(file)).replace(/^\uFEFF/, '');
}

export class Config implements vscode.Disposable {
  private current: Settings;
  private projectList: Promise<ProjectConfigEntry[]> | null = null;
  private readonly emitter = new vscode.EventEmitter<{ iam: boolean }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires when settings or a `.rolecall.json` change; `iam` says whether the IAM source must be rebuilt. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: Log) {
    this.current = Config.read();
    for (const key of Config.workspaceOverrides()) {
      this.log.warn(
        `${key} from the workspace settings is ignored: where credentials, MFA codes and ExternalIds are sent is set in your user settings only`,
      );
    }
    this.disposables.push(
      this.emitter,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('rolecall')) return;
        const next = Config.read();
        const iam = iamChanged(this.current, next);
        this.current = next;
        this.emitter.fire({ iam });
      }),
    );
    // A watcher is cheap to create (no scan): it only reports changes.
    const watcher = vscode.workspace.createFileSystemWatcher('**/.rolecall.json');
    const changed = (): void => {
      this.projectList = null;
      this.emitter.fire({ iam: true });
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(changed),
      watcher.onDidCreate(changed),
      watcher.onDidDelete(changed),
    );
  }

  private static read(): Settings {
    const section = vscode.workspace.getConfiguration('rolecall');
    return settingsFrom(
      settingsGetter(
        (key) => section.get(key),
        (key) => section.inspect(key),
      ),
    );
  }

  /** User-only settings a workspace tries to set (ignored), for one log line. */
  static workspaceOverrides(): string[] {
    const section = vscode.workspace.getConfiguration('rolecall');
    return USER_ONLY_SETTINGS.filter((key) => setByWorkspace(section.inspect(key))).map((key) => `rolecall.${key}`);
  }

  /** Snapshot paths from settings, the user's apart from the workspace's (which must stay inside the workspace). */
  static snapshotSettings(): { user: string[]; workspace: string[] } {
    return snapshotSettings(vscode.workspace.getConfiguration('rolecall').inspect('iam.snapshots'));
  }

  get settings(): Settings {
    return this.current;
  }

  /**
   * The `.rolecall.json` that applies to `uri`: the nearest one above it inside the workspace (as the
   * CLI's default is the config in the scanned root), else an empty config based at the folder.
   */
  async project(uri: vscode.Uri | undefined): Promise<ProjectConfigEntry> {
    const all = await this.allProjects();
    const file = uri?.fsPath;
    let best: ProjectConfigEntry | null = null;
    for (const entry of all) {
      const dir = entry.config.baseDir;
      if (!dir || !entry.file) continue;
      const inside = file === undefined || file === dir || file.startsWith(dir + path.sep);
      if (inside && (!best || dir.length > (best.config.baseDir ?? '').length)) best = entry;
    }
    if (best) return best;
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : vscode.workspace.workspaceFolders?.[0];
    return { config: { ...defaultConfig(), baseDir: folder?.uri.fsPath ?? null }, file: null };
  }

  /** Every `.rolecall.json` in the workspace (found once, after activation; re-read when one changes). */
  allProjects(): Promise<ProjectConfigEntry[]> {
    if (!this.projectList) this.projectList = this.findProjects();
    return this.projectList;
  }

  private async findProjects(): Promise<ProjectConfigEntry[]> {
    const files = await vscode.workspace.findFiles('**/.rolecall.json', '{**/node_modules/**,**/.git/**}', 50);
    const entries = await Promise.all(files.map((f) => this.loadProject(f)));
    return entries.filter((e): e is ProjectConfigEntry => e !== null);
  }

  private async loadProject(file: vscode.Uri): Promise<ProjectConfigEntry | null> {
    // Node's fs, not workspace.fs: only a regular file, never past the size limit (a FIFO would hang,
    // /dev/zero would fill memory), the same limits as the CLI's, trusted workspace or not.
    let text: string;
    try {
      text =
        file.scheme === 'file'
          ? readTextFile(file.fsPath, INPUT_LIMITS.config)
          : await readVirtual(file, INPUT_LIMITS.config);
    } catch (err) {
      const reason = err instanceof InputFileError ? err.reason : 'cannot be read';
      this.log.warn(`${file.fsPath}: ${reason}; it is ignored`);
      return null;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      // Never JSON.parse's message: it quotes a slice of the file, which may be anything.
      this.log.error(`${file.fsPath}: not valid JSON; fix the file — it is ignored until then`);
      void vscode.window.showWarningMessage(
        `RoleCall: ${vscode.workspace.asRelativePath(file)} is not valid JSON and is ignored until fixed.`,
      );
      return null;
    }
    const { config, problems } = configFrom(raw, path.dirname(file.fsPath));
    for (const p of problems) this.log.warn(`${file.fsPath}: ${p.path}: ${p.message}`);
    return { config, file };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
