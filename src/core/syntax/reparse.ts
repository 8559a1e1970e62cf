// Incremental re-parsing, rust-analyzer style (crates/syntax/src/parsing/reparsing.rs): after an edit,
// re-lex the one token the edit fell in if it stays a token of the same kind, else re-parse the nearest
// enclosing `{ }` block (or closure) whose new text is balanced, else parse everything.
//
// The tree is a value: `reparse(prev, text)` returns a NEW ParseResult and never changes `prev` or any
// node reachable from it. Nodes keep absolute offsets: subtrees wholly before the edit are shared with
// `prev`; the re-parsed block (or token) is new; the ancestors on the path to it are new shallow copies;
// everything after it is a fresh copy with its offsets shifted by the length change. The result is
// always equal (deep-equal, errors included) to `parse(text)`; the property tests check that after
// random edit sequences.
//
// Why a block parsed alone gives the same nodes as a full parse: the parser enters a `{` in normal code
// (not inside a GString) with no state that reaches into the block except the nesting depth (bounded
// from the path below and checked), the line of the statement it is in (found from the path), and, for
// a `}` whose indentation disagrees with its block's statement, the sign of the whole text's brace
// balance (state.ts `closing`). The balance of the new text is the old one plus the change of the
// block's own count (exact when the old text's count met the block's `{` outside any string); a `}`
// outside the block that the balance decided (the parse records them) must see the same sign, else an
// outer block is tried. The block's new text need not balance by itself: it only has to end, parsed
// alone, on its own `}` where the old block's end moved to. What follows the block reads only the text
// after it. Errors: the parser drops an error at the same offset as the one before it; the conditions
// below keep those decisions the same (else a full parse).

import type {
  BlockStatement,
  Closure,
  Node,
  ParseError,
  ParseResult,
  Program,
  Statement,
  StringLiteral,
  TextPart,
} from './ast';
import { forEachChild } from './ast';
import type { BraceCount, ParseMeta } from './parser';
import { BraceScan, braceCount, MAX_DEPTH, parse, parseBlockAt, parseMeta, parseStatementsAt } from './parser';
import { SyntaxKind as K } from './scanner';

/** An edit in old-text coordinates: old [start, oldEnd) became new [start, newEnd). */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * What `reparse` parsed again: one token (a plain string's contents), one block (its old and new
 * span; every node that differs from `prev` apart from the shift lies inside it), everything, or
 * nothing (same text).
 */
export type Reparsed =
  | { kind: 'token' | 'block' | 'statements'; oldStart: number; oldEnd: number; newStart: number; newEnd: number }
  | { kind: 'full'; why: string }
  | { kind: 'none' };

export interface ReparseResult extends ParseResult {
  readonly reparsed: Reparsed;
}

/** Enclosing blocks parsed alone (innermost first) before parsing everything. */
const MAX_TRIES = 3;

/**
 * A block at least this long (characters) is first re-parsed by statements: from the statement before
 * the edit up to the first later one that starts where it did (moved), the rest shared.
 */
const STATEMENTS_MIN = 4096;

export interface ReparseOptions {
  /** Blocks at least this long are first re-parsed by statements (default STATEMENTS_MIN; tests use 0). */
  statementsMin?: number;
}

/** How many statements after the edit a statement re-parse may run through before it gives up. */
const STATEMENTS_MAX = 64;

/**
 * The parse of `text`, reusing `prev` (which stays as it was). `change` is optional; without it the
 * changed range is found by comparing the texts.
 */
