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
// from the path below and checked) and, for a `}` indented less than its block's opener, the whole
// text's brace balance (unchanged when a balanced block replaces a balanced block; a block whose `}`
// needed it with an excess of `{` falls back to a full parse). What follows the block reads only the
// text after it. Errors: the parser drops an error at the same offset as the one before it; the
// conditions below keep those decisions the same (else a full parse).

import type {
  Annotation,
  Argument,
  BlockStatement,
  Closure,
  Node,
  ParseError,
  ParseResult,
  Program,
  Span,
  StringLiteral,
  TextPart,
} from './ast';
import { forEachChild } from './ast';
import { braceImbalanceOf, MAX_DEPTH, parse, parseBlockAt, parseMeta } from './parser';
import { Quote, StringStop, SyntaxKind as K, createScanner } from './scanner';

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
  | { kind: 'token' | 'block'; oldStart: number; oldEnd: number; newStart: number; newEnd: number }
  | { kind: 'full'; why: string }
  | { kind: 'none' };

export interface ReparseResult extends ParseResult {
  readonly reparsed: Reparsed;
}

/** Enclosing blocks tried (innermost first) before parsing everything. */
const MAX_TRIES = 3;

/**
 * The parse of `text`, reusing `prev` (which stays as it was). `change` is optional; without it the
 * changed range is found by comparing the texts.
 */
