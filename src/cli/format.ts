// Output shapes of `rolecall scan`: text, JSON and SARIF 2.1.0, exactly as ../shared/spec/cli.md fixes them.
import { CONTRACT_VERSION } from './version';
import {
  FINDING_CODES,
  LineMap,
  type CallerSource,
  type FileError,
  type Finding,
  type FindingCode,
  type Usage,
  usesStaticKeys,
} from '../core/types';

export interface ScanResult {
  usages: Usage[];
  findings: Finding[];
  errors: FileError[];
  /** Line maps of every file a usage or finding points into (pipelines and snapshots). */
  lineMaps: Map<string, LineMap>;
  /** Usages that assume a role, and how many of them IAM did not decide (for the text summary). */
  iamCoverage?: { roleUsages: number; notChecked: number };
  /** Problems in the IAM data about roles no scanned usage refers to (left to `snapshot --check`). */
  unreferencedIamProblems?: number;
  /** The same for the roles and policies defined as code (IaC), left to `rolecall snapshot --iac PATH`. */
  unreferencedIacProblems?: number;
}

function position(result: ScanResult, file: string, offset: number): { line: number; column: number } {
  const map = result.lineMaps.get(file);
  return map ? map.position(offset) : { line: 1, column: 1 };
}

/** The JSON object of a usage. Secret values are never printed. */
export function usageJson(result: ScanResult, usage: Usage): Record<string, unknown> {
  const start = position(result, usage.file, usage.anchor.start);
  const end = position(result, usage.file, usage.range.end);
  const resolved = usage.externalId.resolved;
  return {
    file: usage.file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    kind: usage.kind,
    assumesRole: !usesStaticKeys(usage),
    role: usage.role,
    roleAccount: usage.roleAccount,
    roleArn: usage.roleArn,
    externalId: {
      present: usage.externalId.present,
      source: usage.externalId.present ? (resolved?.origin.source ?? 'unresolved') : null,
      value: usage.externalId.present && resolved && !resolved.secret ? resolved.value : null,
      reference: usage.externalId.present ? (resolved?.origin.reference ?? null) : null,
    },
    duration: usage.duration,
    roleSessionName: usage.roleSessionName,
    mfa: usage.mfa,
    region: usage.region,
    caller: usage.caller,
    credentialsId: usage.credentialsId,
    ...(usage.credentialsText !== undefined ? { credentialsText: usage.credentialsText } : {}),
    ...(usage.profile !== undefined ? { profile: usage.profile } : {}),
    callerSource: callerSourceJson(usage.callerSource, usage.callerOrigin),
    ...(usage.callerChoices && usage.callerChoices.length > 1
      ? {
          callerChoices: usage.callerChoices.map((c) => ({
            caller: c.caller,
            choice: c.choice,
            callerSource: callerSourceJson(c.source, c.origin),
          })),
        }
      : {}),
    ...(usage.libraryStep ? { libraryStep: { ...usage.libraryStep, steps: [...usage.libraryStep.steps] } } : {}),
  };
}

/** Where a caller came from: the JCasC file and line, the config key, the inline agent, --caller, or none. */
function callerSourceJson(source: CallerSource | undefined, description: string | null): Record<string, unknown> {
  const s = source ?? { kind: 'none', file: null, line: null, key: null };
  return { kind: s.kind, file: s.file, line: s.line, key: s.key, description };
}

/** Where the contract reports a finding: the start of the call it is about, else where it is written. */
function findingStart(finding: Finding): number {
  return (finding.anchor ?? finding.range).start;
}

export function findingJson(result: ScanResult, finding: Finding): Record<string, unknown> {
  const start = position(result, finding.file, findingStart(finding));
  const end = position(result, finding.file, finding.range.end);
  return {
    file: finding.file,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    code: finding.code,
    severity: finding.severity,
    message: finding.message,
    roleArn: finding.roleArn,
    ...(finding.attachedTo ? { attachedTo: finding.attachedTo } : {}),
  };
}

