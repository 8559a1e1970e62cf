// Incremental re-parsing (tree-sitter's edit + reparse, for our parser). After an edit, only the
// innermost `{ }` block or closure whose braces strictly contain the change is parsed again, from its
// `{`, in the parser state the full parse had there (recorded through parser hooks). The result is
// spliced into the previous tree and every offset after the block is shifted by the length change.
//
// API: `parseIncremental(text)` is a full parse that records what updates need; `updateParse(prev,
// newText, change?)` returns the parse of `newText` and says what it `reparsed` (a block's old/new
// range, or 'full' plus a `fallback` reason). `prev` is consumed: its nodes and errors array are
// reused and mutated, and a later update of `prev` itself gets a full parse.
//
// The result is always identical to `parse(newText)` (deep-equal tree and errors). A block is
// re-parsed on its own only when all of these hold, else an enclosing block is tried (up to 4), then
// the whole text:
// - its `{` and `}` are outside the edit, it closed on its own `}` (old and new parse), and the new
//   parse of it ends exactly at its old end plus the length change;
// - it is not inside a GString interpolation (parents keep its source text) nor in a single-line
//   string's `${}` (newline-limited state), and carries no annotations;
// - the line of its `}` keeps its leading blanks (code after the `}` on that line takes its
//   indentation from there in the brace-recovery rule);
// - if any `}` outside the block was decided by the whole-text brace balance, the balance keeps its
//   sign in the new text;
// - error de-duplication (one error per offset) decides the same for the first errors after the
//   block; a block spanning most of a large text goes straight to a full parse.
//
// Offsets are shifted with flat lists ("arenas") of every offset-bearing object and every cooked-offset
// array, kept in tree pre-order so that a block's subtree is one contiguous range of them.

import type { BlockStatement, Closure, Node, ParseError, Program, Span, TextPart } from './ast';
import { braceImbalanceOf, parseWithHooks } from './parser';
import type { ParserHooks } from './parser';

/** A parse that can be updated after edits. It owns its tree: `updateParse` mutates and reuses its nodes. */
export interface IncrementalParse {
  readonly text: string;
  readonly program: Program;
  readonly errors: ParseError[];
}

/** An edit in old-text coordinates: old [start, oldEnd) became new [start, newEnd). */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * What `updateParse` parsed again: a block's old and new range (the block object is kept, its contents
 * replaced), or the whole text. Every changed node lies inside it. For blanks typed between statements
 * nothing is parsed and the innermost enclosing block is reported (at top level: the edited range).
 */
export type Reparsed = { oldStart: number; oldEnd: number; newStart: number; newEnd: number } | 'full';

/** The updated parse plus what was parsed again (for callers that keep their own incremental state). */
export type UpdatedParse = IncrementalParse & { reparsed: Reparsed; fallback?: string };

/** One parsed `{ }` statement block or closure, with the state its parse started in. */
interface Region {
  node: BlockStatement | Closure;
  closure: boolean;
  owner: number;
  depth: number;
  nl: boolean;
  /** May be re-parsed on its own (closed on its own `}`, not in a string, starts at its `{`). */
  ok: boolean;
  parent: Region | null;
  /** Index of `node` in the arena, and how many arena objects its subtree (node included) has. */
  at: number;
  size: number;
  /** Same for cooked-offset arrays. */
  offAt: number;
  offCount: number;
}

interface State {
  text: string;
  program: Program;
  errors: ParseError[];
  /** Parser position (current token start) when each error was reported; non-decreasing. */
  cursors: number[];
  /** Parser positions where a duplicate error was dropped. */
  dropped: number[];
  /** Offsets of `}` decided by the whole-text brace balance. */
  consults: number[];
  /** Brace balance of `text` when known. */
  balance: number | null;
  arena: Span[];
  /** `start` and `end` of each arena object (packed number lists: the shift loop only writes objects). */
  starts: number[];
  ends: number[];
  offArena: number[][];
  /** In tree pre-order (which is order of `{`). */
  regions: Region[];
  current: IncrementalParse | null;
}