export function reparse(
  prev: ParseResult,
  text: string,
  change?: TextChange,
  options: ReparseOptions = {},
): ReparseResult {
  const statementsMin = options.statementsMin ?? STATEMENTS_MIN;
  const oldText = prev.text;
  if (change === undefined || !validChange(change, oldText, text)) change = computeChange(oldText, text);
  if (change.start === change.oldEnd && change.start === change.newEnd) {
    const same: ReparseResult = { text, program: prev.program, errors: prev.errors, reparsed: { kind: 'none' } };
    const meta = parseMeta.get(prev);
    if (meta !== undefined) parseMeta.set(same, meta);
    return same;
  }
  const path = pathTo(prev.program, change.start, change.oldEnd);
  const token = relexString(prev, text, change, path);
  if (token !== null) return token;
  let tries = 0;
  let why = 'no enclosing block';
  // A string keeps the source text of its `${}` parts (its value): only blocks around the outermost
  // GString the edit is in can be re-parsed alone.
  let top = path.length;
  for (let i = 0; i < path.length; i++) {
    if (path[i].type === 'Interpolation') {
      top = i;
      why = 'inside a GString';
      break;
    }
  }
  const counts = new Counts(prev, text, change);
  for (let i = top - 1; i > 0 && tries < MAX_TRIES; i--) {
    const node = path[i];
    if (node.type !== 'Block' && node.type !== 'Closure') continue;
    if (node.type === 'Closure' && path[i - 1].type === 'New') continue; // an anonymous class body
    if (!(node.start < change.start && change.oldEnd < node.end)) continue; // the edit touches its braces
    if (node.end - node.start >= statementsMin) {
      const some = reparseStatements(prev, text, change, path, i, counts);
      if ('reparsed' in some) return some;
      if (some.costly) tries++;
      if (tries >= MAX_TRIES) break;
    }
    const result = reparseBlock(prev, text, change, path, i, counts);
    if ('reparsed' in result) return result;
    if (result.costly) tries++;
    why = result.why;
  }
  return full(text, why);
}

function full(text: string, why: string): ReparseResult {
  const parsed = parse(text);
  const result: ReparseResult = {
    text,
    program: parsed.program,
    errors: parsed.errors,
    reparsed: { kind: 'full', why },
  };
  const meta = parseMeta.get(parsed);
  if (meta !== undefined) parseMeta.set(result, meta);
  return result;
}

function validChange(c: TextChange, oldText: string, newText: string): boolean {
  return (
    c.start >= 0 &&
    c.start <= c.oldEnd &&
    c.oldEnd <= oldText.length &&
    c.newEnd >= c.start &&
    newText.length - oldText.length === c.newEnd - c.oldEnd
  );
}

/**
 * The changed range between two texts, from their common prefix and suffix. Substring equality is a
 * native memory compare: chunks of 4096, then 256, then 16 characters before single characters.
 */
