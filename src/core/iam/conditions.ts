// Condition operators compiled once per policy into small closures. Results are three-valued: a condition
// on a key the analysis cannot know (e.g. aws:SourceIp of a Jenkins agent) is "unknown", never a guess.
import type { ConditionClause } from './policy';

/** Three-valued logic: false, true, unknown. */
export const F = 0;
export const T = 1;
export const U = 2;
export type Tri = 0 | 1 | 2;

/** The request as conditions see it: lower-cased keys → values. */
export interface ConditionContext {
  values: Map<string, string[]>;
  /** Keys (lower-cased) whose value the analysis cannot know. */
  isUnknown(lowerKey: string): boolean;
  /** Keys (lower-cased) filled in from the caller's ARN rather than given with the request. */
  derived?: Set<string>;
}

export type CompiledCondition = (ctx: ConditionContext) => Tri;

const NEGATED = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);
const POSITIVE_OF: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  NumericNotEquals: 'NumericEquals',
  DateNotEquals: 'DateEquals',
  NotIpAddress: 'IpAddress',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

/** True for operators whose result IAM negates (a missing key makes them true). */
export function isNegatedOperator(base: string): boolean {
  return NEGATED.has(base);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Regex source for an IAM wildcard pattern (`*` any run, `?` one character). */
export function wildcardSource(pattern: string): string {
  return pattern.replace(/[.*+?^${}()|[\]\\/]/g, (ch) =>
    ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : `\\${ch}`,
  );
}

const regexCache = new Map<string, RegExp>();

/** Compiles an IAM wildcard pattern to an anchored RegExp (cached: policies repeat the same patterns). */
export function wildcardRegex(pattern: string, ignoreCase = false): RegExp {
  const cacheKey = ignoreCase ? `i:${pattern}` : `s:${pattern}`;
  let re = regexCache.get(cacheKey);
  if (!re) {
    re = new RegExp(`^${wildcardSource(pattern)}$`, ignoreCase ? 'i' : '');
    if (regexCache.size > 5000) regexCache.clear();
    regexCache.set(cacheKey, re);
  }
  return re;
}

// A policy value with `${...}` variables: literal text, escapes and keys to look up at evaluation time.
type Part = { text: string; raw: boolean } | { key: string; fallback: string | null };

function templateParts(value: string): Part[] | null {
  if (!value.includes('${')) return null;
  const parts: Part[] = [];
  let last = 0;
  const re = /\$\{([^}]*)\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) {
    if (m.index > last) parts.push({ text: value.slice(last, m.index), raw: true });
    const inner = m[1].trim();
    if (inner === '*' || inner === '?' || inner === '$') parts.push({ text: inner, raw: false });
    else {
      const d = /^([^,]+?)\s*,\s*'([^']*)'$/.exec(inner);
      parts.push(d ? { key: d[1].trim().toLowerCase(), fallback: d[2] } : { key: inner.toLowerCase(), fallback: null });
    }
    last = m.index + m[0].length;
  }
  if (last < value.length) parts.push({ text: value.slice(last), raw: true });
  return parts;
}

const MISSING = Symbol('missing');
const UNKNOWN = Symbol('unknown');

/** Resolves variables; `raw` marks text whose `*`/`?` are wildcards (only for Like operators). */
function resolveTemplate(
  parts: Part[],
  ctx: ConditionContext,
  like: boolean,
): string | typeof MISSING | typeof UNKNOWN {
  let out = '';
  for (const p of parts) {
    if ('text' in p) out += like ? (p.raw ? wildcardSource(p.text) : escapeRegex(p.text)) : p.text;
    else {
      if (ctx.isUnknown(p.key)) return UNKNOWN;
      const v = ctx.values.get(p.key);
      const value = v && v.length === 1 ? v[0] : p.fallback;
      if (value === null || value === undefined) return MISSING;
      out += like ? escapeRegex(value) : value;
    }
  }
  return out;
}

// AWS (condition operators, Date): values are "one of the W3C implementations of the ISO 8601 date formats
// or ... epoch (UNIX) time": YYYY, YYYY-MM, YYYY-MM-DD, and date-times with minutes, seconds or fractions,
// always with a time zone designator. Anything else (e.g. "2030-01-01 10:00", or a time without a zone, which
// JavaScript would read in the machine's local time) is no date and never matches.
const W3C_DATE = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

/** Milliseconds since the epoch of a W3C ISO 8601 date or an epoch-seconds value; NaN otherwise. */
export function parseDate(text: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  return W3C_DATE.test(text) ? Date.parse(text) : NaN;
}

