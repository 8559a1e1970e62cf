// Shared helpers for the extraction tests: parse with the real parser, extract, and locate things.
import { parse } from '../../../../src/core/syntax/parser';
import { extractUsages } from '../../../../src/core/pipeline/extract';
import { configFrom, type ProjectConfig } from '../../../../src/core/config';
import { LineMap, type Finding, type Usage } from '../../../../src/core/types';
import { factRules, staticRules } from '../../../../src/core/rules/static';

export interface Ctx {
  config: ProjectConfig;
  caller: string | null;
  params: Record<string, string>;
  credentials: Record<string, string>;
}

export const HUB = '111111111111';
export const CONTROLLER = `arn:aws:iam::${HUB}:role/jenkins-controller`;
export const AGENT_X = `arn:aws:iam::${HUB}:role/deploy-role-agent-account-x`;
export const ANY_AGENT = `arn:aws:iam::${HUB}:role/jenkins-slave`;
export const VAULT = `arn:aws:iam::${HUB}:role/vault-server`;

/** A context with the example-like config unless `raw` is given. */
export function ctx(patch: Partial<Ctx> = {}, raw?: unknown): Ctx {
  const { config } = configFrom(
    raw ?? {
      callers: { controller: CONTROLLER, agents: { AgentAccountX: AGENT_X, '*': ANY_AGENT }, vault: VAULT },
      awsCredentials: {
        alice: { principal: `arn:aws:iam::${HUB}:user/alice`, mfaSerial: `arn:aws:iam::${HUB}:mfa/alice` },
        chained: { principal: `arn:aws:iam::${HUB}:user/ci`, roleArn: 'arn:aws:iam::555555555555:role/hop' },
      },
      vaultRoles: { 'jenkins-ecr-push': 'arn:aws:iam::444444444444:role/jenkins-ecr-push-role' },
    },
  );
  return { config, caller: null, params: {}, credentials: {}, ...patch };
}

/** Usages, and the findings rules make of what extraction saw outside them (literal keys, refused calls). */
export function extract(text: string, c: Ctx = ctx(), file = 'Jenkinsfile'): { usages: Usage[]; findings: Finding[] } {
  const { program } = parse(text);
  const { usages, facts } = extractUsages(program, text, file, c);
  return { usages, findings: facts.flatMap((f) => factRules(f, file, c)) };
}

/** Usages plus every finding (extraction's and the static rules'). */
export function analyze(text: string, c: Ctx = ctx()): { usages: Usage[]; findings: Finding[] } {
  const r = extract(text, c);
  const findings = [...r.findings];
  for (const u of r.usages) findings.push(...staticRules(u, { config: c.config, agents: null }));
  return { usages: r.usages, findings };
}

export function lineCol(text: string, offset: number): { line: number; column: number } {
  return new LineMap(text).position(offset);
}

/** Offset of the n-th (0-based) occurrence of `needle`. */
export function nth(text: string, needle: string, n = 0): number {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" #${n} not in text`);
  }
  return at;
}

export function slice(text: string, r: { start: number; end: number } | undefined): string | undefined {
  return r ? text.slice(r.start, r.end) : undefined;
}