export function computeChange(oldText: string, newText: string): TextChange {
  const oldLength = oldText.length;
  const newLength = newText.length;
  const minLength = Math.min(oldLength, newLength);
  let prefix = 0;
  for (let step = 4096; step >= 16; step >>= 4) {
    while (
      prefix + step <= minLength &&
      oldText.substring(prefix, prefix + step) === newText.substring(prefix, prefix + step)
    )
      prefix += step;
  }
  while (prefix < minLength && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  const maxSuffix = minLength - prefix;
  let suffix = 0;
  for (let step = 4096; step >= 16; step >>= 4) {
    while (
      suffix + step <= maxSuffix &&
      oldText.substring(oldLength - suffix - step, oldLength - suffix) ===
        newText.substring(newLength - suffix - step, newLength - suffix)
    )
      suffix += step;
  }
  while (
    suffix < maxSuffix &&
    oldText.charCodeAt(oldLength - suffix - 1) === newText.charCodeAt(newLength - suffix - 1)
  )
    suffix++;
  return { start: prefix, oldEnd: oldLength - suffix, newEnd: newLength - suffix };
}

/** The nodes from the root down to the innermost one whose span contains [start, end]. */
function pathTo(root: Program, start: number, end: number): Node[] {
  const path: Node[] = [root];
  let node: Node | undefined = root;
  while (node !== undefined) {
    let found: Node | undefined;
    forEachChild(node, (child) => {
      if (found === undefined && child.start <= start && child.end >= end) found = child;
    });
    node = found;
    if (node !== undefined) path.push(node);
  }
  return path;
}

// ---- One token -----------------------------------------------------------------------------------

/**
 * An edit inside a plain single- or double-quoted string, on one line, with no quote, backslash or `$`
 * in the old or new contents: the string stays one token of the same kind and only its value changes.
 */
function relexString(prev: ParseResult, text: string, change: TextChange, path: Node[]): ReparseResult | null {
  const node = path[path.length - 1];
  if (node.type !== 'Text' || path.length < 3) return null;
  const str = path[path.length - 2];
  if (str.type !== 'String' || str.interpolated || str.parts.length !== 1 || (str.quote !== "'" && str.quote !== '"'))
    return null;
  const part = str.parts[0] as TextPart;
  if (part.offsets !== undefined || !(part.start <= change.start && change.oldEnd <= part.end)) return null;
  // Inside a GString's `${}` the outer string keeps the source of its parts (its value, an unterminated
  // string's error span): only a re-parse of blocks around the outermost GString keeps those right.
  for (let i = 0; i < path.length - 2; i++) if (path[i].type === 'Interpolation') return null;
  const parent = path[path.length - 3];
  // A key's text is copied into its parent (MapEntry.keyName).
  if (parent.type === 'MapEntry' && parent.key === str) return null;
  if (str.end - str.start !== part.end - part.start + 2) return null; // terminated on both sides
  const delta = change.newEnd - change.oldEnd;
  const value = text.slice(part.start, part.end + delta);
  const oldValue = prev.text.slice(part.start, part.end);
  if (!plainContents(value, str.quote) || !plainContents(oldValue, str.quote)) return null;
  const newPart: TextPart = { type: 'Text', value, start: part.start, end: part.end + delta };
  const newString: StringLiteral = { ...str, parts: [newPart], value, end: str.end + delta };
  const program = rebuild(path, path.length - 2, newString, str.end, delta) as Program;
  const meta = parseMeta.get(prev);
  if (meta === undefined) return null;
  // An error whose span covers the edit (an unterminated string running to the end of its line over this
  // one) has a length that changes with it.
  for (const e of prev.errors) if (e.offset <= change.oldEnd && e.offset + e.length >= change.start) return null;
  const errors = prev.errors.map((e) => shiftError(e, str.end, delta));
  const result: ReparseResult = {
    text,
    program,
    errors,
    reparsed: { kind: 'token', oldStart: str.start, oldEnd: str.end, newStart: str.start, newEnd: str.end + delta },
  };
  const shift = (o: number): number => (o >= str.end ? o + delta : o);
  const relexed: ParseMeta = {
    cursors: meta.cursors.map(shift),
    dropOffsets: meta.dropOffsets.map(shift),
    dropCursors: meta.dropCursors.map(shift),
    gateUnder: meta.gateUnder.map(shift),
    gateOver: meta.gateOver.map(shift),
  };
  // The string's contents hold no code brace before or after the edit: the count stays, shifted.
  if (meta.braces !== undefined) relexed.braces = { balance: meta.braces.balance, opens: meta.braces.opens.map(shift) };
  parseMeta.set(result, relexed);
  return result;
}

function plainContents(s: string, quote: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || c === 13 || c === 92 || c === 39 || c === 34 || (quote === '"' && c === 36)) return false;
  }
  return true;
}

// ---- One block -----------------------------------------------------------------------------------

/** Why a block could not stand for a full parse, and whether finding out cost a parse or a count. */
interface Miss {
  why: string;
  costly: boolean;
}