export function reparse(prev: ParseResult, text: string, change?: TextChange): ReparseResult {
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
  for (let i = top - 1; i > 0 && tries < MAX_TRIES; i--) {
    const node = path[i];
    if (node.type !== 'Block' && node.type !== 'Closure') continue;
    if (node.type === 'Closure' && path[i - 1].type === 'New') continue; // an anonymous class body
    if (!(node.start < change.start && change.oldEnd < node.end)) continue; // the edit touches its braces
    tries++;
    const result = reparseBlock(prev, text, change, path, i);
    if (typeof result !== 'string') return result;
    why = result;
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
  const errors = prev.errors.map((e) => shiftError(e, str.end, delta));
  const result: ReparseResult = {
    text,
    program,
    errors,
    reparsed: { kind: 'token', oldStart: str.start, oldEnd: str.end, newStart: str.start, newEnd: str.end + delta },
  };
  const shift = (o: number): number => (o >= str.end ? o + delta : o);
  parseMeta.set(result, {
    cursors: meta.cursors.map(shift),
    dropOffsets: meta.dropOffsets.map(shift),
    dropCursors: meta.dropCursors.map(shift),
    balance: meta.balance,
  });
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

/** Re-parses path[at] (a block or closure) alone; returns why not when it cannot stand for a full parse. */
function reparseBlock(
  prev: ParseResult,
  text: string,
  change: TextChange,
  path: Node[],
  at: number,
): ReparseResult | string {
  const old = path[at] as BlockStatement | Closure;
  const delta = change.newEnd - change.oldEnd;
  const oldText = prev.text;
  if (old.annotations !== undefined || oldText.charCodeAt(old.start) !== 123 || oldText.charCodeAt(old.end - 1) !== 125)
    return 'not a braced block';
  const newEnd = old.end + delta;
  // rust-analyzer's is_balanced: the braces of the old and new block text match up by themselves.
  if (balancedEnd(oldText, old.start) !== old.end || balancedEnd(text, old.start) !== newEnd)
    return 'block not balanced';
  // Each node on the path adds at most 2 nesting levels (a statement and its expression); parse the
  // block at a depth no lower than its real one, and give up if the cap is hit there.
  const depth = Math.min(MAX_DEPTH, 2 * at + 2);
  const meta = parseMeta.get(prev);
  if (meta === undefined) return 'no parse record';
  // An excess of `{` lets a less indented `}` close an outer block, judged against the indentation of
  // the line where that block's statement starts. Parsed alone, the block's statement is taken to start
  // at its `{`: the same indentation when the innermost statement around the block starts on that line.
  // The line of its `}` may go on after it (`} else {`): its indentation must not change. Else parse
  // everything. A balanced block for a balanced block keeps the balance.
  const balance = (meta.balance ??= braceImbalanceOf(oldText));
  if (balance > 0) {
    if (!ownerOnSameLine(oldText, path, at)) return 'more { than }, statement starts on another line';
    if (lineIndent(oldText, old.end - 1) !== lineIndent(text, newEnd - 1))
      return 'more { than }, indentation of the closing line changed';
  }
  const parsed = parseBlockAt(text, old.start, old.type === 'Closure', depth, () => balance);
  if (parsed.node === null || !parsed.closed || parsed.node.end !== newEnd) return 'block ends elsewhere';
  if (parsed.tooDeep) return 'nesting cap';

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
    if (hi < errors.length && errors[hi].offset === before) return 'duplicate error';
    for (let i = 0; i < meta.dropOffsets.length; i++)
      if (meta.dropOffsets[i] === before && meta.dropCursors[i] >= old.end) return 'duplicate error';
  }
  const newErrors: ParseError[] = errors.slice(0, lo);
  const newCursors: number[] = cursors.slice(0, lo);
  for (let i = 0; i < inside.length; i++) {
    newErrors.push(inside[i]);
    newCursors.push(parsed.meta.cursors[i]);
  }
  for (let i = hi; i < errors.length; i++) {
    newErrors.push(shiftError(errors[i], old.end, delta));
    newCursors.push(cursors[i] + delta);
  }
  const dropOffsets: number[] = [];
  const dropCursors: number[] = [];
  for (let i = 0; i < meta.dropOffsets.length; i++) {
    const c = meta.dropCursors[i];
    if (c <= old.start) {
      dropOffsets.push(meta.dropOffsets[i]);
      dropCursors.push(c);
    }
  }
  for (let i = 0; i < parsed.meta.dropOffsets.length; i++) {
    dropOffsets.push(parsed.meta.dropOffsets[i]);
    dropCursors.push(parsed.meta.dropCursors[i]);
  }
  for (let i = 0; i < meta.dropOffsets.length; i++) {
    const c = meta.dropCursors[i];
    if (c >= old.end) {
      const o = meta.dropOffsets[i];
      dropOffsets.push(o >= old.end ? o + delta : o);
      dropCursors.push(c + delta);
    }
  }

  const program = rebuild(path, at, parsed.node, old.end, delta) as Program;
  const result: ReparseResult = {
    text,
    program,
    errors: newErrors,
    reparsed: { kind: 'block', oldStart: old.start, oldEnd: old.end, newStart: old.start, newEnd },
  };
  parseMeta.set(result, { cursors: newCursors, dropOffsets, dropCursors, balance });
  return result;
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

/** Whether the innermost statement around path[at] (if any) starts on the line of its `{`. */
function ownerOnSameLine(text: string, path: Node[], at: number): boolean {
  let i = at - 1;
  while (i >= 0 && !STATEMENTS.has(path[i].type)) i--;
  if (i < 0) return true;
  for (let p = path[i].start; p < path[at].start; p++) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) return false;
  }
  return true;
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

/** End of the `{ }` whose `{` is at `open` (scanned alone, strings and comments skipped), or -1. */
function balancedEnd(text: string, open: number): number {
  const sc = createScanner(text);
  sc.setPosition(open);
  const stack: number[] = [];
  let t = sc.scan();
  if (t !== K.OpenBrace) return -1;
  for (;;) {
    if (t === K.EOF) return -1;
    if (t === K.OpenBrace) {
      stack.push(-1);
      t = sc.scan();
    } else if (t === K.CloseBrace) {
      const top = stack.pop()!;
      if (stack.length === 0) return top >= 0 ? -1 : sc.getTokenEnd();
      t = top >= 0 ? sc.continueString(top as Quote, sc.getTokenEnd()) : sc.scan();
    } else if (t === K.StringHead || t === K.StringMiddle) {
      const q = sc.getQuote();
      const dollar = sc.getTextEnd();
      if (sc.getStringStop() === StringStop.DollarBrace) {
        stack.push(q);
        sc.setPosition(dollar + 2);
        t = sc.scan();
      } else {
        let e = sc.identifierEnd(dollar + 1);
        while (text.charCodeAt(e) === 46) {
          const e2 = sc.identifierEnd(e + 1);
          if (e2 === e + 1) break;
          e = e2;
        }
        t = sc.continueString(q, e);
      }
    } else {
      t = sc.scan();
    }
  }
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
      copy[key] = v.map((item) =>
        item === oldChild
          ? newChild
          : isShiftable(item) && ((item as Obj).start as number) >= boundary
            ? shiftValue(item as Obj, delta)
            : item,
      );
    else if (isShiftable(v) && ((v as Obj).start as number) >= boundary) copy[key] = shiftValue(v as Obj, delta);
    else copy[key] = v;
  }
  copy.end = (copy.end as number) + delta;
  return copy as unknown as Node;
}

