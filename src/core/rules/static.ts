// Checks of a usage that need no IAM data, one module per finding family.
import { usesStaticKeys, type Finding, type PipelineFact, type Usage } from '../types';
import { defaultConfig } from '../config';
import { arnFormatRule, missingRoleArnRule } from './arn-format';
import { missingSessionNameRule, sessionNameRule } from './session-name';
import { durationRangeRule } from './duration-range';
import { externalIdRule, secretFactRule, secretsRule, staticKeysRule, type FactContext } from './secrets';
import { unresolvedRule } from './unresolved';
import { roleOptionsRule } from './role-options';

export { arnFormatRule } from './arn-format';
export { sessionNameRule, sanitizeSessionName } from './session-name';
export { durationRangeRule, durationBounds } from './duration-range';
export { externalIdRule, externalIdProblem, secretsRule, staticKeysRule } from './secrets';
export { unresolvedRule } from './unresolved';

/** Checks of a usage that need no IAM data. Never throws. */
export function staticRules(usage: Usage, ctx: FactContext = { config: defaultConfig(), agents: null }): Finding[] {
  const out: Finding[] = [];
  // A usage of static keys assumes no role: no ARN, session name, duration or ExternalId to check.
  const rules = usesStaticKeys(usage)
    ? [(u: Usage) => staticKeysRule(u, ctx), secretsRule, unresolvedRule]
    : [arnFormatRule, sessionNameRule, durationRangeRule, externalIdRule, secretsRule, unresolvedRule];
  for (const rule of rules) {
    try {
      out.push(...rule(usage));
    } catch {
      // A rule bug must not hide the other rules' findings.
    }
  }
  return out;
}

/** The findings of what extraction saw outside usages (literal keys, calls the AWS CLI refuses). Never throws. */
export function factRules(fact: PipelineFact, file: string, ctx: FactContext): Finding[] {
  const out: Finding[] = [];
  for (const rule of [secretFactRule, missingRoleArnRule, missingSessionNameRule, roleOptionsRule]) {
    try {
      out.push(...rule(fact, file, ctx));
    } catch {
      // A rule bug must not hide the other rules' findings.
    }
  }
  return out;
}
