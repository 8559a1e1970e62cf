// The usage kinds, by step name. A new kind is one module of this folder implementing `UsageKindModule`
// (builder.ts) and one line in KINDS below.
import type { UsageKindModule } from '../builder';
import { awsBinding } from './bindings';
import { shellSts } from './sts-shell';
import { vault } from './vault';
import { withAws } from './withaws';

const KINDS: readonly UsageKindModule[] = [withAws, awsBinding, shellSts, vault];

/** The kinds by name (pending calls name their kind). */
export const KIND_BY_NAME: ReadonlyMap<string, UsageKindModule> = new Map(KINDS.map((k) => [k.name, k]));

/** The kinds by the step (callee name) whose calls they read. */
export const KIND_BY_STEP: ReadonlyMap<string, UsageKindModule> = new Map(
  KINDS.flatMap((k) => k.steps.map((s) => [s, k] as const)),
);
