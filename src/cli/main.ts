// The `rolecall` command: dispatches subcommands and turns every failure into a one-line message and exit 2.
import { runExplain } from './explain';
import { runGrant } from './grant';
import { runImpact } from './impact';
import { runInit } from './init';
import { UsageError, type CliIo, type Subcommand } from './io';
import { runMint } from './mint';
import { readFirstLine, terminalPrompt } from './prompt';
import { runScan } from './scan';
import { runSnapshot } from './snapshot';
import { VERSION, versionText } from './version';

export const HELP = `rolecall ${VERSION} — checks the AWS roles Jenkins pipelines assume against IAM trust policies

Usage:
  rolecall scan [PATH ...] [--format text|json|sarif] [--iam-snapshot FILE]... [--live [--profile P]
                [--region R] [--endpoint-url URL] [--account-profile ACCT=PROFILE]...] [--caller ARN]
                [--param NAME=VALUE]... [--credential ID=VALUE]... [--credentials-file FILE] [--config FILE]
                [--fail-on error|warning|info|never] [--jenkins-casc FILE]... [--iac PATH]...
                [--assume-role-template 'arn:aws:iam::{account}:role/NAME']
  rolecall explain --trust-policy FILE --principal ARN --role-arn ARN [--identity-policy FILE]...
                [--context KEY=VALUE]... [--format json|text]
  rolecall mint [--role-arn ARN] [--external-id V] [--duration S] [--session-name N]
                [--serial-number MFA_ARN --token-code 123456] [--profile P] [--region R]
                [--endpoint-url URL] [--format env|json|credential-process|ini]
  rolecall grant FILE[:LINE] [--format text|json|cloudformation|terraform] [scan options]
  rolecall impact [PATH ...] (--role-arn ARN [--trust-policy FILE] [--max-session-duration S] | --iac PATH...)
                [--format text|json|sarif] [scan options]
  rolecall snapshot --out FILE [--profile P] [--region R] [--endpoint-url URL]
  rolecall snapshot --out-dir DIR [--account-profile ACCT=PROFILE]... [--account ACCT --assume-role-template ARN]
  rolecall snapshot --check FILE... [--format text|json|sarif] [--fail-on LEVEL]
  rolecall init [DIR] [--force] [--print] [--aws-config FILE]
  rolecall --help | --version

Run 'rolecall COMMAND --help' for a command's options.
Exit status: 0 ok, 1 findings at or above --fail-on (scan, snapshot --check; default error), a refused
request (mint), a fix only the pipeline can make (grant) or a change that breaks a usage (impact),
2 bad usage or unreadable input.
`;

const COMMANDS: Record<string, Subcommand> = {
  scan: runScan,
  explain: runExplain,
  mint: runMint,
  grant: runGrant,
  impact: runImpact,
  snapshot: runSnapshot,
  init: runInit,
};

/** Runs the CLI with the given arguments; returns the exit status. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(versionText());
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`rolecall: unknown command '${command}'; run 'rolecall --help' for usage\n`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`rolecall ${command}: ${error.message}\n`);
      return 2;
    }
    // A bug of ours: still one line, and a way to report it, never a stack trace.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(
      `rolecall ${command}: internal error: ${message.split('\n')[0]} (set ROLECALL_DEBUG=1 for details and please report it)\n`,
    );
    if (process.env.ROLECALL_DEBUG) io.stderr(`${(error as Error)?.stack ?? ''}\n`);
    return 2;
  }
}

if (require.main === module) {
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    readLine: () => readFirstLine(process.stdin),
    ...(process.stdin.isTTY && process.stderr.isTTY ? { prompt: (question: string) => terminalPrompt(question) } : {}),
  };
  process.on('unhandledRejection', (reason) => {
    io.stderr(`rolecall: internal error: ${reason instanceof Error ? reason.message : String(reason)}\n`);
    process.exit(2);
  });
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 2;
    },
  );
}
