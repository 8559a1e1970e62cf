// What every usage kind builds with: the resolver, the literal-secret bookkeeping, the agent and the
// enclosing credentials of a call's scope, and the facts extraction reports (rules turn them into
// findings). The `UsageKindModule` interface is what a kind module implements (kinds/index.ts registers it).
import type { CallExpression, Expression } from '../syntax/ast';
import type { InlineAgent } from '../jenkins/agents';
import type { DeclaredMethod } from './frames';
import {
  usesStaticKeys,
  type AnalysisContext,
  type Origin,
  type PipelineFact,
  type Range,
  type ResolvedValue,
  type Usage,
  type UsageArg,
  type UsageKind,
} from '../types';
import type { AwsCredentialInfo, ProjectConfig } from '../config';
import { callArgsEnd, calleeName, mapEntries, namedArgs, plainString, positional, range, stepName } from './calls';
import {
  callerOf,
  describedCredential,
  type AgentInScope,
  type CallerDecision,
  type EnclosingCredentials,
} from './callers';
import type { Lines } from './lines';
import { scopeAt, type LoopOf, type Resolver, type Scope, type Val } from './resolve';
import { checkRoleArn } from './role-arn';
import type { Agent, Pending, WalkScope } from './scope';

/** What extraction reads from the analysis context. */
export type ExtractContext = Pick<
  AnalysisContext,
  'config' | 'caller' | 'params' | 'credentials' | 'agents' | 'library'
>;

/** One kind of usage (withAWS, AWS bindings, shell STS calls, Vault): a module of kinds/, registered in kinds/index.ts. */
export interface UsageKindModule {
  /** Its name in pending calls and in the origins of callers it encloses (`withAWS`, `withCredentials`, ...). */
  readonly name: string;
  /** The steps (callee names) whose calls it reads. */
  readonly steps: readonly string[];
  /** Whether shell steps in the call's block run with the credentials its usages get (a role chain). */
  readonly opensIdentity: boolean;
  /** The parts of a call to build usages from: the call itself (null), or each of its parts (AWS bindings). */
  candidates(call: CallExpression): Array<Expression | null>;
  /** Builds the usages of one candidate into `item.usages`; what is not a usage but a rule reports goes to `b.fact`. */
  build(item: Pending, b: UsageBuilder): void;
}

export function newUsage(file: string, kind: UsageKind, whole: Range, anchor: Range): Usage {
  return {
    file,
    kind,
    assumesRole: true,
    range: whole,
    anchor,
    role: null,
    roleAccount: null,
    roleArn: null,
    externalId: { present: false, resolved: null },
    duration: null,
    durationDefaulted: false,
    roleSessionName: null,
    mfa: false,
    mfaSerial: null,
    region: null,
    caller: null,
    callerOrigin: null,
    agentLabel: null,
    credentialsId: null,
    args: {},
    origins: {},
    unresolved: [],
    secrets: [],
  };
}

export function originOf(v: Val): Origin {
  return {
    source: v.missing.length > 0 && v.source === 'literal' ? 'unresolved' : v.source,
    reference: v.reference,
    description: v.description,
    ...(v.literalRange ? { range: v.literalRange } : {}),
  };
}

export function resolvedValue(v: Val, raw: string | null): ResolvedValue {
  return { value: v.value, raw, origin: originOf(v), secret: v.secret };
}

export function accountOfArn(arn: string | null): string | null {
  const m = arn ? /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(arn) : null;
  return m ? m[1] : null;
}

/** The builder the usage kinds share for one extraction. */
export class UsageBuilder {
  private readonly reportedSecrets = new Set<string>();
  readonly config: ProjectConfig;
  /** The methods the file declares (a shell step may run the command text one of them returns). */
  methods: readonly DeclaredMethod[] = [];
  /**
   * The builder of the file an agent directive or enclosing step is written in, when it is another file (a
   * pipeline calling a shared-library step): its labels and lines are that file's. Shared by the builders of
   * one extraction.
   */
  owners = new Map<object, UsageBuilder>();

