// How pipeline calls are written: a step's name (also `steps.sh` in shared-library code), its named and
// positional arguments, plain strings. Shared by the walk and the usage kinds.
import type { Argument, CallExpression, Expression, MapLiteral } from '../syntax/ast';
import type { Range } from '../types';

/** Objects whose methods are pipeline steps in shared-library code (`steps.sh`, `script.withAWS`). */
const STEP_OWNERS = new Set(['steps', 'script', 'this', 'ctx', 'pipeline', 'context', 'jenkins']);

export function calleeName(call: CallExpression): string | null {
  const c = call.callee;
  if (c.type === 'Identifier') return c.name;
  // `steps.sh(...)` in shared-library classes, `this.sh(...)`.
  if (c.type === 'Property' && c.object.type === 'Identifier' && STEP_OWNERS.has(c.object.name)) return c.property;
  // `this.steps.sh(...)`, `script.steps.sh(...)` in shared-library classes.
  if (c.type === 'Property' && c.object.type === 'Property' && c.object.property === 'steps') return c.property;
  return null;
}

/** Named arguments of a call, from `name: v` arguments or a single map argument (`withAWS([role: 'x'])`). */
export function namedArgs(args: readonly Argument[]): Map<string, Expression> {
  const out = new Map<string, Expression>();
  for (const a of args) {
    if (a.type === 'NamedArg') out.set(a.name, a.value);
    else if (a.type === 'Map') for (const e of a.entries) if (e.keyName !== null) out.set(e.keyName, e.value);
  }
  return out;
}

export function positional(args: readonly Argument[]): Expression[] {
  return args.filter((a): a is Expression => a.type !== 'NamedArg');
}

export function mapEntries(m: MapLiteral): Map<string, Expression> {
  const out = new Map<string, Expression>();
  for (const e of m.entries) if (e.keyName !== null) out.set(e.keyName, e.value);
  return out;
}

export function plainString(e: Expression | undefined): string | null {
  if (!e) return null;
  if (e.type === 'String' && !e.interpolated) return e.value;
  return null;
}

/**
 * Where the contract locates a call: its step name — `withAWS` also in `steps.withAWS(...)` or
 * `this.withAWS(...)` (the name as written at the end of the qualified callee), else the whole callee.
 */
export function stepName(call: CallExpression, text: string): Range {
  const c = call.callee;
  if (c.type === 'Property' && text.slice(c.end - c.property.length, c.end) === c.property)
    return { start: c.end - c.property.length, end: c.end };
  return { start: c.start, end: c.end };
}

export function range(n: { start: number; end: number }): Range {
  return { start: n.start, end: n.end };
}

/** The argument as written, without the quotes of a plain string. */
export function rawContent(text: string, e: Expression): string {
  if (e.type === 'String') {
    const q = e.quote.length;
    return text.slice(e.start + q, Math.max(e.start + q, e.end - q));
  }
  return text.slice(e.start, e.end);
}

/**
 * End of a call's last argument (or of its name when it has none): `args.call` spans call start → here,
 * so a quick fix inserts `, externalId: ...` at `args.call.end`.
 */
export function callArgsEnd(call: CallExpression): number {
  return call.args.length > 0 ? call.args[call.args.length - 1].end : call.callee.end;
}
