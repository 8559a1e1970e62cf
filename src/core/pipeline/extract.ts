// PLACEHOLDER until extraction lands (owned by the pipeline work).
import type { Program } from '../syntax/ast';
import type { Finding, Usage } from '../types';
import type { AnalysisContext } from '../analyze';

/** Finds every AWS credential usage in a parsed pipeline, with values resolved. */
export function extractUsages(_program: Program, _text: string, _file: string, _ctx: Pick<AnalysisContext, 'config' | 'caller' | 'params' | 'credentials'>): { usages: Usage[]; findings: Finding[] } {
  return { usages: [], findings: [] };
}
