// `--fail-on error|warning|info|never`: which findings make a command exit 1. Shared by the subcommands
// that report findings (scan, snapshot --check) so a CI gate means the same thing everywhere.
import type { Finding, Severity } from '../core/types';
import { UsageError } from './io';

export type FailOn = Severity | 'never';

export const FAIL_ON_LEVELS: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Parses the flag's value (default `error`); anything else is bad usage. */
export function parseFailOn(value: string | undefined): FailOn {
  const level = (value ?? 'error') as FailOn;
  if (!FAIL_ON_LEVELS.includes(level))
    throw new UsageError(`--fail-on must be error, warning, info or never (got '${value}')`);
  return level;
}

/** True when a finding of this severity fails the run at this level. */
export function fails(severity: Severity, failOn: FailOn): boolean {
  return failOn !== 'never' && RANK[severity] >= RANK[failOn];
}

/** 1 when any finding is at or above the level, else 0. */
export function findingsStatus(findings: readonly Finding[], failOn: FailOn): 0 | 1 {
  return findings.some((f) => fails(f.severity, failOn)) ? 1 : 0;
}
