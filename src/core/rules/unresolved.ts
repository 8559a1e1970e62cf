// unresolved-reference: one info per value the analysis could not resolve, saying how to provide it.
import { finding, type Finding, type Usage } from '../types';

/** One `unresolved-reference` finding per unresolved value of a usage. */
export function unresolvedRule(usage: Usage): Finding[] {
  return usage.unresolved.map((u) =>
    finding('unresolved-reference', usage.file, u.range, u.message, { roleArn: usage.roleArn }),
  );
}
