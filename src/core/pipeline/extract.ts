// Usage extraction: the walk (walk.ts) collects calls with their scope and what resolution needs; each
// call is then built by its usage kind (kinds/), in source order, so an enclosing withAWS is known before
// the shell steps inside it. Extraction makes no finding: it returns plain usages and the facts rules
// report (literal secrets, calls the AWS CLI refuses).
import type { Program } from '../syntax/ast';
import type { PipelineFact, Usage } from '../types';
import { UsageBuilder, type ExtractContext } from './builder';
import { CallSites } from './frames';
import { KIND_BY_NAME } from './kinds';
import { Lines } from './lines';
import { Resolver } from './resolve';
import { walkPipeline } from './walk';

/** What a pipeline file holds: its usages in source order, and facts for the rules. */
export interface Extraction {
  usages: Usage[];
  facts: PipelineFact[];
}

/** Finds every AWS credential usage in a parsed pipeline, with values resolved. Never throws. */
export function extractUsages(program: Program, text: string, file: string, ctx: ExtractContext): Extraction {
  try {
    const lines = new Lines(text);
    const walk = walkPipeline(program, text, lines);
    const resolver = new Resolver({
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
    });
    const builder = new UsageBuilder(text, file, ctx, lines, resolver, walk.facts);
    builder.methods = walk.methods;
    const sites = new CallSites(walk.methods, walk.methodSites);
    for (const item of walk.pending) item.usages = [];
    // Calls inside called helpers come last: their callers' enclosing credentials are built by then.
    const order = [
      ...walk.pending.filter((i) => !sites.called(i.scope.method)),
      ...walk.pending.filter((i) => sites.called(i.scope.method)),
    ];
    for (const item of order) {
      const kind = KIND_BY_NAME.get(item.kind);
      if (!kind) continue;
      const scopes = sites.scopes(item.scope);
      for (const scope of scopes) {
        const before = item.usages.length;
        try {
          // A copy with the call's scope; usages go to the item's own list (role chains read it).
          kind.build(scope === item.scope ? item : { ...item, scope }, builder);
        } catch {
          // One odd call must not lose the others; it simply yields no usage.
        }
        for (const u of item.usages.slice(before)) builder.noteBuiltFor(u, scope);
      }
      if (scopes.length > 1) item.usages = distinct(item.usages, builder);
    }
    const usages: Usage[] = [];
    for (const item of walk.pending) for (const u of item.usages) usages.push(u);
    // Stable: calls start in source order, but a shell step's usage anchors inside its script.
    usages.sort((a, b) => a.anchor.start - b.anchor.start);
    return { usages, facts: walk.facts };
  } catch {
    // Extraction bugs must not turn into stack traces for the user; report nothing rather than crash.
    return { usages: [], facts: [] };
  }
}

/**
 * One usage per distinct set of values: calls of a helper that pass the same values make one usage (its
 * origins name the first such call), calls that pass different values one each.
 */
function distinct(usages: Usage[], builder: UsageBuilder): Usage[] {
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
