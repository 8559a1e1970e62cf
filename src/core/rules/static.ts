// Checks of a usage that need no IAM data, one module per finding family.
import type { Finding, Usage } from '../types';
import { arnFormatRule } from './arn-format';
import { sessionNameRule } from './session-name';
import { durationRangeRule } from './duration-range';
import { externalIdRule, secretsRule } from './secrets';
import { unresolvedRule } from './unresolved';

export { arnFormatRule } from './arn-format';
export { sessionNameRule, sanitizeSessionName } from './session-name';
export { durationRangeRule, durationBounds } from './duration-range';
export { externalIdRule, externalIdProblem, secretsRule } from './secrets';
export { unresolvedRule } from './unresolved';

/** Checks of a usage that need no IAM data. Never throws. */
export function staticRules(usage: Usage): Finding[] {
  const out: Finding[] = [];
  for (const rule of [arnFormatRule, sessionNameRule, durationRangeRule, externalIdRule, secretsRule, unresolvedRule]) {
    try {
      out.push(...rule(usage));
    } catch {
      // A rule bug must not hide the other rules' findings.
    }
  }
  return out;
}