/** Re-parses path[at] (a block or closure) alone; says why not when it cannot stand for a full parse. */
function reparseBlock(
  prev: ParseResult,
  text: string,
  change: TextChange,
  path: Node[],
  at: number,
  counts: Counts,
): ReparseResult | Miss {
  const old = path[at] as BlockStatement | Closure;
  const delta = change.newEnd - change.oldEnd;
  const oldText = prev.text;
  if (old.annotations !== undefined || oldText.charCodeAt(old.start) !== 123 || oldText.charCodeAt(old.end - 1) !== 125)
    return { why: 'not a braced block', costly: false };
  const newEnd = old.end + delta;
  const meta = parseMeta.get(prev);
  if (meta === undefined) return { why: 'no parse record', costly: false };
  // It ended on its own `}` (a block left unclosed is reported at its `{`; its last statement may end
  // with a `}` of its own).
  if (prev.errors.some((e) => e.offset === old.start) || meta.dropOffsets.includes(old.start))
    return { why: 'block was not closed', costly: false };
  const owner = ownerOf(oldText, path, at);
  if (owner < 0) return { why: 'statement of the block not known', costly: false };
  // A statement after the block on the line of its `}` (`} else {`) is indented like that line.
  if (lineIndent(oldText, old.end - 1) !== lineIndent(text, newEnd - 1))
    return { why: 'indentation of the closing line changed', costly: false };
  // A `}` outside the block that the brace balance decided is decided the same while the sign it read
  // stays; the balances are counted only then.
  const under = outside(meta.gateUnder, old.start, old.end);
  const over = outside(meta.gateOver, old.start, old.end);
  if (under || over) {
    const before = counts.before().balance;
    const after = counts.after().balance;
    if ((under && before > 0 !== after > 0) || (over && before < 0 !== after < 0))
      return { why: 'the brace balance changes what a } outside the block closes', costly: true };
  }
  // Each node on the path adds at most 2 nesting levels (a statement and its expression); parse the
  // block at a depth no lower than its real one, and give up if the cap is hit there.
  const depth = Math.min(MAX_DEPTH, 2 * at + 2);
  const parsed = parseBlockAt(text, old.start, old.type === 'Closure', depth, owner, () => counts.after().balance);
  if (parsed.node === null || !parsed.closed || parsed.node.end !== newEnd)
    return { why: 'block ends elsewhere', costly: true };
  if (parsed.tooDeep) return { why: 'nesting cap', costly: true };

  // Errors, in the order the parser reports them: those reported before entering the block (cursor
  // <= its `{`), while inside it (cursor inside), after it (cursor at or after its end). Only the
  // middle run changes. Offsets inside the block never equal offsets outside it (errors reported
  // before it point at or before the `{`; after it, at or after its end, or at an enclosing opening
  // bracket), so duplicate-dropping decisions stay the same, except for the first error after the
  // block when the middle run becomes empty or stops being empty: it is then compared with the last
  // error before the block.
  const errors = prev.errors;
  const cursors = meta.cursors;
  let lo = 0;
  while (lo < cursors.length && cursors[lo] <= old.start) lo++;
  let hi = lo;
  while (hi < cursors.length && cursors[hi] < old.end) hi++;
  const inside = parsed.errors;
  if (hi > lo !== inside.length > 0 && lo > 0) {
    const before = errors[lo - 1].offset;
    if (hi < errors.length && errors[hi].offset === before) return { why: 'duplicate error', costly: true };
    for (let i = 0; i < meta.dropOffsets.length; i++)
      if (meta.dropOffsets[i] === before && meta.dropCursors[i] >= old.end)
        return { why: 'duplicate error', costly: true };
  }
  const program = rebuild(path, at, parsed.node, old.end, delta) as Program;
  const reparsed: Reparsed = { kind: 'block', oldStart: old.start, oldEnd: old.end, newStart: old.start, newEnd };
  return spliced(prev, text, program, reparsed, parsed, lo, hi, counts);
}

/**
 * Re-parses some statements of the block or closure path[at] (rust-analyzer re-parses a whole block; a
 * Jenkinsfile's `stages { }` can be most of the file): from the statement before the one the edit is in
 * (an edit may join a line to the one before: `else`, `.method()` on the next line, a deleted line
 * break) until the parser, going on, reaches a later statement's old start (moved) on a line the edit
 * did not touch (from there on the old statements are shared, moved), or the block's own `}`. Statements are parsed with the same
 * state as inside the whole block (depth, owner, line breaks significant), and the text before the first
 * one is the same, so each comes out as in a full parse; errors and their duplicate-dropping are spliced
 * as for a block.
 */
