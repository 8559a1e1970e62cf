// Re-analysis after an edit: what extraction may carry over from the previous run of the same document.
// A usage is reused only when everything it was computed from is provably the same: its call node
// (kept by the incremental parser), its scope, and the variables/parameters it could read. A reused
// usage is moved through the edit in place: every offset its results hold (found once, by `place`) and
// every line number its descriptions cite (written as markers while it is computed, rendered by
// `place`, rendered again by `move` when lines moved). Everything else is recomputed. The session
// tests compare every reused result with a from-scratch analysis.
import type { CallExpression, Expression, MethodDeclaration, StringLiteral } from '../syntax/ast';
import type { Finding, Range, TextEdit, Usage } from '../types';
import type { Assignment, EnvFrame, ParameterDecl } from './resolve';
import type { TextChange } from '../syntax/incremental';

export type { TextChange } from '../syntax/incremental';

/** A closure or loop variable's extent; `node` (the closure or loop) lets a re-analysis drop the re-parsed block's. */
export type Local = { start: number; end: number; what: string; node?: object };

/** What the walk collected that any usage may read. */
export interface Facts {
  text: string;
  assignments: Map<string, Assignment[]>;
  locals: Map<string, Local[]>;
  parameters: Map<string, ParameterDecl>;
  /** The edit that led to this text (new-text offsets), when it is compared with the previous run's. */
  edited?: { start: number; end: number };
}

/**
 * Whether a node kept by the incremental parser has new contents: it holds the edit (the parser keeps a
 * re-parsed block's ancestors and gives the block new contents). The same object is then not the same code.
 */
export function holdsEdit(now: Facts, n: { start: number; end: number }): boolean {
  const e = now.edited;
  return e !== undefined && n.start <= e.start && e.end <= n.end;
}

/** The parts of a walk scope a usage depends on (mirrors extract.ts's WalkScope). */
export interface MemoScope {
  env: EnvFrame | null;
  method: MethodDeclaration | null;
  agent: { expr: Expression | null; declaration: CallExpression } | null;
  identity: { item: { call: CallExpression } } | null;
}

/** The outcome of one pending call, as computed, with where its results hold offsets and cite lines. */
export interface MemoItem extends Placement {
  scope: MemoScope;
  usages: Usage[];
  findings: Finding[];
  /** Whether computing it read pipeline parameters (declared anywhere in the file). */
  readParams: boolean;
  /** Variable names it looked up (assignments, `env.X` assignments, closure locals). */
  reads: ReadonlySet<string>;
  /** Literal secrets it tried to record, in order, and whether each was the file's first report of it. */
  secrets: Array<{ kind: Usage['secrets'][number]['kind']; range: Range; reported: boolean }>;
  /** The findings of the checks run on each usage (same order as `usages`). */
  rules: Finding[][];
  /** The run that last carried it over (see `Extractor.stamp`). */
  reusedIn?: number;
}

/** What a run leaves for the next run of the same document, with the same analysis context. */
export interface ExtractionMemo {
  context: object;
  file: string;
  facts: Facts;
  /** Line count of the text, to know whether an edit moved any line number. */
  lineCount: number;
  /** The walk's own results, for patching instead of walking again (opaque here; see extract.ts). */
  walk?: unknown;
}

/** Maps an old offset into the new text (offsets inside the replaced span land on its end). */
export function mapper(change: TextChange): (x: number) => number {
  const delta = change.newEnd - change.oldEnd;
  const { start, oldEnd } = change;
  return (x) => (x >= oldEnd ? x + delta : x <= start ? x : -1);
}

function text(facts: Facts, n: { start: number; end: number }): string {
  return facts.text.slice(n.start, n.end);
}

/**
 * Whether an expression of the previous run and one of this run are the same code. The incremental
 * parser keeps the nodes outside the re-parsed block (moving their offsets in place), so the same object
 * is the same code; otherwise the old node still has its old offsets: compare its text and mapped start.
 */
