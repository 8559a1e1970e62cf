// Re-analysis while the author types: one session per open document. Each update returns a new
// FileAnalysis, exactly what `analyzeText` returns for the same text (the session tests check this
// after every step of random edit sequences); nothing it returned before is changed afterwards.
// What an update reuses from the previous one is this module's business only; the syntax tree comes
// from `reparse` (syntax/reparse.ts), which re-parses the edited token or block and shares the rest.
import { analyzeTree } from './analyze';
import type { ParseResult } from './syntax/ast';
import { parse } from './syntax/parser';
import { reparse, type ReparseResult } from './syntax/reparse';
import type { AnalysisContext, FileAnalysis } from './types';

/** What the last update did, for the output log and the benchmark. */
export interface UpdateStats {
  parse: 'incremental' | 'full';
  reusedUsages: number;
  usages: number;
}

/** Incremental analysis of one document. Not thread-safe; one update at a time. */
export class AnalysisSession {
  private parsed: ParseResult | null = null;
  lastUpdate: UpdateStats = { parse: 'full', reusedUsages: 0, usages: 0 };

  constructor(readonly file: string) {}

  /**
   * Analyses the document's current text. The edit from the previous text is found by comparing the two
   * (a debounced editor may have applied several changes since).
   */
  update(text: string, ctx: AnalysisContext): FileAnalysis {
    const prev = this.parsed;
    // The tree is a value too: reparse shares what the edit left alone and never changes `prev`.
    const updated: ReparseResult | null = prev === null ? null : reparse(prev, text);
    const parsed = updated ?? parse(text);
    this.parsed = parsed;
    const analysis = analyzeTree(this.file, text, parsed.program, parsed.errors, ctx);
    this.lastUpdate = {
      parse: updated !== null && updated.reparsed.kind !== 'full' ? 'incremental' : 'full',
      reusedUsages: 0,
      usages: analysis.usages.length,
    };
    return analysis;
  }
}
