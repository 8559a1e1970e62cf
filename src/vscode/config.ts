// Typed settings (rust-analyzer's Config): read once, sanitized, re-read on change with an event.
// Also the workspace's `.rolecall.json` per folder, read through the core's `configFrom`.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { configFrom, defaultConfig, type ProjectConfig } from '../core/config';
import type { Log } from './log';
import { iamChanged, settingsFrom, type Settings } from './pure/settings';

export interface ProjectConfigEntry {
  config: ProjectConfig;
  /** The `.rolecall.json` file, or null when the folder has none. */
  file: vscode.Uri | null;
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
    this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed));
  }

  private static read(): Settings {
    const section = vscode.workspace.getConfiguration('rolecall');
    return settingsFrom((key) => section.get(key));
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
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(file);
    } catch {
      return null;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
    } catch (err) {
      this.log.error(`${file.fsPath}: not valid JSON (${err instanceof Error ? err.message : String(err)}); fix the file — it is ignored until then`);
      void vscode.window.showWarningMessage(`RoleCall: ${vscode.workspace.asRelativePath(file)} is not valid JSON and is ignored until fixed.`);
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