function sameValue(old: Facts, a: { start: number; end: number }, now: Facts, b: { start: number; end: number }, map: (x: number) => number): boolean {
  if (a === b) return !holdsEdit(now, b);
  return map(a.start) === b.start && text(old, a) === text(now, b);
}

/**
 * Names whose assignments or closure locals differ between the runs, as seen by code before `limit`
 * (same positions, lines and source text): code there reads only assignments completed before it and
 * asks of locals only whether it is inside them.
 */
export function changedBefore(old: Facts, now: Facts, limit: number): Set<string> {
  const changed = new Set<string>();
  for (const name of keys(old.assignments, now.assignments)) {
    const a = now.assignments.get(name) ?? [];
    const b = old.assignments.get(name) ?? [];
    let i = 0;
    for (; i < a.length && a[i].after <= limit; i++) {
      const x = a[i];
      const y = b[i];
      if (x === y && !holdsEdit(now, x.value)) continue;
      if (!y || y.after !== x.after || y.line !== x.line || !sameValue(old, y.value, now, x.value, (p) => p)) break;
    }
    if ((i < a.length && a[i].after <= limit) || (i < b.length && b[i].after <= limit)) changed.add(name);
  }
  for (const name of keys(old.locals, now.locals)) if (!sameLocals(old.locals.get(name) ?? [], now.locals.get(name) ?? [], limit, (x) => x)) changed.add(name);
  return changed;
}

function keys<V>(a: Map<string, V>, b: Map<string, V>): Set<string> {
  const out = new Set(a.keys());
  for (const k of b.keys()) out.add(k);
  return out;
}

function sameLocals(prev: Local[], list: Local[], limit: number, map: (x: number) => number): boolean {
  let j = 0;
  for (const l of list) {
    if (l.start >= limit) continue;
    while (j < prev.length && map(prev[j].start) >= limit) j++;
    const p = prev[j++];
    // A kept local is the same object (moved with the text by a patched walk).
    if (p === l) continue;
    // Code before `limit` only asks whether its offset is inside: ends at or past `limit` are all alike.
    if (!p || map(p.start) !== l.start || p.what !== l.what) return false;
    if (map(p.end) !== l.end && (p.end < limit || l.end < limit)) return false;
  }
  for (; j < prev.length; j++) if (map(prev[j].start) < limit) return false;
  return true;
}

/** Names whose assignments or locals differ once old offsets are mapped through the edit (lines included). */
export function changedMapped(old: Facts, now: Facts, map: (x: number) => number): Set<string> {
  const changed = new Set<string>();
  for (const name of keys(old.assignments, now.assignments)) {
    const a = now.assignments.get(name) ?? [];
    const b = old.assignments.get(name) ?? [];
    let same = a.length === b.length;
    for (let i = 0; same && i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      // A kept assignment is the same object (moved with the text by a patched walk). Descriptions
      // cite the statement's offset (rendered late), so its line may move with the edit.
      same = x === y ? !holdsEdit(now, x.value) : map(y.after) === x.after && (x.start !== undefined && y.start !== undefined ? map(y.start) === x.start : y.line === x.line) && sameValue(old, y.value, now, x.value, map);
    }
    if (!same) changed.add(name);
  }
  for (const name of keys(old.locals, now.locals)) if (!sameLocals(old.locals.get(name) ?? [], now.locals.get(name) ?? [], Infinity, map)) changed.add(name);
  return changed;
}

/** Whether a usage read none of the changed names. */
export function untouched(reads: ReadonlySet<string>, changed: ReadonlySet<string>): boolean {
  if (changed.size === 0) return true;
  for (const name of reads) if (changed.has(name)) return false;
  return true;
}

/**
 * Whether the declared parameters are the same (positions mapped, lines and default text equal). With
 * `unmovedBefore`, a default kept from the previous run must also lie before that offset (it did not
 * move: results that cite its position as it was stay exact).
 */
