// The engine's entry point, shared by the CLI and the extension: text → tree → usages → findings.
import {
  usesStaticKeys,
  type AnalysisContext,
  type FileAnalysis,
  type FileError,
  type Finding,
  type Usage,
} from './types';
import type { ParseError, Program } from './syntax/ast';
import { parse } from './syntax/parser';
import { extractUsages } from './pipeline/extract';
import { staticRules, iamRules } from './rules';
import { factRules } from './rules/static';
import { roleChainingRule } from './rules/duration-max';
import { perCallerChoice } from './rules/caller-choices';

// The shared types moved to types.ts; re-exported for callers that import them from here.
export type { AnalysisContext, FileAnalysis } from './types';

/** Parses a pipeline file and runs every check that needs no IAM data. Never throws on bad input. */
export function analyzeText(file: string, text: string, ctx: AnalysisContext): FileAnalysis {
  const { program, errors } = parse(text);
  return analyzeTree(file, text, program, errors, ctx);
}

/** The same analysis of a text already parsed (the session parses incrementally). */
export function analyzeTree(
  file: string,
  text: string,
  program: Program,
  parseErrors: ParseError[],
  ctx: AnalysisContext,
): FileAnalysis {
  const extraction = extractUsages(program, text, file, ctx);
  const findings: Finding[] = [];
  for (const fact of extraction.facts) for (const f of factRules(fact, file, ctx)) findings.push(f);
  for (const usage of extraction.usages) for (const f of usageRules(usage, ctx)) findings.push(f);
  return { file, usages: extraction.usages, findings, parseErrors };
}

/** The checks of one usage that need no IAM data (its findings anchored at its call). */
export function usageRules(usage: Usage, ctx: AnalysisContext): Finding[] {
  const chaining = usesStaticKeys(usage) ? [] : perCallerChoice(usage, (u) => roleChainingRule(u, ctx));
  return anchored([...staticRules(usage, ctx), ...chaining], usage);
}

/** Ties findings about a usage to the start of its call (where the CLI reports them). */
function anchored(findings: Finding[], usage: Usage): Finding[] {
  const lib = usage.libraryStep;
  for (const f of findings) {
    if (f.file === usage.file && !f.anchor) f.anchor = usage.anchor;
    // A usage inside a shared-library step, located at the call: say where the step using the values is.
    if (lib && f.file === usage.file)
      f.message += ` (${stepWord(usage)} in ${lib.file}:${lib.line}, in the shared-library step ${lib.steps.map((s) => s + '()').join(' → ')} called here)`;
  }
  return findings;
}

/** The step a usage is, as findings name it. */
function stepWord(usage: Usage): string {
  switch (usage.kind) {
    case 'withAWS':
      return 'withAWS';
    case 'credentials-binding':
      return 'withCredentials';
    case 'vault':
      return 'withVault';
    default:
      return 'aws sts in a shell step';
  }
}

/** Full analysis: the syntax-only checks plus the trust checks against IAM data. */
export async function analyzeFile(file: string, text: string, ctx: AnalysisContext): Promise<FileAnalysis> {
  return addTrustFindings(analyzeText(file, text, ctx), ctx);
}

/**
 * The analysis with the trust checks against IAM data added (when the context has any) and its findings
 * sorted: a new value; the analysis given is left as it was.
 */
export async function addTrustFindings(analysis: FileAnalysis, ctx: AnalysisContext): Promise<FileAnalysis> {
  const findings = [...analysis.findings];
  if (ctx.iam) {
    const iam = ctx.iam;
    const perUsage = await Promise.all(
      analysis.usages.map(async (usage) => anchored(await iamRules(usage, iam, ctx), usage)),
    );
    for (const list of perUsage) findings.push(...list);
  }
  findings.sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
  return { ...analysis, findings };
}

/** Reads a file's bytes as pipeline text: strips a BOM, rejects binary content with a clear message. */
export function decodePipelineText(file: string, bytes: Uint8Array): { text: string } | { error: FileError } {
  const sample = bytes.subarray(0, Math.min(bytes.length, 8000));
  if (sample.includes(0))
    return { error: { file, message: 'binary file (contains NUL bytes); not a pipeline script, skipped' } };
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const replacements = (text.match(/\uFFFD/g) ?? []).length;
  if (replacements > 0 && replacements > text.length / 20) {
    return { error: { file, message: 'not UTF-8 text; save the file as UTF-8 to analyse it' } };
  }
  return { text };
}