const states = new WeakMap<IncrementalParse, State>();

interface BlockInfo {
  owner: number;
  depth: number;
  nl: boolean;
  inLine: boolean;
  closed: boolean;
}

/** Collects a subtree's offset-bearing objects and regions in pre-order (iteratively: trees can be deep). */
function collect(root: Node, infos: Map<Node, BlockInfo>, text: string, arena: Span[], starts: number[], ends: number[], offArena: number[][], regions: Region[], rootParent: Region | null): void {
  const EXIT_REGION = 1;
  const EXIT_INTERP = 2;
  const stack: Array<Node | Span | number> = [root];
  const open: Region[] = [];
  let inInterpolation = 0;
  /** Children of the current node in source order (one reused list: no allocation per node). */
  const kids: Array<Node | Span | null | undefined> = [];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'number') {
      if (item === EXIT_REGION) {
        const r = open.pop()!;
        r.size = arena.length - r.at;
        r.offCount = offArena.length - r.offAt;
      } else {
        inInterpolation--;
      }
      continue;
    }
    arena.push(item);
    starts.push(item.start);
    ends.push(item.end);
    if ((item as { type?: string }).type === undefined) continue; // nameSpan / propertySpan
    const n = item as Node;
    switch (n.type) {
      case 'Program':
        pushAll(kids, n.body);
        break;
      case 'ExpressionStatement':
        kids.push(n.expression);
        break;
      case 'VarDecl':
        kids.push(n.nameSpan, n.init);
        break;
      case 'Block':
      case 'Closure': {
        const info = infos.get(n);
        if (info !== undefined) {
          const region: Region = {
            node: n,
            closure: n.type === 'Closure',
            owner: info.owner,
            depth: info.depth,
            nl: info.nl,
            ok: info.closed && !info.inLine && inInterpolation === 0 && n.annotations === undefined && text.charCodeAt(n.start) === 123 && text.charCodeAt(n.end - 1) === 125,
            parent: open.length > 0 ? open[open.length - 1] : rootParent,
            at: arena.length - 1,
            size: 1,
            offAt: offArena.length,
            offCount: 0,
          };
          regions.push(region);
          open.push(region);
          stack.push(EXIT_REGION);
        }
        if (n.type === 'Closure') pushAll(kids, n.params);
        pushAll(kids, n.body);
        break;
      }
      case 'If':
        kids.push(n.test, n.consequent, n.alternate);
        break;
      case 'While':
        if (n.body.start < n.test.start) kids.push(n.body, n.test);
        else kids.push(n.test, n.body);
        break;
      case 'For':
        kids.push(n.iterable, n.init, n.test, n.update, n.body);
        break;
      case 'Switch':
        kids.push(n.discriminant);
        pushAll(kids, n.cases);
        break;
      case 'SwitchCase':
        kids.push(n.test);
        pushAll(kids, n.body);
        break;
      case 'Try':
        kids.push(n.block);
        pushAll(kids, n.handlers);
        kids.push(n.finalizer);
        break;
      case 'Catch':
        kids.push(n.body);
        break;
      case 'Return':
      case 'Throw':
        kids.push(n.argument);
        break;
      case 'MethodDecl':
        kids.push(n.nameSpan);
        pushAll(kids, n.params);
        kids.push(n.body);
        break;
      case 'ClassDecl':
        pushAll(kids, n.body);
        break;
      case 'Annotation':
        pushAll(kids, n.args);
        break;
      case 'String':
        pushAll(kids, n.parts);
        break;
      case 'Text':
        if ((n as TextPart).offsets !== undefined) offArena.push((n as TextPart).offsets!);
        break;
      case 'Interpolation':
        inInterpolation++;
        stack.push(EXIT_INTERP);
        kids.push(n.expression);
        break;
      case 'List':
        pushAll(kids, n.elements);
        break;
      case 'Map':
        pushAll(kids, n.entries);
        break;
      case 'MapEntry':
        kids.push(n.key, n.value);
        break;
      case 'NamedArg':
        kids.push(n.nameSpan, n.value);
        break;
      case 'Call':
        kids.push(n.callee);
        pushAll(kids, n.args);
        pushAll(kids, n.closures);
        break;
      case 'Property':
        kids.push(n.object, n.propertySpan);
        break;
      case 'Index':
        kids.push(n.object, n.index);
        break;
      case 'Parameter':
        kids.push(n.defaultValue);
        break;
      case 'Binary':
        kids.push(n.left, n.right);
        break;
      case 'Unary':
        kids.push(n.argument);
        break;
      case 'Assign':
        kids.push(n.target, n.value);
        break;
      case 'Ternary':
        kids.push(n.test, n.consequent, n.alternate);
        break;
      case 'Cast':
        kids.push(n.expression);
        break;
      case 'New':
        pushAll(kids, n.args);
        pushAll(kids, n.closures);
        break;
      case 'Paren':
        kids.push(n.expression);
        break;
      default:
        break;
    }
    // Popping reverses them for the stack and leaves the list empty (setting length is a runtime call).
    while (kids.length > 0) {
      const k = kids.pop();
      if (k !== null && k !== undefined) stack.push(k);
    }
    const annotations = (n as { annotations?: Node[] }).annotations;
    if (annotations !== undefined) for (let i = annotations.length - 1; i >= 0; i--) stack.push(annotations[i]);
  }
}

