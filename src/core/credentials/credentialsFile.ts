// Writes minted credentials into `~/.aws/credentials` as a named profile without disturbing anything
// else in the file (other profiles, comments). The file is precious, so:
// - a profile holding long-term keys (AKIA…, or keys without a session token) is never replaced unless
//   forced, and then the old file is kept as a backup;
// - a symbolic link is written through (its target is replaced, the link stays);
// - writers take a lock file next to the target and re-read the file under it, so parallel runs all
//   keep their profiles;
// - the new content goes to a 0600 temp file in the same folder, fsync'd, then renamed over the target:
//   a crash leaves the old file whole; a temp file left by a killed run (only its owner can read it) is
//   removed by the next writer;
// - `AWS_SHARED_CREDENTIALS_FILE='~/…'` is expanded the way the AWS SDK expands it.
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  unlinkSync,
  writeSync,
  chmodSync,
  copyFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TemporaryCredentials } from '../ports';
import { awsCredentialsPath, expandHome, sdkHomeDir, type Env } from './awsConfig';
import { toIniEntries } from './formats';
import { parseIni, removeSection, replaceSection, sectionEntries, sectionNames, stringifyIni } from './ini';

/** Profile names we write: the AWS CLI's own charset, nothing that could break the ini syntax. */
const PROFILE_NAME = /^[\w.@+-]{1,128}$/;

/** True for a profile name RoleCall writes (letters, digits and ._@+-). */
export function isValidProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

/** Why a credentials file was not written; `kind` lets callers pick an exit status or a question. */
export class CredentialsFileError extends Error {
  constructor(
    readonly kind: 'long-term-keys' | 'locked' | 'io',
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'CredentialsFileError';
  }
}

const TEMP_SUFFIX = '.tmp';

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/**
 * Writes `content` to `path` atomically with `mode`: a temp file in the same folder (created with
 * `mode`, so never readable by others), fsync, rename, fsync of the folder. On any failure the temp file
 * is removed and the old file is left as it was; the error is rethrown.
 */
export function writeFileAtomic(path: string, content: string, mode: number): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = tempName(path);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    writeSync(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    // openSync's mode is filtered by the umask; make it exact before the file becomes visible.
    chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw error;
  }
  syncDir(dir);
}

function syncDir(dir: string): void {
  // The rename is durable only once the folder is; not every platform lets a folder be opened.
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // best effort
  }
}

/**
 * The file a write must replace: the path itself, or, when it is a symbolic link (a chain, possibly
 * dangling), the file the link finally points to — the link stays a link.
 */
export function writeTarget(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let stats;
    try {
      stats = lstatSync(current);
    } catch {
      return current; // does not exist yet: created here
    }
    if (!stats.isSymbolicLink()) return current;
    const link = readlinkSync(current);
    current = isAbsolute(link) ? link : resolve(dirname(current), link);
  }
  throw new CredentialsFileError('io', `${path} is a symbolic link loop`, path);
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const waitCell = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(waitCell, 0, 0, ms);
}

/** Default time to wait for another writer's lock. */
export const LOCK_TIMEOUT_MS = 10_000;
/** A lock older than this whose owner cannot be checked is taken as left by a crash. */
const STALE_LOCK_MS = 60_000;

/**
 * Runs `body` holding `<target>.lock` (created exclusively; it holds the owner's pid). A lock whose
 * process is gone (killed mid-write) is removed; a live one is waited for up to `timeoutMs`.
 */
export function withFileLock<T>(target: string, body: () => T, timeoutMs = LOCK_TIMEOUT_MS): T {
  const lock = `${target}.lock`;
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const start = Date.now();
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new CredentialsFileError(
          'io',
          `cannot create the lock file ${lock}: ${(error as Error).message}`,
          target,
        );
      if (removeStaleLock(lock)) continue;
      if (Date.now() - start > timeoutMs) {
        throw new CredentialsFileError(
          'locked',
          `${target} is locked by another writer (${lock}); try again, or remove the lock file if no rolecall is running`,
          target,
        );
      }
      sleepSync(Math.min(100, 5 + attempt * 5) + Math.floor(Math.random() * 10));
    }
  }
  try {
    return body();
  } finally {
    closeSync(fd);
    try {
      unlinkSync(lock);
    } catch {
      // removed by hand meanwhile
    }
  }
}

/** How long a breaker (see removeStaleLock) may live before it is taken as left by a killed writer. */
const STALE_BREAKER_MS = 5_000;

/**
 * Removes `lock` when the writer that holds it is gone; true when it did (or the lock vanished).
 * Checking the pid and then unlinking the path is not atomic: the dead owner's lock may be released by
 * someone else and a live writer's new lock created at the same path in between, and unlinking that
 * lets two writers in at once (one of them loses its profile). So the lock is opened and its inode kept
 * (held open, the inode cannot be reused), and the unlink happens only under `<lock>.break` (created
 * exclusively: one breaker at a time) after checking that the path still names that very inode. Only a
 * breaker removes a lock whose owner is dead, so under the breaker the path cannot change meanwhile.
 */
function removeStaleLock(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, constants.O_RDONLY);
  } catch {
    return true; // gone already: the next attempt creates it
  }
  try {
    const stats = fstatSync(fd);
    const text = readFileSync(fd, 'utf8').trim();
    // A lock just created may not hold its pid yet.
    const stale = text === '' ? Date.now() - stats.mtimeMs > STALE_LOCK_MS : !alive(Number(text));
    if (!stale) return false;
    return withBreaker(lock, () => {
      try {
        if (lstatSync(lock).ino !== stats.ino) return true; // replaced meanwhile: look again
        unlinkSync(lock);
      } catch {
        // removed by its owner or another breaker
      }
      return true;
    });
  } finally {
    closeSync(fd);
  }
}

