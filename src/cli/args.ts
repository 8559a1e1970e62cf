// Flag parsing shared by the subcommands: strict, and every mistake a one-line UsageError (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` strictly; unknown flags or missing values become a UsageError naming `rolecall COMMAND --help`. */
export function parseFlags<const O extends Options, const P extends boolean = false>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals?: P,
) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: (allowPositionals ?? false) as P, options });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]}; run 'rolecall ${command} --help' for usage`);
  }
}
