// The engine's entry point, shared by the CLI and the extension: text → tree → usages → findings.
import type { AnalysisContext, FileAnalysis, FileError, Finding, Usage } from './types';
import type { ParseError } from './syntax/ast';
import { parse } from './syntax/parser';
import { extractUsages } from './pipeline/extract';
import { staticRules, iamRules } from './rules';
import { roleChainingRule } from './rules/duration-max';

// The shared types moved to types.ts; re-exported for callers that import them from here.
export type { AnalysisContext, FileAnalysis } from './types';

/** Parses a pipeline file and runs every check that needs no IAM data. Never throws on bad input. */
export function analyzeText(file: string, text: string, ctx: AnalysisContext): FileAnalysis {
  const { program, errors } = parse(text);
  return finishAnalysis(file, errors, extractUsages(program, text, file, ctx), ctx);
}

/**
 * Runs the checks that need no IAM data on extracted usages. A re-analysis passes the findings it kept
 * with each usage instead (`rules`, in the same order as the usages).
 */
export function finishAnalysis(
  file: string,
  parseErrors: ParseError[],
  extraction: { usages: Usage[]; findings: Finding[] },
  ctx: AnalysisContext,
  rules: readonly Finding[][] | null = null,
): FileAnalysis {
  const findings = [...extraction.findings];
  const usages = extraction.usages;
  for (let i = 0; i < usages.length; i++) {
    const list = rules ? rules[i] : usageRules(usages[i], ctx);
    for (const f of list) findings.push(f);
  }
  return { file, usages: extraction.usages, findings, parseErrors };
}

/** The checks of one usage that need no IAM data (its findings anchored at its call). */
export function usageRules(usage: Usage, ctx: AnalysisContext): Finding[] {
  return anchored([...staticRules(usage), ...roleChainingRule(usage, ctx.config)], usage);
}

/** Ties findings about a usage to the start of its call (where the CLI reports them). */
function anchored(findings: Finding[], usage: Usage): Finding[] {
  for (const f of findings) if (f.file === usage.file && !f.anchor) f.anchor = usage.anchor;
  return findings;
}

/** Full analysis: the syntax-only checks plus the trust checks against IAM data. */
export async function analyzeFile(file: string, text: string, ctx: AnalysisContext): Promise<FileAnalysis> {
  return addTrustFindings(analyzeText(file, text, ctx), ctx);
}

/** Adds the trust checks against IAM data (when the context has any) to a syntax-level analysis, and sorts its findings. */
export async function addTrustFindings(analysis: FileAnalysis, ctx: AnalysisContext): Promise<FileAnalysis> {
  if (ctx.iam) {
    const iam = ctx.iam;
    const perUsage = await Promise.all(analysis.usages.map(async (usage) => anchored(await iamRules(usage, iam, ctx), usage)));
    for (const list of perUsage) analysis.findings.push(...list);
  }
  analysis.findings.sort((a, b) => a.range.start - b.range.start || a.code.localeCompare(b.code));
  return analysis;
}

/** Reads a file's bytes as pipeline text: strips a BOM, rejects binary content with a clear message. */
export function decodePipelineText(file: string, bytes: Uint8Array): { text: string } | { error: FileError } {
  const sample = bytes.subarray(0, Math.min(bytes.length, 8000));
  if (sample.includes(0)) return { error: { file, message: 'binary file (contains NUL bytes); not a pipeline script, skipped' } };
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const replacements = (text.match(/\uFFFD/g) ?? []).length;
  if (replacements > 0 && replacements > text.length / 20) {
    return { error: { file, message: 'not UTF-8 text; save the file as UTF-8 to analyse it' } };
  }
  return { text };
}