function parseIpv4(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function parseIpv6(text: string): number[] | null {
  let head = text;
  let v4tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.') && lastColon >= 0) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    v4tail = v4;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string) => (s === '' ? [] : s.split(':'));
  const left = toGroups(halves[0]);
  const right = halves.length === 2 ? toGroups(halves[1]) : [];
  const fill = 8 - left.length - right.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return null;
  const groups = [...left, ...Array(halves.length === 2 ? fill : 0).fill('0'), ...right];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const bytes: number[] = [];
  for (const g of groups) {
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 255);
  }
  if (v4tail.length) bytes.splice(12, 4, ...v4tail);
  return bytes;
}

/** Parses an IPv4/IPv6 address into bytes, or null. */
export function parseIp(text: string): number[] | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** Compiles a CIDR (or a bare address, meaning /32 or /128) to a membership test; null when malformed. */
export function cidrMatcher(cidr: string): ((ip: string) => boolean) | null {
  const slash = cidr.indexOf('/');
  const base = parseIp(slash < 0 ? cidr : cidr.slice(0, slash));
  if (!base) return null;
  const bits = slash < 0 ? base.length * 8 : Number(cidr.slice(slash + 1));
  if (
    !Number.isInteger(bits) ||
    bits < 0 ||
    bits > base.length * 8 ||
    (slash >= 0 && !/^\d+$/.test(cidr.slice(slash + 1)))
  )
    return null;
  return (ipText: string) => {
    const ip = parseIp(ipText);
    if (!ip || ip.length !== base.length) return false;
    let left = bits;
    for (let i = 0; left > 0; i++, left -= 8) {
      const mask = left >= 8 ? 255 : (0xff << (8 - left)) & 255;
      if ((ip[i] & mask) !== (base[i] & mask)) return false;
    }
    return true;
  };
}

/**
 * The six colon-separated components of an ARN (the last keeps any further colons), or null. Colons inside a
 * policy variable (`${aws:username}`) do not separate components.
 */
