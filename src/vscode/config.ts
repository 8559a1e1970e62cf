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
  private readonly projects = new Map<string, Promise<ProjectConfigEntry>>();
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
      this.projects.clear();
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

  /** The `.rolecall.json` of the folder holding `uri` (cached until it changes). */
  project(uri: vscode.Uri | undefined): Promise<ProjectConfigEntry> {
    const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : vscode.workspace.workspaceFolders?.[0];
    if (!folder) return Promise.resolve({ config: defaultConfig(), file: null });
    const key = folder.uri.toString();
    let entry = this.projects.get(key);
    if (!entry) {
      entry = this.loadProject(folder);
      this.projects.set(key, entry);
    }
    return entry;
  }

  /** Every folder's project config. */
  async allProjects(): Promise<ProjectConfigEntry[]> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    return Promise.all(folders.map((f) => this.project(f.uri)));
  }

  private async loadProject(folder: vscode.WorkspaceFolder): Promise<ProjectConfigEntry> {
    const file = vscode.Uri.joinPath(folder.uri, '.rolecall.json');
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(file);
    } catch {
      return { config: { ...defaultConfig(), baseDir: folder.uri.fsPath }, file: null };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
    } catch (err) {
      this.log.error(`${file.fsPath}: not valid JSON (${err instanceof Error ? err.message : String(err)}); fix the file — it is ignored until then`);
      void vscode.window.showWarningMessage(`RoleCall: ${path.basename(file.fsPath)} is not valid JSON and is ignored until fixed.`);
      return { config: { ...defaultConfig(), baseDir: folder.uri.fsPath }, file };
    }
    const { config, problems } = configFrom(raw, path.dirname(file.fsPath));
    for (const p of problems) this.log.warn(`${file.fsPath}: ${p.path}: ${p.message}`);
    return { config, file };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
