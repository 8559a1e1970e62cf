// Tolerant recursive-descent parser for the Groovy that Jenkinsfiles use (acorn-loose / TypeScript
// style). It never throws on any input: damaged code becomes `Error`/`ErrorStatement` nodes plus
// positioned errors, and everything intact around the damage stays in the tree with exact spans.
// Newlines end statements unless the expression is clearly incomplete; inside (), [] and ${} they are
// insignificant. Nesting is capped (MAX_DEPTH) so no input can overflow the call stack; the rest of an
// over-deep region is skipped iteratively.
//
// The grammar is split the way acorn-loose splits its LooseParser: state.ts (tokens, errors,
// speculation, recovery helpers), strings.ts, expressions.ts, declarations.ts, statements.ts.

import type { BlockStatement, Closure, ErrorStatement, ParseError, ParseResult, Program, Statement } from './ast';
import { StatementParser } from './statements';

import type { BraceCount } from './state';

export { BraceScan, MAX_DEPTH, braceCount, braceImbalanceOf } from './state';
export type { BraceCount } from './state';

/** Parses Groovy text into a tree plus positioned errors. Never throws. */
export function parse(text: string): ParseResult {
  try {
    const parser = new StatementParser(text, undefined);
    const result = parser.run();
    const meta: ParseMeta = {
      cursors: parser.cursors,
      dropOffsets: parser.dropOffsets,
      dropCursors: parser.dropCursors,
      gateUnder: parser.gateUnder,
      gateOver: parser.gateOver,
    };
    if (parser.braces !== null) meta.braces = parser.braces;
    parseMeta.set(result, meta);
    return result;
  } catch (e) {
    // Last resort only: the parser is written not to throw, and the property tests check it.
    const message = `Internal parser error: ${e instanceof Error ? e.message : String(e)}`;
    const node: ErrorStatement = { type: 'ErrorStatement', message, start: 0, end: text.length };
    const program: Program = { type: 'Program', body: [node], start: 0, end: text.length };
    return { text, program, errors: [{ code: 'internal-error', message, offset: 0, length: text.length }] };
  }
}

/**
 * Kept beside each parse (not in it): where the parser was when it reported each error, and the
 * offsets and positions of errors it dropped as duplicates of the one before. reparse.ts reads them.
 */
export interface ParseMeta {
  readonly cursors: readonly number[];
  readonly dropOffsets: readonly number[];
  readonly dropCursors: readonly number[];
  /** Offsets of the `}` whose fate the text's brace balance decided (`ParserState.gateUnder`, `gateOver`). */
  readonly gateUnder: readonly number[];
  readonly gateOver: readonly number[];
  /** The text's brace count (braceCount), once someone needed it. */
  braces?: BraceCount;
}

export const parseMeta = new WeakMap<ParseResult, ParseMeta>();

/** What `parseBlockAt` found: the block or closure at `open` of `text`, parsed alone. */
export interface BlockParse {
  node: BlockStatement | Closure | null;
  /** It ended on its own `}`. */
  closed: boolean;
  errors: ParseError[];
  meta: ParseMeta;
  /** The nesting cap was hit. */
  tooDeep: boolean;
}

/**
 * Parses only the block (`closure` false) or closure whose `{` is at `open` in `text`, starting
 * `depth` levels deep inside a statement that starts at `ownerStart`; `balance` gives the text's brace
 * balance if a `}` needs it. Never throws.
 */
export function parseBlockAt(
  text: string,
  open: number,
  closure: boolean,
  depth: number,
  ownerStart: number,
  balance: () => number,
): BlockParse {
  try {
    const parser = new StatementParser(text, balance);
    const { node, closed } = parser.parseBlockAt(open, closure, depth, ownerStart);
    const meta: ParseMeta = {
      cursors: parser.cursors,
      dropOffsets: parser.dropOffsets,
      dropCursors: parser.dropCursors,
      gateUnder: parser.gateUnder,
      gateOver: parser.gateOver,
    };
    return {
      node,
      closed,
      errors: parser.errors,
      meta,
      tooDeep: parser.errors.some((e) => e.code === 'nesting-too-deep'),
    };
  } catch {
    return {
      node: null,
      closed: false,
      errors: [],
      meta: { cursors: [], dropOffsets: [], dropCursors: [], gateUnder: [], gateOver: [] },
      tooDeep: true,
    };
  }
}

/** What `parseStatementsAt` found: statements of a block body parsed alone, up to where it was told to stop. */
export interface StatementsParse {
  body: Statement[];
  /** Where the statement it stopped before starts, or where the block's `}` is (`closed`). */
  stoppedAt: number;
  closed: boolean;
  errors: ParseError[];
  meta: ParseMeta;
  tooDeep: boolean;
}

/**
 * Parses the statements of a block body starting after offset `from` (see StatementParser.parseStatementsAt)
 * until `stop` accepts where the next one starts or the block's own `}` comes; null if the end of the text
 * or a `}` of an outer block comes first.
 * `previousError` (the last error reported before `from`, with where the parser was) is what the first
 * new error is compared with to drop a duplicate, as in a full parse. Never throws.
 */
export function parseStatementsAt(
  text: string,
  from: number,
  depth: number,
  ownerStart: number,
  balance: () => number,
  previousError: { error: ParseError; cursor: number } | null,
  stop: (start: number) => boolean,
): StatementsParse | null {
  try {
    const parser = new StatementParser(text, balance);
    if (previousError !== null) {
      parser.errors.push(previousError.error);
      parser.cursors.push(previousError.cursor);
    }
    const parsed = parser.parseStatementsAt(from, depth, ownerStart, stop);
    if (parsed === null) return null;
    const seeded = previousError === null ? 0 : 1;
    const errors = parser.errors.slice(seeded);
    return {
      body: parsed.body,
      stoppedAt: parsed.stoppedAt,
      closed: parsed.closed,
      errors,
      meta: {
        cursors: parser.cursors.slice(seeded),
        dropOffsets: parser.dropOffsets,
        dropCursors: parser.dropCursors,
        gateUnder: parser.gateUnder,
        gateOver: parser.gateOver,
      },
      tooDeep: errors.some((e) => e.code === 'nesting-too-deep'),
    };
  } catch {
    return null;
  }
}
