// The CLI's one way to load src/aws (the build turns the import into a load of the sibling bundle
// dist/aws.js, so a command that never talks to AWS never pays for the SDK). The SDK's notes about the
// credentials it chose go to this run's stderr as one line of ours.
import type { CliIo } from './io';

export type AwsModule = typeof import('../aws/index');

export async function loadAws(io: CliIo): Promise<AwsModule> {
  const aws = await import('../aws/index');
  aws.onCredentialSourceConflict((line) => io.stderr(`rolecall: note: ${line}\n`));
  return aws;
}
