// Input files of the CLI's commands: read safely (src/files/read.ts), failures as one-line usage errors.
import { InputFileError, INPUT_LIMITS, readTextFile } from '../files/read';
import { UsageError } from './io';

/** Text of a file (UTF-8, BOM stripped); failures are a UsageError `WHAT SHOWN: reason` (exit 2). */
export function readInputFile(
  path: string,
  shown: string,
  what: string,
  limit: number = what === 'IAM snapshot' ? INPUT_LIMITS.snapshot : INPUT_LIMITS.config,
): string {
  try {
    return readTextFile(path, limit);
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(`${what} ${shown}: ${error.reason}`);
    throw error;
  }
}