export function toJson(result: ScanResult): string {
  return (
    JSON.stringify(
      {
        version: CONTRACT_VERSION,
        usages: result.usages.map((u) => usageJson(result, u)),
        findings: result.findings.map((f) => findingJson(result, f)),
        errors: result.errors,
      },
      null,
      2,
    ) + '\n'
  );
}

/** Human output: one line per finding (`file:line:col`), then one line per unreadable file, then a summary. */
export function toText(result: ScanResult): string {
  const lines: string[] = [];
  for (const f of result.findings) {
    const { line, column } = position(result, f.file, findingStart(f));
    lines.push(`${f.file}:${line}:${column}: ${f.severity} ${f.code}: ${f.message}`);
  }
  for (const e of result.errors)
    lines.push(e.line !== undefined ? `${e.file}:${e.line}:${e.column ?? 1}: ${e.message}` : `${e.file}: ${e.message}`);
  const count = (s: string) => result.findings.filter((f) => f.severity === s).length;
  const files = new Set(result.usages.map((u) => u.file)).size;
  const staticKeys = result.usages.filter(usesStaticKeys).length;
  lines.push(
    `${result.usages.length} AWS credential usage${result.usages.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}` +
      (staticKeys > 0 ? ` (${staticKeys} with static keys, assuming no role)` : '') +
      '; ' +
      `${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('info')} info` +
      (result.errors.length
        ? `; ${result.errors.length} file${result.errors.length === 1 ? '' : 's'} not fully analysed`
        : '') +
      coverageNote(result),
  );
  return lines.join('\n') + '\n';
}

function coverageNote(result: ScanResult): string {
  let note = '';
  const coverage = result.iamCoverage;
  if (coverage && coverage.roleUsages > 0) {
    note +=
      coverage.notChecked === 0
        ? '; every role checked against IAM'
        : `; ${coverage.notChecked} of ${coverage.roleUsages} role usage${coverage.roleUsages === 1 ? '' : 's'} not checked against IAM`;
  }
  const other = result.unreferencedIamProblems ?? 0;
  const code = result.unreferencedIacProblems ?? 0;
  const problems = (n: number) => `${n} problem${n === 1 ? '' : 's'}`;
  if (other > 0 || code > 0)
    note += `; ${[other > 0 ? `${problems(other)} in the IAM data` : '', code > 0 ? `${problems(code)} in IAM defined as code` : ''].filter(Boolean).join(' and ')} about roles no usage refers to (rolecall snapshot ${[other > 0 ? '--check FILE' : '', code > 0 ? '--iac PATH' : ''].filter(Boolean).join(' ')})`;
  return note;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0 with one run, one rule per finding code. */
export function toSarif(result: ScanResult, version: string): string {
  const codes = Object.keys(FINDING_CODES) as FindingCode[];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rolecall',
            version,
            informationUri: 'https://example.invalid/rolecall',
            rules: codes.map((code) => ({
              id: code,
              name: code,
              shortDescription: { text: FINDING_CODES[code].title },
              defaultConfiguration: { level: SARIF_LEVEL[FINDING_CODES[code].severity] },
            })),
          },
        },
        results: result.findings.map((f) => {
          const start = position(result, f.file, findingStart(f));
          const end = position(result, f.file, f.range.end);
          return {
            ruleId: f.code,
            ruleIndex: codes.indexOf(f.code),
            level: SARIF_LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.file },
                  region: {
                    startLine: start.line,
                    startColumn: start.column,
                    endLine: end.line,
                    endColumn: end.column,
                  },
                },
              },
            ],
            ...(f.roleArn || f.attachedTo
              ? {
                  properties: {
                    ...(f.roleArn ? { roleArn: f.roleArn } : {}),
                    ...(f.attachedTo ? { attachedTo: f.attachedTo } : {}),
                  },
                }
              : {}),
          };
        }),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.errors.map((e) => ({
              level: 'warning',
              message: { text: e.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: e.file },
                    ...(e.line !== undefined ? { region: { startLine: e.line, startColumn: e.column ?? 1 } } : {}),
                  },
                },
              ],
            })),
          },
        ],
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
