// Finds pipeline files under the paths given to `rolecall scan`. Nothing is skipped in silence: a path
// given that cannot be scanned is bad usage (exit 2), a problem found while walking is an errors[] entry.
// Symbolic links inside the tree are followed, each real directory and file visited once (no loops).
import { readdirSync, realpathSync, statSync } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { basename, join } from 'node:path';
import type { FileError } from '../core/types';
import { UsageError } from './io';
import { kindOf } from '../files/read';

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** True for the file names the contract calls pipeline files. */
export function isPipelineFileName(name: string): boolean {
  return (
    name === 'Jenkinsfile' ||
    name.startsWith('Jenkinsfile.') ||
    name.endsWith('.Jenkinsfile') ||
    name.endsWith('.jenkinsfile') ||
    name.endsWith('.groovy')
  );
}

/** Slash-separated form of a path as found under the PATH given (relative in, relative out). */
export function displayPath(path: string): string {
  return path.split('\\').join('/');
}

function statReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'a symbolic link loop';
  if (code === 'ENOTDIR') return 'a component of the path is not a directory';
  return code ? `cannot be read (${code})` : 'cannot be read';
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Lists pipeline files under each path, in a stable order. A path that is a file is taken whatever its
 * name. Throws UsageError for a path that does not exist, cannot be read, or is neither a regular file
 * nor a directory (a FIFO, a device). Problems met while walking go to `errors` when given.
 */
export function findPipelineFiles(paths: string[], resolve: (p: string) => string, errors: FileError[] = []): string[] {
  // Every pipeline file once, by its real path; the first path it was found under (in order) names it.
  const found = new Map<string, string>();
  const visitedDirs = new Set<string>();
  const add = (shown: string, real: string) => {
    const name = displayPath(shown);
    const before = found.get(real);
    if (before === undefined || name < before) found.set(real, name);
  };
  for (const given of paths) {
    let stats: Stats;
    try {
      stats = statSync(resolve(given));
    } catch (error) {
      throw new UsageError(`${given}: ${statReason(error)}`);
    }
    if (stats.isFile()) {
      add(given, realOrSelf(resolve(given)));
      continue;
    }
    if (!stats.isDirectory())
      throw new UsageError(`${given}: ${kindOf(stats)}, not a regular file or directory: only those are scanned`);
    try {
      readdirSync(resolve(given));
    } catch (error) {
      throw new UsageError(`${given}: directory ${statReason(error)}`);
    }
    walk(given, resolve, visitedDirs, add, errors);
  }
  return [...found.values()].sort();
}

function walk(
  root: string,
  resolve: (p: string) => string,
  visitedDirs: Set<string>,
  add: (shown: string, real: string) => void,
  errors: FileError[],
): void {
  const rootReal = realOrSelf(resolve(root));
  if (visitedDirs.has(rootReal)) return;
  visitedDirs.add(rootReal);
  // An explicit stack: deep trees must not overflow the call stack.
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(resolve(dir), { withFileTypes: true });
    } catch (error) {
      errors.push({
        file: displayPath(dir),
        message: `directory ${statReason(error)}; the pipeline files in it were not scanned`,
      });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    for (const entry of entries) {
      const child = dir === '.' ? entry.name : join(dir, entry.name);
      const pipelineName = isPipelineFileName(basename(child));
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let stats: Stats | null = null;
      if (entry.isSymbolicLink()) {
        try {
          stats = statSync(resolve(child));
        } catch (error) {
          if (pipelineName)
            errors.push({
              file: displayPath(child),
              message: `a symbolic link that cannot be followed (${statReason(error)}); skipped`,
            });
          continue;
        }
        isDir = stats.isDirectory();
        isFile = stats.isFile();
      }
      if (isDir) {
        if (SKIPPED_DIRS.has(entry.name)) continue;
        const real = realOrSelf(resolve(child));
        // A link back up the tree (or to a folder seen already) is not walked again.
        if (visitedDirs.has(real)) continue;
        visitedDirs.add(real);
        stack.push(child);
      } else if (pipelineName) {
        if (isFile) add(child, realOrSelf(resolve(child)));
        else {
          try {
            stats ??= statSync(resolve(child));
            errors.push({ file: displayPath(child), message: `${kindOf(stats)}, not a regular file; skipped` });
          } catch (error) {
            errors.push({ file: displayPath(child), message: `${statReason(error)}; skipped` });
          }
        }
      }
    }
  }
}
