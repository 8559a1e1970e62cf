// Calls of shared-library steps across files: a pipeline's `deployTo(role: 'x', ...)` reaches
// `vars/deployTo.groovy`'s `call(Map cfg)`. The step's usages are built once per call (the call's
// arguments bound to `call`'s parameters as Groovy binds them, frames.ts), through the steps and helpers it
// calls in turn (up to frames.ts's depth), and belong to the calling file: located at the call, where the
// author can fix the values, with `libraryStep` saying where the AWS step is written. A step's usage that
// does not depend on the call (the same values as the step seen alone) is left to the step's own file.
import type { Expression } from '../syntax/ast';
import type { LibraryStep, SharedLibrary, Usage } from '../types';
import { LineMap } from '../types';
import { UsageBuilder, type ExtractContext } from './builder';
import { CallSites, MAX_CALL_DEPTH, frameDepth, pickOverload, type ForeignSite, type MethodSite } from './frames';
import { buildItem, resolverOf } from './build';
import { Lines } from './lines';
import type { Scope } from './resolve';
import type { Pending, WalkScope } from './scope';
import { walkPipeline, type WalkResult } from './walk';

/** A step's walk, once per library (the walk records calls of the library's other steps). */
interface Prepared {
  walk: WalkResult;
  lines: Lines;
  map: LineMap;
}

const prepared = new WeakMap<SharedLibrary, Map<LibraryStep, Prepared>>();

function prepare(library: SharedLibrary, step: LibraryStep): Prepared {
  let byStep = prepared.get(library);
  if (!byStep) prepared.set(library, (byStep = new Map()));
  let p = byStep.get(step);
  if (!p) {
    const lines = new Lines(step.text);
    p = {
      walk: walkPipeline(step.program, step.text, lines, new Set(library.steps.keys())),
      lines,
      map: new LineMap(step.text),
    };
    byStep.set(step, p);
  }
  return p;
}

/** The names a pipeline may call as steps (for the walk). */
export function libraryNames(library: SharedLibrary | null | undefined): ReadonlySet<string> | undefined {
  return library && library.steps.size > 0 ? new Set(library.steps.keys()) : undefined;
}

/** What the builders of one extraction share. */
export interface Shared {
  ctx: ExtractContext;
  library: SharedLibrary;
  /** The file analysed: every usage found is located in it. */
  root: { file: string; builder: UsageBuilder };
}

/** A usage's values without where they are written: equal for the same call of the same step. */
function valuesKey(u: Usage): string {
  return JSON.stringify(u, (k: string, v: unknown) =>
    k === 'description' ||
    k === 'secrets' ||
    k === 'range' ||
    k === 'anchor' ||
    k === 'args' ||
    k === 'file' ||
    k === 'libraryStep' ||
    k === 'callerOrigin' ||
    k === 'agentLabel'
      ? undefined
      : v,
  );
}

/**
 * One usage per call, AWS step and set of values: a step reached again through a cycle of steps calling each
 * other (or through two paths) with the same values adds nothing; the shortest path, found first, is kept.
 */
