// Writes minted credentials into `~/.aws/credentials` as a named profile without disturbing anything
// else in the file (other profiles, comments), atomically (temp file in the same folder, then rename),
// with mode 0600: a crash or a full disk leaves the old file whole, never a half-written one.
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TemporaryCredentials } from '../ports';
import { awsCredentialsPath } from './awsConfig';
import { toIniEntries } from './formats';
import { parseIni, removeSection, replaceSection, sectionNames, stringifyIni } from './ini';

/** Profile names we write: the AWS CLI's own charset, nothing that could break the ini syntax. */
const PROFILE_NAME = /^[\w.@+-]{1,128}$/;

/** True for a profile name RoleCall writes (letters, digits and ._@+-). */
export function isValidProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

/**
 * Writes `content` to `path` atomically with `mode`: a temp file in the same folder, fsync, rename.
 * On any failure the temp file is removed and the old file is left as it was; the error is rethrown.
 */
export function writeFileAtomic(path: string, content: string, mode: number): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
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
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

export interface CredentialsFileOptions {
  /** Default: AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials. */
  path?: string;
  region?: string | null;
}

/** Writes or replaces `[profileName]` with the credentials; keeps every other profile and comment. Returns the path. */
export function writeCredentialsProfile(profileName: string, credentials: TemporaryCredentials, options: CredentialsFileOptions = {}): string {
  if (!isValidProfileName(profileName)) throw new Error(`invalid profile name "${profileName}": use letters, digits and ._@+-`);
  const path = options.path ?? awsCredentialsPath();
  const doc = parseIni(readOrEmpty(path));
  writeFileAtomic(path, stringifyIni(replaceSection(doc, profileName, toIniEntries(credentials, options.region))), 0o600);
  return path;
}

/** Removes `[profileName]` (e.g. "clear sessions"); true when it was there. */
export function removeCredentialsProfile(profileName: string, options: { path?: string } = {}): boolean {
  const path = options.path ?? awsCredentialsPath();
  const text = readOrEmpty(path);
  const doc = parseIni(text);
  if (!sectionNames(doc).includes(profileName)) return false;
  writeFileAtomic(path, stringifyIni(removeSection(doc, profileName)), 0o600);
  return true;
}
