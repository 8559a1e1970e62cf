// `rolecall snapshot --out FILE`: saves the account's IAM (paginated GetAccountAuthorizationDetails) in
// the snapshot shape `scan --iam-snapshot` reads. No secrets in it, but written atomically so a failed
// or interrupted run never leaves a truncated snapshot that a later scan would half-read.
import { loadAws } from './awsModule';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/credentials/credentialsFile';
import type { ProjectConfig } from '../core/config';
import { parseArn } from '../core/iam/arn';
import { IacIamReader, type IacEntry } from '../core/iam/iac/index';
import { parseSnapshot, SnapshotIamReader, type ParsedSnapshot } from '../core/iam/snapshot';
import { iacDriftFindings, iacFindings } from '../core/rules/iac-findings';
import { StsError } from '../core/ports';
import { snapshotCheckFindings } from '../core/rules/policy-findings';
import { LineMap } from '../core/types';
import { parseFlags } from './args';
import { findingsStatus, parseFailOn } from './failOn';
import { displayPath } from './files';
import { toJson, toSarif, toText, type ScanResult } from './format';
import { UsageError } from './io';
import type { CliIo, Subcommand } from './io';
import { contentFreeMessage } from '../files/read';
import { readIacEntries } from './iac';
import { readInputFile } from './input';
import { iacFlagEntries, loadConfig } from './scan';
import { VERSION } from './version';

export const SNAPSHOT_HELP = `Usage: rolecall snapshot --out FILE [--profile P] [--region R] [--endpoint-url URL]
       rolecall snapshot --out-dir DIR [--account-profile ACCT=PROFILE]... [--config FILE] [--region R] [--endpoint-url URL]
                         [--account ACCT... [--assume-role-template 'arn:aws:iam::{account}:role/NAME'] [--profile P]]
       rolecall snapshot --check FILE... [--format text|json|sarif] [--fail-on error|warning|info|never]
       rolecall snapshot [--check FILE...] --iac PATH... [--iac-account ACCT] [--iac-region R] [--iac-param N=V]...
                         [--format text|json|sarif] [--fail-on error|warning|info|never]

--out writes the IAM of the credentials' account (roles with trust policies, users, groups, managed
policies) as 'aws iam get-account-authorization-details' prints it, for 'rolecall scan --iam-snapshot FILE'.
Needs iam:GetAccountAuthorizationDetails (e.g. the AWS managed policy IAMReadOnlyAccess).

--out-dir writes one snapshot per account, DIR/ACCOUNT.json, each read with the profile mapped to the
account (--account-profile, else the config's "accounts": --config FILE or ./.rolecall.json); a profile
that reads another account than the one it is mapped to is refused. With --profile and no mapping, the
profile's own account. --account ACCT (repeatable) reads each such account by assuming a reader role
({account} replaced) with the --profile credentials (or the default chain), the way organisation-wide
auditing tools do: the config's "assumeRole" of that account, else --assume-role-template, else the
config's "accounts": {"*": {"assumeRole": ...}}, as 'rolecall scan --live' reads them. An account the
config gives an "assumeRole" and no profile is read through it without --account. The other accounts are
still written when one fails (exit 1).

--check reports the problems of snapshot files themselves, whoever uses them: policy documents that are
not valid policy JSON, invalid principals and unsatisfiable conditions in trust policies. (A scan reports
them only for roles its usages refer to.) --iac PATH does the same for IAM defined as code (CloudFormation
templates, Terraform modules, as 'rolecall scan --iac' reads them), with the values it cannot resolve; with
--check FILE too, a role whose trust policy differs from the snapshot's gets trust-policy-drift.

Exit status: --out, --out-dir: 0 written, 1 IAM refused or could not be reached (or a profile reads the
wrong account), 2 bad usage or unwritable file.
--check, --iac: 0 no finding at or above --fail-on (default error), 1 at least one, 2 unreadable or not a
snapshot, or a template that is not YAML/JSON/HCL.
`;

