// `rolecall snapshot --out FILE`: saves the account's IAM (paginated GetAccountAuthorizationDetails) in
// the snapshot shape `scan --iam-snapshot` reads. No secrets in it, but written atomically so a failed
// or interrupted run never leaves a truncated snapshot that a later scan would half-read.
import { resolve } from 'node:path';
import { writeFileAtomic } from '../core/credentials/credentialsFile';
import { parseSnapshot, type ParsedSnapshot } from '../core/iam/snapshot';
import { StsError } from '../core/ports';
import { snapshotCheckFindings } from '../core/rules/policy-findings';
import { LineMap } from '../core/types';
import { parseFlags } from './args';
import { findingsStatus, parseFailOn } from './failOn';
import { displayPath } from './files';
import { toJson, toSarif, toText, type ScanResult } from './format';
import { UsageError } from './io';
import type { CliIo, Subcommand } from './io';
import { contentFreeMessage, readInputFile } from './readInput';
import { VERSION } from './version';

export const SNAPSHOT_HELP = `Usage: rolecall snapshot --out FILE [--profile P] [--region R] [--endpoint-url URL]
       rolecall snapshot --check FILE... [--format text|json|sarif] [--fail-on error|warning|info|never]

--out writes the IAM of the credentials' account (roles with trust policies, users, groups, managed
policies) as 'aws iam get-account-authorization-details' prints it, for 'rolecall scan --iam-snapshot FILE'.
Needs iam:GetAccountAuthorizationDetails (e.g. the AWS managed policy IAMReadOnlyAccess).

--check reports the problems of snapshot files themselves, whoever uses them: policy documents that are
not valid policy JSON, invalid principals and unsatisfiable conditions in trust policies. (A scan reports
them only for roles its usages refer to.)

Exit status: --out: 0 written, 1 IAM refused or could not be reached, 2 bad usage or unwritable file.
--check: 0 no finding at or above --fail-on (default error), 1 at least one, 2 unreadable or not a snapshot.
`;

/** `rolecall snapshot --check FILE...`: the IAM data's own problems, in the scan's output formats. */
function runCheck(files: string[], format: string | undefined, failOnFlag: string | undefined, io: CliIo): number {
  const fmt = format ?? 'text';
  if (fmt !== 'text' && fmt !== 'json' && fmt !== 'sarif') throw new UsageError(`--format must be text, json or sarif (got '${fmt}')`);
  const failOn = parseFailOn(failOnFlag);
  const snapshots: ParsedSnapshot[] = [];
  const lineMaps = new Map<string, LineMap>();
  for (const given of files) {
    const shown = displayPath(given);
    const text = readInputFile(resolve(io.cwd, given), shown, 'IAM snapshot');
    const parsed = parseSnapshot(shown, text);
    if (parsed.snapshot === null) throw new UsageError(`IAM snapshot ${shown}: ${contentFreeMessage(parsed.error)}`);
    snapshots.push(parsed.snapshot);
    lineMaps.set(shown, new LineMap(text));
  }
  const findings = snapshotCheckFindings(snapshots).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start - b.range.start || a.code.localeCompare(b.code)));
  const result: ScanResult = { usages: [], findings, errors: [], lineMaps };
  let out = fmt === 'json' ? toJson(result) : fmt === 'sarif' ? toSarif(result, VERSION) : toText(result);
  if (fmt === 'text') {
    // The scan's summary speaks of usages; a check has none.
    const lines = out.trimEnd().split('\n');
    const count = (s: string) => findings.filter((f) => f.severity === s).length;
    lines[lines.length - 1] = `${snapshots.length} snapshot file${snapshots.length === 1 ? '' : 's'}, ${snapshots.reduce((n, s) => n + s.roles.length, 0)} roles checked; ${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('info')} info`;
    out = `${lines.join('\n')}\n`;
  }
  io.stdout(out);
  return findingsStatus(findings, failOn);
}

/** The `rolecall snapshot` subcommand. */
export const runSnapshot: Subcommand = async (argv, io: CliIo) => {
  const parsed = parseFlags(
    'snapshot',
    argv,
    {
      out: { type: 'string', short: 'o' },
      check: { type: 'string', multiple: true },
      format: { type: 'string' },
      'fail-on': { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      'endpoint-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const v = parsed.values;
  if (v.help) {
    io.stdout(SNAPSHOT_HELP);
    return 0;
  }
  if (v.check && v.out) throw new UsageError('--check and --out do not go together: check a snapshot, or write one');
  if (v.check) return runCheck([...v.check, ...parsed.positionals], v.format, v['fail-on'], io);
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; run 'rolecall snapshot --help' for usage`);
  if (v.format !== undefined || v['fail-on'] !== undefined) throw new UsageError('--format and --fail-on go with --check');
  if (!v.out) throw new UsageError("--out FILE (write a snapshot) or --check FILE (check one) is required; run 'rolecall snapshot --help' for usage");
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