function reparseStatements(
  prev: ParseResult,
  text: string,
  change: TextChange,
  path: Node[],
  at: number,
  counts: Counts,
): ReparseResult | Miss {
  const old = path[at] as BlockStatement | Closure;
  const body = old.body;
  const delta = change.newEnd - change.oldEnd;
  const oldText = prev.text;
  const meta = parseMeta.get(prev);
  if (meta === undefined) return { why: 'no parse record', costly: false };
  if (old.type === 'Block' && path[at - 1]?.type === 'ClassDecl') return { why: 'a class body', costly: false };
  // As for a block: it ended on its own `}` in the old parse (an unclosed one runs to a `}` of an outer
  // block or the end, and what closes it may change with the statements).
  if (old.annotations !== undefined || oldText.charCodeAt(old.start) !== 123 || oldText.charCodeAt(old.end - 1) !== 125)
    return { why: 'not a braced block', costly: false };
  if (prev.errors.some((e) => e.offset === old.start) || meta.dropOffsets.includes(old.start))
    return { why: 'block was not closed', costly: false };
  // The statement the edit is in or before, and the one before it (the first re-parsed).
  let k = 0;
  while (k < body.length && body[k].end < change.start) k++;
  if (k >= body.length) return { why: 'edit after the last statement', costly: false };
  const first = k - 1;
  if (first < 0 || (first === 0 && old.type === 'Closure'))
    return { why: 'edit in the first statement', costly: false };
  const from = first === 0 ? old.start + 1 : body[first - 1].end;
  const r0 = body[first].start;
  if (r0 >= change.start) return { why: 'edit before the statement', costly: false };
  // The old parse began a statement there (not garbage or a block after a damaged statement).
  if (body[first].type === 'ErrorStatement' || reportedIn(meta, first === 0 ? old.start : body[first - 1].start, r0))
    return { why: 'damage before the statement', costly: false };
  const owner = ownerOf(oldText, path, at);
  if (owner < 0) return { why: 'statement of the block not known', costly: false };
  // Errors are split by where the parser was when it reported them: before the first re-parsed statement,
  // inside the re-parsed ones, after them. A report exactly at a boundary could belong to either side.
  const cursors = meta.cursors;
  if (cursors.includes(r0) || meta.dropCursors.includes(r0)) return { why: 'error at the boundary', costly: false };
  let lo = 0;
  while (lo < cursors.length && cursors[lo] < r0) lo++;
  // Later statements that may end the re-parse: old starts wholly after the edit, on a line it left alone,
  // with no error reported from the statement before them up to them (then the old parse began a statement
  // there: a `{` or garbage after a damaged statement is not a statement's start).
  const candidates = new Map<number, number>();
  for (let j = k + 1; j < body.length && candidates.size < STATEMENTS_MAX; j++) {
    const start = body[j].start;
    if (start < change.oldEnd) continue;
    const newStart = start + delta;
    if (!lineBreakBetween(text, change.newEnd, newStart)) continue;
    if (body[j].type === 'ErrorStatement' || body[j - 1].type === 'ErrorStatement') continue;
    if (reportedIn(meta, body[j - 1].start, start)) continue;
    candidates.set(newStart, j);
  }
  const depth = Math.min(MAX_DEPTH, 2 * at + 2);
  const previousError = lo > 0 ? { error: prev.errors[lo - 1], cursor: cursors[lo - 1] } : null;
  const parsed = parseStatementsAt(
    text,
    from,
    depth,
    owner,
    () => counts.after().balance,
    previousError,
    (start) => candidates.has(start),
  );
  if (parsed === null) return { why: 'statements end elsewhere', costly: true };
  if (parsed.tooDeep) return { why: 'nesting cap', costly: true };
  let j: number;
  let r1: number; // old offset; new: r1 + delta
  if (parsed.closed) {
    // It ran to the block's `}`: that must be where the old one moved, on a line indented as before (a
    // statement after the block on that line is indented like it).
    if (
      parsed.stoppedAt !== old.end - 1 + delta ||
      lineIndent(oldText, old.end - 1) !== lineIndent(text, parsed.stoppedAt)
    )
      return { why: 'statements end elsewhere', costly: true };
    j = body.length;
    r1 = old.end;
  } else {
    j = candidates.get(parsed.stoppedAt)!;
    r1 = body[j].start;
  }
  if (cursors.includes(r1) || meta.dropCursors.includes(r1)) return { why: 'error at the boundary', costly: true };
  let hi = lo;
  while (hi < cursors.length && cursors[hi] < r1) hi++;
  // A `}` outside the re-parsed statements that the brace balance decided is decided the same while the
  // sign it read stays.
  const under = outside(meta.gateUnder, r0, r1);
  const over = outside(meta.gateOver, r0, r1);
  if (under || over) {
    const before = counts.before().balance;
    const after = counts.after().balance;
    if ((under && before > 0 !== after > 0) || (over && before < 0 !== after < 0))
      return { why: 'the brace balance changes what a } outside the statements closes', costly: true };
  }
  // Errors after the statements were kept or dropped by comparing with the error before them; if that one
  // changed, so may those decisions.
  const errors = prev.errors;
  const lastOld = hi > 0 ? errors[hi - 1].offset : undefined;
  const inside = parsed.errors;
  const lastNew = inside.length > 0 ? inside[inside.length - 1].offset : lo > 0 ? errors[lo - 1].offset : undefined;
  if (lastOld !== lastNew) {
    const nextKept = hi < errors.length ? cursors[hi] : Infinity;
    if (hi < errors.length && errors[hi].offset === lastNew) return { why: 'duplicate error', costly: true };
    for (let i = 0; i < meta.dropOffsets.length; i++)
      if (meta.dropCursors[i] > r1 && meta.dropCursors[i] < nextKept) return { why: 'duplicate error', costly: true };
  }
  // A kept error must not cover the edit (an unterminated string reported before the statements runs to
  // the end of its line, and its length with it).
  for (let i = 0; i < errors.length; i++) {
    if (i === lo) i = hi;
    if (i >= errors.length) break;
    const e = errors[i];
    if (e.offset <= change.oldEnd && e.offset + e.length >= change.start)
      return { why: 'an error around the edit', costly: true };
  }
  const newBody: Statement[] = body.slice(0, first);
  for (const st of parsed.body) newBody.push(st);
  for (let i = j; i < body.length; i++) newBody.push(shifted(body[i] as unknown as Obj, delta) as unknown as Statement);
  const block = { ...old, body: newBody, end: old.end + delta } as BlockStatement | Closure;
  const program = rebuild(path, at, block, old.end, delta) as Program;
  const reparsed: Reparsed = { kind: 'statements', oldStart: r0, oldEnd: r1, newStart: r0, newEnd: r1 + delta };
  return spliced(prev, text, program, reparsed, parsed, lo, hi, counts);
}

