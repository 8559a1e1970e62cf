// PLACEHOLDER until the static rule families land (pipeline work).
import type { Finding, Usage } from '../types';

/** Checks of a usage that need no IAM data. */
export function staticRules(_usage: Usage): Finding[] {
  return [];
}
