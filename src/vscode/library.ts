// The workspace's shared-library steps (`vars/*.groovy`), for the analysis context: a Jenkinsfile's calls
// of them are analysed with their arguments, as `rolecall scan` does. Read lazily (on the first analysis),
// then again only when such a file is created, changed on disk (saved) or deleted; a step whose text did not
// change keeps its parsed tree (core/library.ts `sharedLibrary`), so nothing is re-parsed per keystroke.
import * as vscode from 'vscode';
import { decodePipelineText } from '../core/analyze';
import { libraryStepName, sharedLibrary } from '../core/library';
import type { SharedLibrary } from '../core/types';
import { INPUT_LIMITS, InputFileError, readRegularFile } from '../files/read';
import type { Log } from './log';
import { EXCLUDE_GLOB, LIBRARY_GLOB } from './pure/files';

/** At most this many step files are read (a workspace of many libraries keeps the first found). */
const MAX_STEP_FILES = 2000;

export class LibraryIndex implements vscode.Disposable {
  private current: Promise<SharedLibrary | null> | null = null;
  private last: SharedLibrary | null = null;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a step file changed after the library was read: the pipelines should be analysed again. */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: Log) {
    const watcher = vscode.workspace.createFileSystemWatcher(LIBRARY_GLOB);
    const changed = (uri: vscode.Uri) => {
      if (libraryStepName(uri.fsPath) === null || this.current === null) return;
      this.current = null;
      this.emitter.fire();
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(changed),
      watcher.onDidChange(changed),
      watcher.onDidDelete(changed),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.current = null;
        this.emitter.fire();
      }),
      this.emitter,
    );
  }

  /** The library as on disk now (null when the workspace has no step). Never rejects. */
  get(): Promise<SharedLibrary | null> {
    return (this.current ??= this.read());
  }

  private async read(): Promise<SharedLibrary | null> {
    try {
      const uris = (await vscode.workspace.findFiles(LIBRARY_GLOB, EXCLUDE_GLOB, MAX_STEP_FILES))
        .filter((u) => u.scheme === 'file' && libraryStepName(u.fsPath) !== null)
        .sort((a, b) => a.fsPath.localeCompare(b.fsPath));
      const files: Array<{ file: string; text: string }> = [];
      for (const uri of uris) {
        let bytes: Uint8Array;
        try {
          bytes = readRegularFile(uri.fsPath, INPUT_LIMITS.pipeline);
        } catch (error) {
          const reason = error instanceof InputFileError ? error.reason : 'cannot be read';
          this.log.warn(`${uri.fsPath}: ${reason}; its calls are not followed`);
          continue;
        }
        const decoded = decodePipelineText(uri.fsPath, bytes);
        if ('error' in decoded) continue;
        files.push({ file: vscode.workspace.asRelativePath(uri, false), text: decoded.text });
      }
      const library = sharedLibrary(files, this.last);
      this.last = library;
      if (library.steps.size > 0) this.log.info(`shared library: ${library.steps.size} step(s) in vars/`);
      return library.steps.size > 0 ? library : null;
    } catch (err) {
      this.log.warn(`shared-library steps could not be listed: ${String(err)}`);
      return null;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
