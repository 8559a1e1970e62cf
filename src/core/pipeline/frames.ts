// Helper methods declared in the file: a usage inside `def deploy(Map cfg) { withAWS(role: cfg.role) }` is
// analysed once per call of `deploy(...)` in the file, its parameters bound to that call's arguments the
// way Groovy binds them (named arguments collected into a map as the first parameter, defaults filled from
// the left, a trailing closure as the last argument). A method no call in the file reaches (a
// shared-library step called from a pipeline elsewhere) keeps its parameters unknown.
import type { CallExpression, Expression, MethodDeclaration, Program } from '../syntax/ast';
import type { BoundArg, CallFrame, ForeignCall } from './resolve';
import type { WalkScope } from './scope';

/** A method declared in the file; a class's method is reached only by calls inside its class. */
export interface DeclaredMethod {
  decl: MethodDeclaration;
  /** The class it belongs to, or null for a script method. */
  owner: { start: number; end: number } | null;
}

/** A call of a name some method of the file has (`deploy(...)`, `this.deploy(...)`), with its scope. */
export interface MethodSite {
  name: string;
  call: CallExpression;
  scope: WalkScope;
}

/** Calls nested this deep (a helper calling a helper ...) are followed; deeper ones stay unknown. */
export const MAX_CALL_DEPTH = 4;
/** At most this many calls are analysed per usage site (the rest are not followed). */
export const MAX_FRAMES = 32;

/** The methods of a program: its own and its classes' (one level). */
export function declaredMethods(program: Program): DeclaredMethod[] {
  const out: DeclaredMethod[] = [];
  for (const st of program.body) {
    if (st.type === 'MethodDecl') out.push({ decl: st, owner: null });
    else if (st.type === 'ClassDecl')
      for (const m of st.body) if (m.type === 'MethodDecl') out.push({ decl: m, owner: st });
  }
  return out;
}

/** The method name a call invokes when it can be a method of this file (bare or `this.`), else null. */
export function invokedName(call: CallExpression): string | null {
  const c = call.callee;
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'Property' && c.object.type === 'Identifier' && c.object.name === 'this' && !c.safe) return c.property;
  return null;
}

/**
 * The shared-library step a call may invoke: `name(...)`, `name.call(...)` (also with a trailing closure),
 * else null. Whether `name` is a step is the library's to say.
 */
export function libraryStepName(call: CallExpression): string | null {
  const c = call.callee;
  if (c.type === 'Identifier') return c.name;
  if (c.type === 'Property' && c.property === 'call' && !c.safe && !c.spread && c.object.type === 'Identifier')
    return c.object.name;
  return null;
}

/** Whether a value written like `e` can be passed to a parameter declared with `typeName` (null: any). */
function fits(typeName: string | null, arg: BoundArg): boolean {
  if (typeName === null || arg.kind === 'default') return true;
  const t = typeName
    .replace(/^java\.(util|lang)\./, '')
    .replace(/^groovy\.lang\./, '')
    .replace(/<.*$/, '');
  const shape: 'map' | 'closure' | 'string' | 'number' | 'list' | 'other' =
    arg.kind === 'named' ? 'map' : shapeOf(arg.expr);
  if (shape === 'other') return true;
  switch (t) {
    case 'Map':
    case 'LinkedHashMap':
    case 'HashMap':
      return shape === 'map';
    case 'Closure':
      return shape === 'closure';
    case 'String':
    case 'GString':
    case 'CharSequence':
      return shape === 'string';
    case 'int':
    case 'Integer':
    case 'long':
    case 'Long':
      return shape === 'number';
    case 'List':
    case 'Collection':
      return shape === 'list';
    default:
      return true;
  }
}

function shapeOf(e: Expression): 'map' | 'closure' | 'string' | 'number' | 'list' | 'other' {
  switch (e.type) {
    case 'Map':
      return 'map';
    case 'Closure':
      return 'closure';
    case 'String':
      return 'string';
    case 'Number':
      return 'number';
    case 'List':
      return 'list';
    default:
      return 'other';
  }
}

/**
 * The overload of `methods` (all of one name) a call invokes, as Groovy picks it: among those the call's
 * arguments fit (count, and the declared types of literal arguments), one that needs no default value first.
 */
export function pickOverload(
  methods: readonly MethodDeclaration[],
  call: CallExpression,
): { method: MethodDeclaration; args: Map<string, BoundArg> } | null {
  let best: { method: MethodDeclaration; args: Map<string, BoundArg>; defaults: number } | null = null;
  for (const method of methods) {
    const args = bindCall(method, call);
    if (!args) continue;
    if (!method.params.every((p) => fits(p.typeName, args.get(p.name)!))) continue;
    let defaults = 0;
    for (const a of args.values()) if (a.kind === 'default') defaults++;
    if (!best || defaults < best.defaults) best = { method, args, defaults };
  }
  return best ? { method: best.method, args: best.args } : null;
}

/** The number of calls a scope is analysed through (its chain of frames). */
export function frameDepth(scope: { frame?: CallFrame | null }): number {
  let n = 0;
  for (let f = scope.frame; f; f = f.outer.frame) n++;
  return n;
}

