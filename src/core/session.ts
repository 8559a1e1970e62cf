// Re-analysis while the author types: one session per open document. Each update returns a new
// FileAnalysis, exactly what `analyzeText` returns for the same text (the session tests check this
// after every step of random edit sequences); nothing it returned before is changed afterwards.
// What an update reuses from the previous one is this module's business only.
import { analyzeTree } from './analyze';
import { computeChange, parseIncremental, updateParse, type IncrementalParse } from './syntax/incremental';
import type { AnalysisContext, FileAnalysis } from './types';

/** What the last update did, for the output log and the benchmark. */
export interface UpdateStats {
  parse: 'incremental' | 'full';
  reusedUsages: number;
  usages: number;
}

/** Incremental analysis of one document. Not thread-safe; one update at a time. */
export class AnalysisSession {
  private parsed: IncrementalParse | null = null;
  lastUpdate: UpdateStats = { parse: 'full', reusedUsages: 0, usages: 0 };

  constructor(readonly file: string) {}

  /**
   * Analyses the document's current text. The edit from the previous text is found by comparing the two
   * (a debounced editor may have applied several changes since).
   */
  update(text: string, ctx: AnalysisContext): FileAnalysis {
    const prev = this.parsed;
    const updated = prev === null ? null : updateParse(prev, text, computeChange(prev.text, text));
    const parsed = updated ?? parseIncremental(text);
    this.parsed = parsed;
    // The parse state is updated in place by the next edit: the result gets its own copy of the errors.
    const errors = parsed.errors.map((e) => ({ ...e }));
    const analysis = analyzeTree(this.file, text, parsed.program, errors, ctx);
    this.lastUpdate = { parse: updated !== null && updated.reparsed !== 'full' ? 'incremental' : 'full', reusedUsages: 0, usages: analysis.usages.length };
    return analysis;
  }
}
