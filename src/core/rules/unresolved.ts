// unresolved-reference: one info per value the analysis could not resolve, saying how to provide it;
// out-of-scope-variable: an error where the value is a variable the method cannot see (the build fails there).
import { finding, type Finding, type Usage } from '../types';

/** One `unresolved-reference` (or `out-of-scope-variable`) finding per unresolved value of a usage. */
export function unresolvedRule(usage: Usage): Finding[] {
  return usage.unresolved.map((u) =>
    finding(u.code ?? 'unresolved-reference', usage.file, u.range, u.message, { roleArn: usage.roleArn }),
  );
}
