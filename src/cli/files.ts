// Finds pipeline files under the paths given to `rolecall scan`.
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from './io';

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** True for the file names the contract calls pipeline files. */
export function isPipelineFileName(name: string): boolean {
  return name === 'Jenkinsfile' || name.startsWith('Jenkinsfile.') || name.endsWith('.Jenkinsfile') || name.endsWith('.jenkinsfile') || name.endsWith('.groovy');
}

/** Slash-separated form of a path as found under the PATH given (relative in, relative out). */
export function displayPath(path: string): string {
  return path.split('\\').join('/');
}

/**
 * Lists pipeline files under each path, in a stable order. A path that is a file is taken whatever its name.
 * Throws UsageError for a path that does not exist.
 */
export function findPipelineFiles(paths: string[], resolve: (p: string) => string): string[] {
  const found: string[] = [];
  for (const given of paths) {
    let stats;
    try {
      stats = statSync(resolve(given));
    } catch {
      throw new UsageError(`${given}: no such file or directory`);
    }
    if (stats.isFile()) {
      found.push(given);
      continue;
    }
    // An explicit stack: deep trees must not overflow the call stack.
    const stack = [given];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let entries;
      try {
        entries = readdirSync(resolve(dir), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        const child = dir === '.' ? entry.name : join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name)) stack.push(child);
        } else if (entry.isFile() && isPipelineFileName(basename(child))) {
          found.push(child);
        }
      }
    }
  }
  return [...new Set(found.map(displayPath))].sort();
}