export function sameParameters(old: Facts, now: Facts, map: (x: number) => number, unmovedBefore = Infinity): boolean {
  if (old.parameters.size !== now.parameters.size) return false;
  for (const [name, a] of now.parameters) {
    const b = old.parameters.get(name);
    if (!b || b.kind !== a.kind || b.secret !== a.secret || b.defaultText !== a.defaultText) return false;
    // Descriptions cite the declaration's offset (rendered late): the same node, or one at the mapped offset.
    if (a.node && b.node ? a.node !== b.node && map(b.node.start) !== a.node.start : b.line !== a.line) return false;
    if ((a.defaultValue === null) !== (b.defaultValue === null)) return false;
    if (a.defaultValue && b.defaultValue && !sameValue(old, b.defaultValue, now, a.defaultValue, map)) return false;
    if (a.defaultValue && a.defaultValue === b.defaultValue && a.defaultValue.end > unmovedBefore) return false;
  }
  return true;
}

function nodeOk(n: { start: number; end: number }, limit: number): boolean {
  return n.end <= limit;
}

/** Whether every node a scope's descriptions cite (bindings, agent label) ends before `limit`. */
function citesBefore(scope: MemoScope, limit: number): boolean {
  if (scope.agent?.expr && !nodeOk(scope.agent.expr, limit)) return false;
  for (let f = scope.env; f; f = f.next) {
    const b = f.binding;
    const cited = b.kind === 'expr' ? b.expr : b.kind === 'slice' ? b.str : b.at;
    if (cited && !nodeOk(cited, limit)) return false;
  }
  return true;
}

/**
 * Whether a call sees the same scope as in the previous run: the same binding nodes (kept by the
 * incremental parser) with the same descriptions, the same method and agent, and an enclosing
 * credentials call whose usages were themselves reused. With a `limit`, every node the scope refers
 * to must also end before it (its offsets did not move).
 */
export function sameScope(a: MemoScope, b: MemoScope, reusedNow: (item: { call: CallExpression }) => boolean, limit: number, now: Facts): boolean {
  // A kept scope object is the same scope, but what it cites may have moved since: check that too.
  if (limit !== Infinity && !citesBefore(a, limit)) return false;
  if (a.method !== b.method) return false;
  if (a.agent !== b.agent) {
    if (!a.agent || !b.agent || a.agent.expr !== b.agent.expr || a.agent.declaration !== b.agent.declaration) return false;
    if (a.agent.expr && !nodeOk(a.agent.expr, limit)) return false;
  }
  if (a.agent?.expr && holdsEdit(now, a.agent.expr)) return false;
  // The usages of an enclosing withAWS or binding decide the caller inside: it must have been carried over.
  if (a.identity !== b.identity) {
    if (!a.identity || !b.identity || a.identity.item.call !== b.identity.item.call || !reusedNow(a.identity.item)) return false;
  } else if (a.identity && !reusedNow(a.identity.item)) {
    return false;
  }
  let f = a.env;
  let g = b.env;
  while (f !== g) {
    if (!f || !g || f.name !== g.name || f.binding.kind !== g.binding.kind || f.binding.origin !== g.binding.origin) return false;
    const x = f.binding;
    const y = g.binding;
    if (x.kind === 'expr') {
      if (y.kind !== 'expr' || x.expr !== y.expr || x.source !== y.source || !nodeOk(x.expr, limit) || holdsEdit(now, x.expr)) return false;
    } else if (x.kind === 'slice') {
      if (y.kind !== 'slice' || x.str !== y.str || x.from !== y.from || !nodeOk(x.str as StringLiteral, limit) || holdsEdit(now, x.str as StringLiteral)) return false;
    } else if (y.kind !== 'credential' || x.credentialsId !== y.credentialsId || (x.at && !nodeOk(x.at, limit))) {
      return false;
    }
    f = f.next;
    g = g.next;
  }
  return true;
}

