// `rolecall impact [PATH ...] --role-arn ARN --trust-policy FILE [--max-session-duration S]`: what a change
// to a role does to the pipelines before it is applied — the difference between two scans (src/core/iam/impact.ts).
import { parseRoleArn } from '../core/iam/arn';
import { impactBetween, impactOf, type IamChange, type Impact, type UsageImpact } from '../core/iam/impact';
import { FINDING_CODES, LineMap, type FindingCode } from '../core/types';
import { parseFlags } from './args';
import { displayPath } from './files';
import { readPolicyFile } from './explain';
import { UsageError, type CliIo, type Subcommand } from './io';
import { analyseFiles, SCAN_FLAGS, scanInputs } from './scan';
import { VERSION } from './version';

export const IMPACT_HELP = `Usage: rolecall impact [PATH ...] --role-arn ARN (--trust-policy FILE | --max-session-duration S)...
                       [--format text|json|sarif] [scan options]
       rolecall impact [PATH ...] --iac PATH [--iac-account A] [--iac-region R] --iam-snapshot FILE... [scan options]

What a change to a role does to the pipelines under each PATH (default: .) before it is applied: every
usage of the role is checked with the current IAM data and again with the change. Reports the usages
that break (an error appears) and those it fixes (an error disappears), with the codes gained or lost.

Options:
  --role-arn ARN               the role that changes (it may be new: then usages that did not find it are checked)
  --trust-policy FILE          its candidate trust policy (JSON, or the URL-encoded text GetRole returns)
  --max-session-duration S     its candidate MaxSessionDuration (3600..43200 seconds)
  --iac PATH                   every role the code defines (CloudFormation, CDK output, Terraform) replaces its
                               deployed version (the deployed IAM data must be given: --iam-snapshot or --live)
  --format text|json|sarif     output (default: text); SARIF reports the breaks as errors
  and every option of 'rolecall scan' (--iam-snapshot, --live, --caller, --config, ...): the current IAM data.

Exit status: 0 nothing breaks, 1 something breaks, 2 bad usage or unreadable input.
`;

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