function pushAll(into: Array<Node | Span | null | undefined>, items: readonly Node[]): void {
  for (let i = 0; i < items.length; i++) into.push(items[i]);
}

function hooksFor(infos: Map<Node, BlockInfo>, cursors: number[], dropped: number[], consults: number[]): ParserHooks {
  return {
    onBlock(node, owner, depth, nl, inLine, closed) {
      infos.set(node, { owner, depth, nl, inLine, closed });
    },
    errorCursors: cursors,
    droppedCursors: dropped,
    onBraceBalance(offset) {
      consults.push(offset);
    },
  };
}

/** Full parse of `text` that records what later `updateParse` calls need. */
export function parseIncremental(text: string): IncrementalParse {
  const infos = new Map<Node, BlockInfo>();
  const cursors: number[] = [];
  const dropped: number[] = [];
  const consults: number[] = [];
  const result = parseWithHooks(text, hooksFor(infos, cursors, dropped, consults));
  cursors.length = result.errors.length;
  // Speculative parses that were rewound may have left drops out of order: keep the lists sorted.
  dropped.sort(byNumber);
  consults.sort(byNumber);
  const arena: Span[] = [];
  const offArena: number[][] = [];
  const regions: Region[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  collect(result.program, infos, text, arena, starts, ends, offArena, regions, null);
  const parsed: IncrementalParse = { text, program: result.program, errors: result.errors };
  const state: State = { text, program: result.program, errors: result.errors, cursors, dropped, consults, balance: null, arena, starts, ends, offArena, regions, current: parsed };
  states.set(parsed, state);
  return parsed;
}

function byNumber(a: number, b: number): number {
  return a - b;
}

/** First index in the non-decreasing `list` whose value is >= `value`. */
function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Replaces `count` items of `list` at `at` with `items` from index `from` on. */
function replaceRange<T>(list: T[], at: number, count: number, items: readonly T[], from = 0): void {
  const added = items.length - from;
  if (added <= 8192) {
    // Native splice moves the tail with a memmove (copyWithin would take the generic path).
    list.splice(at, count, ...(from === 0 ? items : items.slice(from)));
    return;
  }
  const delta = added - count;
  const oldLength = list.length;
  if (delta > 0) {
    for (let i = 0; i < delta; i++) list.push(items[from]);
    for (let i = oldLength - 1; i >= at + count; i--) list[i + delta] = list[i];
  } else if (delta < 0) {
    for (let i = at + count; i < oldLength; i++) list[i + delta] = list[i];
    list.length = oldLength + delta;
  }
  for (let i = 0; i < added; i++) list[at + i] = items[from + i];
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
    while (prefix + step <= minLength && oldText.substring(prefix, prefix + step) === newText.substring(prefix, prefix + step)) prefix += step;
  }
  while (prefix < minLength && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) prefix++;
  const maxSuffix = minLength - prefix;
  let suffix = 0;
  for (let step = 4096; step >= 16; step >>= 4) {
    while (suffix + step <= maxSuffix && oldText.substring(oldLength - suffix - step, oldLength - suffix) === newText.substring(newLength - suffix - step, newLength - suffix)) suffix += step;
  }
  while (suffix < maxSuffix && oldText.charCodeAt(oldLength - suffix - 1) === newText.charCodeAt(newLength - suffix - 1)) suffix++;
  return { start: prefix, oldEnd: oldLength - suffix, newEnd: newLength - suffix };
}