  constructor(
    readonly text: string,
    readonly file: string,
    readonly ctx: ExtractContext,
    readonly lines: Lines,
    readonly resolver: Resolver,
    /** Facts for rules, in the order seen (the walk's first). */
    readonly facts: PipelineFact[],
  ) {
    this.config = ctx.config;
  }

  /** Reports something a rule turns into a finding. */
  fact(f: PipelineFact): void {
    this.facts.push(f);
  }

  /**
   * Reports a fact once per key: a helper's call built once per call of the helper, or a literal secret
   * a usage already carries (same key as `pushSecret`: `KIND:start:end`), is reported once.
   */
  factOnce(key: string, f: PipelineFact): void {
    if (this.reportedSecrets.has(key)) return;
    this.reportedSecrets.add(key);
    this.facts.push(f);
  }

  /** The line of an offset as descriptions cite it. */
  cite(offset: number): string {
    return String(this.lines.line(offset));
  }

  src(n: { start: number; end: number }): string {
    return this.text.slice(n.start, n.end);
  }

  val(e: Expression | undefined, scope: Scope): Val | null {
    return e ? this.resolver.expr(e, scope) : null;
  }

  /**
   * The AWS credential id a value gives, or null when unknown — or secret: an id read from a Jenkins string
   * credential given for the scan (`--credential`) is never printed, so it is kept as written instead.
   */
  credentialsIdOf(v: Val | null): string | null {
    return v && !v.secret ? v.value : null;
  }

  record(usage: Usage, arg: UsageArg, v: Val, at: Range): void {
    usage.args[arg] = at;
    usage.origins[arg] = originOf(v);
    for (const m of v.missing) {
      // Build-time values are fine in session names: any build number makes a valid name.
      if (m.builtin && arg === 'roleSessionName') continue;
      if (usage.unresolved.some((u) => u.reference === m.reference && u.arg === arg)) continue;
      usage.unresolved.push({
        arg,
        reference: m.reference,
        message: `${argLabel(arg)}: ${m.message}.`,
        range: at,
        ...(m.code ? { code: m.code } : {}),
        ...(m.fieldFix ? { fieldFix: { ...m.fieldFix } } : {}),
      });
    }
  }

  /** Records a literal secret once: usages sharing one literal (an environment value, a command variable) report it once. */
  pushSecret(usage: Usage, secret: Usage['secrets'][number]): void {
    const key = `${secret.kind}:${secret.range.start}:${secret.range.end}`;
    if (this.reportedSecrets.has(key)) return;
    this.reportedSecrets.add(key);
    this.secretLog.push(key);
    usage.secrets.push(secret);
  }

  boundCredentials(scope: WalkScope): Array<{ variable: string; credentialsId: string }> {
    const out: Array<{ variable: string; credentialsId: string }> = [];
    for (let f = scope.env; f; f = f.next) {
      if (f.binding.kind === 'credential' && !out.some((x) => x.variable === f!.name))
        out.push({ variable: f.name, credentialsId: f.binding.credentialsId });
    }
    return out;
  }

  indentAt(offset: number): string {
    let s = offset;
    while (s > 0 && this.text[s - 1] !== '\n' && this.text[s - 1] !== '\r') s--;
    const m = /^[ \t]*/.exec(this.text.slice(s, offset));
    return m ? m[0] : '';
  }

  /** The agent in effect, for caller policy (its label resolved). */
  agentInScope(agent: Agent | null): AgentInScope | null {
    if (!agent) return null;
    const owner = this.owners.get(agent);
    if (owner && owner !== this) return owner.agentInScope(agent);
    const resolved = this.resolvedAgent(agent);
    return {
      label: resolved.label,
      declaration: agent.declaration,
      inline: resolved.inline,
      line: this.cite(agent.declaration.start),
      ...(agent.anyNode && agent.expr === null ? { anyNode: true } : {}),
    };
  }

