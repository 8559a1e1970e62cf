// Building a call's usages: once per chain of helper calls (frames.ts) and per iteration of the loops
// whose lists the file writes, keeping one usage per distinct set of values. Shared by a file's own calls
// (extract.ts) and the shared-library steps it calls (library.ts).
import type { Usage } from '../types';
import type { ExtractContext, UsageBuilder, UsageKindModule } from './builder';
import { KIND_BY_NAME } from './kinds';
import type { Lines } from './lines';
import { MAX_LOOP_ELEMENTS, Resolver, type LoopElement, type LoopOf } from './resolve';
import type { Pending, WalkScope } from './scope';
import type { WalkResult } from './walk';

/** The resolver of a walked file's values: its own assignments and scopes, and the context's parameters. */
export function resolverOf(text: string, lines: Lines, walk: WalkResult, ctx: ExtractContext): Resolver {
  return new Resolver({
    text,
    lines,
    assignments: walk.assignments,
    parameters: walk.parameters,
    params: { ...(ctx.config?.parameters ?? {}), ...(ctx.params ?? {}) },
    credentials: ctx.credentials ?? {},
    configEnv: ctx.config?.env ?? {},
    locals: walk.locals,
    declared: walk.declared,
    bodies: walk.bodies,
    mutated: walk.mutated,
  });
}

/**
 * Builds one pending call in every scope given (per loop iteration where a value reads a loop variable),
 * keeping one usage per distinct set of values; `each` sees every usage built, with its scope, before that.
 */
export function buildItem(
  item: Pending,
  scopes: readonly WalkScope[],
  builder: UsageBuilder,
  each?: (u: Usage, scope: WalkScope) => void,
): void {
  const kind = KIND_BY_NAME.get(item.kind);
  if (!kind) return;
  const budget = { builds: MAX_LOOP_BUILDS };
  let builds = 0;
  for (const scope of scopes) {
    const before = item.usages.length;
    builds += buildPerIteration(kind, item, scope, builder, budget);
    if (each) for (const u of item.usages.slice(before)) each(u, scope);
  }
  if (builds > 1) item.usages = distinct(item.usages, builder);
}

/** Builds of one call, per helper call and loop iteration together, past which loops are not expanded. */
const MAX_LOOP_BUILDS = 128;
const NONE: ReadonlyMap<LoopOf, LoopElement> = new Map();

/** One build of a call's usages in `scope`, with the loop iterations bound now; they are noted as built for both. */
function buildOnce(
  kind: UsageKindModule,
  item: Pending,
  scope: WalkScope,
  b: UsageBuilder,
  loops: readonly LoopOf[],
): void {
  const before = item.usages.length;
  try {
    // A copy with the call's scope; usages go to the item's own list (role chains read it).
    kind.build(scope === item.scope ? item : { ...item, scope }, b);
  } catch {
    // One odd call must not lose the others; it simply yields no usage.
  }
  const key = b.buildKey(scope, loops);
  for (const u of item.usages.slice(before)) b.noteBuiltFor(u, key);
}

/**
 * Builds a call's usages in one scope (one chain of helper calls). When a value read a loop variable whose
 * list or map the file writes (`for (e in ['dev', 'prod'])`, `accounts.each { a -> }`), or the enclosing
 * credentials were built per iteration, the build is undone and done again once per iteration (nested
 * loops: per combination, at most MAX_LOOP_ELEMENTS), each variable bound to its element. Returns the
 * number of builds.
 */
function buildPerIteration(
  kind: UsageKindModule,
  item: Pending,
  scope: WalkScope,
  b: UsageBuilder,
  budget: { builds: number },
): number {
  const resolver = b.resolver;
  resolver.bindings = NONE;
  resolver.capped = new Map();
  resolver.touched.clear();
  const cp = b.checkpoint();
  const before = item.usages.length;
  buildOnce(kind, item, scope, b, []);
  const enclosing = item.scope.identity ? (b.expandedLoops.get(item.scope.identity.item) ?? []) : [];
  if (resolver.touched.size === 0 && enclosing.length === 0) return 1;
  const wanted = [...new Set([...enclosing, ...resolver.touched])].sort((x, y) => x.at - y.at);
  // Outer loops first: an inner loop's list may be an element of the outer one.
  let combos: Array<Map<LoopOf, LoopElement>> = [new Map()];
  const used: LoopOf[] = [];
  const capped = new Map<LoopOf, string>();
  for (const loop of wanted) {
    const next: Array<Map<LoopOf, LoopElement>> = [];
    let known = true;
    for (const c of combos) {
      resolver.bindings = c;
      const iterations = resolver.iterations(loop, scope);
      if (!iterations) {
        known = false;
        break;
      }
      for (const el of iterations) next.push(new Map(c).set(loop, el));
    }
    if (!known) continue;
    if (next.length > MAX_LOOP_ELEMENTS || next.length > budget.builds) {
      capped.set(
        loop,
        next.length > MAX_LOOP_ELEMENTS
          ? `with the loops around it that makes ${next.length} combinations, more than the ${MAX_LOOP_ELEMENTS} RoleCall checks one by one`
          : `this step is analysed for more helper calls and loop iterations than RoleCall checks one by one (${MAX_LOOP_BUILDS})`,
      );
      continue;
    }
    combos = next;
    used.push(loop);
  }
  resolver.bindings = NONE;
  if (used.length === 0 && capped.size === 0) return 1;
  // Done again: per iteration, or once more to say why a loop was left unexpanded.
  b.rollback(cp);
  item.usages.length = before;
  resolver.capped = capped;
  for (const c of combos) {
    resolver.bindings = c;
    buildOnce(kind, item, scope, b, used);
  }
  resolver.bindings = NONE;
  resolver.capped = new Map();
  budget.builds -= combos.length;
  if (used.length > 0) b.expandedLoops.set(item, used);
  return combos.length;
}

/**
 * One usage per distinct set of values: calls of a helper that pass the same values make one usage (its
 * origins name the first such call), calls that pass different values one each.
 */
export function distinct(usages: Usage[], builder: UsageBuilder): Usage[] {
  const kept = new Map<string, Usage>();
  for (const u of usages) {
    // Where a value was written (origins' descriptions and ranges) differs between calls; the values do not.
    // Literal secrets are reported once per place written, so they are merged rather than compared.
    const key = JSON.stringify(u, function (this: unknown, k: string, v: unknown) {
      if (k === 'description' || k === 'secrets') return undefined;
      if (k === 'range' && this !== null && typeof this === 'object' && 'source' in this) return undefined;
      return v;
    });
    const first = kept.get(key);
    if (!first) {
      kept.set(key, u);
      continue;
    }
    // The kept usage stands for this call too (shell steps inside read it as their enclosing step).
    for (const k of builder.builtFor.get(u) ?? []) builder.builtFor.get(first)?.push(k);
    for (const s of u.secrets)
      if (
        !first.secrets.some((x) => x.kind === s.kind && x.range.start === s.range.start && x.range.end === s.range.end)
      )
        first.secrets.push(s);
  }
  return [...kept.values()];
}