/** A call of a shared-library step in another file, bound to the step's `call` method, as seen from the step. */
export interface ForeignSite {
  call: CallExpression;
  args: Map<string, BoundArg>;
  /** The scope at the call in the calling file (already analysed for that file's own helper calls). */
  outer: WalkScope;
  foreign: ForeignCall;
}

/** Each parameter's value at a call, as Groovy binds them; null when the call does not fit the method. */
export function bindCall(method: MethodDeclaration, call: CallExpression): Map<string, BoundArg> | null {
  const values: BoundArg[] = [];
  const named = call.args.filter((a) => a.type === 'NamedArg');
  if (named.length > 0)
    values.push({
      kind: 'named',
      entries: named.map((a) => ({ key: a.name, value: a.value, start: a.start })),
    });
  for (const a of call.args) if (a.type !== 'NamedArg') values.push({ kind: 'arg', expr: a });
  for (const c of call.closures) values.push({ kind: 'arg', expr: c });
  const params = method.params;
  const withDefault = params.filter((p) => p.defaultValue !== null).length;
  if (values.length > params.length || values.length < params.length - withDefault) return null;
  // Groovy's generated overloads: the parameters with defaults get values from the left.
  let given = values.length - (params.length - withDefault);
  const out = new Map<string, BoundArg>();
  let i = 0;
  for (const p of params) {
    if (p.defaultValue !== null && given <= 0) {
      out.set(p.name, { kind: 'default', expr: p.defaultValue });
      continue;
    }
    if (p.defaultValue !== null) given--;
    out.set(p.name, values[i++]);
  }
  return out;
}

/** The calls of the file's methods, bound; answers which calls a position inside a method is analysed for. */
export class CallSites {
  private readonly byMethod = new Map<MethodDeclaration, Array<{ site: MethodSite; args: Map<string, BoundArg> }>>();
  /** Calls from other files (a pipeline calling this shared-library step), by the method they invoke. */
  private readonly foreign = new Map<MethodDeclaration, ForeignSite[]>();

  constructor(methods: readonly DeclaredMethod[], sites: readonly MethodSite[], foreign: readonly ForeignSite[] = []) {
    for (const f of foreign) {
      const method = f.foreign.method;
      let list = this.foreign.get(method);
      if (!list) this.foreign.set(method, (list = []));
      list.push(f);
    }
    const byName = new Map<string, DeclaredMethod[]>();
    for (const m of methods) {
      let list = byName.get(m.decl.name);
      if (!list) byName.set(m.decl.name, (list = []));
      list.push(m);
    }
    for (const site of sites) {
      for (const m of byName.get(site.name) ?? []) {
        const at = site.call.start;
        if (m.owner && !(m.owner.start <= at && at < m.owner.end)) continue;
        // A call inside the method itself (recursion) adds nothing the other calls do not give.
        if (m.decl.start <= at && at < m.decl.end) continue;
        const args = bindCall(m.decl, site.call);
        if (!args) continue;
        let list = this.byMethod.get(m.decl);
        if (!list) this.byMethod.set(m.decl, (list = []));
        list.push({ site, args });
        break;
      }
    }
  }

  /** Whether some call in the file reaches `method`. */
  called(method: MethodDeclaration | null): boolean {
    return (
      method !== null && ((this.byMethod.get(method)?.length ?? 0) > 0 || (this.foreign.get(method)?.length ?? 0) > 0)
    );
  }

  /** Whether a call from another file reaches the method (directly or through the file's own helpers). */
  reachedFromOutside(scope: WalkScope): boolean {
    return this.scopes(scope).some((s) => {
      for (let f = s.frame; f; f = f.outer.frame) if (f.foreign) return true;
      return false;
    });
  }

  /**
   * The scopes a position with `scope` is analysed in: one per call that reaches its method (through
   * callers' calls in turn), each with the call's frame and the caller's agent and credentials where the
   * method sets none; `[scope]` when no call reaches it.
   */
  scopes(scope: WalkScope, depth = 0): WalkScope[] {
    const method = scope.method;
    const calls = method ? this.byMethod.get(method) : undefined;
    const foreign = method ? this.foreign.get(method) : undefined;
    const out: WalkScope[] = [];
    if (foreign && foreign.length > 0 && method) {
      // A shared-library step's `call`: analysed once per call in the pipelines (their scopes are final).
      for (const f of foreign) {
        if (depth + frameDepth(f.outer) >= MAX_CALL_DEPTH) continue;
        const frame: CallFrame = { method, call: f.call, args: f.args, outer: f.outer, foreign: f.foreign };
        out.push({
          env: scope.env,
          method,
          frame,
          agent: scope.agent ?? f.outer.agent,
          identity: scope.identity ?? f.outer.identity,
        });
        if (out.length >= MAX_FRAMES) return out;
      }
    }
    if (!method || !calls || calls.length === 0 || depth >= MAX_CALL_DEPTH) return out.length > 0 ? out : [scope];
    for (const { site, args } of calls) {
      for (const outer of this.scopes(site.scope, depth + 1)) {
        const frame: CallFrame = { method, call: site.call, args, outer };
        out.push({
          env: scope.env,
          method,
          frame,
          agent: scope.agent ?? outer.agent,
          identity: scope.identity ?? outer.identity,
        });
        if (out.length >= MAX_FRAMES) return out;
      }
    }
    return out;
  }
}