  /** Sets a usage's caller from caller policy's decision (its source, and every label choice when there are several). */
  setCaller(usage: Usage, decision: CallerDecision): void {
    usage.caller = decision.caller;
    usage.callerOrigin = decision.origin;
    if (decision.source) usage.callerSource = { ...decision.source };
    if (decision.choices) usage.callerChoices = decision.choices.map((c) => ({ ...c, source: { ...c.source } }));
  }

  /** An AWS credential as .rolecall.json and Jenkins configuration as code describe it. */
  credential(credId: string | null): AwsCredentialInfo | undefined {
    return describedCredential(credId, this.ctx)?.info;
  }

  /**
   * The calls of helper methods each usage was built for (`frameKey` of its scope); a usage kept for several
   * calls with the same values lists them all. Extraction records them; `enclosing` reads them.
   */
  builtFor = new Map<Usage, string[]>();

  /** Records that `usage` was built for a chain of helper calls and loop iterations (`buildKey`). */
  noteBuiltFor(usage: Usage, key: string): void {
    const keys = this.builtFor.get(usage);
    if (keys) keys.push(key);
    else this.builtFor.set(usage, [key]);
  }

  /** The loops each call's usages were built once per iteration of (extract.ts records them). */
  readonly expandedLoops = new Map<Pending, readonly LoopOf[]>();

  /** The key of a build: its chain of helper calls, and the iteration of each of `loops` bound now. */
  buildKey(scope: Scope, loops: readonly LoopOf[]): string {
    let key = frameKey(scope);
    for (const l of loops) {
      const el = this.resolver.bindings.get(l);
      if (el) key += `|${l.at}=${el.index}`;
    }
    return key;
  }

  /** Literal secrets recorded, in order (a build undone by `rollback` forgets its own). */
  private readonly secretLog: string[] = [];

  /** What builds have recorded so far (facts, literal secrets), to undo a build whose usages are dropped. */
  checkpoint(): { facts: number; secrets: number } {
    return { facts: this.facts.length, secrets: this.secretLog.length };
  }

  rollback(cp: { facts: number; secrets: number }): void {
    this.facts.length = cp.facts;
    while (this.secretLog.length > cp.secrets) this.reportedSecrets.delete(this.secretLog.pop()!);
  }

  /** The credentials an enclosing withAWS / binding / withVault put in effect, for caller policy. */
  enclosing(scope: WalkScope): EnclosingCredentials | null {
    const id = scope.identity?.item;
    if (!id) return null;
    const owner = this.owners.get(id) ?? this;
    const step = id.kind;
    const b = id.part;
    // Inside a helper called several times, the enclosing step's usage for this very call (its role, or
    // its credential) — not the first call's. An enclosing step in the pipeline calling this library step
    // is looked up in that file's part of the scope.
    const at = owner.buildKey(
      scopeAt(owner === this ? scope : outerIn(scope, owner), id.call.start),
      owner.expandedLoops.get(id) ?? [],
    );
    const mine = id.usages.filter((u) => this.builtFor.get(u)?.includes(at));
    const usages = mine.length > 0 ? mine : id.usages;
    // A static-key usage assumes no role: shell steps inside run with its keys, not a role session.
    const roles = usages.filter((u) => !usesStaticKeys(u));
    const assumed = roles.length > 0;
    const keys = usages.find((u) => usesStaticKeys(u));
    return {
      step,
      line: owner.cite(id.call.start),
      assumed,
      roleArn: assumed ? roles[0].roleArn : null,
      credentialsId: assumed ? null : (keys?.credentialsId ?? (b ? this.bindingCredentialsId(b) : null)),
    };
  }

  bindingCredentialsId(b: Expression): string | null {
    const named =
      b.type === 'Map' ? mapEntries(b) : b.type === 'Call' ? namedArgs(b.args) : new Map<string, Expression>();
    return plainString(named.get('credentialsId'));
  }

