// `rolecall snapshot --out FILE`: saves the account's IAM (paginated GetAccountAuthorizationDetails) in
// the snapshot shape `scan --iam-snapshot` reads. No secrets in it, but written atomically so a failed
// or interrupted run never leaves a truncated snapshot that a later scan would half-read.
import { resolve } from 'node:path';
import { writeFileAtomic } from '../core/credentials/credentialsFile';
import { StsError } from '../core/ports';
import { parseFlags } from './args';
import { UsageError } from './io';
import type { CliIo, Subcommand } from './io';

export const SNAPSHOT_HELP = `Usage: rolecall snapshot --out FILE [--profile P] [--region R] [--endpoint-url URL]

Writes the IAM of the credentials' account (roles with trust policies, users, groups, managed policies) as
'aws iam get-account-authorization-details' prints it, for 'rolecall scan --iam-snapshot FILE'.
Needs iam:GetAccountAuthorizationDetails (e.g. the AWS managed policy IAMReadOnlyAccess).

Exit status: 0 written, 1 IAM refused or could not be reached, 2 bad usage or unwritable file.
`;

/** The `rolecall snapshot` subcommand. */
export const runSnapshot: Subcommand = async (argv, io: CliIo) => {
  const parsed = parseFlags(
    'snapshot',
    argv,
    {
      out: { type: 'string', short: 'o' },
      profile: { type: 'string' },
      region: { type: 'string' },
      'endpoint-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  );
  const v = parsed.values;
  if (v.help) {
    io.stdout(SNAPSHOT_HELP);
    return 0;
  }
  if (!v.out) throw new UsageError("--out FILE is required; run 'rolecall snapshot --help' for usage");
  if (v['endpoint-url'] !== undefined && !/^https?:\/\/[^\s/]+/.test(v['endpoint-url'])) throw new UsageError(`--endpoint-url must be an http(s) URL, got '${v['endpoint-url']}'`);
  const out = resolve(io.cwd, v.out);
  const aws = await import('../aws/index');
  let details;
  try {
    details = await aws.fetchAuthorizationDetails({ profile: v.profile, region: v.region, endpointUrl: v['endpoint-url'] });
  } catch (error) {
    if (error instanceof StsError) {
      io.stderr(`rolecall snapshot: ${error.message}; next: ${error.next}\n`);
      return 1;
    }
    throw error;
  }
  try {
    writeFileAtomic(out, `${JSON.stringify(details, null, 2)}\n`, 0o644);
  } catch (error) {
    throw new UsageError(`cannot write ${v.out}: ${(error as Error).message.split('\n')[0]}`);
  }
  io.stderr(`rolecall snapshot: wrote ${details.RoleDetailList.length} roles, ${details.UserDetailList.length} users, ${details.Policies.length} managed policies to ${v.out}\n`);
  return 0;
};
