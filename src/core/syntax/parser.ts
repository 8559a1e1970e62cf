// Tolerant recursive-descent parser for the Groovy that Jenkinsfiles use (acorn-loose / TypeScript
// style). It never throws on any input: damaged code becomes `Error`/`ErrorStatement` nodes plus
// positioned errors, and everything intact around the damage stays in the tree with exact spans.
// Newlines end statements unless the expression is clearly incomplete; inside (), [] and ${} they are
// insignificant. Nesting is capped (MAX_DEPTH) so no input can overflow the call stack; the rest of an
// over-deep region is skipped iteratively.
//
// The grammar is split the way acorn-loose splits its LooseParser: state.ts (tokens, errors,
// speculation, recovery helpers), strings.ts, expressions.ts, declarations.ts, statements.ts.

import type { ErrorStatement, ParseResult, Program } from './ast';
import { StatementParser } from './statements';
import type { HookedParseResult, ParserHooks } from './state';

export { MAX_DEPTH, braceImbalanceOf } from './state';
export type { HookedParseResult, ParserHooks } from './state';

/** Parses with observers (and optionally only one region); for incremental.ts. Never throws. */
export function parseWithHooks(text: string, hooks: ParserHooks): HookedParseResult {
  try {
    return parseUnguarded(text, hooks);
  } catch (e) {
    const message = `Internal parser error: ${e instanceof Error ? e.message : String(e)}`;
    const node: ErrorStatement = { type: 'ErrorStatement', message, start: 0, end: text.length };
    const program: Program = { type: 'Program', body: [node], start: 0, end: text.length };
    return { program, errors: [{ code: 'internal-error', message, offset: 0, length: text.length }], node: null, end: -1, closed: false };
  }
}

/** Parses Groovy text into a tree plus positioned errors. Never throws. */
export function parse(text: string): ParseResult {
  try {
    return parseUnguarded(text);
  } catch (e) {
    // Last resort only: the parser is written not to throw, and the property tests check it.
    const message = `Internal parser error: ${e instanceof Error ? e.message : String(e)}`;
    const node: ErrorStatement = { type: 'ErrorStatement', message, start: 0, end: text.length };
    const program: Program = { type: 'Program', body: [node], start: 0, end: text.length };
    return { program, errors: [{ code: 'internal-error', message, offset: 0, length: text.length }] };
  }
}
function parseUnguarded(text: string): ParseResult;
function parseUnguarded(text: string, hooks: ParserHooks): HookedParseResult;
function parseUnguarded(text: string, hooks?: ParserHooks): ParseResult | HookedParseResult {
  return new StatementParser(text, hooks).run();
}
