// What the examples must show, shared with the UI specs (test/e2e/expected.json is the one list).
import expected from '../expected.json';

/** (line, code) pairs the extension must report, per example file. */
export const EXPECTED = expected.expected as unknown as Record<string, Array<[number, string]>>;

/** Every pipeline file of the examples, for the CLI-equivalence check. */
export const ALL_FILES: string[] = expected.allFiles;