/**
 * The result of re-parsing old [oldStart, oldEnd) of `prev` alone (`inner`): errors, where the parser was
 * at each, dropped duplicates and the `}` the balance decided are kept before it, `inner`'s in its place,
 * and moved after it. Old errors lo..hi were reported inside it; no old record lies on its boundaries
 * other than as the block's own `{`/`}` (the callers check).
 */
function spliced(
  prev: ParseResult,
  text: string,
  program: Program,
  reparsed: Reparsed & { oldStart: number; oldEnd: number; newEnd: number },
  inner: { errors: readonly ParseError[]; meta: ParseMeta },
  lo: number,
  hi: number,
  counts: Counts,
): ReparseResult {
  const meta = parseMeta.get(prev)!;
  const { oldStart: start, oldEnd: end } = reparsed;
  const delta = reparsed.newEnd - end;
  const errors = prev.errors;
  const cursors = meta.cursors;
  const newErrors: ParseError[] = errors.slice(0, lo);
  const newCursors: number[] = cursors.slice(0, lo);
  for (let i = 0; i < inner.errors.length; i++) {
    newErrors.push(inner.errors[i]);
    newCursors.push(inner.meta.cursors[i]);
  }
  for (let i = hi; i < errors.length; i++) {
    newErrors.push(shiftError(errors[i], end, delta));
    newCursors.push(cursors[i] + delta);
  }
  const dropOffsets: number[] = [];
  const dropCursors: number[] = [];
  for (let i = 0; i < meta.dropOffsets.length; i++)
    if (meta.dropCursors[i] <= start) {
      dropOffsets.push(meta.dropOffsets[i]);
      dropCursors.push(meta.dropCursors[i]);
    }
  for (let i = 0; i < inner.meta.dropOffsets.length; i++) {
    dropOffsets.push(inner.meta.dropOffsets[i]);
    dropCursors.push(inner.meta.dropCursors[i]);
  }
  for (let i = 0; i < meta.dropOffsets.length; i++)
    if (meta.dropCursors[i] >= end) {
      const o = meta.dropOffsets[i];
      dropOffsets.push(o >= end ? o + delta : o);
      dropCursors.push(meta.dropCursors[i] + delta);
    }
  const result: ReparseResult = { text, program, errors: newErrors, reparsed };
  const newMeta: ParseMeta = {
    cursors: newCursors,
    dropOffsets,
    dropCursors,
    gateUnder: around(meta.gateUnder, inner.meta.gateUnder, start, end, delta),
    gateOver: around(meta.gateOver, inner.meta.gateOver, start, end, delta),
  };
  const braces = counts.known();
  if (braces !== undefined) newMeta.braces = braces;
  parseMeta.set(result, newMeta);
  return result;
}

