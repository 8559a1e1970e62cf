// The usage kinds, by step name. A new kind is one module of this folder implementing `UsageKind`
// (builder.ts) and one line in KINDS below.
import type { UsageKind } from '../builder';
import { awsBinding } from './bindings';
import { shellSts } from './sts-shell';
import { vault } from './vault';
import { withAws } from './withaws';

const KINDS: readonly UsageKind[] = [withAws, awsBinding, shellSts, vault];

/** The kinds by name (pending calls name their kind). */
export const KIND_BY_NAME: ReadonlyMap<string, UsageKind> = new Map(KINDS.map((k) => [k.name, k]));

/** The kinds by the step (callee name) whose calls they read. */
export const KIND_BY_STEP: ReadonlyMap<string, UsageKind> = new Map(KINDS.flatMap((k) => k.steps.map((s) => [s, k] as const)));