  /** Sets role/roleAccount/roleArn from a role value that should be a full ARN. */
  roleFromArn(usage: Usage, v: Val, raw: string, at: Range, arg: 'role' | 'roleArn' = 'roleArn'): void {
    this.record(usage, arg, v, at);
    if (arg !== 'roleArn') {
      usage.args.roleArn = at;
      usage.origins.roleArn = originOf(v);
    }
    if (v.value !== null) {
      usage.role = v.value;
      const check = checkRoleArn(v.value);
      usage.roleArn = check.ok ? v.value : null;
      usage.roleAccount = check.ok ? check.account : accountOfArnLoose(v.value);
    } else {
      usage.role = raw;
      usage.roleAccount = accountOfArnLoose(v.template);
    }
  }

  /** A usage whose role is the AWS credential's own "IAM Role To Use" (from .rolecall.json awsCredentials). */
  credentialRoleUsage(
    kind: UsageKind,
    call: CallExpression,
    scope: WalkScope,
    credId: string,
    roleArn: string,
    credExpr: Expression,
    credVal: Val,
  ): Usage {
    const usage = newUsage(this.file, kind, range(call), stepName(call, this.text));
    usage.args.call = { start: call.start, end: callArgsEnd(call) };
    usage.boundStringCredentials = this.boundCredentials(scope);
    usage.agentLabel = this.label(scope.agent);
    this.record(usage, 'credentials', credVal, range(credExpr));
    usage.credentialsId = credId;
    this.setCaller(usage, callerOf({ kind: 'credential-role', credentialsId: credId }, this.ctx));
    const check = checkRoleArn(roleArn);
    usage.role = roleArn;
    usage.roleArn = check.ok ? roleArn : null;
    usage.roleAccount = check.ok ? check.account : accountOfArnLoose(roleArn);
    const origin: Origin = {
      source: 'literal',
      reference: credId,
      description: `IAM Role To Use of AWS credential '${credId}' (${describedCredential(credId, this.ctx)?.roleWhere ?? '.rolecall.json awsCredentials'})`,
    };
    usage.origins.role = origin;
    usage.origins.roleArn = origin;
    const mfaSerial = this.credential(credId)?.mfaSerial;
    if (mfaSerial) usage.mfaSerial = mfaSerial;
    return usage;
  }

  /**
   * A usage of static keys that assumes no role: withAWS(credentials:|profile:) without role:, or an AWS
   * binding without roleArn. Its credential id is kept as resolved (with its origin) or, when it cannot be
   * resolved, as written; an unresolved id is not an unresolved reference (no role depends on it).
   */
  staticKeysUsage(
    kind: UsageKind,
    call: CallExpression,
    scope: WalkScope,
    cred: { expr: Expression; val: Val } | null,
    profile: { expr: Expression; val: Val } | null,
  ): Usage {
    const usage = newUsage(this.file, kind, range(call), stepName(call, this.text));
    usage.assumesRole = false;
    usage.args.call = { start: call.start, end: callArgsEnd(call) };
    usage.boundStringCredentials = this.boundCredentials(scope);
    usage.agentLabel = this.label(scope.agent);
    if (cred) {
      usage.args.credentials = range(cred.expr);
      usage.origins.credentials = originOf(cred.val);
      usage.credentialsId = this.credentialsIdOf(cred.val);
      if (usage.credentialsId === null) usage.credentialsText = this.src(cred.expr);
    }
    if (profile) {
      usage.args.profile = range(profile.expr);
      usage.origins.profile = originOf(profile.val);
      usage.profile = (profile.val.secret ? null : profile.val.value) ?? this.src(profile.expr);
    }
    return usage;
  }

  /** Agent labels and inline agents' identities, resolved once per directive. */
  private readonly agentLabels = new Map<Agent, { label: string | null; inline: InlineAgent | null }>();