/** A string of a result that cites lines: the template keeps the cited offsets as markers (see `citeMarker`). */
export interface Template {
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  /** The text around the markers, and the cite each marker stands for: text[0] line(cites[0]) text[1] … */
  text: string[];
  cites: number[];
}

/**
 * Where one item's results hold offsets and line numbers, found once when the item is computed, so that a
 * later run can move them through an edit in place instead of copying or recomputing the item.
 */
export interface Placement {
  /** Every object of the results with numeric `start` and `end` (ranges), each once. */
  spans: Range[];
  /** Every text edit of the results' fixes (`offset`/`length`), each once. */
  edits: TextEdit[];
  /** The offsets the results cite by line number (also in `spans`); a marker's number indexes this list. */
  cites: Range[];
  templates: Template[];
  /** False when something in the results cannot be moved (related information in this file, a syntax node). */
  movable: boolean;
  /** Line numbers were written as numbers, not markers (the text itself has marker characters): no line may move. */
  fixedLines: boolean;
  /** The lowest and highest offset of all of them (a quick answer for items far from an edit). */
  lo: number;
  hi: number;
}

export const CITE_OPEN = '\u0001';
// Control characters never written by the analysis itself: a marker cannot be mistaken for text.
// eslint-disable-next-line no-control-regex
const CITE = /\u0001(\d+)\u0002/g;

/** The placeholder a session's descriptions carry for the line of cited offset number `index`, until rendered. */
export function citeMarker(index: number): string {
  return `${CITE_OPEN}${index}\u0002`;
}

/**
 * Finds the offsets and line-citing strings of an item's results (usages, findings, secret records) and
 * renders the strings' line markers with `line`. Results are trees of plain objects made for this item
 * alone (the session tests check that no two items share an offset-bearing object: moving one would
 * move the other twice); within the item, an object reached twice is moved once.
 */
export function place<T extends Placement>(placement: T, roots: readonly unknown[], cites: Range[], markers: boolean, line: (offset: number) => number): T {
  placement.spans = [];
  placement.edits = [];
  placement.cites = cites;
  placement.templates = [];
  placement.movable = true;
  placement.fixedLines = !markers;
  placement.lo = Infinity;
  placement.hi = -Infinity;
  const held = new Set<object>();
  let lines: number[] | null = null;
  const visit = (holder: Record<string, unknown> | unknown[], key: string | number): void => {
    const value = (holder as Record<string | number, unknown>)[key];
    if (typeof value === 'string') {
      if (markers && value.includes(CITE_OPEN)) {
        const t = template(holder, key, value);
        placement.templates.push(t);
        lines ??= cites.map((c) => line(c.start));
        (holder as Record<string | number, unknown>)[key] = render(t, lines);
      }
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value, i);
      return;
    }
    const o = value as Record<string, unknown>;
    if (typeof o.type === 'string') {
      // A syntax node: the parser moves it. Results should not hold one; if they do, recompute the item.
      placement.movable = false;
      return;
    }
    if (typeof o.start === 'number' && typeof o.end === 'number') {
      if (held.has(o)) return;
      held.add(o);
      placement.spans.push(o as unknown as Range);
    } else if (typeof o.offset === 'number' && typeof o.length === 'number') {
      if (held.has(o)) return;
      held.add(o);
      placement.edits.push(o as unknown as TextEdit);
    }
    for (const k in o) {
      if (k === 'related') {
        // Related information points into IAM data files, which edits here do not move.
        if ((o.related as Finding['related'])?.some((r) => r.range && r.file === undefined)) placement.movable = false;
        continue;
      }
      visit(o, k);
    }
  };
  const top = [...roots];
  for (let i = 0; i < top.length; i++) visit(top, i);
  for (const c of placement.cites) if (!held.has(c)) placement.spans.push(c);
  for (const r of placement.spans) {
    if (r.start < placement.lo) placement.lo = r.start;
    if (r.end > placement.hi) placement.hi = r.end;
  }
  for (const e of placement.edits) {
    if (e.offset < placement.lo) placement.lo = e.offset;
    if (e.offset + e.length > placement.hi) placement.hi = e.offset + e.length;
  }
  return placement;
}

