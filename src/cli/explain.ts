// `rolecall explain`: may this principal sts:AssumeRole that role, and why — the evaluator behind the scan's
// trust checks, on files the user gives. Exit 0 whenever the evaluation ran (allow or deny), 2 on bad input.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCaller, parseRoleArn } from '../core/iam/arn';
import { compilePolicy, evaluateAssumeRole, type RequestContext } from '../core/iam/evaluate';
import { parsePolicy, type ParsedPolicy } from '../core/iam/policy';
import { LineMap } from '../core/types';
import { parseFlags } from './args';
import { UsageError, type CliIo, type Subcommand } from './io';

export const EXPLAIN_HELP = `Usage: rolecall explain --trust-policy FILE --principal ARN --role-arn ARN
                        [--identity-policy FILE]... [--context KEY=VALUE]... [--format json|text]

Evaluates whether the principal may sts:AssumeRole the role, the way IAM would, and says why.

  --trust-policy FILE     the role's trust policy: a JSON object, or the URL-encoded text GetRole returns
  --principal ARN         the caller: arn:aws:iam::ACCT:user/NAME, arn:aws:iam::ACCT:role/NAME,
                          arn:aws:sts::ACCT:assumed-role/ROLE/SESSION or arn:aws:iam::ACCT:root
  --role-arn ARN          the role to assume
  --identity-policy FILE  a policy attached to the caller (repeatable); without any, the caller's own
                          policies are assumed to allow sts:AssumeRole on the role
  --context KEY=VALUE     request context (repeatable; a key given twice is multi-valued), e.g.
                          sts:ExternalId=..., aws:MultiFactorAuthPresent=true, aws:SourceIp=10.0.0.1
  --format json|text      output (default text)

Exit status: 0 the evaluation ran (allow or deny), 2 bad usage or unreadable input.
`;

export function readPolicyFile(io: CliIo, flag: string, file: string, kind: 'trust' | 'identity'): ParsedPolicy {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? (error as Error).message})`}`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Tolerate a JSON-quoted document (e.g. copied from `aws iam get-role --output json`).
  const trimmed = text.trim();
  if (trimmed.startsWith('"')) {
    try {
      const inner: unknown = JSON.parse(trimmed);
      if (typeof inner === 'string') text = inner;
    } catch {
      // Not a JSON string: parsed below, which reports the position.
    }
  }
  if (trimmed === '') throw new UsageError(`${flag} ${file}: the file is empty; expected a policy JSON object`);
  const parsed = parsePolicy(text, kind);
  if (parsed.syntaxErrors.length > 0 || !parsed.policy) {
    const e = parsed.syntaxErrors[0] ?? parsed.errors[0];
    const pos = new LineMap(parsed.text).position(e?.offset ?? 0);
    throw new UsageError(
      `${flag} ${file}:${pos.line}:${pos.column}: not valid policy JSON: ${e?.message ?? 'expected a JSON object'}${parsed.decoded ? ' (after URL-decoding)' : ''}`,
    );
  }
  return parsed;
}

/** Parses repeated KEY=VALUE pairs; a key given twice (any case) becomes multi-valued. */
export function parseContextPairs(pairs: string[]): RequestContext {
  const context: Record<string, string[]> = {};
  const spelling = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--context expects KEY=VALUE, got '${pair}'`);
    const key = pair.slice(0, eq).trim();
    if (!/^[A-Za-z0-9-]+:\S/.test(key))
      throw new UsageError(`--context key '${key}' is not a condition key (service:Name, e.g. sts:ExternalId)`);
    const lower = key.toLowerCase();
    const name = spelling.get(lower) ?? key;
    spelling.set(lower, name);
    (context[name] ??= []).push(pair.slice(eq + 1));
  }
  const out: RequestContext = {};
  for (const [k, v] of Object.entries(context)) out[k] = v.length === 1 ? v[0] : v;
  return out;
}

/** The `rolecall explain` subcommand. */
export const runExplain: Subcommand = async (argv, io) => {
  const parsed = parseFlags('explain', argv, {
    'trust-policy': { type: 'string' },
    principal: { type: 'string' },
    'role-arn': { type: 'string' },
    'identity-policy': { type: 'string', multiple: true },
    context: { type: 'string', multiple: true },
    format: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const v = parsed.values;
  if (v.help) {
    io.stdout(EXPLAIN_HELP);
    return 0;
  }
  const format = v.format ?? 'text';
  if (format !== 'json' && format !== 'text') throw new UsageError(`--format must be json or text, got '${format}'`);
  if (!v['trust-policy'])
    throw new UsageError("--trust-policy FILE is required; run 'rolecall explain --help' for usage");
  if (!v.principal) throw new UsageError("--principal ARN is required; run 'rolecall explain --help' for usage");
  if (!v['role-arn']) throw new UsageError("--role-arn ARN is required; run 'rolecall explain --help' for usage");
  if (!parseCaller(v.principal)) {
    throw new UsageError(
      `--principal '${v.principal}' is not a user, role, assumed-role or root ARN (e.g. arn:aws:iam::111111111111:user/NAME)`,
    );
  }
  if (!parseRoleArn(v['role-arn']))
    throw new UsageError(`--role-arn '${v['role-arn']}' is not a role ARN (arn:aws:iam::ACCOUNT_ID:role/NAME)`);
  const context = parseContextPairs(v.context ?? []);
  const trust = readPolicyFile(io, '--trust-policy', v['trust-policy'], 'trust');
  const identityFiles = v['identity-policy'] ?? [];
  const identity = identityFiles.map((file) =>
    compilePolicy(readPolicyFile(io, '--identity-policy', file, 'identity'), 'identity', file),
  );

  const evaluation = evaluateAssumeRole({
    trustPolicy: compilePolicy(trust, 'trust'),
    roleArn: v['role-arn'],
    principal: v.principal,
    identityPolicies: identity.length > 0 ? identity : null,
    identityNote:
      "no --identity-policy given: the caller's identity policies are assumed to allow sts:AssumeRole on the role",
    context,
  });
  const decision = evaluation.decision === 'allow' ? 'allow' : 'deny';
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ decision, reasons: evaluation.reasons }, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${decision.toUpperCase()}: ${v.principal} ${decision === 'allow' ? 'may' : 'may not'} assume ${v['role-arn']}`,
  ];
  for (const r of evaluation.reasons) {
    lines.push(`  ${r.matched ? '✓' : '✗'} ${r.source} statement ${r.statement} (${r.effect}): ${r.detail}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
};
