// Helper methods declared in the file: a usage inside `def deploy(Map cfg) { withAWS(role: cfg.role) }` is
// analysed once per call of `deploy(...)` in the file, its parameters bound to that call's arguments the
// way Groovy binds them (named arguments collected into a map as the first parameter, defaults filled from
// the left, a trailing closure as the last argument). A method no call in the file reaches (a
// shared-library step called from a pipeline elsewhere) keeps its parameters unknown.
import type { CallExpression, MethodDeclaration, Program } from '../syntax/ast';
import type { BoundArg, CallFrame } from './resolve';
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
const MAX_CALL_DEPTH = 4;
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

  constructor(methods: readonly DeclaredMethod[], sites: readonly MethodSite[]) {
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
    return method !== null && (this.byMethod.get(method)?.length ?? 0) > 0;
  }

  /**
   * The scopes a position with `scope` is analysed in: one per call that reaches its method (through
   * callers' calls in turn), each with the call's frame and the caller's agent and credentials where the
   * method sets none; `[scope]` when no call reaches it.
   */
  scopes(scope: WalkScope, depth = 0): WalkScope[] {
    const method = scope.method;
    const calls = method ? this.byMethod.get(method) : undefined;
    if (!method || !calls || calls.length === 0 || depth >= MAX_CALL_DEPTH) return [scope];
    const out: WalkScope[] = [];
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