/** A node, or a span that is not a node (`nameSpan`, `propertySpan`), moved by `delta`. */
function shiftValue(v: Obj, delta: number): unknown {
  return typeof v.type === 'string' ? shiftNode(v as unknown as Node, delta) : span(v as unknown as Span, delta);
}

function isShiftable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as Obj).start === 'number';
}

function span(s: Span, d: number): Span {
  return { start: s.start + d, end: s.end + d };
}

function all<T extends Node>(list: T[], d: number): T[] {
  const n = list.length;
  if (n === 0) return list;
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = shiftNode(list[i], d);
  return out;
}

function opt<T extends Node>(n: T | null, d: number): T | null {
  return n === null ? null : shiftNode(n, d);
}

/** A copy of `node` and everything under it with every offset moved by `d` (one case per node type). */
function shiftNode<T extends Node>(node: T, d: number): T {
  const n = node as Node;
  const start = n.start + d;
  const end = n.end + d;
  let c: Node;
  switch (n.type) {
    case 'Identifier':
      if (n.annotations === undefined) return { type: 'Identifier', name: n.name, start, end } as T;
      c = { ...n, start, end };
      break;
    case 'Number':
    case 'Boolean':
    case 'Null':
    case 'Error':
    case 'ErrorStatement':
    case 'Import':
    case 'Package':
    case 'Break':
    case 'Continue':
      c = { ...n, start, end };
      break;
    case 'Text':
      if (n.offsets === undefined) return { type: 'Text', value: n.value, start, end } as T;
      {
        const o = n.offsets;
        const moved = new Array<number>(o.length);
        for (let i = 0; i < o.length; i++) moved[i] = o[i] + d;
        return { ...n, start, end, offsets: moved } as TextPart as T;
      }
    case 'Program':
      return { ...n, start, end, body: all(n.body, d) } as T;
    case 'Block':
    case 'ClassDecl':
      c = { ...n, start, end, body: all(n.body, d) };
      break;
    case 'ExpressionStatement':
      c = { ...n, start, end, expression: shiftNode(n.expression, d) };
      break;
    case 'VarDecl':
      c = { ...n, start, end, nameSpan: span(n.nameSpan, d), init: opt(n.init, d) };
      break;
    case 'If':
      c = {
        ...n,
        start,
        end,
        test: shiftNode(n.test, d),
        consequent: shiftNode(n.consequent, d),
        alternate: opt(n.alternate, d),
      };
      break;
    case 'While':
      c = { ...n, start, end, test: shiftNode(n.test, d), body: shiftNode(n.body, d) };
      break;
    case 'For':
      c = {
        ...n,
        start,
        end,
        iterable: opt(n.iterable, d),
        init: opt(n.init, d),
        test: opt(n.test, d),
        update: opt(n.update, d),
        body: shiftNode(n.body, d),
      };
      break;
    case 'Switch':
      c = { ...n, start, end, discriminant: shiftNode(n.discriminant, d), cases: all(n.cases, d) };
      break;
    case 'SwitchCase':
      return { ...n, start, end, test: opt(n.test, d), body: all(n.body, d) } as T;
    case 'Try':
      c = {
        ...n,
        start,
        end,
        block: shiftNode(n.block, d),
        handlers: all(n.handlers, d),
        finalizer: opt(n.finalizer, d),
      };
      break;
    case 'Catch':
      return { ...n, start, end, body: shiftNode(n.body, d) } as T;
    case 'Return':
      c = { ...n, start, end, argument: opt(n.argument, d) };
      break;
    case 'Throw':
      c = { ...n, start, end, argument: shiftNode(n.argument, d) };
      break;
    case 'MethodDecl':
      c = { ...n, start, end, nameSpan: span(n.nameSpan, d), params: all(n.params, d), body: opt(n.body, d) };
      if (n.defaultValue !== undefined) c.defaultValue = shiftNode(n.defaultValue, d);
      break;
    case 'Parameter':
      return { ...n, start, end, defaultValue: opt(n.defaultValue, d) } as T;
    case 'Annotation':
      return { ...n, start, end, args: all(n.args as Node[], d) as Argument[] } as T;
    case 'String':
      if (n.annotations === undefined)
        return {
          type: 'String',
          quote: n.quote,
          parts: all(n.parts, d),
          interpolated: n.interpolated,
          value: n.value,
          start,
          end,
        } as T;
      c = { ...n, start, end, parts: all(n.parts, d) };
      break;
    case 'Interpolation':
      return { ...n, start, end, expression: opt(n.expression, d) } as T;
    case 'List':
      c = { ...n, start, end, elements: all(n.elements, d) };
      break;
    case 'Map':
      c = { ...n, start, end, entries: all(n.entries, d) };
      break;
    case 'MapEntry':
      return { ...n, start, end, key: shiftNode(n.key, d), value: shiftNode(n.value, d) } as T;
    case 'NamedArg':
      return { ...n, start, end, nameSpan: span(n.nameSpan, d), value: shiftNode(n.value, d) } as T;
    case 'Call':
      c = {
        ...n,
        start,
        end,
        callee: shiftNode(n.callee, d),
        args: all(n.args as Node[], d) as Argument[],
        closures: all(n.closures, d),
      };
      break;
    case 'New':
      c = { ...n, start, end, args: all(n.args as Node[], d) as Argument[], closures: all(n.closures, d) };
      break;
    case 'Property':
      c = { ...n, start, end, object: shiftNode(n.object, d), propertySpan: span(n.propertySpan, d) };
      break;
    case 'Index':
      c = { ...n, start, end, object: shiftNode(n.object, d), index: shiftNode(n.index, d) };
      break;
    case 'Closure':
      c = { ...n, start, end, params: all(n.params, d), body: all(n.body, d) };
      break;
    case 'Binary':
      c = { ...n, start, end, left: shiftNode(n.left, d), right: shiftNode(n.right, d) };
      break;
    case 'Unary':
      c = { ...n, start, end, argument: shiftNode(n.argument, d) };
      break;
    case 'Assign':
      c = { ...n, start, end, target: shiftNode(n.target, d), value: shiftNode(n.value, d) };
      break;
    case 'Ternary':
      c = {
        ...n,
        start,
        end,
        test: shiftNode(n.test, d),
        consequent: opt(n.consequent, d),
        alternate: shiftNode(n.alternate, d),
      };
      break;
    case 'Cast':
    case 'Paren':
      c = { ...n, start, end, expression: shiftNode(n.expression, d) };
      break;
  }
  const annotations = (n as { annotations?: Annotation[] }).annotations;
  if (annotations !== undefined) (c as { annotations?: Annotation[] }).annotations = all(annotations, d);
  return c as T;
}

function shiftError(e: ParseError, boundary: number, delta: number): ParseError {
  return e.offset >= boundary && delta !== 0 ? { ...e, offset: e.offset + delta } : e;
}