/** `rolecall snapshot --check FILE... --iac PATH...`: the IAM data's own problems, in the scan's output formats. */
async function runCheck(
  files: string[],
  iac: IacEntry[],
  format: string | undefined,
  failOnFlag: string | undefined,
  io: CliIo,
): Promise<number> {
  const fmt = format ?? 'text';
  if (fmt !== 'text' && fmt !== 'json' && fmt !== 'sarif')
    throw new UsageError(`--format must be text, json or sarif (got '${fmt}')`);
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
  const found = snapshotCheckFindings(snapshots);
  let codeFiles = 0;
  let codeRoles = 0;
  if (iac.length > 0) {
    const model = await readIacEntries(iac, (p) => resolve(io.cwd, p));
    for (const [file, map] of model.lines) lineMaps.set(file, map);
    codeFiles = model.files.length;
    codeRoles = model.roles.length;
    const reader = new IacIamReader(model, snapshots.length > 0 ? new SnapshotIamReader(snapshots) : null);
    found.push(...iacFindings(model), ...(await iacDriftFindings(reader)));
  }
  const findings = found.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start - b.range.start || a.code.localeCompare(b.code),
  );
  const result: ScanResult = { usages: [], findings, errors: [], lineMaps };
  let out = fmt === 'json' ? toJson(result) : fmt === 'sarif' ? toSarif(result, VERSION) : toText(result);
  if (fmt === 'text') {
    // The scan's summary speaks of usages; a check has none.
    const lines = out.trimEnd().split('\n');
    const count = (s: string) => findings.filter((f) => f.severity === s).length;
    const read = [
      snapshots.length > 0 || iac.length === 0
        ? `${snapshots.length} snapshot file${snapshots.length === 1 ? '' : 's'}`
        : '',
      iac.length > 0 ? `${codeFiles} IaC file${codeFiles === 1 ? '' : 's'}` : '',
    ].filter(Boolean);
    lines[lines.length - 1] =
      `${read.join(', ')}, ${snapshots.reduce((n, s) => n + s.roles.length, codeRoles)} roles checked; ${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('info')} info`;
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
      'out-dir': { type: 'string' },
      'account-profile': { type: 'string', multiple: true },
      account: { type: 'string', multiple: true },
      'assume-role-template': { type: 'string' },
      config: { type: 'string' },
      check: { type: 'string', multiple: true },
      iac: { type: 'string', multiple: true },
      'iac-account': { type: 'string' },
      'iac-region': { type: 'string' },
      'iac-param': { type: 'string', multiple: true },
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
  if ((v.check || v.iac) && (v.out || v['out-dir']))
    throw new UsageError(
      `--${v.check ? 'check' : 'iac'} and --out do not go together: check a snapshot or IaC, or write a snapshot`,
    );
  if (v.out && v['out-dir'])
    throw new UsageError('--out FILE writes one account, --out-dir DIR several: give one of them');
  if (!v['out-dir'] && (v['account-profile'] || v.config || v.account || v['assume-role-template']))
    throw new UsageError('--account-profile, --account, --assume-role-template and --config go with --out-dir');
  const iac = iacFlagEntries(v);
  if (v.check || iac.length > 0)
    return runCheck([...(v.check ?? []), ...parsed.positionals], iac, v.format, v['fail-on'], io);
  if (parsed.positionals.length > 0)
    throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; run 'rolecall snapshot --help' for usage`);
  if (v.format !== undefined || v['fail-on'] !== undefined)
    throw new UsageError('--format and --fail-on go with --check');
  if (v['endpoint-url'] !== undefined && !/^https?:\/\/[^\s/]+/.test(v['endpoint-url']))
    throw new UsageError(`--endpoint-url must be an http(s) URL, got '${v['endpoint-url']}'`);
  if (v['out-dir'])
    return runMany(
      v['out-dir'],
      ...outDirAccounts(
        v['account-profile'],
        v.account,
        v['assume-role-template'],
        loadConfig(v.config, ['.'], io).config,
      ),
      v,
      io,
    );
  if (!v.out)
    throw new UsageError(
      "--out FILE (write a snapshot) or --check FILE (check one) is required (--out-dir DIR for several accounts); run 'rolecall snapshot --help' for usage",
    );
  const out = resolve(io.cwd, v.out);
  const aws = await loadAws(io);
  let details;
  try {
    details = await aws.fetchAuthorizationDetails({
      profile: v.profile,
      region: v.region,
      endpointUrl: v['endpoint-url'],
    });
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
  io.stderr(
    `rolecall snapshot: wrote ${details.RoleDetailList.length} roles, ${details.UserDetailList.length} users, ${details.Policies.length} managed policies to ${v.out}\n`,
  );
  return 0;
};

const ACCOUNT = /^\d{12}$/;

/**
 * The accounts `--out-dir` writes, read the way `scan` reads its config (`--config FILE`, else the nearest
 * `.rolecall.json`): ACCOUNT → PROFILE from the config's `accounts` and `--account-profile` (which wins), and
 * ACCOUNT → reader role for the accounts read through one — each `--account` (the config's own `assumeRole`
 * for that account, else `--assume-role-template`, else the config's `"*"`), and every account whose config
 * entry has an `assumeRole` but no profile.
 */
function outDirAccounts(
  profileFlags: string[] | undefined,
  accounts: string[] | undefined,
  templateFlag: string | undefined,
  config: ProjectConfig,
): [Map<string, string>, Map<string, string>] {
  const profiles = new Map<string, string>();
  for (const [account, profile] of Object.entries(config.accounts)) profiles.set(account, profile);
  for (const item of profileFlags ?? []) {
    const eq = item.indexOf('=');
    const account = eq > 0 ? item.slice(0, eq) : '';
    const profile = eq > 0 ? item.slice(eq + 1) : '';
    if (!ACCOUNT.test(account) || profile === '')
      throw new UsageError(`--account-profile expects ACCOUNT=PROFILE with a 12-digit account id, got '${item}'`);
    profiles.set(account, profile);
  }
  if (templateFlag !== undefined && !/^arn:aws[a-z-]*:iam::\{account\}:role\/[\w+=,.@/-]+$/.test(templateFlag))
    throw new UsageError(
      `--assume-role-template must be a role ARN with {account} as its account, like 'arn:aws:iam::{account}:role/rolecall-reader' (got '${templateFlag}')`,
    );
  const { '*': star, ...perAccount } = config.assumeRoles;
  const template = templateFlag ?? star;
  const roles = new Map<string, string>();
  for (const [account, role] of Object.entries(perAccount))
    if (!profiles.has(account)) roles.set(account, role.replace('{account}', account));
  if (templateFlag !== undefined && !accounts)
    throw new UsageError(
      '--assume-role-template needs --account ACCT (repeatable): the accounts to read through the role it names',
    );
  for (const account of accounts ?? []) {
    if (!ACCOUNT.test(account)) throw new UsageError(`--account expects a 12-digit account id, got '${account}'`);
    const role = perAccount[account] ?? template;
    if (!role)
      throw new UsageError(
        `--account ${account} needs a reader role to read it through: --assume-role-template 'arn:aws:iam::{account}:role/NAME', or "accounts": {"*": {"assumeRole": ...}} in .rolecall.json`,
      );
    roles.set(account, role.replace('{account}', account));
  }
  return [profiles, roles];
}

/** The accounts a snapshot's own ARNs name (roles, users, groups, customer managed policies). */
function accountsIn(details: {
  RoleDetailList: unknown[];
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  Policies: unknown[];
}): Set<string> {
  const accounts = new Set<string>();
  for (const list of [details.RoleDetailList, details.UserDetailList, details.GroupDetailList, details.Policies]) {
    for (const item of list as Array<{ Arn?: unknown }>) {
      const account = typeof item?.Arn === 'string' ? parseArn(item.Arn)?.account : undefined;
      if (account && ACCOUNT.test(account)) accounts.add(account);
    }
  }
  return accounts;
}

/** `rolecall snapshot --out-dir DIR`: one snapshot per account, each through its own profile. */
async function runMany(
  outDir: string,
  profiles: Map<string, string>,
  readers: Map<string, string>,
  v: { profile?: string; region?: string; 'endpoint-url'?: string },
  io: CliIo,
): Promise<number> {
  const jobs: Array<{ account: string | null; profile: string | undefined; role?: string }> = [...profiles]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([account, profile]) => ({ account, profile }));
  // An account mapped to a profile is read with it; the others named with --account through the reader role.
  for (const [account, role] of [...readers].sort(([a], [b]) => a.localeCompare(b)))
    if (!profiles.has(account)) jobs.push({ account, profile: v.profile, role });
  if (jobs.length === 0) {
    if (!v.profile)
      throw new UsageError(
        '--out-dir needs accounts: --account-profile ACCOUNT=PROFILE (repeatable), "accounts" in .rolecall.json, --account ACCT with --assume-role-template, or --profile P for its own account',
      );
    jobs.push({ account: null, profile: v.profile });
  }
  const dir = resolve(io.cwd, outDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot create ${outDir}: ${(error as Error).message.split('\n')[0]}`);
  }
  const aws = await loadAws(io);
  let failed = 0;
  for (const job of jobs) {
    const label = `${job.account ?? 'the account of --profile'}${job.role ? ` (role ${job.role})` : job.profile ? ` (profile ${job.profile})` : ''}`;
    let details;
    try {
      let credentials;
      if (job.role) {
        const sts = aws.createStsClient({ profile: job.profile, region: v.region, endpointUrl: v['endpoint-url'] });
        const session = await sts.assumeRole({
          roleArn: job.role,
          roleSessionName: 'rolecall-snapshot',
          durationSeconds: 900,
        });
        credentials = {
          accessKeyId: session.accessKeyId,
          secretAccessKey: session.secretAccessKey,
          sessionToken: session.sessionToken,
        };
      }
      details = await aws.fetchAuthorizationDetails(
        credentials
          ? { credentials, region: v.region, endpointUrl: v['endpoint-url'] }
          : { profile: job.profile, region: v.region, endpointUrl: v['endpoint-url'] },
      );
    } catch (error) {
      if (!(error instanceof StsError)) throw error;
      io.stderr(`rolecall snapshot: ${label}: ${error.message}; next: ${error.next}\n`);
      failed++;
      continue;
    }
    const seen = accountsIn(details);
    const account = job.account ?? (seen.size === 1 ? [...seen][0] : null);
    if (account === null) {
      io.stderr(
        `rolecall snapshot: ${label}: cannot tell which account it read (${seen.size === 0 ? 'no role, user or policy in it' : `ARNs of ${[...seen].join(', ')}`}); next: map it with --account-profile ACCOUNT=${job.profile}\n`,
      );
      failed++;
      continue;
    }
    const foreign = [...seen].filter((a) => a !== account);
    if (foreign.length > 0) {
      io.stderr(
        `rolecall snapshot: ${label}: the ${job.role ? 'role' : 'profile'} reads account ${foreign.join(', ')}, not ${account}; nothing written for ${account}; next: map ${account} to a profile of that account\n`,
      );
      failed++;
      continue;
    }
    const file = join(outDir, `${account}.json`);
    try {
      writeFileAtomic(resolve(io.cwd, file), `${JSON.stringify(details, null, 2)}\n`, 0o644);
    } catch (error) {
      throw new UsageError(`cannot write ${displayPath(file)}: ${(error as Error).message.split('\n')[0]}`);
    }
    io.stderr(
      `rolecall snapshot: ${account}: wrote ${details.RoleDetailList.length} roles, ${details.UserDetailList.length} users, ${details.Policies.length} managed policies to ${displayPath(file)}\n`,
    );
  }
  if (failed > 0) io.stderr(`rolecall snapshot: ${jobs.length - failed} of ${jobs.length} accounts written\n`);
  return failed > 0 ? 1 : 0;
}