export function sameOnce(usages: Usage[]): Usage[] {
  const seen = new Set<string>();
  return usages.filter((u) => {
    const key = `${u.anchor.start}:${u.libraryStep?.file}:${u.libraryStep?.line}:${u.libraryStep?.column}:${valuesKey(u)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The usages of the library steps that `sites` (calls in the file of `caller`, with `callerSites` binding
 * that file's own helpers) reach, located in the root file. Never throws.
 */
export function libraryUsages(
  shared: Shared,
  caller: UsageBuilder,
  callerSites: CallSites,
  sites: readonly MethodSite[],
): Usage[] {
  const out: Usage[] = [];
  const byStep = new Map<string, MethodSite[]>();
  for (const s of sites) {
    let list = byStep.get(s.name);
    if (!list) byStep.set(s.name, (list = []));
    list.push(s);
  }
  for (const [name, calls] of byStep) {
    const step = shared.library.steps.get(name);
    if (!step) continue;
    const p = prepare(shared.library, step);
    const overloads = p.walk.methods.filter((m) => m.owner === null && m.decl.name === 'call').map((m) => m.decl);
    if (overloads.length === 0) continue;
    const entries: ForeignSite[] = [];
    for (const site of calls) {
      const picked = pickOverload(overloads, site.call);
      if (!picked) continue;
      for (const outer of callerSites.scopes(site.scope)) {
        if (frameDepth(outer) >= MAX_CALL_DEPTH) continue;
        // What the caller's scope holds (its agent, its enclosing step) is read by the caller's builder.
        if (outer.agent && !caller.owners.has(outer.agent)) caller.owners.set(outer.agent, caller);
        if (outer.identity && !caller.owners.has(outer.identity.item)) caller.owners.set(outer.identity.item, caller);
        entries.push({
          call: site.call,
          args: picked.args,
          outer,
          foreign: { step: name, method: picked.method, file: caller.file, resolver: caller.resolver },
        });
      }
    }
    if (entries.length > 0) out.push(...stepUsages(shared, step, p, entries));
  }
  return out;
}

/** The usages of one step for the calls given (and of the steps it calls in turn). */
function stepUsages(shared: Shared, step: LibraryStep, p: Prepared, entries: ForeignSite[]): Usage[] {
  const { walk, lines } = p;
  const ctx = shared.ctx;
  const root = shared.root.builder;
  const resolver = resolverOf(step.text, lines, walk, ctx);
  // Facts (literal secrets) of the step are its own file's to report.
  const builder = new UsageBuilder(step.text, step.file, ctx, lines, resolver, []);
  builder.methods = walk.methods;
  builder.owners = root.owners;
  builder.builtFor = root.builtFor;
  for (const item of walk.pending) builder.owners.set(item, builder);
  const sites = new CallSites(walk.methods, walk.methodSites, entries);
  for (const item of walk.pending) item.usages = [];
  const reached: Array<{ item: Pending; scopes: WalkScope[] }> = [];
  for (const item of walk.pending) {
    const scopes = sites.scopes(item.scope).filter(viaForeign);
    if (scopes.length > 0) reached.push({ item, scopes });
  }
  // The step seen alone (as its own file's analysis sees it): a usage equal to it does not depend on the call.
  const alone = new Map<Pending, Set<string>>();
  for (const { item } of reached) buildItem(item, [item.scope], builder);
  for (const { item } of reached) {
    alone.set(item, new Set(item.usages.map(valuesKey)));
    item.usages = [];
  }
  const out: Usage[] = [];
  for (const { item, scopes } of reached) {
    buildItem(item, scopes, builder, (u, scope) => relocate(u, scope, step, p, shared));
    for (const u of item.usages) if (!alone.get(item)!.has(valuesKey(u))) out.push(u);
  }
  // Steps this step calls in turn (their calls bound in this step's scopes).
  const inner = walk.librarySites.filter((s) => sites.scopes(s.scope).some(viaForeign));
  if (inner.length > 0) out.push(...libraryUsages(shared, builder, new ReachedSites(sites), inner));
  return out;
}

/** The step's call sites, answering only with the scopes reached from the root file's calls. */
class ReachedSites extends CallSites {
  constructor(private readonly inner: CallSites) {
    super([], []);
  }
  override scopes(scope: WalkScope): WalkScope[] {
    return this.inner.scopes(scope).filter(viaForeign);
  }
}

function viaForeign(scope: Scope): boolean {
  for (let f = scope.frame; f; f = f.outer.frame) if (f.foreign) return true;
  return false;
}

/** Moves a usage built inside a library step to the call in the root file that reaches it. */
function relocate(u: Usage, scope: Scope, step: LibraryStep, p: Prepared, shared: Shared): void {
  const steps: string[] = [];
  let call: { start: number; end: number; callee: Expression } | null = null;
  for (let f = scope.frame; f; f = f.outer.frame)
    if (f.foreign) {
      steps.unshift(f.foreign.step);
      call = f.call;
    }
  if (!call) return;
  const at = p.map.position(u.anchor.start);
  u.libraryStep = { name: steps[0], steps, file: step.file, line: at.line, column: at.column };
  u.file = shared.root.file;
  const callee = call.callee;
  const head = callee.type === 'Property' ? callee.object : callee;
  u.anchor = { start: head.start, end: head.end };
  u.range = { start: call.start, end: call.end };
  // Offsets of the library file mean nothing in the root file: findings fall back to the call.
  u.args = {};
  for (const o of Object.values(u.origins)) if (o) delete o.range;
  if (u.externalId.resolved) delete u.externalId.resolved.origin.range;
  u.unresolved = u.unresolved.map(({ fieldFix: _inStep, ...x }) => ({ ...x, range: { ...u.anchor } }));
  u.secrets = [];
}
