// PLACEHOLDER until the trust rule families land (IAM work).
import type { Finding, Usage } from '../types';
import type { IamReader } from '../ports';
import type { AnalysisContext } from '../analyze';

/** Checks of a usage against the role's trust policy and the caller's permissions. */
export async function iamRules(_usage: Usage, _iam: IamReader, _ctx: AnalysisContext): Promise<Finding[]> {
  return [];
}