/** Whether `text` has a line break in [from, to). */
function lineBreakBetween(text: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

/** Whether the parse reported or dropped an error, or was at one, in [from, to]. */
function reportedIn(meta: ParseMeta, from: number, to: number): boolean {
  for (const c of meta.cursors) if (c >= from && c <= to) return true;
  for (const c of meta.dropCursors) if (c >= from && c <= to) return true;
  return false;
}

/** Whether one of `offsets` lies outside [start, end). */
function outside(offsets: readonly number[], start: number, end: number): boolean {
  for (const o of offsets) if (o < start || o >= end) return true;
  return false;
}

/** Old `offsets` outside [start, end) (those after it moved by `delta`) and the block's new ones. */
function around(
  offsets: readonly number[],
  inside: readonly number[],
  start: number,
  end: number,
  delta: number,
): readonly number[] {
  if (offsets.length === 0) return inside;
  const list: number[] = [];
  for (const o of offsets) if (o < start) list.push(o);
  for (const o of inside) list.push(o);
  for (const o of offsets) if (o >= end) list.push(o + delta);
  return list;
}

/**
 * The brace counts of the old and the new text, each counted when first needed. The new one comes from
 * the old one: both texts are counted side by side from the last `{` before the edit that the old count
 * met outside any string, until both reach the same token after the edit outside any string (usually a
 * few tokens on); from there on they count the same.
 */
class Counts {
  private new: BraceCount | undefined;
  constructor(
    private readonly prev: ParseResult,
    private readonly text: string,
    private readonly change: TextChange,
  ) {}

  before(): BraceCount {
    // Kept beside the previous parse: its next re-parse needs it again.
    const meta = parseMeta.get(this.prev)!;
    return (meta.braces ??= braceCount(this.prev.text)!);
  }

  after(): BraceCount {
    if (this.new !== undefined) return this.new;
    const before = this.before();
    const { start, oldEnd, newEnd } = this.change;
    const delta = newEnd - oldEnd;
    const opens = before.opens;
    let lo = 0;
    let hi = opens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (opens[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    const kept = lo > 0 ? lo - 1 : 0; // opens before the scans start
    const from = lo > 0 ? opens[lo - 1] : 0;
    const a = new BraceScan(this.prev.text, from);
    const b = new BraceScan(this.text, from);
    for (;;) {
      const aEnd = a.tok === K.EOF;
      const bEnd = b.tok === K.EOF;
      if (aEnd && bEnd) break;
      const as = a.start();
      const bs = b.start();
      const mapped = as >= oldEnd ? as + delta : as;
      if (
        !aEnd &&
        !bEnd &&
        as >= oldEnd &&
        bs >= newEnd &&
        mapped === bs &&
        a.tok === b.tok &&
        a.quotes === 0 &&
        b.quotes === 0 &&
        a.plain() &&
        // A `/` is division or a slashy string's start by the token before it, which the edit may change.
        a.tok !== K.Slash &&
        a.tok !== K.SlashAssign
      ) {
        const merged = opens.slice(0, kept);
        for (const o of b.opens) merged.push(o);
        let i = lo;
        while (i < opens.length && opens[i] < as) i++;
        for (; i < opens.length; i++) merged.push(opens[i] + delta);
        return (this.new = { balance: before.balance + b.balance - a.balance, opens: merged });
      }
      if (bEnd || (!aEnd && mapped < bs)) a.step();
      else if (aEnd || bs < mapped) b.step();
      else {
        a.step();
        b.step();
      }
    }
    const merged = opens.slice(0, kept);
    for (const o of b.opens) merged.push(o);
    return (this.new = { balance: before.balance + b.balance - a.balance, opens: merged });
  }

  /** The new text's count, if it was needed. */
  known(): BraceCount | undefined {
    return this.new;
  }
}

const STATEMENTS = new Set([
  'ExpressionStatement',
  'VarDecl',
  'Block',
  'If',
  'While',
  'For',
  'Switch',
  'Try',
  'Return',
  'Throw',
  'Break',
  'Continue',
  'MethodDecl',
  'ClassDecl',
  'Import',
  'Package',
  'ErrorStatement',
]);

/**
 * Start of the statement the parser was in when it met the `{` of path[at] (the line of the statement
 * is what a `}` of the block is indented against), or -1 when the tree does not say.
 */
function ownerOf(text: string, path: Node[], at: number): number {
  const node = path[at];
  const parent = path[at - 1];
  if (node.type === 'Closure') {
    for (let i = at - 1; i > 0; i--) if (STATEMENTS.has(path[i].type)) return path[i].start;
    return -1;
  }
  switch (parent.type) {
    case 'Try':
    case 'MethodDecl':
      return parent.start;
    case 'Catch':
      return path[at - 2].start;
    case 'If':
    case 'While':
    case 'For':
      return node.start; // the body is a statement of its own
    default: {
      // A statement of its own, unless it is the block of `synchronized (x) {` (it follows a `)`).
      let p = node.start;
      while (p > 0 && isBlank(text.charCodeAt(p - 1))) p--;
      return text.charCodeAt(p - 1) === 41 ? -1 : node.start;
    }
  }
}

/** Leading blanks of the line containing `offset` (what the indentation rule reads). */
function lineIndent(text: string, offset: number): string {
  let lineStart = offset;
  while (lineStart > 0) {
    const c = text.charCodeAt(lineStart - 1);
    if (c === 10 || c === 13) break;
    lineStart--;
  }
  let p = lineStart;
  while (p < offset && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  return text.slice(lineStart, p);
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

// ---- Building the new tree -------------------------------------------------------------------------

/**
 * New copies of path[0..at) with path[at] replaced by `replacement`: in each, children before the
 * edit are shared, children at or after `boundary` (an old offset) are shifted copies, and the end
 * moves by `delta`.
 */
function rebuild(path: Node[], at: number, replacement: Node, boundary: number, delta: number): Node {
  let child: Node = path[at];
  let next: Node = replacement;
  for (let i = at - 1; i >= 0; i--) {
    const copy = copyAround(path[i], child, next, boundary, delta);
    child = path[i];
    next = copy;
  }
  return next;
}

type Obj = Record<string, unknown>;

function copyAround(node: Node, oldChild: Node, newChild: Node, boundary: number, delta: number): Node {
  const source = node as unknown as Obj;
  const copy: Obj = {};
  for (const key in source) {
    const v = source[key];
    if (v === oldChild) copy[key] = newChild;
    else if (Array.isArray(v))
      copy[key] = v.map((item) => (item === oldChild ? newChild : shiftFrom(item, boundary, delta)));
    else copy[key] = shiftFrom(v, boundary, delta);
  }
  copy.end = (copy.end as number) + delta;
  return copy as unknown as Node;
}

/**
 * A value off the path to the edit, moved as far as it lies after `boundary`: wholly after, shifted; wholly
 * before, kept; across it — siblings whose spans overlap, as the declarations of `def (a, b) = [x, y]`,
 * where `b` starts before an edit in `x` and holds `y` after it — a copy whose end and later parts move.
 */
function shiftFrom(v: unknown, boundary: number, delta: number): unknown {
  if (!isShiftable(v)) return v;
  const o = v as Obj;
  if ((o.start as number) >= boundary) return shifted(o, delta);
  if ((o.end as number) < boundary || typeof o.type !== 'string') return v;
  const copy: Obj = {};
  for (const key in o) {
    const f = o[key];
    copy[key] = Array.isArray(f) ? f.map((item) => shiftFrom(item, boundary, delta)) : shiftFrom(f, boundary, delta);
  }
  copy.end = (o.end as number) + delta;
  return copy;
}

function isShiftable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as Obj).start === 'number';
}

/** A deep copy of a node (or span) with every offset moved by `delta`. */
function shifted(o: Obj, delta: number): Obj {
  // A spread clone keeps the parser's object shapes; then the object-valued fields are replaced.
  const copy: Obj = { ...o };
  copy.start = (o.start as number) + delta;
  copy.end = (o.end as number) + delta;
  for (const key in o) {
    const v = o[key];
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      if (key === 'offsets') {
        const moved = new Array<number>(v.length);
        for (let i = 0; i < v.length; i++) moved[i] = (v[i] as number) + delta;
        copy[key] = moved;
      } else if (typeof v[0] === 'object') {
        const moved = new Array<unknown>(v.length);
        for (let i = 0; i < v.length; i++) moved[i] = shifted(v[i] as Obj, delta);
        copy[key] = moved;
      } else {
        copy[key] = v.slice();
      }
    } else {
      copy[key] = shifted(v as Obj, delta);
    }
  }
  return copy;
}

function shiftError(e: ParseError, boundary: number, delta: number): ParseError {
  return e.offset >= boundary && delta !== 0 ? { ...e, offset: e.offset + delta } : e;
}
