// Values evaluated from infrastructure code (CloudFormation, Terraform), each with where it is written,
// and the step that turns an evaluated policy document into a PolicySource whose offsets map back to the
// template: a finding about a statement or a principal points at the template, not at generated JSON.
import type { IamOrigin, PolicySource } from '../../ports';
import { LineMap, type Range } from '../../types';
import { setRangeMap } from '../snapshot';

/** Where a value is written: a template file and offsets into its text. */
export interface Loc {
  file: string;
  start: number;
  end: number;
}

/** Characters of a string that are copied 1:1 from the template: text offset `at`, `len` units, from `src`. */
export interface Segment {
  at: number;
  len: number;
  src: number;
}

/** An evaluated value. `unknown` is a value the reader could not resolve (a parameter without value, ...). */
export type Value =
  /** `json`: the string is that value's JSON encoding (Terraform `jsonencode`, a policy document's `.json`). */
  | { t: 'str'; v: string; loc: Loc; segs?: Segment[]; json?: Value }
  | { t: 'num'; v: number; loc: Loc }
  | { t: 'bool'; v: boolean; loc: Loc }
  | { t: 'null'; loc: Loc }
  | { t: 'list'; items: Value[]; loc: Loc }
  | { t: 'map'; entries: Array<{ key: string; keyLoc: Loc; value: Value }>; loc: Loc }
  /** `error`: an expression Terraform itself rejects (a missing attribute, key or index), which try() moves past. */
  /** `generated`: the name of a role or user the deploy generates (no RoleName / name). */
  | { t: 'unknown'; why: string; loc: Loc; error?: true; generated?: true };

/** A value the reader could not resolve, where it is written and why. */
export interface Unresolved {
  loc: Loc;
  message: string;
}

export function str(v: string, loc: Loc, segs?: Segment[]): Value {
  return segs && segs.length ? { t: 'str', v, loc, segs } : { t: 'str', v, loc };
}

export function unknown(why: string, loc: Loc): Value {
  return { t: 'unknown', why, loc };
}

/** The name of a role or user that is generated at deploy time (CloudFormation without RoleName, Terraform without name). */
export function generatedName(why: string, loc: Loc): Value {
  return { t: 'unknown', why, loc, generated: true };
}

/**
 * A value Terraform would fail to evaluate (a missing attribute, map key or list index, an instance that is
 * not created) — unlike a value known only after apply, `try()` moves past it to its next argument.
 */
export function failed(why: string, loc: Loc): Value {
  return { t: 'unknown', why, loc, error: true };
}

/** The first unresolved value inside a value (depth-first), or null. */
export function firstUnknown(value: Value): Extract<Value, { t: 'unknown' }> | null {
  if (value.t === 'unknown') return value;
  if (value.t === 'list')
    for (const i of value.items) {
      const u = firstUnknown(i);
      if (u) return u;
    }
  if (value.t === 'map')
    for (const e of value.entries) {
      const u = firstUnknown(e.value);
      if (u) return u;
    }
  return null;
}

/** The scalar text of a value (numbers and booleans as IAM reads them), or null for collections and unknowns. */
export function scalarText(value: Value | undefined): string | null {
  if (!value) return null;
  if (value.t === 'str') return value.v;
  if (value.t === 'num') return String(value.v);
  if (value.t === 'bool') return value.v ? 'true' : 'false';
  return null;
}

/** Concatenates string pieces, keeping which characters come 1:1 from the template. */
export function concat(pieces: Value[], loc: Loc): Value {
  let text = '';
  const segs: Segment[] = [];
  for (const p of pieces) {
    if (p.t === 'unknown') return p;
    const s = scalarText(p);
    if (s === null) return unknown(`a ${p.t === 'list' ? 'list' : 'map'} cannot be joined into a string`, p.loc);
    if (p.t === 'str' && p.segs) for (const g of p.segs) segs.push({ at: text.length + g.at, len: g.len, src: g.src });
    text += s;
  }
  return str(text, loc, segs);
}

/** Plain JSON of a value (for comparisons and jsonencode); unknowns become null. */
export function toPlain(value: Value): unknown {
  switch (value.t) {
    case 'str':
    case 'num':
    case 'bool':
      return value.v;
    case 'null':
    case 'unknown':
      return null;
    case 'list':
      return value.items.map(toPlain);
    case 'map':
      return Object.fromEntries(value.entries.map((e) => [e.key, toPlain(e.value)]));
  }
}

