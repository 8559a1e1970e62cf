// Plain Node file access shared by the CLI and the extension (no vscode, no engine).
// Reading the files a command is given (snapshots, configs, credential files, pipelines) safely: only
// regular files (a FIFO would hang the read forever, /dev/zero would grow memory without bound), never
// more than a size limit, and failures as one line naming the file and the reason, never its content.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

const MB = 1024 * 1024;

/** Size limits per kind of input: far above any real file of that kind, far below what hurts memory. */
export const INPUT_LIMITS = {
  /** get-account-authorization-details of a very large account is tens of MB. */
  snapshot: 256 * MB,
  /** `.rolecall.json`, `--credentials-file`, policies given to explain/grant. */
  config: 4 * MB,
  /** A pipeline script; the largest real Jenkinsfiles are a few hundred KB. */
  pipeline: 8 * MB,
} as const;

/** Why a file cannot be read, as a short phrase (from an fs error or our own checks). */
export class InputFileError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InputFileError';
  }
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ELOOP':
      return 'a symbolic link loop';
    case 'ENOTDIR':
      return 'a component of the path is not a directory';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return code ? `cannot be read (${code})` : 'cannot be read';
  }
}

/** "a FIFO", "a character device"... for a file that is not a regular file. */
export function kindOf(stats: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

/**
 * Reads a regular file's bytes, at most `limit`. Opens without blocking (a FIFO's open would wait for a
 * writer) and checks the opened file itself, so a swap between check and read changes nothing.
 * Throws InputFileError with a short reason.
 */
export function readRegularFile(path: string, limit: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw new InputFileError(reasonOf(error));
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new InputFileError(`${kindOf(stats)}, not a regular file: only regular files are read`);
    if (stats.size > limit)
      throw new InputFileError(`${megabytes(stats.size)}, above the ${megabytes(limit)} limit for this kind of file`);
    // The size can lie (files under /proc say 0, a file may grow): read at most limit + 1 bytes.
    const chunks: Buffer[] = [];
    let total = 0;
    const chunkSize = Math.min(Math.max(stats.size + 1, 64 * 1024), limit + 1);
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(chunkSize, limit + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        throw new InputFileError(reasonOf(error));
      }
      if (n === 0) break;
      chunks.push(n === buffer.length ? buffer : buffer.subarray(0, n));
      total += n;
      if (total > limit) throw new InputFileError(`larger than the ${megabytes(limit)} limit for this kind of file`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** Text of a regular file (UTF-8, BOM stripped), at most `limit` bytes; throws InputFileError. */
export function readTextFile(path: string, limit: number): string {
  const text = readRegularFile(path, limit).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A JSON parser's message without the file's content: quoted tokens (which may be the first word of a
 * secret) become "text"; quoted punctuation ("}", ":") stays, it says what was expected.
 */
export function contentFreeMessage(message: string): string {
  return message
    .replace(/property name "(?:[^"\\]|\\.)*"/g, 'a property name')
    .replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => (/^"[{}[\],:]"$/.test(quoted) ? quoted : 'text'));
}