/** A line-citing string split at its markers. */
function template(holder: Template['holder'], key: string | number, value: string): Template {
  const text: string[] = [];
  const refs: number[] = [];
  let from = 0;
  CITE.lastIndex = 0;
  for (let m = CITE.exec(value); m !== null; m = CITE.exec(value)) {
    text.push(value.slice(from, m.index));
    refs.push(Number(m[1]));
    from = m.index + m[0].length;
  }
  text.push(value.slice(from));
  return { holder, key, text, cites: refs };
}

function render(t: Template, lines: readonly number[]): string {
  let out = t.text[0];
  for (let i = 0; i < t.cites.length; i++) out += String(lines[t.cites[i]]) + t.text[i + 1];
  return out;
}

/**
 * Whether a placed item's offsets can be moved through an edit: none is at or inside the replaced span
 * (moving it would be a guess: an offset at an insertion point may end what precedes it or start what
 * follows). For an item wholly before the edit (`before`), offsets up to its start stay where they are.
 */
export function canMove(p: Placement, change: TextChange, before: boolean, linesMoved: boolean): boolean {
  if (!p.movable || (linesMoved && p.fixedLines && p.hi > change.start)) return false;
  const { start, oldEnd } = change;
  const still = before ? start : start - 1;
  if (p.hi <= still || p.lo > oldEnd) return true;
  const spans = p.spans;
  for (let i = 0; i < spans.length; i++) {
    const r = spans[i];
    if (r.end <= still) continue;
    if (r.end <= oldEnd || (r.start >= start && r.start <= oldEnd)) return false;
  }
  const edits = p.edits;
  for (let i = 0; i < edits.length; i++) {
    const e = edits[i];
    const end = e.offset + e.length;
    if (end <= still) continue;
    if (end <= oldEnd || (e.offset >= start && e.offset <= oldEnd)) return false;
  }
  return true;
}

/**
 * Moves a placed item's offsets through an edit in place (after `canMove` said it can), and renders the
 * line numbers it cites again when lines moved.
 */
export function move(p: Placement, change: TextChange, linesMoved: boolean, line: (offset: number) => number): void {
  const oldEnd = change.oldEnd;
  const delta = change.newEnd - oldEnd;
  if (p.hi <= oldEnd) return;
  if (delta !== 0 && p.lo > oldEnd) {
    // All of it lies after the edit.
    const spans = p.spans;
    for (let i = 0; i < spans.length; i++) {
      const r = spans[i];
      r.start += delta;
      r.end += delta;
    }
    const edits = p.edits;
    for (let i = 0; i < edits.length; i++) edits[i].offset += delta;
  } else if (delta !== 0) {
    const spans = p.spans;
    for (let i = 0; i < spans.length; i++) {
      const r = spans[i];
      if (r.end <= oldEnd) continue;
      r.end += delta;
      if (r.start > oldEnd) r.start += delta;
    }
    const edits = p.edits;
    for (let i = 0; i < edits.length; i++) {
      const e = edits[i];
      if (e.offset + e.length <= oldEnd) continue;
      if (e.offset > oldEnd) e.offset += delta;
      else e.length += delta;
    }
  }
  p.hi += delta;
  if (p.lo > oldEnd) p.lo += delta;
  if (!linesMoved || p.templates.length === 0) return;
  let moved = false;
  // Moved offsets now lie past the edit's new end; the others before its start.
  for (let i = 0; i < p.cites.length && !moved; i++) moved = p.cites[i].start > change.newEnd;
  if (!moved) return;
  const lines = p.cites.map((c) => line(c.start));
  for (const t of p.templates) (t.holder as Record<string | number, unknown>)[t.key] = render(t, lines);
}
