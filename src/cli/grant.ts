// `rolecall grant FILE[:LINE]`: for a failing usage, the least-privilege change its role's owner must make
// (src/core/iam/grant.ts), printed as text, JSON, CloudFormation YAML or a Terraform statement block.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { addTrustFindings, usageRules } from '../core/analyze';
import { findingsOfUsage, grantFor, type Grant } from '../core/iam/grant';

export { findingsOfUsage };
import { grantCloudFormation, grantTerraform, grantText } from '../core/iam/grantFormat';
import { LineMap, type Usage } from '../core/types';
import { parseFlags } from './args';
import { displayPath } from './files';
import { usageJson, type ScanResult } from './format';
import { UsageError, type Subcommand } from './io';
import { analyseFiles, SCAN_FLAGS, scanInputs } from './scan';

export const GRANT_HELP = `Usage: rolecall grant FILE[:LINE] [--format text|json|cloudformation|terraform] [scan options]

For the usage whose call starts at FILE:LINE (every failing usage in FILE without :LINE), prints the
least-privilege change that lets it succeed, for the role's owner: the trust statement (the exact caller,
the ExternalId and MFA conditions the call meets), the caller's identity statement when IAM needs one, the
role's MaxSessionDuration, and what only the pipeline can fix. The change is re-checked against the IAM data.

Options:
  --format text|json|cloudformation|terraform   output (default: text)
  and every option of 'rolecall scan' (--iam-snapshot, --live, --caller, --credential, --config, ...);
  without --config, the nearest .rolecall.json from FILE's folder up to the working directory is used.
  An ExternalId from --credential/--credentials-file is printed in the statement (the owner needs it);
  otherwise the statement holds the placeholder <credential ID>.

Exit status: 0 printed, 1 only the pipeline (or removing a Deny) can fix it (see the notes),
2 bad usage, unreadable input or no usage at FILE:LINE.
`;

/** Splits `FILE:LINE` (a file whose name ends in `:N` is taken as is when it exists). */
export function parseTarget(target: string, exists: (p: string) => boolean): { file: string; line: number | null } {
  const m = /^(.+):(\d+)$/.exec(target);
  if (!m || exists(target)) return { file: target, line: null };
  const line = Number(m[2]);
  if (line < 1) throw new UsageError(`line ${m[2]} is not a line number (lines start at 1)`);
  return { file: m[1], line };
}

export const runGrant: Subcommand = async (argv, io) => {
  const { values, positionals } = parseFlags(
    'grant',
    argv,
    {
      format: { type: 'string', default: 'text' },
      ...SCAN_FLAGS,
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
  if (values.help) {
    io.stdout(GRANT_HELP);
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'cloudformation' && format !== 'terraform')
    throw new UsageError(`--format must be text, json, cloudformation or terraform (got '${format}')`);
  if (positionals.length !== 1)
    throw new UsageError(`expects one FILE[:LINE] (got ${positionals.length}); run 'rolecall grant --help' for usage`);
  const at = (p: string) => (isAbsolute(p) ? p : resolvePath(io.cwd, p));
  const { file, line } = parseTarget(positionals[0], (p) => existsSync(at(p)));
  try {
    if (!statSync(at(file)).isFile())
      throw new UsageError(`${file}: not a file; grant takes one pipeline file (FILE[:LINE])`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: no such file`);
  }
  // Without --config, scan's own lookup finds the nearest .rolecall.json from FILE's folder up.
  const inputs = await scanInputs(values, [file], io);
  const { analyses, errors } = await analyseFiles(inputs);
  const analysis = analyses[0];
  if (!analysis) throw new UsageError(`${file}: ${errors[0]?.message ?? 'cannot be analysed'}`);
  const shown = displayPath(file);
  const map = inputs.lineMaps.get(analysis.file) ?? new LineMap('');
  const lineOf = (u: Usage) => map.position(u.anchor.start).line;

  let targets: Usage[];
  if (line !== null) {
    targets = analysis.usages.filter((u) => lineOf(u) === line);
    if (targets.length === 0) {
      // A line inside a call (its block or arguments) names that call, innermost first.
      const offset = map.offset(line, 1);
      const inside = analysis.usages
        .filter((u) => u.range.start <= offset && offset <= u.range.end)
        .sort((a, b) => a.range.end - a.range.start - (b.range.end - b.range.start));
      targets = inside.slice(0, 1);
    }
    if (targets.length === 0) {
      const lines = [...new Set(analysis.usages.map(lineOf))];
      throw new UsageError(
        `no AWS credential usage at ${shown}:${line}${lines.length ? ` (usages in ${shown} start at line${lines.length === 1 ? '' : 's'} ${lines.join(', ')})` : ` (${shown} has no AWS credential usage)`}`,
      );
    }
  } else {
    targets = analysis.usages.filter((u) => findingsOfUsage(u, analysis.findings).some((f) => f.severity === 'error'));
  }

  const grants: Grant[] = [];
  for (const usage of targets) {
    if (!usage.callerChoices || usage.callerChoices.length < 2) {
      grants.push(await grantFor(usage, findingsOfUsage(usage, analysis.findings), inputs.ctx));
      continue;
    }
    // An agent label JCasC templates of different roles satisfy: a grant for each choice that fails.
    for (const choice of usage.callerChoices) {
      const { callerChoices: _all, ...rest } = usage;
      const one: Usage = { ...rest, caller: choice.caller, callerOrigin: choice.origin, callerSource: choice.source };
      const checked = await addTrustFindings(
        { file: one.file, usages: [one], findings: usageRules(one, inputs.ctx), parseErrors: [] },
        inputs.ctx,
      );
      if (line === null && !checked.findings.some((f) => f.severity === 'error')) continue;
      grants.push(await grantFor(one, checked.findings, inputs.ctx));
    }
  }
  const result: ScanResult = {
    usages: analysis.usages,
    findings: analysis.findings,
    errors,
    lineMaps: inputs.lineMaps,
  };
  const where = (u: Usage) => {
    const p = map.position(u.anchor.start);
    return `${u.file}:${p.line}:${p.column}`;
  };
  if (format === 'json') {
    const json = {
      grants: grants.map((g) => ({
        usage: usageJson(result, g.usage),
        trustStatement: g.trustStatement,
        identityStatement: g.identityStatement,
        identityFor: g.identityFor,
        roleChanges: g.roleChanges,
        notes: g.notes,
        explanations: g.explanations,
        errorsBefore: g.errorsBefore,
        errorsAfter: g.errorsAfter,
        verified: g.verified,
        sufficient: g.sufficient,
      })),
    };
    io.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else if (grants.length === 0) {
    io.stdout(
      format === 'text'
        ? `${shown}: no failing AWS credential usage; nothing to grant.\n`
        : `# ${shown}: no failing AWS credential usage; nothing to grant.\n`,
    );
  } else {
    const render =
      format === 'cloudformation' ? grantCloudFormation : format === 'terraform' ? grantTerraform : grantText;
    io.stdout(grants.map((g) => render(g, where(g.usage))).join(format === 'cloudformation' ? '---\n' : '\n'));
  }
  for (const e of errors) io.stderr(`rolecall grant: warning: ${e.file}: ${e.message}\n`);
  return grants.every((g) => g.sufficient) ? 0 : 1;
};