  /** The label of an agent directive, resolved once per run. */
  label(agent: Agent | null): string | null {
    const owner = agent ? this.owners.get(agent) : undefined;
    if (owner && owner !== this) return owner.label(agent);
    return agent ? this.resolvedAgent(agent).label : null;
  }

  private resolvedAgent(agent: Agent): { label: string | null; inline: InlineAgent | null } {
    let resolved = this.agentLabels.get(agent);
    if (!resolved) {
      let label: string | null = null;
      if (agent.expr) {
        const v = this.resolver.expr(agent.expr, { env: null, method: null });
        // The seed's `label AgentAccountX` (a bare word) means the label of that name.
        label = v.value ?? (agent.expr.type === 'Identifier' ? agent.expr.name : null);
      }
      resolved = { label, inline: this.inlineAgent(agent.declaration) };
      this.agentLabels.set(agent, resolved);
    }
    return resolved;
  }

  /**
   * An inline `agent { ecs { taskrole '…'; inheritFrom '…' } }` or `agent { kubernetes { serviceAccount '…' } }`
   * (also a pod `yaml` with `serviceAccountName:`), its values resolved; null for other directives.
   */
  private inlineAgent(declaration: CallExpression): InlineAgent | null {
    if (calleeName(declaration) !== 'agent' || declaration.closures.length === 0) return null;
    for (const st of declaration.closures[0].body) {
      if (st.type !== 'ExpressionStatement' || st.expression.type !== 'Call') continue;
      const block = st.expression;
      const kind = calleeName(block);
      if (kind !== 'ecs' && kind !== 'kubernetes') continue;
      const values = new Map<string, string | null>();
      const read = (key: string, e: Expression | undefined) => {
        if (!e || values.has(key)) return;
        values.set(key, this.resolver.expr(e, { env: null, method: null }).value);
      };
      for (const [key, e] of namedArgs(block.args)) read(key, e);
      for (const c of block.closures) {
        for (const inner of c.body) {
          if (inner.type !== 'ExpressionStatement' || inner.expression.type !== 'Call') continue;
          const key = calleeName(inner.expression);
          if (key) read(key, positional(inner.expression.args)[0]);
        }
      }
      let identity =
        kind === 'ecs'
          ? (values.get('taskrole') ?? values.get('taskRole') ?? null)
          : (values.get('serviceAccount') ?? null);
      if (kind === 'kubernetes' && !identity) {
        // A pod spec written inline: its service account, as the pod would run.
        const pod = values.get('yaml');
        const m = pod ? /^[ \t]*serviceAccount(?:Name)?:[ \t]*["']?([\w.-]+)/m.exec(pod) : null;
        if (m) identity = m[1];
      }
      return {
        kind,
        identity: identity || null,
        namespace: values.get('namespace') || null,
        inheritFrom: values.get('inheritFrom') || null,
        cloud: values.get('cloud') || null,
      };
    }
    return null;
  }
}

export function argLabel(arg: UsageArg): string {
  return arg === 'call' ? 'caller' : arg;
}

export function accountOfArnLoose(arn: string | null): string | null {
  if (!arn) return null;
  const parts = arn.split(':');
  return parts.length >= 6 && parts[4] !== '' ? parts[4] : null;
}

export function toSeconds(v: string | null): number | null {
  if (v === null) return null;
  const t = v.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** The chain of helper calls a scope is analysed for ('' outside any called helper). */
export function frameKey(scope: Scope): string {
  let key = '';
  for (let f = scope.frame; f; f = f.outer.frame)
    key += f.foreign ? `${f.call.start}@${f.foreign.file}/` : `${f.call.start}/`;
  return key;
}

/** The scope of the first call from `owner`'s file in a scope's chain of calls across files. */
function outerIn(scope: Scope, owner: UsageBuilder): Scope {
  for (let f = scope.frame; f; f = f.outer.frame)
    if (f.foreign && f.foreign.resolver === owner.resolver) return f.outer;
  return scope;
}