function withBreaker(lock: string, body: () => boolean): boolean {
  const breaker = `${lock}.break`;
  let fd: number;
  try {
    fd = openSync(breaker, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    removeStaleBreaker(breaker);
    return false; // another writer is breaking the lock: wait and look again
  }
  try {
    return body();
  } finally {
    closeSync(fd);
    try {
      unlinkSync(breaker);
    } catch {
      // removed by hand
    }
  }
}

/** A breaker lives for microseconds; one this old was left by a writer killed while breaking a lock. */
function removeStaleBreaker(breaker: string): void {
  let fd: number;
  try {
    fd = openSync(breaker, constants.O_RDONLY);
  } catch {
    return;
  }
  try {
    const stats = fstatSync(fd);
    if (Date.now() - stats.mtimeMs > STALE_BREAKER_MS && lstatSync(breaker).ino === stats.ino) unlinkSync(breaker);
  } catch {
    // removed meanwhile
  } finally {
    closeSync(fd);
  }
}

/** Removes temp files that a killed writer left next to `target` (their process is gone). Returns their names. */
export function removeStaleTempFiles(target: string): string[] {
  const dir = dirname(target);
  const pattern = new RegExp(
    `^\\.${basename(target).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]+\\${TEMP_SUFFIX}$`,
  );
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    try {
      unlinkSync(join(dir, name));
      removed.push(name);
    } catch {
      // removed by someone else
    }
  }
  return removed;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

/** True when a profile's entries are long-term keys: an AKIA… key id, or keys without a session token. */
export function holdsLongTermKeys(entries: Record<string, string> | null): boolean {
  if (!entries) return false;
  const keyId = entries.aws_access_key_id;
  if (!keyId) return false;
  return /^AKIA/.test(keyId) || !entries.aws_session_token;
}

/** Read-only check (no lock): does `[profileName]` in the file hold long-term keys? False when the file is absent. */
export function profileHoldsLongTermKeys(profileName: string, path: string): boolean {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return false;
  }
  return holdsLongTermKeys(sectionEntries(parseIni(text), profileName));
}

export interface CredentialsFileOptions {
  /** Default: AWS_SHARED_CREDENTIALS_FILE (with `~` expanded) or ~/.aws/credentials. */
  path?: string;
  region?: string | null;
  /** Replace a profile holding long-term keys (the old file is kept as a backup). */
  force?: boolean;
  /** For the default path and `~` expansion; default process.env. */
  env?: Env;
  /** Fallback home folder; default the OS's. */
  home?: string;
  lockTimeoutMs?: number;
  /** Clock for the backup's name. */
  now?: () => Date;
}

export interface CredentialsFileResult {
  /** The file written (the target of a symbolic link). */
  path: string;
  /** The copy of the old file kept when long-term keys were replaced with `force`. */
  backup?: string;
  /** Temp files of killed earlier runs that were removed. */
  cleaned: string[];
}

/** The credentials file path as the SDK would read it. */
export function credentialsFilePath(options: Pick<CredentialsFileOptions, 'path' | 'env' | 'home'> = {}): string {
  const env = options.env ?? process.env;
  const home = options.home !== undefined ? sdkHomeDir(env, options.home) : sdkHomeDir(env);
  return options.path !== undefined ? expandHome(options.path, home) : awsCredentialsPath(env, home);
}

/**
 * Writes or replaces `[profileName]` with the credentials; keeps every other profile and comment.
 * Throws CredentialsFileError (`long-term-keys` without `force`, `locked`, `io`).
 */
export function writeCredentialsProfile(
  profileName: string,
  credentials: TemporaryCredentials,
  options: CredentialsFileOptions = {},
): CredentialsFileResult {
  if (!isValidProfileName(profileName))
    throw new Error(`invalid profile name "${profileName}": use letters, digits and ._@+-`);
  const target = writeTarget(credentialsFilePath(options));
  return withFileLock(
    target,
    () => {
      const cleaned = removeStaleTempFiles(target);
      // Re-read under the lock: another writer may have added its profile since we started.
      const text = readOrEmpty(target);
      const doc = parseIni(text);
      let backup: string | undefined;
      if (holdsLongTermKeys(sectionEntries(doc, profileName))) {
        if (!options.force) {
          throw new CredentialsFileError(
            'long-term-keys',
            `profile [${profileName}] in ${target} holds long-term access keys; refusing to replace them — write to another profile name, or force it (a backup of the file is kept)`,
            target,
          );
        }
        const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
        backup = `${target}.rolecall-backup-${stamp}`;
        copyFileSync(target, backup, constants.COPYFILE_EXCL);
        chmodSync(backup, 0o600);
      }
      writeFileAtomic(
        target,
        stringifyIni(replaceSection(doc, profileName, toIniEntries(credentials, options.region))),
        0o600,
      );
      return { path: target, ...(backup ? { backup } : {}), cleaned };
    },
    options.lockTimeoutMs,
  );
}

/** Removes `[profileName]` (e.g. "clear sessions"); true when it was there. */
export function removeCredentialsProfile(
  profileName: string,
  options: Pick<CredentialsFileOptions, 'path' | 'env' | 'home' | 'lockTimeoutMs'> = {},
): boolean {
  const target = writeTarget(credentialsFilePath(options));
  return withFileLock(
    target,
    () => {
      removeStaleTempFiles(target);
      const doc = parseIni(readOrEmpty(target));
      if (!sectionNames(doc).includes(profileName)) return false;
      writeFileAtomic(target, stringifyIni(removeSection(doc, profileName)), 0o600);
      return true;
    },
    options.lockTimeoutMs,
  );
}
