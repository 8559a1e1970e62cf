// Re-analysis while the author types: one session per open document keeps the previous parse and
// extraction so an edit re-parses only the block it touched and rebuilds only the usages it can affect.
// The result is always exactly what `analyzeText` returns for the same text (the session tests check
// this after every step of random edit sequences); only the work differs.
//
// Like a tree-sitter tree after `edit`, results are live: a usage carried over by a later update is the
// same object, its offsets and cited line numbers moved in place. A result describes the latest text
// given to `update`; a caller that needs an earlier one unchanged must copy it before updating again.
import { finishAnalysis, usageRules } from './analyze';
import type { AnalysisContext, FileAnalysis } from './types';
import { extractUsages } from './pipeline/extract';
import type { ExtractionMemo } from './pipeline/memo';
import { computeChange, parseIncremental, updateParse, type IncrementalParse, type TextChange } from './syntax/incremental';
import type { Node } from './syntax/ast';
import { childrenOf } from './pipeline/children';


/** What the last update did, for the output log and the benchmark. */
export interface UpdateStats {
  parse: 'incremental' | 'full';
  /** Whether extraction walked only the re-parsed block. */
  walk: 'patched' | 'full';
  reusedUsages: number;
  usages: number;
}

/** Incremental analysis of one document. Not thread-safe; one update at a time. */
export class AnalysisSession {
  private parsed: IncrementalParse | null = null;
  private memo: ExtractionMemo | null = null;
  private ctx: AnalysisContext | null = null;
  lastUpdate: UpdateStats = { parse: 'full', walk: 'full', reusedUsages: 0, usages: 0 };

  constructor(readonly file: string) {}

  /**
   * Analyses the document's current text. The edit from the previous text is found by comparing the two
   * (a debounced editor may have applied several changes since). A different context object starts afresh.
   */
  update(text: string, ctx: AnalysisContext): FileAnalysis {
    if (ctx !== this.ctx) {
      this.memo = null;
      this.ctx = ctx;
    }
    const prev = this.parsed;
    let edit: TextChange | null = null;
    let region: { block: Node; oldEnd: number; oldParts: Node[]; ancestors: Node[] } | null = null;
    if (prev === null) {
      this.parsed = parseIncremental(text);
    } else {
      edit = computeChange(prev.text, text);
      // The nodes around the edit, with their offsets and direct children before the parser changes them
      // (a re-parsed block keeps its object and gets new contents).
      const path = pathTo(prev.program, edit.start, edit.oldEnd).map((node) => ({ node, start: node.start, end: node.end, parts: directChildren(node) }));
      const next = updateParse(prev, text, edit);
      this.parsed = next;
      if (next.reparsed === 'full') edit = null;
      else region = reparsedBlock(path, next.reparsed);
    }
    const parsed = this.parsed;
    const extraction = extractUsages(parsed.program, text, this.file, ctx, { memo: edit ? this.memo : null, change: edit, region, rules: (usage) => usageRules(usage, ctx) });
    this.memo = extraction.memo;
    // The parse state is updated in place by the next edit: the result gets its own copy of the errors.
    const errors = parsed.errors.map((e) => ({ ...e }));
    const analysis = finishAnalysis(this.file, errors, extraction, ctx, extraction.rules);
    this.lastUpdate = { parse: edit ? 'incremental' : 'full', walk: extraction.walkPatched ? 'patched' : 'full', reusedUsages: extraction.reused, usages: analysis.usages.length };
    return analysis;
  }
}

/** The nodes from the root down to the innermost one whose span contains [start, end]. */
function pathTo(root: Node, start: number, end: number): Node[] {
  const path: Node[] = [root];
  const kids: Node[] = [];
  for (let node: Node | undefined = root; node; ) {
    kids.length = 0;
    childrenOf(node, kids);
    node = kids.find((k) => k.start <= start && k.end >= end);
    if (node) path.push(node);
  }
  return path;
}

/** The direct children of a block or closure (its statements and parameters), else none. */
function directChildren(node: Node): Node[] {
  const parts: Node[] = [];
  if (node.type === 'Block' || node.type === 'Closure') childrenOf(node, parts);
  return parts;
}

/** The re-parsed block (found by its old offsets), its children before the edit, and its ancestors. */
function reparsedBlock(
  path: Array<{ node: Node; start: number; end: number; parts: Node[] }>,
  r: { oldStart: number; oldEnd: number; newStart: number; newEnd: number },
): { block: Node; oldEnd: number; oldParts: Node[]; ancestors: Node[] } | null {
  const i = path.findIndex((p) => (p.node.type === 'Block' || p.node.type === 'Closure') && p.start === r.oldStart && p.end === r.oldEnd);
  if (i <= 0) return null;
  const block = path[i].node;
  // The parser keeps the block object: check it is the one now at the new offsets.
  if (block.start !== r.newStart || block.end !== r.newEnd) return null;
  return { block, oldEnd: path[i].end, oldParts: path[i].parts, ancestors: path.slice(0, i).map((p) => p.node) };
}
