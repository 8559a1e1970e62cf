// Usages that assume no role (static keys) as the editor shows them: the credential each uses (the Role Trust
// Explorer lists them under it), and what the hover, CodeLens and commands say instead of a trust decision.
// No `vscode` here: unit-tested with plain mocha.
import { usesStaticKeys, type Usage } from '../../core/types';

/** The keys a static-key usage uses: the credential id (resolved, or as written) or the AWS profile. */
export interface StaticKeysRef {
  /** Groups usages of the same keys (ids, texts and profiles never collide). */
  key: string;
  /** What the tree shows: `ci-keys`, `"${AWS_CRED}" (unresolved)`, `profile ci`. */
  label: string;
  /** True when the id is known (resolved); false when it is shown as written. */
  resolved: boolean;
}

export function staticKeysOf(usage: Usage): StaticKeysRef {
  if (usage.credentialsId !== null)
    return { key: `id:${usage.credentialsId}`, label: usage.credentialsId, resolved: true };
  if (usage.credentialsText !== undefined)
    return { key: `text:${usage.credentialsText}`, label: `${usage.credentialsText} (unresolved)`, resolved: false };
  if (usage.profile !== undefined)
    return { key: `profile:${usage.profile}`, label: `profile ${usage.profile}`, resolved: true };
  return { key: 'none', label: '(no credential id)', resolved: false };
}

/** The credential's static-key usages, in the order given. */
export interface StaticKeysGroup<T> extends StaticKeysRef {
  items: T[];
}

/** Groups the usages that assume no role by the credential they use (sorted by label); role usages are left out. */
export function groupByStaticKeys<T>(items: readonly T[], usageOf: (item: T) => Usage): StaticKeysGroup<T>[] {
  const groups = new Map<string, StaticKeysGroup<T>>();
  for (const item of items) {
    const usage = usageOf(item);
    if (!usesStaticKeys(usage)) continue;
    const ref = staticKeysOf(usage);
    let g = groups.get(ref.key);
    if (!g) groups.set(ref.key, (g = { ...ref, items: [] }));
    g.items.push(item);
  }
  return [...groups.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** One sentence saying the step assumes no role (hover, "Check trust", explorer tooltip). */
export function staticKeysSentence(usage: Usage): string {
  const ref = staticKeysOf(usage);
  const what = usage.profile !== undefined && usage.credentialsId === null ? ref.label : `AWS credential ${ref.label}`;
  return `this step uses the long-lived access keys of ${what} and assumes no role: no trust policy decides it`;
}

/** Why nothing can be minted for a static-key step (the mint command's message). */
export function nothingToMint(usage: Usage): string {
  return `RoleCall: ${staticKeysSentence(usage)}, so there are no temporary credentials to mint. Give the step a role (withAWS role:, or roleArn: on the binding), or use "Enter a role ARN…".`;
}
