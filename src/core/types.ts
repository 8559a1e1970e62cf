// The engine's shared vocabulary: usages found in pipelines, findings about them, and edits that fix them.
// Positions inside the core are UTF-16 offsets into the document text (BOM already stripped by the
// caller, as VS Code does); `LineMap` turns them into 1-based line/column for the CLI.
import type { ProjectConfig } from './config';
import type { IamReader } from './ports';
import type { AgentDirectory, CallerChoice, CallerSource } from './jenkins/model';
import type { ParseError, Program } from './syntax/ast';

/** A half-open range [start, end) of UTF-16 offsets into a document's text. */
export interface Range {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** Every finding code of the CLI contract (../shared/spec/cli.md), with its severity and a short title. */
export const FINDING_CODES = {
  'role-not-found': { severity: 'error', title: 'Role not found in IAM data' },
  'trust-principal-mismatch': { severity: 'error', title: 'Caller not allowed to assume the role' },
  'external-id-missing': { severity: 'error', title: 'Trust policy requires an ExternalId the call does not pass' },
  'external-id-mismatch': { severity: 'error', title: 'ExternalId satisfies no trust statement' },
  'external-id-unused': { severity: 'warning', title: 'ExternalId passed but never checked by the trust policy' },
  'mfa-required': { severity: 'error', title: 'Trust policy requires MFA the call cannot carry' },
  'duration-exceeds-max': { severity: 'error', title: "Duration exceeds the role's MaxSessionDuration" },
  'duration-out-of-range': { severity: 'error', title: 'Duration outside 900..43200 seconds' },
  'role-chaining-duration': { severity: 'error', title: 'Role chaining limits sessions to one hour' },
  'invalid-session-name': { severity: 'error', title: 'Invalid role session name' },
  'invalid-external-id': { severity: 'error', title: 'ExternalId that STS rejects' },
  'invalid-role-arn': { severity: 'error', title: 'Malformed role ARN or account id' },
  'invalid-principal': { severity: 'warning', title: 'Trust policy principal IAM would reject or never match' },
  'unsatisfiable-condition': { severity: 'warning', title: 'Trust statement no request can satisfy' },
  'static-credentials': { severity: 'warning', title: 'Long-lived access keys where a role would do' },
  'hardcoded-secret': { severity: 'error', title: 'Secret written literally in the pipeline' },
  'unresolved-reference': { severity: 'info', title: 'Value the analysis could not resolve' },
  'iam-unavailable': { severity: 'warning', title: 'IAM data could not be read' },
  'policy-parse-error': { severity: 'error', title: 'Trust policy is not valid policy JSON' },
  // Beyond the contract's table: a role defined as code whose trust policy differs from the deployed one.
  'trust-policy-drift': { severity: 'info', title: 'Trust policy defined as code differs from the deployed one' },
  // Beyond the contract's table: a method reads a local variable it cannot see (MissingPropertyException).
  'out-of-scope-variable': { severity: 'error', title: 'Variable the method cannot see (fails at run time)' },
  // Beyond the contract's table: withAWS options that only apply with role:, given without it (ignored).
  'role-option-without-role': { severity: 'warning', title: 'withAWS option that only applies with role:, ignored' },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type FindingCode = keyof typeof FINDING_CODES;

/** The severity the contract fixes for a code. */
export function severityOf(code: FindingCode): Severity {
  return FINDING_CODES[code].severity;
}

export type UsageKind = 'withAWS' | 'credentials-binding' | 'sh-assume-role' | 'sh-get-session-token' | 'vault';

export type ValueSource = 'literal' | 'credential' | 'parameter' | 'environment' | 'unresolved';

/** Where a resolved value came from, for hovers and for the JSON output. */
export interface Origin {
  source: ValueSource;
  /** Credential id, parameter name, env var or variable name the value came through. */
  reference: string | null;
  /** Human description, e.g. "default of parameter role_account (line 4)". */
  description: string;
  /** Where the value is written in the pipeline (for quick fixes), if in this file. */
  range?: Range;
}

/** A value the pipeline passes, with its origin. `value` is null when it cannot be resolved. */
export interface ResolvedValue {
  value: string | null;
  /** The source text of the argument as written (e.g. `"$role_account"`). */
  raw: string | null;
  origin: Origin;
  /** True when the value is a secret (credential) and must never be printed. */
  secret: boolean;
}

/** The argument names a usage may carry; quick fixes use their ranges. */
export type UsageArg =
  | 'role'
  | 'roleAccount'
  | 'roleArn'
  | 'externalId'
  | 'duration'
  | 'roleSessionName'
  | 'mfa'
  | 'region'
  | 'credentials'
  | 'profile'
  | 'call';

export type { CallerChoice, CallerSource } from './jenkins/model';

/**
 * One place where a pipeline uses AWS credentials: it assumes a role, gets a session token, or uses an AWS
 * credential's (or profile's) long-lived keys as they are (`assumesRole: false`).
 */
export interface Usage {
  file: string;
  kind: UsageKind;
  /**
   * False for a usage of static keys that assumes no role (withAWS(credentials:|profile:) without role:, an
   * AWS binding without roleArn): no trust policy decides it, it gets `static-credentials`. True otherwise.
   */
  assumesRole: boolean;
  /** The whole call (for the JSON endLine/endColumn). */
  range: Range;
  /** The identifier the contract anchors line/column on (`withAWS`, `withCredentials`, `aws`, `withVault`). */
  anchor: Range;
  /** Raw role text as written/resolved (name or ARN), or null. */
  role: string | null;
  roleAccount: string | null;
  /** Fully resolved role ARN, or null when unresolved or malformed. */
  roleArn: string | null;
  externalId: {
    present: boolean;
    resolved: ResolvedValue | null;
  };
  /** Seconds, or null when the step sets none (STS default applies). */
  duration: number | null;
  /** True when `duration` was not written and a plugin default was applied (withAWS: 3600). */
  durationDefaulted: boolean;
  roleSessionName: string | null;
  mfa: boolean;
  mfaSerial: string | null;
  region: string | null;
  /** Principal ARN that calls sts:AssumeRole, or null when unknown. */
  caller: string | null;
  /** How the caller was chosen, for hovers ("agent label AgentAccountX", "--caller", ...). */
  callerOrigin: string | null;
  /** Where the caller was read from (absent: not recorded). */
  callerSource?: CallerSource;
  /**
   * When the agent label matches agents that run as different principals: every choice (the first is
   * `caller`). Trust checks run once per choice and name the choice that fails.
   */
  callerChoices?: CallerChoice[];
  /** Agent label in effect at the call (declarative `agent { label }` / scripted `node('x')`). */
  agentLabel: string | null;
  /** AWS credentials id used as the source identity (withAWS `credentials:`, binding `credentialsId`). */
  credentialsId: string | null;
  /** The credential id as written when it could not be resolved (e.g. `"${AWS_CRED}"`, `config.cred`). */
  credentialsText?: string;
  /** withAWS `profile:` (an AWS profile on the Jenkins node), resolved or as written. */
  profile?: string;
  /** Source ranges of the arguments as written, for quick fixes and hovers. */
  args: Partial<Record<UsageArg, Range>>;
  /** Where each resolved value came from. */
  origins: Partial<Record<UsageArg, Origin>>;
  /**
   * Values the analysis could not resolve: each gives an `unresolved-reference` finding, or the finding
   * `code` names when the reference fails at run time (a method reading the script body's local variable).
   */
  unresolved: Array<{
    arg: UsageArg;
    reference: string;
    message: string;
    range: Range;
    code?: 'out-of-scope-variable';
    /** For out-of-scope-variable of a script-body local: the edits of the `@Field` quick fix (offsets in `file`). */
    fieldFix?: { name: string; at: number; importAt: number | null };
  }>;
  /** Literal secrets and static keys seen at this call (for `hardcoded-secret` / `static-credentials`). */
  secrets: Array<{
    kind: 'external-id' | 'secret-key' | 'session-token' | 'access-key';
    range: Range;
    /** Text that reads the value from a bound credential variable instead, valid where the literal sits. */
    replacement?: string;
    /** The statement to wrap in `withCredentials` for that variable, and its line's indentation. */
    statement?: Range;
    indent?: string;
  }>;
  /** True when the call passes session tags (`aws sts assume-role --tags`): the trust policy must allow sts:TagSession. */
  sessionTags?: boolean;
  /** True when the call passes a source identity (`--source-identity`): the trust policy must allow sts:SetSourceIdentity. */
  sourceIdentity?: boolean;
  /** Vault usages: the Vault AWS role/path read. */
  vaultPath?: string | null;
  /** Jenkins string credentials bound (withCredentials / environment) where the call is, innermost first. */
  boundStringCredentials?: Array<{ variable: string; credentialsId: string }>;
  /**
   * A usage inside a shared-library step (`vars/NAME.groovy`) that this file calls: the usage is located at
   * the call in this file (`range`, `anchor`), built with the call's arguments; this says where the step
   * that uses the credentials is written.
   */
  libraryStep?: LibraryStepLocation;
}

/** Where a usage reached through a call of a shared-library step is written in the library. */
export interface LibraryStepLocation {
  /** The step this file calls (`deployTo`). */
  name: string;
  /** The steps called in turn, from `name` to the one holding the AWS step (`[deployTo]`, `[deployTo, assume]`). */
  steps: string[];
  /** The library file holding the AWS step, as the scan names it (`vars/deployTo.groovy`). */
  file: string;
  /** 1-based line and column of the AWS step (`withAWS`, ...) in that file. */
  line: number;
  column: number;
}

/** A shared-library step: `vars/NAME.groovy`, parsed once per change of the file. */
export interface LibraryStep {
  readonly name: string;
  /** The path as the scan names files (`vars/deployTo.groovy`). */
  readonly file: string;
  readonly text: string;
  readonly program: Program;
}

/** The shared-library steps of the workspace, by step name (pipelines call `NAME(...)`). */
export interface SharedLibrary {
  readonly steps: ReadonlyMap<string, LibraryStep>;
}

/**
 * Something extraction saw that is not a usage but that a rule reports: extraction makes no finding,
 * `src/core/rules/` turns these into findings (rules/static.ts, factRules).
 */
export type PipelineFact =
  /** An access key id (AKIA…) written in a string. */
  | { kind: 'access-key'; range: Range }
  /**
   * A secret access key or session token written literally: in a string, or as a variable's value; or an
   * ExternalId written literally for a call that makes no role usage (withAWS(externalId:) without role:).
   */
  | {
      kind: 'literal-secret';
      secret: 'secret-key' | 'session-token' | 'external-id';
      range: Range;
      variable: string | null;
    }
  /**
   * withAWS options the pipeline-aws-plugin reads only when it assumes a role (`role:`), given without one:
   * the plugin ignores them (externalId, roleSessionName, roleAccount, policy; duration unless
   * federatedUserId: uses it).
   */
  | { kind: 'ignored-role-options'; anchor: Range; options: Array<{ name: string; range: Range }> }
  /**
   * A `usernamePassword` (or `$class: 'UsernamePasswordMultiBinding'`) binding of a credential as
   * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. `credentialsId` is null when the id is not a plain string;
   * `credentialsText` is then its source (`config.credentials`).
   */
  | {
      kind: 'static-keys-binding';
      range: Range;
      credentialsId: string | null;
      credentialsText?: string;
      /**
       * A secret-text credential bound to AWS_ACCESS_KEY_ID alone: `string(credentialsId:, variable:)` in
       * withCredentials, or `AWS_ACCESS_KEY_ID = credentials('id')` in an `environment {}` directive.
       */
      secretText?: 'withCredentials' | 'environment';
    }
  /** `aws sts assume-role` without an option the AWS CLI requires. */
  | {
      kind: 'missing-shell-option';
      option: 'role-arn' | 'role-session-name';
      anchor: Range;
      roleArn: string | null;
      insertAt: number;
    };

/** A plain text edit, applied by the UI (as in microsoft/node-jsonc-parser). */
export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
}

/** Points from a finding to the trust statement (or snapshot) that decided it. */
export interface RelatedInfo {
  message: string;
  roleArn: string;
  /** Statement Sid or index, when a statement is meant. */
  statement?: string;
  /** Where it is: a snapshot file and offsets into that file, when known. */
  file?: string;
  range?: Range;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  file: string;
  /** Where the problem is written (an argument, a policy statement): squiggles go here. */
  range: Range;
  /**
   * The start of the call the finding is about (the usage's anchor), where the CLI contract reports
   * line/column. Absent for findings not tied to a usage (then `range` is used).
   */
  anchor?: Range;
  roleArn: string | null;
  /**
   * `policy-parse-error` of a managed policy (a snapshot's `Policies`): the ARNs of the roles that attach it,
   * in snapshot order (empty when none does). Absent for every other finding.
   */
  attachedTo?: string[];
  related?: RelatedInfo[];
  fixes?: Fix[];
}

/** What the analysis knows beyond the file itself. Credential values are secrets: used, never printed. */
export interface AnalysisContext {
  config: ProjectConfig;
  /** `--caller`: the principal of every usage unless the config maps a more specific one. */
  caller: string | null;
  /** Parameter values (`--param`, config `parameters`), overriding parameter defaults. */
  params: Record<string, string>;
  /** Jenkins string credentials by id (secret values). */
  credentials: Record<string, string>;
  /** IAM data, or null when the scan has none (then only the checks that need no IAM data run). */
  iam: IamReader | null;
  /** Callers read from Jenkins configuration as code (`--jenkins-casc`), when any. */
  agents?: AgentDirectory | null;
  /**
   * The workspace's shared-library steps (`vars/*.groovy`): a pipeline's calls of them are analysed with
   * their arguments (pipeline/library.ts). Absent: calls are not followed into other files.
   */
  library?: SharedLibrary | null;
}

/** The result of analysing one pipeline file: a value, never changed after it is returned. */
export interface FileAnalysis {
  file: string;
  usages: Usage[];
  findings: Finding[];
  parseErrors: ParseError[];
}

/** A file that could not be analysed (binary, unreadable). Scanning goes on. */
export interface FileError {
  file: string;
  message: string;
  /** 1-based position in `file`, when the problem has one (a Jenkins configuration-as-code file's). */
  line?: number;
  column?: number;
}

/** True for a usage of static keys that assumes no role (a value without the flag assumes one, as before it existed). */
export function usesStaticKeys(usage: Pick<Usage, 'assumesRole'>): boolean {
  return usage.assumesRole === false;
}

/** Builds a finding with the contract's severity for its code. */
export function finding(
  code: FindingCode,
  file: string,
  range: Range,
  message: string,
  extra: { roleArn?: string | null; related?: RelatedInfo[]; fixes?: Fix[] } = {},
): Finding {
  return {
    code,
    severity: severityOf(code),
    message,
    file,
    range,
    roleArn: extra.roleArn ?? null,
    ...(extra.related ? { related: extra.related } : {}),
    ...(extra.fixes ? { fixes: extra.fixes } : {}),
  };
}

/** Converts offsets to 1-based line/column (UTF-16 units; CRLF, CR and LF end lines). */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.starts.push(i + 1);
      }
    }
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }

  /** Offset of a 1-based line/column. */
  offset(line: number, column: number): number {
    const start = this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
    return start + column - 1;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