function splitArn6(text: string): string[] | null {
  const parts: string[] = [];
  let from = 0;
  let depth = 0;
  for (let i = 0; i < text.length && parts.length < 5; i++) {
    if (text[i] === '$' && text[i + 1] === '{') depth++;
    else if (text[i] === '}' && depth > 0) depth--;
    else if (text[i] === ':' && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  if (parts.length < 5) return null;
  parts.push(text.slice(from));
  return parts;
}

/**
 * Compiles an ArnLike/ArnEquals pattern. AWS (condition operators, ARN): "Each of the six colon-delimited
 * components of the ARN is checked separately and each can include multi-character match wildcards (*) or
 * single-character match wildcards (?)". A pattern that is not six components matches nothing.
 */
function arnMatcher(pattern: string): (arn: string) => boolean {
  const parts = splitArn6(pattern);
  if (!parts) return () => false;
  const res = parts.map((p) => wildcardRegex(p));
  return (arn) => {
    const a = splitArn6(arn);
    return a !== null && res.every((re, i) => re.test(a[i]));
  };
}

/** A single-value comparison for a base (positive) operator, built from one policy value. */
function comparator(base: string, policyValue: string): (contextValue: string) => boolean {
  switch (base) {
    case 'StringEquals':
    case 'BinaryEquals':
      return (v) => v === policyValue;
    case 'StringEqualsIgnoreCase': {
      const lower = policyValue.toLowerCase();
      return (v) => v.toLowerCase() === lower;
    }
    case 'StringLike': {
      if (!policyValue.includes('*') && !policyValue.includes('?')) return (v) => v === policyValue;
      const re = wildcardRegex(policyValue);
      return (v) => re.test(v);
    }
    case 'Bool': {
      // Only "true" and "false" are booleans (any case); another policy value matches nothing.
      const lower = policyValue.toLowerCase();
      if (lower !== 'true' && lower !== 'false') return () => false;
      return (v) => v.toLowerCase() === lower;
    }
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals':
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals': {
      const numeric = base.startsWith('Numeric');
      const parse = numeric
        ? (s: string) => (/^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(s) ? Number(s) : NaN)
        : parseDate;
      const p = parse(policyValue);
      if (Number.isNaN(p)) return () => false;
      const op = base.replace(/^(Numeric|Date)/, '');
      return (v) => {
        const x = parse(v);
        if (Number.isNaN(x)) return false;
        switch (op) {
          case 'Equals':
            return x === p;
          case 'LessThan':
            return x < p;
          case 'LessThanEquals':
            return x <= p;
          case 'GreaterThan':
            return x > p;
          default:
            return x >= p;
        }
      };
    }
    case 'IpAddress': {
      const m = cidrMatcher(policyValue);
      return m ?? (() => false);
    }
    case 'ArnEquals':
    case 'ArnLike':
      return arnMatcher(policyValue);
    default:
      return () => false;
  }
}

/** Compiles one clause; `variables` is false for policies whose Version predates policy variables. */
export function compileCondition(clause: ConditionClause, variables: boolean): CompiledCondition {
  const key = clause.key.toLowerCase();
  const base = clause.baseOperator;
  if (base === 'Null') {
    const wants = clause.values.map((v) => v.toLowerCase());
    return (ctx) => {
      if (ctx.isUnknown(key)) return U;
      const v = ctx.values.get(key);
      const absent = !v || v.length === 0;
      return wants.some((w) => (w === 'true' ? absent : w === 'false' ? !absent : false)) ? T : F;
    };
  }
  const negated = NEGATED.has(base);
  const positive = negated ? POSITIVE_OF[base] : base;
  const templated = variables && (positive.startsWith('String') || positive.startsWith('Arn'));
  const like = positive === 'StringLike';
  // Static comparators are built once; templated values are resolved per request.
  const statics: Array<(v: string) => boolean> = [];
  const templates: Part[][] = [];
  for (const value of clause.values) {
    const parts = templated ? templateParts(value) : null;
    if (parts) templates.push(parts);
    else statics.push(comparator(positive, value));
  }

  // Matches of one context value against the policy values (OR), three-valued because of variables.
  // ARN patterns with variables: each of the six components is resolved and matched on its own.
  const arnTemplates =
    positive === 'ArnLike' || positive === 'ArnEquals'
      ? clause.values
          .filter((v) => templated && v.includes('${'))
          .map((v) => splitArn6(v)?.map((c) => templateParts(c) ?? [{ text: c, raw: true } as Part]) ?? null)
      : null;
  const anyMatch = (cv: string, ctx: ConditionContext): Tri => {
    for (const c of statics) if (c(cv)) return T;
    let unknown = false;
    if (arnTemplates) {
      const arn = splitArn6(cv);
      for (const comps of arnTemplates) {
        if (!comps || !arn) continue;
        let result: Tri = T;
        for (let i = 0; i < 6 && result !== F; i++) {
          const resolved = resolveTemplate(comps[i], ctx, true);
          if (resolved === MISSING) result = F;
          else if (resolved === UNKNOWN) result = U;
          else if (!new RegExp(`^${resolved}$`).test(arn[i])) result = F;
        }
        if (result === T) return T;
        if (result === U) unknown = true;
      }
      return unknown ? U : F;
    }
    for (const parts of templates) {
      const resolved = resolveTemplate(parts, ctx, like);
      if (resolved === UNKNOWN) unknown = true;
      else if (resolved !== MISSING) {
        if (like) {
          if (new RegExp(`^${resolved}$`).test(cv)) return T;
        } else if (
          positive === 'StringEqualsIgnoreCase' ? cv.toLowerCase() === resolved.toLowerCase() : cv === resolved
        )
          return T;
      }
    }
    return unknown ? U : F;
  };
  // AWS (policy variables): a variable whose key the request does not carry "is not present ... any attempt to
  // match it fails and causes the statement to be invalid". Under a positive operator that value matches
  // nothing (the others still may); under a negated one the "does not match" cannot hold either: it fails.
  const unresolvable = (ctx: ConditionContext): boolean =>
    templates.some((parts) => resolveTemplate(parts, ctx, like) === MISSING);
  const single = (cv: string, ctx: ConditionContext): Tri => {
    if (negated && templates.length > 0 && unresolvable(ctx)) return F;
    const r = anyMatch(cv, ctx);
    return negated ? (r === U ? U : r === T ? F : T) : r;
  };

  const set = clause.setOperator;
  const ifExists = clause.ifExists;
  return (ctx) => {
    if (ctx.isUnknown(key)) return U;
    const values = ctx.values.get(key);
    if (!values || values.length === 0) {
      // ForAnyValue needs at least one value even with IfExists (as AWS behaves, and the oracle agrees).
      if (set === 'ForAnyValue') return F;
      if (ifExists || set === 'ForAllValues') return T;
      return negated ? T : F;
    }
    if (set === 'ForAllValues') {
      let unknown = false;
      for (const cv of values) {
        const r = single(cv, ctx);
        if (r === F) return F;
        if (r === U) unknown = true;
      }
      return unknown ? U : T;
    }
    // AWS (single-valued vs. multivalued context keys): "Multivalued context keys require a condition set
    // operator" — an operator without ForAllValues/ForAnyValue does not match a key the request gives several values.
    if (set === null && values.length > 1) return F;
    if (set === 'ForAnyValue' || !negated) {
      let unknown = false;
      for (const cv of values) {
        const r = single(cv, ctx);
        if (r === T) return T;
        if (r === U) unknown = true;
      }
      return unknown ? U : F;
    }
    // A negated operator without a set prefix: true when no context value matches any policy value.
    if (templates.length > 0 && unresolvable(ctx)) return F;
    let unknown = false;
    for (const cv of values) {
      const r = anyMatch(cv, ctx);
      if (r === T) return F;
      if (r === U) unknown = true;
    }
    return unknown ? U : T;
  };
}