export const runImpact: Subcommand = async (argv: string[], io: CliIo) => {
  const { values, positionals } = parseFlags(
    'impact',
    argv,
    {
      format: { type: 'string', default: 'text' },
      'role-arn': { type: 'string' },
      'trust-policy': { type: 'string' },
      'max-session-duration': { type: 'string' },
      // --iac comes with SCAN_FLAGS (scan reads it as an IAM source; impact reads it as the change).
      ...SCAN_FLAGS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
  if (values.help) {
    io.stdout(IMPACT_HELP);
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif')
    throw new UsageError(`--format must be text, json or sarif (got '${format}')`);
  const roleArn = values['role-arn'];
  let impact: Impact;
  let subject: string;
  let inputs: Awaited<ReturnType<typeof scanInputs>>;
  let errors: Array<{ file: string; message: string }>;
  if (values.iac) {
    // Every role the code defines replaces its deployed version: deployed IAM data (snapshots / live) before, the code in front after.
    if (roleArn || values['trust-policy'] || values['max-session-duration'] !== undefined)
      throw new UsageError(
        'give either --iac PATH or --role-arn ARN with --trust-policy / --max-session-duration, not both',
      );
    inputs = await scanInputs(values, positionals, io);
    if (!inputs.iac || !inputs.baseIam)
      throw new UsageError(
        'impact --iac compares the roles the code defines with the deployed ones: give the deployed IAM data too (--iam-snapshot FILE or --live)',
      );
    for (const f of inputs.iacFindings.filter((x) => x.severity === 'error'))
      io.stderr(`rolecall impact: warning: ${f.file}: ${f.code}: ${f.message}\n`);
    const analysed = await analyseFiles(inputs, { trust: false });
    errors = analysed.errors;
    const analyses = analysed.analyses;
    impact = await impactBetween(analyses, { ...inputs.ctx, iam: inputs.baseIam }, inputs.ctx);
    subject = 'the roles defined as code';
  } else {
    if (!roleArn)
      throw new UsageError("--role-arn ARN (or --iac PATH) is required; run 'rolecall impact --help' for usage");
    if (!parseRoleArn(roleArn))
      throw new UsageError(`--role-arn '${roleArn}' is not a role ARN (arn:aws:iam::ACCOUNT_ID:role/NAME)`);
    if (!values['trust-policy'] && values['max-session-duration'] === undefined)
      throw new UsageError('nothing changes: give --trust-policy FILE and/or --max-session-duration S');
    let maxSessionDuration: number | undefined;
    if (values['max-session-duration'] !== undefined) {
      const text = values['max-session-duration'];
      maxSessionDuration = Number(text);
      if (!/^\d+$/.test(text) || maxSessionDuration < 3600 || maxSessionDuration > 43200)
        throw new UsageError(
          `--max-session-duration must be whole seconds from 3600 to 43200, as IAM accepts (got '${text}')`,
        );
    }
    let trustPolicy: IamChange['roles'][number]['trustPolicy'];
    if (values['trust-policy']) {
      const parsed = readPolicyFile(io, '--trust-policy', values['trust-policy'], 'trust');
      trustPolicy = {
        text: parsed.text,
        origin: {
          kind: 'snapshot',
          file: displayPath(values['trust-policy']),
          range: { start: 0, end: parsed.text.length },
        },
      };
    }
    inputs = await scanInputs(values, positionals, io);
    const { ctx } = inputs;
    if (!ctx.iam)
      throw new UsageError(
        'impact compares the change with the current IAM data: give --iam-snapshot FILE (or --live, or iamSnapshots in .rolecall.json)',
      );
    const account = parseRoleArn(roleArn)!.account;
    if (!ctx.iam.coversAccount(account))
      throw new UsageError(
        `no IAM data covers account ${account}, so the current state of ${roleArn} is not known: add --iam-snapshot of that account (or --live with --account-profile ${account}=PROFILE)`,
      );
    // Only the checks that need no IAM data: impact runs the trust checks itself, twice.
    const analysed = await analyseFiles(inputs, { trust: false });
    errors = analysed.errors;
    const analyses = analysed.analyses;
    const change: IamChange = {
      roles: [
        {
          roleArn,
          ...(trustPolicy ? { trustPolicy } : {}),
          ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
        },
      ],
    };
    impact = await impactOf(analyses, ctx, change);
    subject = roleArn;
  }

  const pos = (u: UsageImpact) => (inputs.lineMaps.get(u.usage.file) ?? new LineMap('')).position(u.usage.anchor.start);
  const order = (a: UsageImpact, b: UsageImpact) =>
    a.usage.file < b.usage.file ? -1 : a.usage.file > b.usage.file ? 1 : a.usage.anchor.start - b.usage.anchor.start;
  const breaks = [...impact.breaks].sort(order);
  const fixes = [...impact.fixes].sort(order);
  const entry = (u: UsageImpact) => ({
    file: u.usage.file,
    line: pos(u).line,
    column: pos(u).column,
    kind: u.usage.kind,
    roleArn: u.usage.roleArn,
  });
  if (format === 'json') {
    const json = {
      version: 1,
      breaks: breaks.map((u) => ({ ...entry(u), codesAdded: u.codesAdded })),
      fixes: fixes.map((u) => ({ ...entry(u), codesRemoved: u.codesRemoved })),
      unchanged: impact.unchanged,
    };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else if (format === 'sarif') {
    io.stdout(
      impactSarif(
        breaks.map((u) => ({ ...entry(u), codes: u.codesAdded })),
        subject,
      ),
    );
  } else {
    const lines: string[] = [];
    const all = [
      ...breaks.map((u) => ({ u, what: 'breaks', codes: u.codesAdded })),
      ...fixes.map((u) => ({ u, what: 'fixes', codes: u.codesRemoved })),
    ];
    all.sort((a, b) => order(a.u, b.u) || (a.what < b.what ? -1 : 1));
    for (const { u, what, codes } of all)
      lines.push(
        `${u.usage.file}:${pos(u).line}:${pos(u).column}: ${what} ${u.usage.roleArn ?? subject}: ${codes.join(', ')}`,
      );
    for (const e of errors) lines.push(`${e.file}: ${e.message}`);
    lines.push(
      `${subject}: ${impact.checked} usage${impact.checked === 1 ? '' : 's'} checked; ${breaks.length} broken, ${fixes.length} fixed, ${impact.unchanged} unchanged`,
    );
    io.stdout(`${lines.join('\n')}\n`);
  }
  return breaks.length > 0 ? 1 : 0;
};

function impactSarif(
  breaks: Array<{ file: string; line: number; column: number; roleArn: string | null; codes: FindingCode[] }>,
  roleArn: string,
): string {
  const codes = Object.keys(FINDING_CODES) as FindingCode[];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rolecall',
            version: VERSION,
            informationUri: 'https://example.invalid/rolecall',
            rules: codes.map((code) => ({
              id: code,
              name: code,
              shortDescription: { text: FINDING_CODES[code].title },
              defaultConfiguration: { level: SARIF_LEVEL[FINDING_CODES[code].severity] },
            })),
          },
        },
        results: breaks.flatMap((b) =>
          b.codes.map((code) => ({
            ruleId: code,
            ruleIndex: codes.indexOf(code),
            level: 'error',
            message: { text: `The change to ${roleArn} breaks this call: ${code} (${FINDING_CODES[code].title}).` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: b.file },
                  region: { startLine: b.line, startColumn: b.column },
                },
              },
            ],
            properties: { roleArn: b.roleArn ?? roleArn },
          })),
        ),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
