// What a CLI subcommand gets from the process, so subcommands run in tests without spawning.

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** The first line of standard input (for `--token-code -`); absent when the command has none. */
  readLine?: () => Promise<string>;
  /**
   * Asks the person at the terminal, without echo; present only when a terminal is attached.
   * Resolves undefined when input ends.
   */
  prompt?: (question: string) => Promise<string | undefined>;
}

/** Bad usage or unreadable input: exit 2 with this one-line message on stderr (never a stack trace). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A subcommand: parses its own argv (after the subcommand word) and returns the exit status. */
export type Subcommand = (argv: string[], io: CliIo) => Promise<number>;
