// Usage extraction: the walk (walk.ts) collects calls with their scope and what resolution needs; each
// call is then built by its usage kind (kinds/), in source order, so an enclosing withAWS is known before
// the shell steps inside it. Extraction makes no finding: it returns plain usages and the facts rules
// report (literal secrets, calls the AWS CLI refuses).
import type { Program } from '../syntax/ast';
import type { PipelineFact, Usage } from '../types';
import { UsageBuilder, type ExtractContext } from './builder';
import { buildItem, resolverOf } from './build';
import { CallSites } from './frames';
import { libraryNames, libraryUsages, sameOnce, type Shared } from './library';
import { Lines } from './lines';
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
    const walk = walkPipeline(program, text, lines, libraryNames(ctx.library));
    const resolver = resolverOf(text, lines, walk, ctx);
    const builder = new UsageBuilder(text, file, ctx, lines, resolver, walk.facts);
    builder.methods = walk.methods;
    const sites = new CallSites(walk.methods, walk.methodSites);
    for (const item of walk.pending) item.usages = [];
    // Calls inside called helpers come last: their callers' enclosing credentials are built by then.
    const order = [
      ...walk.pending.filter((i) => !sites.called(i.scope.method)),
      ...walk.pending.filter((i) => sites.called(i.scope.method)),
    ];
    for (const item of order) buildItem(item, sites.scopes(item.scope), builder);
    const usages: Usage[] = [];
    for (const item of walk.pending) for (const u of item.usages) usages.push(u);
    // Shared-library steps the file calls: their usages with this file's arguments, located at the calls.
    if (ctx.library && walk.librarySites.length > 0) {
      const shared: Shared = { ctx, library: ctx.library, root: { file, builder } };
      try {
        usages.push(...sameOnce(libraryUsages(shared, builder, sites, walk.librarySites)));
      } catch {
        // A problem following a library step must not lose the file's own usages.
      }
    }
    // Stable: calls start in source order, but a shell step's usage anchors inside its script.
    usages.sort((a, b) => a.anchor.start - b.anchor.start);
    return { usages, facts: walk.facts };
  } catch {
    // Extraction bugs must not turn into stack traces for the user; report nothing rather than crash.
    return { usages: [], facts: [] };
  }
}