function full(newText: string, why: string): UpdatedParse {
  const parsed = parseIncremental(newText) as UpdatedParse;
  parsed.reparsed = 'full';
  parsed.fallback = why;
  return parsed;
}

/** Most enclosing blocks tried before giving up and parsing the whole text. */
const MAX_TRIES = 4;

/**
 * Returns the parse of `newText`, reusing `prev` (which must not be used afterwards: its nodes now
 * belong to the result). `change` is optional; without it the change is found by comparing texts.
 * The result is always identical to `parse(newText)`.
 */
export function updateParse(prev: IncrementalParse, newText: string, change?: TextChange): UpdatedParse {
  const state = states.get(prev);
  if (state === undefined || state.current !== prev) return full(newText, 'stale parse');
  const oldText = state.text;
  if (change === undefined || change.start < 0 || change.start > change.oldEnd || change.oldEnd > oldText.length || change.newEnd < change.start || newText.length - oldText.length !== change.newEnd - change.oldEnd) {
    change = computeChange(oldText, newText);
  }
  const delta = change.newEnd - change.oldEnd;
  if (change.start === change.oldEnd && delta === 0) {
    const same = finish(state, newText);
    same.reparsed = { oldStart: change.start, oldEnd: change.start, newStart: change.start, newEnd: change.start };
    return same;
  }
  // Innermost region whose braces strictly contain the change: the last region starting before it, or
  // one of its ancestors.
  const regions = state.regions;
  let lo = 0;
  let hi = regions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (regions[mid].node.start < change.start) lo = mid + 1;
    else hi = mid;
  }
  let candidate: Region | null = lo > 0 ? regions[lo - 1] : null;
  while (candidate !== null && !(candidate.node.start < change.start && change.oldEnd < candidate.node.end)) candidate = candidate.parent;
  const shifted = blankEdit(state, newText, change, candidate);
  if (shifted !== null) return shifted;
  let why = 'no enclosing block';
  // The new text's brace balance, counted at most once for all the blocks tried.
  const balance: Balance = {
    value: null,
    get: () => (balance.value ??= braceImbalanceOf(newText)),
  };
  for (let tries = 0; candidate !== null && tries < MAX_TRIES; candidate = candidate.parent) {
    if (!candidate.ok) continue;
    // A block spanning most of the text costs about a full parse, which cannot fail: parse it all.
    if (candidate.node.end - candidate.node.start > Math.max(65536, newText.length / 2)) {
      why = 'enclosing block is most of the text';
      break;
    }
    tries++;
    const outcome = tryRegion(state, candidate, newText, delta, balance);
    if (typeof outcome !== 'string') return outcome;
    why = outcome;
  }
  return full(newText, why);
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function allBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBlank(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Blanks (spaces, tabs, line breaks) typed or deleted between two statements change no token, no
 * line break before a token and no indentation a token's line has: the parse is the same with
 * positions moved, so nothing is parsed. Returns null when that cannot be shown cheaply.
 */
function blankEdit(state: State, newText: string, change: TextChange, container: Region | null): UpdatedParse | null {
  const oldText = state.text;
  const { start, oldEnd, newEnd } = change;
  if (oldEnd - start > 256 || newEnd - start > 256) return null;
  // A block inside a GString interpolation is part of the string's source text.
  if (container !== null && !container.ok) return null;
  if (!allBlank(oldText, start, oldEnd) || !allBlank(newText, start, newEnd)) return null;
  // The statements around: the edit must lie in the gap between two of them (or after the last).
  const block: { body: readonly Node[]; start: number; end: number } = container !== null ? container.node : state.program;
  const body = block.body;
  let lo = 0;
  let hi = body.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (body[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return null; // before the first statement: closure parameters, `->` and the like
  const prevEnd = body[lo - 1].end;
  const nextStart = lo < body.length ? body[lo].start : container !== null ? block.end - 1 : oldText.length;
  if (prevEnd > start || oldEnd > nextStart || oldEnd >= oldText.length) return null;
  if (!isBlank(oldText.charCodeAt(oldEnd))) return null; // no token may start right after the edit
  if (prevEnd === start) {
    // Right after a token: it must end at a line break in both texts (an unterminated string ends there).
    const a = oldText.charCodeAt(start);
    const b = newText.charCodeAt(start);
    if (!(a === 10 || a === 13) || !(b === 10 || b === 13)) return null;
  }
  // Nothing but blanks between the statement and the edit (no comment the edit could cut).
  if (!allBlank(oldText, prevEnd, start)) return null;
  // The next token's line break and its line's indentation must stay: the rest of the line after the
  // edit is blank and a line break follows before the next token; without line breaks in the edit it
  // is enough that the edit is not in a line's leading blanks.
  let p = oldEnd;
  while (p < oldText.length && (oldText.charCodeAt(p) === 32 || oldText.charCodeAt(p) === 9)) p++;
  const breakFollows = p < oldText.length && (oldText.charCodeAt(p) === 10 || oldText.charCodeAt(p) === 13);
  if (!breakFollows) {
    if (hasLineBreak(oldText, start, oldEnd) || hasLineBreak(newText, start, newEnd)) return null;
    let q = start;
    while (q > 0 && (oldText.charCodeAt(q - 1) === 32 || oldText.charCodeAt(q - 1) === 9)) q--;
    if (q === 0 || oldText.charCodeAt(q - 1) === 10 || oldText.charCodeAt(q - 1) === 13) return null;
  }
  const delta = newEnd - oldEnd;
  const arena = state.arena;
  // Positions up to `start` belong to the code before (a node may end exactly there); the blank range
  // holds none; everything after it moves.
  const boundary = start + 1;
  if (delta !== 0) {
    shiftObjects(arena, state.starts, state.ends, 0, arena.length, boundary, delta);
    const offArena = state.offArena;
    for (let i = 0; i < offArena.length; i++) {
      const a = offArena[i];
      if (a.length > 0 && a[0] >= boundary) for (let k = 0; k < a.length; k++) a[k] += delta;
    }
    const errors = state.errors;
    const cursors = state.cursors;
    for (let i = 0; i < errors.length; i++) {
      if (errors[i].offset >= boundary) errors[i].offset += delta;
      if (cursors[i] >= boundary) cursors[i] += delta;
    }
    for (const list of [state.dropped, state.consults]) for (let i = 0; i < list.length; i++) if (list[i] >= boundary) list[i] += delta;
    for (const r of state.regions) if (r.owner >= boundary) r.owner += delta;
  }
  const parsed = finish(state, newText);
  // Nothing was parsed; report the innermost block around the edit (or the edit itself at top level).
  parsed.reparsed = container !== null ? { oldStart: container.node.start, oldEnd: container.node.end - delta, newStart: container.node.start, newEnd: container.node.end } : { oldStart: start, oldEnd, newStart: start, newEnd };
  return parsed;
}

function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

/** Ends an update: the state now describes `newText`; a fresh handle replaces the old one. */
function finish(state: State, newText: string): UpdatedParse {
  state.text = newText;
  const parsed = { text: newText, program: state.program, errors: state.errors } as UpdatedParse;
  state.current = parsed;
  states.set(parsed, state);
  return parsed;
}

/** The brace balance of a new text, counted when first asked for. */
interface Balance {
  value: number | null;
  get: () => number;
}

/** Re-parses one region; returns why it could not be used, or the updated parse. */
function tryRegion(state: State, region: Region, newText: string, delta: number, newBalance: Balance): UpdatedParse | string {
  const node = region.node;
  const open = node.start;
  const oldEnd = node.end;
  const errors = state.errors;
  const cursors = state.cursors;
  // Errors reported while this region was being parsed (see parser hooks: cursors are token starts).
  const errLo = lowerBound(cursors, open + 1);
  const errHi = lowerBound(cursors, oldEnd);
  // A `}` elsewhere decided by the brace balance must see the same answer in the new text.
  let balance: number | undefined;
  const consults = state.consults;
  const conLo = lowerBound(consults, open);
  const conHi = lowerBound(consults, oldEnd);
  if (conLo > 0 || conHi < consults.length) {
    // The whole text's balance: a block's own count cannot stand in for its part of it, since a string
    // the brace counter sees opening in the block may run past it (found by the session's random edits).
    if (state.balance === null) state.balance = braceImbalanceOf(state.text);
    balance = newBalance.get();
    if (balance > 0 !== state.balance > 0) return 'brace balance changed';
  }
  const infos = new Map<Node, BlockInfo>();
  const newCursors: number[] = [];
  const newDropped: number[] = [];
  const newConsults: number[] = [];
  const hooks = hooksFor(infos, newCursors, newDropped, newConsults);
  hooks.braceImbalance = balance;
  hooks.braceImbalanceOf = newBalance.get;
  hooks.region = { open, closure: region.closure, owner: region.owner, depth: region.depth, nlSignificant: region.nl, previousError: errLo > 0 ? errors[errLo - 1] : null };
  const result = parseWithHooks(newText, hooks);
  const fresh = result.node;
  if (fresh === null || !result.closed) return 'block not closed';
  if (result.end !== oldEnd + delta) return 'block ends elsewhere';
  // Code after the region on the line of its `}` takes its indentation from that line's start.
  if (lineIndent(state.text, oldEnd - 1) !== lineIndent(newText, oldEnd - 1 + delta)) return 'indentation of the closing line changed';
  newCursors.length = result.errors.length;
  newDropped.sort(byNumber);
  newConsults.sort(byNumber);
  const newErrors = result.errors;
  // Errors after the region are de-duplicated against the last error before them: that must not change.
  const oldCount = errHi - errLo;
  const newCount = newErrors.length;
  // (Offsets compared in new-text coordinates.)
  const shifted = (offset: number): number => (offset >= oldEnd ? offset + delta : offset);
  const before = errLo > 0 ? shifted(errors[errLo - 1].offset) : -1;
  const oldLast = oldCount > 0 ? shifted(errors[errHi - 1].offset) : before;
  const newLast = newCount > 0 ? newErrors[newCount - 1].offset : before;
  if (errHi < errors.length && newLast === shifted(errors[errHi].offset)) return 'error de-duplication changes';
  if (oldLast !== newLast) {
    // A duplicate dropped right after the region (before the next kept error) might now be kept.
    const dropped = state.dropped;
    const d = lowerBound(dropped, oldEnd);
    if (d < dropped.length && (errHi === errors.length || dropped[d] <= cursors[errHi])) return 'error de-duplication may change';
  }

  // Collect the new subtree (its root stands for the old node, which is kept and updated in place).
  const subArena: Span[] = [];
  const subOff: number[][] = [];
  const subRegions: Region[] = [];
  const subStarts: number[] = [];
  const subEnds: number[] = [];
  collect(fresh, infos, newText, subArena, subStarts, subEnds, subOff, subRegions, region);
  // subRegions[0] is the fresh root: its children belong to `region`.
  for (let i = 1; i < subRegions.length; i++) {
    const r = subRegions[i];
    if (r.parent === subRegions[0]) r.parent = region;
    r.at += region.at;
    r.offAt += region.offAt;
  }

  // Splice the tree.
  if (region.closure) (node as Closure).params = (fresh as Closure).params;
  node.body = fresh.body;
  const newNodeEnd = fresh.end;

  // Regions: replace the old descendants.
  const regions = state.regions;
  let ri = regions.indexOf(region, lowerBound0(regions, open));
  if (ri < 0) ri = regions.indexOf(region);
  let rj = ri + 1;
  const subtreeEnd = region.at + region.size;
  while (rj < regions.length && regions[rj].at < subtreeEnd) rj++;
  replaceRange(regions, ri + 1, rj - ri - 1, subRegions, 1);
  const sizeDelta = subArena.length - region.size;
  const offDelta = subOff.length - region.offCount;
  for (let r: Region | null = region; r !== null; r = r.parent) {
    r.size += sizeDelta;
    r.offCount += offDelta;
  }
  for (let i = ri + subRegions.length; i < regions.length; i++) {
    const r = regions[i];
    r.at += sizeDelta;
    r.offAt += offDelta;
    if (r.owner >= oldEnd) r.owner += delta;
  }

  // Arena: replace the subtree (the root object stays), then shift everything else.
  const arena = state.arena;
  const starts = state.starts;
  const ends = state.ends;
  replaceRange(arena, region.at + 1, region.size - sizeDelta - 1, subArena, 1);
  replaceRange(starts, region.at + 1, region.size - sizeDelta - 1, subStarts, 1);
  replaceRange(ends, region.at + 1, region.size - sizeDelta - 1, subEnds, 1);
  const skipFrom = region.at + 1;
  const skipTo = region.at + subArena.length;
  if (delta !== 0) {
    // Objects before the region reach past it only when they enclose it; all after it move.
    shiftObjects(arena, starts, ends, 0, skipFrom, oldEnd, delta);
    shiftObjects(arena, starts, ends, skipTo, arena.length, oldEnd, delta);
  }
  ends[region.at] = newNodeEnd;
  node.end = newNodeEnd;
  const offArena = state.offArena;
  replaceRange(offArena, region.offAt, region.offCount - offDelta, subOff);
  if (delta !== 0) {
    for (let i = region.offAt + subOff.length; i < offArena.length; i++) {
      const a = offArena[i];
      if (a.length > 0 && a[0] >= oldEnd) for (let k = 0; k < a.length; k++) a[k] += delta;
    }
  }

  // Errors and their bookkeeping.
  replaceRange(errors, errLo, oldCount, newErrors);
  replaceRange(cursors, errLo, oldCount, newCursors);
  if (delta !== 0) {
    for (let i = errLo + newCount; i < errors.length; i++) {
      const e = errors[i];
      if (e.offset >= oldEnd) e.offset += delta;
      cursors[i] += delta;
    }
  }
  spliceSorted(state.dropped, open + 1, oldEnd, newDropped, delta);
  spliceSorted(consults, open, oldEnd, newConsults, delta);
  state.balance = newBalance.value;
  const parsed = finish(state, newText);
  parsed.reparsed = { oldStart: open, oldEnd, newStart: open, newEnd: newNodeEnd };
  return parsed;
}

/** Moves positions >= `boundary` of arena objects [from, to) by `delta` (shadow lists first: only moved objects are written). */
function shiftObjects(arena: Span[], starts: number[], ends: number[], from: number, to: number, boundary: number, delta: number): void {
  for (let i = from; i < to; i++) {
    if (ends[i] >= boundary) {
      const o = arena[i];
      o.end = ends[i] += delta;
      if (starts[i] >= boundary) o.start = starts[i] += delta;
    }
  }
}

/** Leading blanks of the line containing `offset` (what the recovery's indentation rule reads). */
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

/** First index of `regions` whose node starts at or after `offset`. */
function lowerBound0(regions: readonly Region[], offset: number): number {
  let lo = 0;
  let hi = regions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (regions[mid].node.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Replaces the values in [from, to) of a sorted position list with `items`, shifting later ones. */
function spliceSorted(list: number[], from: number, to: number, items: readonly number[], delta: number): void {
  const a = lowerBound(list, from);
  const b = lowerBound(list, to);
  replaceRange(list, a, b - a, items);
  if (delta !== 0) for (let i = a + items.length; i < list.length; i++) list[i] += delta;
}
