// Paths a repository's own files name (a `.rolecall.json`, workspace settings) stay inside the folder
// they belong to once symbolic links are followed: a repository must not steer RoleCall into reading
// the rest of the machine. Shared by the CLI and the extension.
import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** True when `path` is `dir` or inside it (both absolute). */
export function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export type InsideResult =
  { ok: true; path: string } | { ok: false; why: 'outside' | 'link-outside' | 'missing' | 'loop' | 'unreadable' };

/**
 * Resolves `entry` (absolute, or relative to `root`) and checks that it, and the file it finally is
 * after symbolic links, lie inside `root`. The returned path is the real one (read that, not the link).
 */
export function resolveInside(root: string, entry: string): InsideResult {
  const candidate = resolve(isAbsolute(entry) ? entry : join(root, entry));
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = resolve(root);
  }
  if (!within(resolve(root), candidate) && !within(realRoot, candidate)) return { ok: false, why: 'outside' };
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, why: code === 'ENOENT' ? 'missing' : code === 'ELOOP' ? 'loop' : 'unreadable' };
  }
  if (!within(realRoot, real)) return { ok: false, why: 'link-outside' };
  return { ok: true, path: real };
}