interface Span {
  start: number;
  end: number;
  loc: Loc;
  segs?: Segment[];
}

/**
 * Serializes a value as JSON text, recording for each node where it came from. `value` may also be a
 * string holding the policy's JSON (a heredoc, `jsonencode(...)`, a `!Sub` of JSON text): then the
 * text is that string and its 1:1 characters map back.
 */
function serialize(value: Value): { text: string; spans: Span[] } {
  if (value.t === 'str' && value.json) return serialize(value.json);
  if (value.t === 'str')
    return { text: value.v, spans: [{ start: 0, end: value.v.length, loc: value.loc, segs: value.segs }] };
  const spans: Span[] = [];
  let text = '';
  const emit = (v: Value, indent: string): void => {
    const start = text.length;
    switch (v.t) {
      case 'str': {
        const quoted = JSON.stringify(v.v);
        // Only a string that needs no escaping maps character by character.
        const exact = quoted.length === v.v.length + 2;
        text += quoted;
        spans.push({
          start,
          end: text.length,
          loc: v.loc,
          ...(exact && v.segs ? { segs: v.segs.map((g) => ({ ...g, at: g.at + start + 1 })) } : {}),
        });
        return;
      }
      case 'num':
      case 'bool':
        text += String(v.v);
        break;
      case 'null':
      case 'unknown':
        text += 'null';
        break;
      case 'list': {
        if (v.items.length === 0) {
          text += '[]';
          break;
        }
        text += '[';
        v.items.forEach((item, i) => {
          text += `${i ? ',' : ''}\n${indent}  `;
          emit(item, indent + '  ');
        });
        text += `\n${indent}]`;
        break;
      }
      case 'map': {
        if (v.entries.length === 0) {
          text += '{}';
          break;
        }
        text += '{';
        v.entries.forEach((e, i) => {
          text += `${i ? ',' : ''}\n${indent}  `;
          const keyStart = text.length;
          text += JSON.stringify(e.key);
          spans.push({ start: keyStart, end: text.length, loc: e.keyLoc });
          text += ': ';
          emit(e.value, indent + '  ');
        });
        text += `\n${indent}}`;
        break;
      }
    }
    spans.push({ start, end: text.length, loc: v.loc });
  };
  emit(value, '');
  return { text, spans };
}

/** Maps a range of the serialized text to the template: the smallest node holding it (1:1 inside literal text). */
function mapper(spans: Span[]): (range: Range) => Range | null {
  return (range) => {
    let best: Span | null = null;
    for (const s of spans) {
      if (s.start <= range.start && range.end <= s.end && (!best || s.end - s.start < best.end - best.start)) best = s;
    }
    if (!best) {
      for (const s of spans)
        if (s.start <= range.start && range.start < s.end && (!best || s.end - s.start < best.end - best.start))
          best = s;
    }
    if (!best) return null;
    const segs = best.segs ?? [];
    for (const g of segs) {
      if (g.at <= range.start && range.end <= g.at + g.len)
        return { start: g.src + range.start - g.at, end: g.src + range.end - g.at };
    }
    // A range spanning an interpolation: from where its first character is written to where its last is.
    const first = segs.find((g) => g.at <= range.start && range.start < g.at + g.len);
    const last = segs.find((g) => g.at < range.end && range.end <= g.at + g.len);
    if (first && last) return { start: first.src + range.start - first.at, end: last.src + range.end - last.at };
    return { start: best.loc.start, end: best.loc.end };
  };
}

/**
 * A PolicySource for an evaluated policy document, whose offsets (statements, principals, parse errors)
 * map back into the template through `rangeInFile`. `lines` numbers the template's lines for messages.
 */
export function policySource(name: string, value: Value, lines: LineMap): PolicySource {
  const { text, spans } = serialize(value);
  const origin: IamOrigin = {
    kind: 'iac',
    file: value.loc.file,
    range: { start: value.loc.start, end: value.loc.end },
    line: lines.position(value.loc.start).line,
  };
  const source: PolicySource = { name, text, origin };
  setRangeMap(source, mapper(spans));
  return source;
}

/** `file:line` of a location, for messages. */
export function where(loc: Loc, lines: LineMap): string {
  return `${loc.file}:${lines.position(loc.start).line}`;
}
