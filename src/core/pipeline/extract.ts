// Usage extraction: one walk over the tree collects calls (withAWS, withCredentials bindings, shell
// steps, withVault) with their scope (agent label, bound environment, enclosing credentials), plus
// what resolution needs (variables, parameters). Usages are then built in source order, so an
// enclosing withAWS is known before the shell steps inside it.
import type { Argument, CallExpression, Closure, Expression, MapLiteral, MethodDeclaration, Node, Program, StringLiteral, TextPart } from '../syntax/ast';
import { textOffset } from '../syntax/ast';
import { childrenOf } from './children';
import { Lines } from './lines';
import { finding, type AnalysisContext, type Finding, type Origin, type Range, type ResolvedValue, type Usage, type UsageArg, type UsageKind } from '../types';
import type { AwsCredentialInfo, ProjectConfig } from '../config';
import { concat, Resolver, type Assignment, type EnvFrame, type ParameterDecl, type Scope, type Val } from './resolve';
import { literalText, PLACEHOLDER_BASE, PLACEHOLDER_LIMIT, scanShell, valueRange, type AwsStsCall, type ShellDialect, type ShellWord } from './shell';
import { checkRoleArn, partitionOfRegion } from './role-arn';
import { callerOf, describedCredential, type AgentInScope, type CallerDecision, type EnclosingCredentials } from './callers';
import type { InlineAgent } from '../jenkins/agents';

type ExtractContext = Pick<AnalysisContext, 'config' | 'caller' | 'params' | 'credentials' | 'agents'>;

/** A loop variable or closure parameter: a name bound only inside [start, end). */
interface Local {
  start: number;
  end: number;
  what: string;
}

/** An agent directive; its label is resolved lazily (parameters may be declared after `agent`). */
interface Agent {
  /** The label expression, or null (`agent any`, no label). */
  expr: Expression | null;
  /** The directive (`agent { ... }`, `node('x') { }`), for caller policy. */
  declaration: CallExpression;
}

/** Credentials in effect inside a block (withAWS, a binding, withVault): shell steps there call STS as them. */
interface Identity {
  item: Pending;
}

interface WalkScope extends Scope {
  agent: Agent | null;
  identity: Identity | null;
}

interface Pending {
  kind: 'withAWS' | 'withCredentials' | 'shell' | 'withVault';
  call: CallExpression;
  scope: WalkScope;
  /** The statement the call is in (for fixes that wrap it). */
  statement: Node | null;
  usages: Usage[];
}

const SHELL_STEPS: Record<string, ShellDialect> = { sh: 'sh', bat: 'bat', powershell: 'powershell', pwsh: 'powershell' };
const SCOPE_CALLS = new Set(['withAWS', 'withCredentials', 'withEnv', 'withVault', 'node', 'parameters', 'environment', ...Object.keys(SHELL_STEPS)]);
/** Nodes deep past which the walk stops recursing (see `visit`). */
const WALK_RECURSION = 800;

/** A call's parts in source order: arguments see the outer scope, trailing closures the block's scope. */
function splitCall(call: CallExpression, scope: WalkScope, inner: WalkScope): Array<{ node: Node; scope: WalkScope }> {
  const parts: Array<{ node: Node; scope: WalkScope }> = [];
  parts.push({ node: call.callee, scope });
  for (const a of call.args) parts.push({ node: a, scope });
  for (const c of call.closures) parts.push({ node: c, scope: inner });
  if (call.annotations) for (const a of call.annotations) parts.push({ node: a, scope });
  parts.sort((a, b) => a.node.start - b.node.start);
  return parts;
}

/** Whether a call's callee, arguments and closures are in source order (always, unless damaged code mixed them). */
function callInOrder(call: CallExpression): boolean {
  let last = call.callee.start;
  for (const a of call.args) {
    if (a.start < last) return false;
    last = a.start;
  }
  for (const c of call.closures) {
    if (c.start < last) return false;
    last = c.start;
  }
  return true;
}

/** Statements a fix may wrap (not blocks). */
function isStatement(type: string): boolean {
  switch (type) {
    case 'ExpressionStatement':
    case 'VarDecl':
    case 'If':
    case 'While':
    case 'For':
    case 'Switch':
    case 'Try':
    case 'Return':
      return true;
    default:
      return false;
  }
}
/** Cheap pre-check before the key regexes (indexOf is far faster than a regex over every string). */
function suspect(v: string): boolean {
  return v.indexOf('IA') >= 0 || v.indexOf('ACCA') >= 0 || v.indexOf('ecret') >= 0 || v.indexOf('ECRET') >= 0 || v.indexOf('ession') >= 0 || v.indexOf('ESSION') >= 0;
}
const AKIA = /\b(?:AKIA|ABIA|ACCA)[0-9A-Z]{16}\b/g;
const SECRET_KEY_ASSIGN = /(AWS_SECRET_ACCESS_KEY|aws_secret_access_key|secretKey|secret_key)\s*[=:]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/g;
const SESSION_TOKEN_ASSIGN = /(AWS_SESSION_TOKEN|aws_session_token)\s*[=:]\s*["']?([A-Za-z0-9/+=]{100,})/g;

/** Objects whose methods are pipeline steps in shared-library code (`steps.sh`, `script.withAWS`). */
const STEP_OWNERS = new Set(['steps', 'script', 'this', 'ctx', 'pipeline', 'context', 'jenkins']);

function calleeName(call: CallExpression): string | null {
  const c = call.callee;
  if (c.type === 'Identifier') return c.name;
  // `steps.sh(...)` in shared-library classes, `this.sh(...)`.
  if (c.type === 'Property' && c.object.type === 'Identifier' && STEP_OWNERS.has(c.object.name)) return c.property;
  // `this.steps.sh(...)`, `script.steps.sh(...)` in shared-library classes.
  if (c.type === 'Property' && c.object.type === 'Property' && c.object.property === 'steps') return c.property;
  return null;
}

/** Named arguments of a call, from `name: v` arguments or a single map argument (`withAWS([role: 'x'])`). */
function namedArgs(args: readonly Argument[]): Map<string, Expression> {
  const out = new Map<string, Expression>();
  for (const a of args) {
    if (a.type === 'NamedArg') out.set(a.name, a.value);
    else if (a.type === 'Map') for (const e of a.entries) if (e.keyName !== null) out.set(e.keyName, e.value);
  }
  return out;
}

function positional(args: readonly Argument[]): Expression[] {
  return args.filter((a): a is Expression => a.type !== 'NamedArg');
}

function mapEntries(m: MapLiteral): Map<string, Expression> {
  const out = new Map<string, Expression>();
  for (const e of m.entries) if (e.keyName !== null) out.set(e.keyName, e.value);
  return out;
}

function plainString(e: Expression | undefined): string | null {
  if (!e) return null;
  if (e.type === 'String' && !e.interpolated) return e.value;
  return null;
}

function range(n: { start: number; end: number }): Range {
  return { start: n.start, end: n.end };
}

function newUsage(file: string, kind: UsageKind, whole: Range, anchor: Range): Usage {
  return {
    file,
    kind,
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

function originOf(v: Val): Origin {
  return { source: v.missing.length > 0 && v.source === 'literal' ? 'unresolved' : v.source, reference: v.reference, description: v.description, ...(v.literalRange ? { range: v.literalRange } : {}) };
}

function resolvedValue(v: Val, raw: string | null): ResolvedValue {
  return { value: v.value, raw, origin: originOf(v), secret: v.secret };
}

function accountOfArn(arn: string | null): string | null {
  const m = arn ? /^arn:[\w-]+:(?:iam|sts)::(\d{12}):/.exec(arn) : null;
  return m ? m[1] : null;
}

class Extractor {
  private readonly lines: Lines;
  private readonly assignments = new Map<string, Assignment[]>();
  private readonly parameters = new Map<string, ParameterDecl>();
  private readonly pending: Pending[] = [];
  private readonly reportedSecrets = new Set<string>();
  private readonly locals = new Map<string, Local[]>();
  readonly findings: Finding[] = [];
  private readonly resolver: Resolver;
  private readonly config: ProjectConfig;

  constructor(
    private readonly program: Program,
    private readonly text: string,
    private readonly file: string,
    private readonly ctx: ExtractContext,
  ) {
    this.lines = new Lines(text);
    this.config = ctx.config;
    this.resolver = new Resolver({
      text,
      lines: this.lines,
      assignments: this.assignments,
      parameters: this.parameters,
      params: { ...(ctx.config?.parameters ?? {}), ...(ctx.params ?? {}) },
      credentials: ctx.credentials ?? {},
      configEnv: ctx.config?.env ?? {},
      locals: this.locals,
    });
  }

  private line(offset: number): number {
    return this.lines.line(offset);
  }

  /** The line of an offset as descriptions cite it. */
  private cite(offset: number): string {
    return String(this.lines.line(offset));
  }

  private src(n: { start: number; end: number }): string {
    return this.text.slice(n.start, n.end);
  }

  run(): Usage[] {
    this.prescanSecrets();
    this.walk();
    for (const list of this.assignments.values()) list.sort((a, b) => a.after - b.after);
    this.pending.sort((a, b) => a.call.start - b.call.start);
    const usages: Usage[] = [];
    for (const item of this.pending) {
      item.usages = [];
      try {
        if (item.kind === 'withAWS') this.withAWS(item);
        else if (item.kind === 'withCredentials') this.withCredentials(item);
        else if (item.kind === 'shell') this.shell(item);
        else this.withVault(item);
      } catch {
        // One odd call must not lose the others; it simply yields no usage.
      }
      for (const u of item.usages) usages.push(u);
    }
    // Stable: calls start in source order, but a shell step's usage anchors inside its script.
    usages.sort((a, b) => a.anchor.start - b.anchor.start);
    return usages;
  }

  // ---- the walk ------------------------------------------------------------------------------

  private walk(): void {
    const root: WalkScope = { env: null, method: null, agent: null, identity: null };
    this.visit(this.program, root, null, 0);
  }

  /** Children of the nodes being visited, as one stack of runs (no array per node). */
  private readonly kids: Node[] = [];

  /**
   * Pre-order, source-order visit. Recursive for speed; past WALK_RECURSION nodes deep (left-deep chains
   * such as `a + b + ...` have no depth cap) the subtree is walked with an explicit stack instead.
   */
  private visit(node: Node, scope: WalkScope, statement: Node | null, depth: number): void {
    const type = node.type;
    if (type === 'Identifier' || type === 'Number' || type === 'Text' || type === 'Boolean' || type === 'Null') return;
    if (depth > WALK_RECURSION) {
      this.walkIteratively(node, scope, statement);
      return;
    }
    if (isStatement(type)) statement = node;
    const inner = this.enter(node, scope, statement);
    if (inner === null) return;
    if (inner !== scope && node.type === 'Call') {
      for (const part of splitCall(node, scope, inner)) this.visit(part.node, part.scope, statement, depth + 1);
      return;
    }
    const d = depth + 1;
    // The commonest nodes' children, in source order, without collecting them first (childrenOf below is
    // the exact general case: annotations, out-of-order fields of damaged code).
    if ((node as { annotations?: unknown }).annotations === undefined) {
      switch (node.type) {
        case 'Program':
        case 'Block':
          for (const st of node.body) this.visit(st, inner, statement, d);
          return;
        case 'ExpressionStatement':
          this.visit(node.expression, inner, statement, d);
          return;
        case 'Closure':
          for (const p of node.params) this.visit(p, inner, statement, d);
          for (const st of node.body) this.visit(st, inner, statement, d);
          return;
        case 'String':
          for (const part of node.parts) if (part.type !== 'Text') this.visit(part, inner, statement, d);
          return;
        case 'Interpolation':
          if (node.expression) this.visit(node.expression, inner, statement, d);
          return;
        case 'NamedArg':
          this.visit(node.value, inner, statement, d);
          return;
        case 'Property':
          this.visit(node.object, inner, statement, d);
          return;
        case 'VarDecl':
          if (node.init) this.visit(node.init, inner, statement, d);
          return;
        case 'List':
          for (const el of node.elements) this.visit(el, inner, statement, d);
          return;
        case 'Map':
          for (const en of node.entries) this.visit(en, inner, statement, d);
          return;
        case 'Call':
          if (callInOrder(node)) {
            this.visit(node.callee, inner, statement, d);
            for (const a of node.args) this.visit(a, inner, statement, d);
            for (const c of node.closures) this.visit(c, inner, statement, d);
            return;
          }
          break;
        default:
          break;
      }
    }
    const kids = this.kids;
    const base = kids.length;
    childrenOf(node, kids);
    const end = kids.length;
    for (let i = base; i < end; i++) this.visit(kids[i], inner, statement, d);
    // pop() rather than setting length: the length setter is a slow runtime call on this hot path.
    for (let i = end; i > base; i--) kids.pop();
  }

  /** The same visit as `visit`, with explicit stacks, for subtrees too deep to recurse into. */
  private walkIteratively(top: Node, topScope: WalkScope, topStatement: Node | null): void {
    // Parallel stacks: no per-node allocation on the hot path.
    const nodes: Node[] = [top];
    const scopes: WalkScope[] = [topScope];
    const statements: Array<Node | null> = [topStatement];
    while (nodes.length > 0) {
      const node = nodes.pop()!;
      const scope = scopes.pop()!;
      let statement = statements.pop()!;
      const type = node.type;
      if (type === 'Identifier' || type === 'Number' || type === 'Text' || type === 'Boolean' || type === 'Null') continue;
      if (isStatement(type)) statement = node;
      const inner = this.enter(node, scope, statement);
      if (inner === null) continue;
      if (inner !== scope && node.type === 'Call') {
        const parts = splitCall(node, scope, inner);
        for (let i = parts.length - 1; i >= 0; i--) {
          nodes.push(parts[i].node);
          scopes.push(parts[i].scope);
          statements.push(statement);
        }
        continue;
      }
      // Children go straight onto the stack, then the appended run is reversed (source order on pop).
      const base = nodes.length;
      childrenOf(node, nodes);
      for (let lo = base, hi = nodes.length - 1; lo < hi; lo++, hi--) {
        const t = nodes[lo];
        nodes[lo] = nodes[hi];
        nodes[hi] = t;
      }
      for (let i = base; i < nodes.length; i++) {
        scopes.push(inner);
        statements.push(statement);
      }
    }
  }

  /**
   * Records what a node means (assignments, locals, pending calls, secrets) and returns the scope its
   * children see, or null when they are not to be visited. For a call, a scope other than `scope` is the
   * one its trailing closures see (its arguments keep the outer one).
   */
  private enter(node: Node, scope: WalkScope, statement: Node | null): WalkScope | null {
    switch (node.type) {
      case 'String':
        // Only strings that contain a hit of the whole-text pre-scan can hold a key.
        if (this.secretHits > 0 && this.hitWithin(node.start, node.end)) this.scanStringSecrets(node);
        return scope;
      case 'VarDecl':
        if (node.init) this.assign(node.name, node.end, node.init, node.start);
        this.secretVariable(node.name, node.init);
        return scope;
      case 'Assign':
        if (node.operator === '=') {
          const t = node.target;
          if (t.type === 'Identifier') this.assign(t.name, node.end, node.value, node.start);
          else if (t.type === 'Property' && t.object.type === 'Identifier' && t.object.name === 'env') this.assign('env.' + t.property, node.end, node.value, node.start);
        }
        return scope;
      case 'MethodDecl':
        return { ...scope, method: node as MethodDeclaration };
      case 'For':
        if (node.variable) this.local(node.variable, node, 'a loop variable');
        return scope;
      case 'Closure':
        if (node.params.length > 0) for (const p of node.params) this.local(p.name, node, 'a closure parameter');
        else this.local('it', node, 'the implicit closure parameter');
        return this.closureScope(node, scope);
      case 'Call': {
        const inner = this.call(node, scope, statement);
        return inner === 'skip' ? null : inner;
      }
      default:
        return scope;
    }
  }

  private local(name: string, where: Node, what: string): void {
    let list = this.locals.get(name);
    if (!list) this.locals.set(name, (list = []));
    list.push({ start: where.start, end: where.end, what });
  }

  private assign(name: string, after: number, value: Expression, start: number): void {
    let list = this.assignments.get(name);
    if (!list) this.assignments.set(name, (list = []));
    list.push({ after, value, line: this.line(start), start });
  }

  /** Declarative `agent` and `environment` directives apply to their whole block. */
  private closureScope(closure: Closure, scope: WalkScope): WalkScope {
    let result = scope;
    for (const st of closure.body) {
      if (st.type !== 'ExpressionStatement' || st.expression.type !== 'Call') continue;
      const call = st.expression;
      if (call.callee.type !== 'Identifier') continue;
      const name = call.callee.name;
      if (name === 'agent') {
        const agent = this.declarativeAgent(call);
        if (agent) result = { ...result, agent };
      } else if (name === 'environment' && call.closures.length > 0) {
        // Descriptions cite lines, rendered when read: in a session, scopes outlive the run that made them.
        const cite = (offset: number): string => this.cite(offset);
        let env = result.env;
        for (const s of call.closures[0].body) {
          if (s.type !== 'ExpressionStatement' || s.expression.type !== 'Assign') continue;
          const a = s.expression;
          if (a.target.type !== 'Identifier') continue;
          const varName = a.target.name;
          const v = a.value;
          if (v.type === 'Call' && calleeName(v) === 'credentials') {
            const id = plainString(positional(v.args)[0]);
            if (id !== null) {
              env = { name: varName, binding: { kind: 'credential', credentialsId: id, at: a, get origin() { return `credential '${id}' bound to ${varName} in environment, line ${cite(a.start)}`; } }, next: env };
              continue;
            }
          }
          this.secretVariable(varName, v);
          if (v.type === 'String') this.scanStringSecrets(v);
          env = { name: varName, binding: { kind: 'expr', expr: v, source: 'environment', get origin() { return `environment ${varName}, line ${cite(a.start)}`; } }, next: env };
        }
        result = { ...result, env };
      }
    }
    return result;
  }

  private declarativeAgent(call: CallExpression): Agent | null {
    const named = namedArgs(call.args);
    const direct = named.get('label');
    if (direct) return { expr: direct, declaration: call };
    const first = positional(call.args)[0];
    if (first && first.type === 'Identifier' && (first.name === 'any' || first.name === 'none')) return { expr: null, declaration: call };
    if (call.closures.length === 0) return null;
    // agent { label 'x' } / agent { node { label 'x' } } / agent { docker { label 'x' } } / ecs / kubernetes
    const queue: Closure[] = [call.closures[0]];
    while (queue.length > 0) {
      const c = queue.shift()!;
      for (const st of c.body) {
        if (st.type !== 'ExpressionStatement') continue;
        const e = st.expression;
        if (e.type === 'Call') {
          const n = calleeName(e);
          if (n === 'label') {
            const arg = positional(e.args)[0] ?? namedArgs(e.args).get('label');
            if (arg) return { expr: arg, declaration: call };
          }
          const innerLabel = namedArgs(e.args).get('label');
          if (innerLabel) return { expr: innerLabel, declaration: call };
          queue.push(...e.closures);
        }
      }
    }
    return { expr: null, declaration: call };
  }

  /** Agent labels and inline agents' identities, resolved once per directive. */
  private readonly agentLabels = new Map<Agent, { label: string | null; inline: InlineAgent | null }>();

  /** The label of an agent directive, resolved once per run. */
  private label(agent: Agent | null): string | null {
    return agent ? this.resolvedAgent(agent).label : null;
  }

  /** An agent directive's label and inline identity, resolved once. */
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
      let identity = kind === 'ecs' ? (values.get('taskrole') ?? values.get('taskRole') ?? null) : (values.get('serviceAccount') ?? null);
      if (kind === 'kubernetes' && !identity) {
        // A pod spec written inline: its service account, as the pod would run.
        const pod = values.get('yaml');
        const m = pod ? /^[ \t]*serviceAccount(?:Name)?:[ \t]*["']?([\w.-]+)/m.exec(pod) : null;
        if (m) identity = m[1];
      }
      return { kind, identity: identity || null, namespace: values.get('namespace') || null, inheritFrom: values.get('inheritFrom') || null, cloud: values.get('cloud') || null };
    }
    return null;
  }

  /** Records what a call means for the scope of its block; returns the block's scope, or 'skip'. */
  private call(call: CallExpression, scope: WalkScope, statementNode: Node | null): WalkScope | 'skip' {
    const name = calleeName(call);
    if (name === null || !SCOPE_CALLS.has(name)) return scope;
    const statement = statementNode;
    switch (name) {
      case 'withAWS': {
        const item: Pending = { kind: 'withAWS', call, scope, statement, usages: [] };
        this.pending.push(item);
        return { ...scope, identity: { item } };
      }
      case 'withCredentials':
        return this.withCredentialsScope(call, scope, statement);
      case 'withEnv': {
        const cite = (offset: number): string => this.cite(offset);
        let env = scope.env;
        const list = positional(call.args)[0];
        if (list && list.type === 'List') {
          for (const el of list.elements) {
            if (el.type !== 'String') continue;
            const first = el.parts[0];
            if (!first || first.type !== 'Text') continue;
            const eq = first.value.indexOf('=');
            if (eq <= 0) continue;
            const varName = first.value.slice(0, eq);
            env = { name: varName, binding: { kind: 'slice', str: el, from: eq + 1, get origin() { return `withEnv ${varName}, line ${cite(el.start)}`; } }, next: env };
          }
        }
        return env === scope.env ? scope : { ...scope, env };
      }
      case 'withVault': {
        const item: Pending = { kind: 'withVault', call, scope, statement, usages: [] };
        this.pending.push(item);
        return { ...scope, identity: { item } };
      }
      case 'node': {
        if (call.closures.length === 0) return scope;
        const arg = positional(call.args)[0] ?? namedArgs(call.args).get('label');
        return { ...scope, agent: { expr: arg ?? null, declaration: call } };
      }
      case 'parameters':
        this.parametersCall(call);
        return scope;
      case 'environment':
        // Handled by closureScope; its assignments are not script variables.
        return call.closures.length > 0 ? 'skip' : scope;
      default:
        if (name in SHELL_STEPS) this.pending.push({ kind: 'shell', call, scope, statement, usages: [] });
        return scope;
    }
  }

  private parametersCall(call: CallExpression): void {
    const decls: Expression[] = [];
    for (const a of positional(call.args)) {
      if (a.type === 'List') decls.push(...a.elements);
      else decls.push(a);
    }
    for (const c of call.closures) for (const st of c.body) if (st.type === 'ExpressionStatement') decls.push(st.expression);
    for (const d of decls) {
      let kind: string | null = null;
      let named: Map<string, Expression>;
      if (d.type === 'Call') {
        kind = calleeName(d);
        named = namedArgs(d.args);
      } else if (d.type === 'Map') {
        named = mapEntries(d);
        const cls = plainString(named.get('$class'));
        if (cls) kind = cls.replace(/ParameterDefinition$/, '').replace(/^./, (ch) => ch.toLowerCase());
      } else continue;
      const paramName = plainString(named.get('name'));
      if (!kind || !paramName) continue;
      let defaultValue: Expression | null = named.get('defaultValue') ?? null;
      let defaultText: string | null = null;
      if (kind === 'booleanParam' && !defaultValue) defaultText = 'false';
      if (kind === 'choice') {
        const choices = named.get('choices');
        defaultValue = null;
        if (choices?.type === 'List' && choices.elements[0]) defaultValue = choices.elements[0];
        else if (choices?.type === 'String' && !choices.interpolated) defaultText = choices.value.split(/\r?\n/)[0];
      }
      this.parameters.set(paramName, { name: paramName, kind, defaultValue, defaultText, secret: kind === 'password', line: this.line(d.start), node: d });
    }
  }

  private withCredentialsScope(call: CallExpression, scope: WalkScope, statement: Node | null): WalkScope {
    const list = positional(call.args)[0];
    if (!list || list.type !== 'List') return scope;
    const cite = (offset: number): string => this.cite(offset);
    let env: EnvFrame | null = scope.env;
    let identity = scope.identity;
    for (const b of list.elements) {
      if (b.type === 'Call') {
        const kind = calleeName(b);
        const named = namedArgs(b.args);
        const id = plainString(named.get('credentialsId'));
        if (kind === 'aws') {
          const item: Pending = { kind: 'withCredentials', call, scope, statement, usages: [] };
          (item as Pending & { binding?: Expression }).binding = b;
          this.pending.push(item);
          identity = { item };
          continue;
        }
        if (id === null) continue;
        if (kind === 'usernamePassword' && plainString(named.get('usernameVariable')) === 'AWS_ACCESS_KEY_ID') {
          this.findings.push(
            finding(
              'static-credentials',
              this.file,
              range(call.callee),
              `withCredentials binds credential '${id}' as AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY: long-lived access keys. Use an AWS credential with a role (AmazonWebServicesCredentialsBinding with roleArn:, or withAWS(role: ...)) so the build works with temporary credentials.`,
            ),
          );
        }
        const vars = kind === 'usernamePassword' ? ['usernameVariable', 'passwordVariable'] : kind === 'string' ? ['variable'] : [];
        for (const key of vars) {
          const variable = plainString(named.get(key));
          if (variable) env = { name: variable, binding: { kind: 'credential', credentialsId: id, at: b, get origin() { return `credential '${id}' bound to $${variable} at line ${cite(b.start)}`; } }, next: env };
        }
      } else if (b.type === 'Map') {
        const named = mapEntries(b);
        const cls = plainString(named.get('$class'));
        if (cls === 'AmazonWebServicesCredentialsBinding') {
          const item: Pending = { kind: 'withCredentials', call, scope, statement, usages: [] };
          (item as Pending & { binding?: Expression }).binding = b;
          this.pending.push(item);
          identity = { item };
        } else if (cls === 'StringBinding') {
          const id = plainString(named.get('credentialsId'));
          const variable = plainString(named.get('variable'));
          if (id && variable) env = { name: variable, binding: { kind: 'credential', credentialsId: id, at: b, get origin() { return `credential '${id}' bound to $${variable} at line ${cite(b.start)}`; } }, next: env };
        }
      }
    }
    return { ...scope, env, identity };
  }

  // ---- secrets in strings --------------------------------------------------------------------

  /** Offsets in the raw text where a key pattern may start, sorted (found once, by native regex scans). */
  private hitOffsets: number[] = [];
  private secretHits = 0;

  /**
   * Every offset in [from, to) where a key pattern matches, overlapping matches included (a patched walk
   * scans only its block, and a scan that consumed matches from elsewhere could skip one), read against
   * the whole text (word boundaries, look-ahead).
   */
  private prescanSecrets(from = 0, to = this.text.length): void {
    const text = this.text;
    const hits: number[] = [];
    for (const re of [AKIA, SECRET_KEY_ASSIGN, SESSION_TOKEN_ASSIGN]) {
      re.lastIndex = from;
      for (let m = re.exec(text); m !== null && m.index < to; m = re.exec(text)) {
        hits.push(m.index);
        re.lastIndex = m.index + 1;
      }
      // These regexes are shared (matchAll elsewhere starts from their lastIndex): leave them as found.
      re.lastIndex = 0;
    }
    hits.sort((a, b) => a - b);
    this.hitOffsets = hits;
    this.secretHits = hits.length;
  }

  private hitWithin(start: number, end: number): boolean {
    const hits = this.hitOffsets;
    let lo = 0;
    let hi = hits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (hits[mid] < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < hits.length && hits[lo] < end;
  }

  private scanStringSecrets(s: StringLiteral): void {
    for (const part of s.parts) {
      if (part.type !== 'Text' || part.value.length < 16) continue;
      const v = part.value;
      if (!suspect(v)) continue;
      if (v.includes('AKIA') || v.includes('ABIA') || v.includes('ACCA')) {
        for (const m of v.matchAll(AKIA)) {
          const at = textOffset(part, m.index);
          this.findings.push(
            finding('static-credentials', this.file, { start: at, end: textOffset(part, m.index + m[0].length) }, 'Long-lived AWS access key id written in the pipeline. Let Jenkins assume a role (instance profile, task role, withAWS(role: ...)) instead of static keys, and rotate this key.'),
          );
        }
      }
      if (/secret|session/i.test(v)) {
        for (const [re, label] of [[SECRET_KEY_ASSIGN, 'AWS secret access key'], [SESSION_TOKEN_ASSIGN, 'AWS session token']] as const) {
          for (const m of v.matchAll(re)) {
            const valueIndex = m.index + m[0].length - m[2].length;
            const r = { start: textOffset(part, valueIndex), end: textOffset(part, m.index + m[0].length) };
            this.findings.push(finding('hardcoded-secret', this.file, r, `${label} written literally in the pipeline: anyone who can read the repository can use it. Store it as a Jenkins credential and bind it with withCredentials([...]) instead, and rotate it.`));
          }
        }
      }
    }
  }

  /** `def secretKey = '...'`, `environment { AWS_SECRET_ACCESS_KEY = '...' }`. */
  private secretVariable(name: string, value: Expression | null): void {
    if (!value || value.type !== 'String' || value.interpolated) return;
    const v = value.value;
    let label: string | null = null;
    if (/secret_?access_?key|^aws_?secret|secretkey/i.test(name) && /^[A-Za-z0-9/+]{40}$/.test(v)) label = 'AWS secret access key';
    else if (/session_?token/i.test(name) && /^[A-Za-z0-9/+=]{100,}$/.test(v)) label = 'AWS session token';
    if (!label) return;
    this.findings.push(finding('hardcoded-secret', this.file, range(value), `${label} written literally in the pipeline (${name}): anyone who can read the repository can use it. Store it as a Jenkins credential and bind it with withCredentials([...]) instead, and rotate it.`));
  }

  // ---- helpers for usages --------------------------------------------------------------------

  private val(e: Expression | undefined, scope: Scope): Val | null {
    return e ? this.resolver.expr(e, scope) : null;
  }

  private record(usage: Usage, arg: UsageArg, v: Val, at: Range): void {
    usage.args[arg] = at;
    usage.origins[arg] = originOf(v);
    for (const m of v.missing) {
      // Build-time values are fine in session names: any build number makes a valid name.
      if (m.builtin && arg === 'roleSessionName') continue;
      if (usage.unresolved.some((u) => u.reference === m.reference && u.arg === arg)) continue;
      usage.unresolved.push({ arg, reference: m.reference, message: `${argLabel(arg)}: ${m.message}.`, range: at });
    }
  }

  /** Records a literal secret once: usages sharing one literal (an environment value, a command variable) report it once. */
  private pushSecret(usage: Usage, secret: Usage['secrets'][number]): void {
    const key = `${secret.kind}:${secret.range.start}:${secret.range.end}`;
    if (this.reportedSecrets.has(key)) return;
    this.reportedSecrets.add(key);
    usage.secrets.push(secret);
  }

  private boundCredentials(scope: WalkScope): Array<{ variable: string; credentialsId: string }> {
    const out: Array<{ variable: string; credentialsId: string }> = [];
    for (let f = scope.env; f; f = f.next) {
      if (f.binding.kind === 'credential' && !out.some((x) => x.variable === f!.name)) out.push({ variable: f.name, credentialsId: f.binding.credentialsId });
    }
    return out;
  }

  private indentAt(offset: number): string {
    let s = offset;
    while (s > 0 && this.text[s - 1] !== '\n' && this.text[s - 1] !== '\r') s--;
    const m = /^[ \t]*/.exec(this.text.slice(s, offset));
    return m ? m[0] : '';
  }

  /** The agent in effect, for caller policy (its label resolved). */
  private agentInScope(agent: Agent | null): AgentInScope | null {
    if (!agent) return null;
    const resolved = this.resolvedAgent(agent);
    return { label: resolved.label, declaration: agent.declaration, inline: resolved.inline, line: this.cite(agent.declaration.start) };
  }

  /** Sets a usage's caller from caller policy's decision (its source, and every label choice when there are several). */
  private setCaller(usage: Usage, decision: CallerDecision): void {
    usage.caller = decision.caller;
    usage.callerOrigin = decision.origin;
    if (decision.source) usage.callerSource = { ...decision.source };
    if (decision.choices) usage.callerChoices = decision.choices.map((c) => ({ ...c, source: { ...c.source } }));
  }

  /** An AWS credential as .rolecall.json and Jenkins configuration as code describe it. */
  private credential(credId: string | null): AwsCredentialInfo | undefined {
    return describedCredential(credId, this.ctx)?.info;
  }


  /** The credentials an enclosing withAWS / binding / withVault put in effect, for caller policy. */
  private enclosing(scope: WalkScope): EnclosingCredentials | null {
    const id = scope.identity?.item;
    if (!id) return null;
    const step = id.kind === 'withAWS' ? 'withAWS' : id.kind === 'withVault' ? 'withVault' : 'withCredentials';
    const b = (id as Pending & { binding?: Expression }).binding;
    const assumed = id.usages.length > 0;
    return { step, line: this.cite(id.call.start), assumed, roleArn: assumed ? id.usages[0].roleArn : null, credentialsId: !assumed && b ? this.bindingCredentialsId(b) : null };
  }

  private bindingCredentialsId(b: Expression): string | null {
    const named = b.type === 'Map' ? mapEntries(b) : b.type === 'Call' ? namedArgs(b.args) : new Map<string, Expression>();
    return plainString(named.get('credentialsId'));
  }

  /** Sets role/roleAccount/roleArn from a role value that should be a full ARN. */
  private roleFromArn(usage: Usage, v: Val, raw: string, at: Range, arg: 'role' | 'roleArn' = 'roleArn'): void {
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

  // ---- withAWS -------------------------------------------------------------------------------

  private withAWS(item: Pending): void {
    const call = item.call;
    let named = namedArgs(call.args);
    const only = positional(call.args)[0];
    if (named.size === 0 && only && only.type === 'Identifier') {
      // `def awsArgs = [role: ...]; withAWS(awsArgs) { }`
      const a = this.resolver.assignmentBefore(only.name, only.start);
      if (a && a.value.type === 'Map') named = mapEntries(a.value);
    }
    const roleExpr = named.get('role');
    const scope = item.scope;
    const credExpr = named.get('credentials');
    const credVal = this.val(credExpr, scope);
    const credId = credVal?.value ?? null;
    const credentialRole = this.credential(credId)?.roleArn;
    if (!roleExpr && credentialRole && credId !== null) {
      // The credential's own "IAM Role To Use" is assumed with its keys: a role usage, not static keys.
      const usage = this.credentialRoleUsage('withAWS', call, item.scope, credId, credentialRole, credExpr!, credVal!);
      item.usages.push(usage);
      return;
    }
    if (!roleExpr) {
      if (credId !== null) {
        this.findings.push(
          finding(
            'static-credentials',
            this.file,
            range(call.callee),
            `withAWS uses the long-lived access keys of AWS credential '${credId}' without a role. Add role: (and roleAccount:) so the build works with temporary credentials, or give the credential an "IAM Role To Use".${this.describeHint(credId)}`,
          ),
        );
      }
      return;
    }
    const usage = newUsage(this.file, 'withAWS', range(call), range(call.callee));
    usage.args.call = { start: call.start, end: callArgsEnd(call) };
    usage.boundStringCredentials = this.boundCredentials(scope);
    usage.agentLabel = this.label(scope.agent);

    // The caller: an AWS credential's principal (or its role: a chain), the agent, or the controller.
    if (credExpr && credVal) {
      this.record(usage, 'credentials', credVal, range(credExpr));
      usage.credentialsId = credId;
    }
    const useNode = this.val(named.get('useNode'), scope)?.value === 'true';
    const info = this.credential(credId);
    this.setCaller(usage, callerOf({ kind: 'withAWS', agent: useNode ? this.agentInScope(scope.agent) : null, useNode, credentialsId: credId }, this.ctx));
    if (info?.mfaSerial) usage.mfaSerial = info.mfaSerial;

    const regionExpr = named.get('region');
    const region = this.val(regionExpr, scope);
    if (regionExpr && region) {
      this.record(usage, 'region', region, range(regionExpr));
      usage.region = region.value;
    }

    const roleVal = this.resolver.expr(roleExpr, scope);
    const roleRaw = rawContent(this.text, roleExpr);
    const roleText = roleVal.value;
    if (roleText !== null && roleText.startsWith('arn:')) {
      this.roleFromArn(usage, roleVal, roleRaw, range(roleExpr), 'role');
    } else {
      this.record(usage, 'role', roleVal, range(roleExpr));
      usage.role = roleText ?? roleRaw;
      const accountExpr = named.get('roleAccount');
      let account: string | null;
      if (accountExpr) {
        const acc = this.resolver.expr(accountExpr, scope);
        this.record(usage, 'roleAccount', acc, range(accountExpr));
        usage.roleAccount = acc.value ?? rawContent(this.text, accountExpr);
        account = acc.value;
      } else {
        account = accountOfArn(usage.caller);
        usage.roleAccount = account;
        if (account === null && roleText !== null) {
          usage.unresolved.push({
            arg: 'roleAccount',
            reference: 'roleAccount',
            message: `role: withAWS builds the ARN of role "${roleText}" from the caller's account, which is unknown; add roleAccount: '123456789012' or map the caller in .rolecall.json "callers" (or pass --caller ARN).`,
            range: range(roleExpr),
          });
        }
      }
      if (roleText !== null && account !== null && /^\d{12}$/.test(account)) {
        const arn = `arn:${partitionOfRegion(usage.region)}:iam::${account}:role/${roleText}`;
        usage.roleArn = checkRoleArn(arn).ok ? arn : null;
      }
    }

    const ext = named.get('externalId');
    if (ext) {
      const v = this.resolver.expr(ext, scope);
      usage.externalId = { present: true, resolved: resolvedValue(v, this.src(ext)) };
      this.record(usage, 'externalId', v, range(ext));
      // Written in this file (directly, via a variable, environment or a parameter default): a secret in the repository.
      if (v.value !== null && v.literalRange && v.source !== 'credential') {
        const direct = ext.type === 'String' && !ext.interpolated;
        this.pushSecret(usage, {
          kind: 'external-id',
          range: v.literalRange && direct ? range(ext) : (v.literalRange ?? range(ext)),
          ...(direct && item.statement ? { replacement: 'env.EXTERNAL_ID', statement: range(item.statement), indent: this.indentAt(item.statement.start) } : {}),
        });
      }
    }

    const durExpr = named.get('duration');
    if (durExpr) {
      const d = this.resolver.expr(durExpr, scope);
      this.record(usage, 'duration', d, range(durExpr));
      usage.duration = toSeconds(d.value);
      if (d.value !== null && usage.duration === null) {
        usage.unresolved.push({ arg: 'duration', reference: d.value, message: `duration: "${d.value}" is not a number of seconds.`, range: range(durExpr) });
      }
    } else {
      usage.duration = 3600;
      usage.durationDefaulted = true;
    }

    const nameExpr = named.get('roleSessionName');
    if (nameExpr) {
      const n = this.resolver.expr(nameExpr, scope);
      this.record(usage, 'roleSessionName', n, range(nameExpr));
      usage.roleSessionName = n.value ?? n.template;
    }

    const mfaExpr = named.get('iamMfaToken');
    if (mfaExpr) {
      usage.mfa = true;
      usage.args.mfa = range(mfaExpr);
      usage.origins.mfa = originOf(this.resolver.expr(mfaExpr, scope));
    }
    item.usages.push(usage);
  }

  /** When .rolecall.json does not describe a credential: how to tell RoleCall it has a role of its own. */
  private describeHint(credId: string): string {
    if (this.credential(credId)) return '';
    return ` If the credential already has an "IAM Role To Use" in Jenkins, describe it in .rolecall.json: "awsCredentials": {"${credId}": {"roleArn": "arn:aws:iam::ACCOUNT:role/NAME"}}.`;
  }

  /** A usage whose role is the AWS credential's own "IAM Role To Use" (from .rolecall.json awsCredentials). */
  private credentialRoleUsage(kind: UsageKind, call: CallExpression, scope: WalkScope, credId: string, roleArn: string, credExpr: Expression, credVal: Val): Usage {
    const usage = newUsage(this.file, kind, range(call), range(call.callee));
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
    const origin: Origin = { source: 'literal', reference: credId, description: `IAM Role To Use of AWS credential '${credId}' (${describedCredential(credId, this.ctx)?.roleWhere ?? '.rolecall.json awsCredentials'})` };
    usage.origins.role = origin;
    usage.origins.roleArn = origin;
    const mfaSerial = this.credential(credId)?.mfaSerial;
    if (mfaSerial) usage.mfaSerial = mfaSerial;
    return usage;
  }

  // ---- withCredentials AWS bindings ----------------------------------------------------------

  private withCredentials(item: Pending): void {
    const b = (item as Pending & { binding?: Expression }).binding;
    if (!b) return;
    const call = item.call;
    const scope = item.scope;
    const named = b.type === 'Map' ? mapEntries(b) : b.type === 'Call' ? namedArgs(b.args) : new Map<string, Expression>();
    const credExpr = named.get('credentialsId');
    const credVal = this.val(credExpr, scope);
    const credId = credVal?.value ?? null;
    const roleExpr = named.get('roleArn');
    const roleVal = this.val(roleExpr, scope);
    const credentialRole = this.credential(credId)?.roleArn;
    if ((!roleExpr || roleVal?.value === '') && credentialRole && credId !== null && credExpr && credVal) {
      const usage = this.credentialRoleUsage('credentials-binding', call, scope, credId, credentialRole, credExpr, credVal);
      usage.args.call = range(b);
      usage.roleSessionName = 'Jenkins';
      item.usages.push(usage);
      return;
    }
    if (!roleExpr || !roleVal || roleVal.value === '') {
      this.findings.push(
        finding(
          'static-credentials',
          this.file,
          range(call.callee),
          `withCredentials binds the long-lived access keys of AWS credential '${credId ?? (credExpr ? this.src(credExpr) : '?')}' without a role. Add roleArn: 'arn:aws:iam::ACCOUNT:role/NAME' to the binding (or use withAWS(role: ...)) so the build works with temporary credentials.${credId !== null ? this.describeHint(credId) : ''}`,
        ),
      );
      return;
    }
    const usage = newUsage(this.file, 'credentials-binding', range(call), range(call.callee));
    usage.args.call = range(b);
    usage.boundStringCredentials = this.boundCredentials(scope);
    usage.agentLabel = this.label(scope.agent);
    if (credExpr && credVal) {
      this.record(usage, 'credentials', credVal, range(credExpr));
      usage.credentialsId = credId;
    }
    this.setCaller(usage, callerOf({ kind: 'binding', credentialsId: credId }, this.ctx));
    this.roleFromArn(usage, roleVal, rawContent(this.text, roleExpr), range(roleExpr));

    // The binding's defaults: session name "Jenkins" (what STS receives), duration = STS default.
    const nameExpr = named.get('roleSessionName');
    if (nameExpr) {
      const n = this.resolver.expr(nameExpr, scope);
      this.record(usage, 'roleSessionName', n, range(nameExpr));
      usage.roleSessionName = n.value ?? n.template;
    } else {
      usage.roleSessionName = 'Jenkins';
    }
    const durExpr = named.get('roleSessionDurationSeconds');
    if (durExpr) {
      const d = this.resolver.expr(durExpr, scope);
      this.record(usage, 'duration', d, range(durExpr));
      const seconds = toSeconds(d.value);
      usage.duration = seconds === 0 ? null : seconds;
    }
    item.usages.push(usage);
  }

  // ---- withVault -----------------------------------------------------------------------------

  private withVault(item: Pending): void {
    const call = item.call;
    const scope = item.scope;
    const named = namedArgs(call.args);
    let secrets = named.get('vaultSecrets');
    if (secrets && secrets.type === 'Identifier') {
      const a = this.resolver.assignmentBefore(secrets.name, secrets.start);
      if (a) secrets = a.value;
    }
    if (!secrets || secrets.type !== 'List') return;
    for (const entry of secrets.elements) {
      if (entry.type !== 'Map') continue;
      const pathExpr = mapEntries(entry).get('path');
      if (!pathExpr) continue;
      const pathVal = this.resolver.expr(pathExpr, scope);
      const path = pathVal.value ?? pathVal.template;
      const m = /^\/?(?:v1\/)?([^/?]*aws[^/?]*)\/(sts|creds)\/([^/?]+)(?:\?(.*))?$/.exec(path);
      if (!m) continue;
      const [, mount, , roleName, query] = m;
      const usage = newUsage(this.file, 'vault', range(call), range(call.callee));
      usage.args.call = range(entry);
      usage.vaultPath = path;
      usage.boundStringCredentials = this.boundCredentials(scope);
      usage.agentLabel = this.label(scope.agent);
      usage.args.role = range(pathExpr);
      const params = new URLSearchParams(query ?? '');
      const fromQuery = params.get('role_arn');
      const mapped = this.config?.vaultRoles[roleName] ?? this.config?.vaultRoles[`${mount}/${m[2]}/${roleName}`];
      const arn = fromQuery ?? mapped ?? null;
      usage.origins.role = {
        source: pathVal.source === 'literal' ? 'literal' : pathVal.source,
        reference: roleName,
        description: fromQuery ? `role_arn in the Vault path (line ${this.cite(pathExpr.start)})` : mapped ? `Vault role ${roleName} (.rolecall.json vaultRoles)` : `Vault role ${roleName} (not mapped)`,
      };
      if (pathVal.value === null) {
        for (const miss of pathVal.missing) usage.unresolved.push({ arg: 'role', reference: miss.reference, message: `Vault path: ${miss.message}.`, range: range(pathExpr) });
      } else if (arn) {
        usage.role = arn;
        const check = checkRoleArn(arn);
        usage.roleArn = check.ok ? arn : null;
        usage.roleAccount = check.ok ? check.account : accountOfArnLoose(arn);
      } else {
        usage.role = roleName;
        usage.unresolved.push({
          arg: 'role',
          reference: roleName,
          message: `Vault role "${roleName}" (${path}) is not mapped to the IAM role it assumes; add "vaultRoles": {"${roleName}": "arn:aws:iam::ACCOUNT:role/NAME"} to .rolecall.json.`,
          range: range(pathExpr),
        });
      }
      const ttl = params.get('ttl');
      if (ttl) usage.duration = vaultTtl(ttl);
      this.setCaller(usage, callerOf({ kind: 'vault' }, this.ctx));
      item.usages.push(usage);
    }
  }

  // ---- shell steps ---------------------------------------------------------------------------

  private shell(item: Pending): void {
    const call = item.call;
    const scope = item.scope;
    const name = calleeName(call)!;
    const dialect = SHELL_STEPS[name];
    const named = namedArgs(call.args);
    const scriptExpr = named.get('script') ?? positional(call.args)[0];
    if (!scriptExpr) return;
    if (scriptExpr.type === 'String' && !mayHoldStsCall(scriptExpr)) return;
    const script = new ScriptBuilder(this.resolver, scope);
    script.add(scriptExpr, 0);
    // Only scripts that mention an STS operation can hold a usage; skip scanning the rest.
    if (script.text.indexOf('aws') < 0 || (script.text.indexOf('assume-role') < 0 && script.text.indexOf('get-session-token') < 0)) return;
    const { calls, assignments } = scanShell(script.text, dialect);
    for (const c of calls) {
      const usage = this.shellUsage(item, c, script, assignments);
      if (usage) item.usages.push(usage);
    }
  }

  private shellUsage(item: Pending, c: AwsStsCall, script: ScriptBuilder, assignments: ReturnType<typeof scanShell>['assignments']): Usage | null {
    const scope = item.scope;
    const at = (i: number): number => script.offset(Math.min(i, script.text.length - 1));
    const end = (i: number): number => script.endOffset(Math.min(i, script.text.length - 1));
    const anchor = { start: at(c.awsStart), end: end(c.awsEnd - 1) };
    const endSrc = end(c.end - 1);
    const kind: UsageKind = c.operation === 'assume-role' ? 'sh-assume-role' : 'sh-get-session-token';
    const usage = newUsage(this.file, kind, { start: anchor.start, end: Math.max(endSrc, anchor.end) }, anchor);
    usage.args.call = { start: anchor.start, end: Math.max(endSrc, anchor.end) };
    usage.boundStringCredentials = this.boundCredentials(scope);
    usage.agentLabel = this.label(scope.agent);
    const caller = callerOf({ kind: 'shell', agent: this.agentInScope(scope.agent), enclosing: this.enclosing(scope) }, this.ctx);
    this.setCaller(usage, caller);
    const profile = c.globals.profile ?? c.options.profile;
    if (profile && profile !== true) {
      // The agent's principal is only the default: a profile picks other credentials on that machine.
      usage.callerOrigin = `${caller.origin ?? 'unknown caller'}; note: --profile ${profile.text} selects the credentials of that AWS CLI profile instead`;
    }

    const wordVal = (w: ShellWord, depth = 0): Val => {
      const parts: Val[] = [];
      for (const seg of w.segments) {
        if (seg.kind === 'text') {
          const first = seg.offsets[0];
          const contiguousScript = seg.offsets.length > 0 && seg.offsets[seg.offsets.length - 1] - first === seg.offsets.length - 1;
          const s0 = at(first);
          const s1 = end(seg.offsets[seg.offsets.length - 1] ?? first);
          const exact = contiguousScript && s1 - s0 === seg.value.length && this.text.slice(s0, s1) === seg.value;
          parts.push({ value: seg.value, template: seg.value, source: 'literal', reference: null, description: `literal on line ${this.cite(s0)}`, secret: false, missing: [], runtime: false, ...(exact ? { literalRange: { start: s0, end: s1 } } : {}) });
        } else if (seg.kind === 'interp') {
          const e = script.interps[seg.index];
          parts.push(e ? this.resolver.expr(e, scope) : { value: null, template: '${…}', source: 'unresolved', reference: null, description: 'interpolation', secret: false, missing: [], runtime: true });
        } else if (seg.kind === 'var') {
          // A variable the script itself set earlier wins over the environment.
          const local = depth < 8 ? [...assignments].reverse().find((a) => a.name === seg.name && a.at < seg.start) : undefined;
          if (local) {
            const v = wordVal(local.value, depth + 1);
            parts.push({ ...v, description: `${v.description}, via shell variable ${seg.name} (line ${this.cite(at(local.at))})`, reference: v.reference ?? seg.name });
          } else {
            parts.push(this.resolver.env(seg.name, at(seg.start), scope, 0));
          }
        } else {
          const text = script.text.slice(seg.start, seg.end);
          parts.push({ value: null, template: '$(…)', source: 'unresolved', reference: text, description: `output of ${text}`, secret: false, missing: [{ reference: text, message: `the value is the output of \`${text}\`, known only while the build runs` }], runtime: false });
        }
      }
      if (parts.length === 0) return { value: '', template: '', source: 'literal', reference: null, description: 'empty', secret: false, missing: [], runtime: false };
      return concat(parts);
    };
    const wordRange = (w: ShellWord): Range => {
      const r = valueRange(w);
      return { start: at(r.start), end: end(Math.max(r.start, r.end - 1)) };
    };
    const opt = (key: string): ShellWord | null => {
      const v = c.options[key] ?? (key === 'region' || key === 'profile' ? c.globals[key] : undefined);
      return v === undefined || v === true ? null : v;
    };

    const region = opt('region');
    if (region) {
      const v = wordVal(region);
      this.record(usage, 'region', v, wordRange(region));
      usage.region = v.value;
    }
    if (c.operation === 'assume-role') {
      const role = opt('role-arn');
      if (role) {
        const v = wordVal(role);
        // The raw text as written in the file, without the shell quotes around it.
        const written = this.text.slice(at(role.start), end(role.end - 1));
        const raw = /^(["']).*\1$/s.test(written) && written.length >= 2 ? written.slice(1, -1) : written;
        this.roleFromArn(usage, v, raw, wordRange(role), 'roleArn');
        usage.args.role = usage.args.roleArn;
        usage.origins.role = usage.origins.roleArn;
      } else {
        this.findings.push({ ...finding('invalid-role-arn', this.file, anchor, 'aws sts assume-role without --role-arn: the AWS CLI stops with "the following arguments are required: --role-arn". Add --role-arn arn:aws:iam::ACCOUNT:role/NAME.'), anchor });
      }
      if (!opt('role-session-name')) {
        this.findings.push({
          anchor,
          ...finding('invalid-session-name', this.file, anchor, 'aws sts assume-role without --role-session-name: the AWS CLI stops with "the following arguments are required: --role-session-name". Add --role-session-name with 2-64 characters of letters, digits and _+=,.@- (e.g. jenkins-${BUILD_NUMBER}).', {
            roleArn: usage.roleArn,
            fixes: [{ title: 'Add --role-session-name jenkins-$BUILD_NUMBER', edits: [{ offset: usage.args.call!.end, length: 0, content: ' --role-session-name jenkins-$BUILD_NUMBER' }] }],
          }),
        });
      }
      const sessionName = opt('role-session-name');
      if (sessionName) {
        const v = wordVal(sessionName);
        this.record(usage, 'roleSessionName', v, wordRange(sessionName));
        usage.roleSessionName = v.value ?? v.template;
      }
      // Flags the trust policy must allow beyond sts:AssumeRole (a bare flag or one with a value).
      if (c.options['tags'] !== undefined) usage.sessionTags = true;
      if (c.options['source-identity'] !== undefined) usage.sourceIdentity = true;
      const ext = opt('external-id');
      if (ext) {
        const v = wordVal(ext);
        const r = wordRange(ext);
        usage.externalId = { present: true, resolved: resolvedValue(v, ext.text) };
        this.record(usage, 'externalId', v, r);
        if (v.value !== null && v.literalRange && v.source !== 'credential') {
          const direct = literalText(ext) !== null;
          const quote = script.quoteAt(ext.start);
          const replacement = quote === '"' || quote === '"""' ? '\\${EXTERNAL_ID}' : quote === '/' || quote === '$/' ? null : '"${EXTERNAL_ID}"';
          this.pushSecret(usage, {
            kind: 'external-id',
            range: direct ? { start: at(ext.start), end: end(ext.end - 1) } : (v.literalRange ?? r),
            ...(direct && replacement && item.statement ? { replacement, statement: range(item.statement), indent: this.indentAt(item.statement.start) } : {}),
          });
        }
      }
    }
    const duration = opt('duration-seconds');
    if (duration) {
      const v = wordVal(duration);
      this.record(usage, 'duration', v, wordRange(duration));
      usage.duration = toSeconds(v.value);
    }
    const serial = opt('serial-number');
    const token = opt('token-code');
    if (serial || token) {
      usage.mfa = true;
      if (serial) {
        const v = wordVal(serial);
        usage.mfaSerial = v.value;
        usage.args.mfa = wordRange(serial);
        usage.origins.mfa = originOf(v);
      } else if (token) usage.args.mfa = wordRange(token);
    }
    return usage;
  }
}

/** Builds the text a shell step runs from its script expression, mapping each character back to the file. */
class ScriptBuilder {
  text = '';
  interps: Expression[] = [];
  private quotes: Array<{ from: number; quote: StringLiteral['quote'] }> = [];
  /** Script index → source: a text part (cooked index via textOffset) or a fixed offset (placeholders). */
  private pieces: Array<{ at: number; part: TextPart | null; offset: number; end: number }> = [];

  constructor(
    private readonly resolver: Resolver,
    private readonly scope: Scope,
  ) {}

  private piece(index: number): { at: number; part: TextPart | null; offset: number; end: number } | null {
    const pieces = this.pieces;
    if (pieces.length === 0) return null;
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid].at <= index) lo = mid;
      else hi = mid - 1;
    }
    return pieces[lo];
  }

  /** Source offset of script character `index`. */
  offset(index: number): number {
    const p = this.piece(index);
    if (!p) return 0;
    return p.part ? textOffset(p.part, Math.max(0, index - p.at)) : p.offset;
  }

  /** Source offset just after script character `index` (after a whole `${...}` for an interpolation). */
  endOffset(index: number): number {
    const p = this.piece(index);
    if (!p) return 0;
    if (!p.part) return p.end;
    const i = Math.max(0, index - p.at);
    return i + 1 < p.part.value.length ? textOffset(p.part, i + 1) : p.part.end;
  }

  /** Quote kind of the string literal a script character came from. */
  quoteAt(index: number): StringLiteral['quote'] | null {
    let q: StringLiteral['quote'] | null = null;
    for (const r of this.quotes) {
      if (r.from <= index) q = r.quote;
      else break;
    }
    return q;
  }

  private fixed(ch: string, span: { start: number; end: number }): void {
    this.pieces.push({ at: this.text.length, part: null, offset: span.start, end: span.end });
    this.text += ch;
  }

  /** An expression the script gets at run time; `span` is what it covers in the file (the whole `${...}`). */
  private placeholder(e: Expression, span: { start: number; end: number } = e): void {
    const index = this.interps.length;
    if (PLACEHOLDER_BASE + index > PLACEHOLDER_LIMIT) return this.fixed('?', span);
    this.interps.push(e);
    this.fixed(String.fromCharCode(PLACEHOLDER_BASE + index), span);
  }

  add(e: Expression, depth: number): void {
    if (depth > 8) return this.placeholder(e);
    switch (e.type) {
      case 'String':
        this.quotes.push({ from: this.text.length, quote: e.quote });
        for (const part of e.parts) {
          if (part.type === 'Text') {
            if (part.value.length === 0) continue;
            this.pieces.push({ at: this.text.length, part, offset: part.start, end: part.end });
            this.text += part.value;
          } else if (part.expression) {
            this.inline(part.expression, depth, part);
          } else {
            this.fixed('?', part);
          }
        }
        return;
      case 'Paren':
        return this.add(e.expression, depth + 1);
      case 'Binary':
        if (e.operator === '+') {
          this.add(e.left, depth + 1);
          this.add(e.right, depth + 1);
          return;
        }
        return this.placeholder(e);
      case 'Identifier':
        return this.inline(e, depth);
      default:
        return this.placeholder(e);
    }
  }

  /** A variable holding a command string counts where it is written (the contract's rule). */
  private inline(e: Expression, depth: number, span: { start: number; end: number } = e): void {
    if (e.type === 'Identifier') {
      const a = this.resolver.assignmentBefore(e.name, e.start);
      if (a && (a.value.type === 'String' || (a.value.type === 'Binary' && a.value.operator === '+'))) {
        const v = this.resolver.expr(a.value, this.scope);
        if (!v.secret) return this.add(a.value, depth + 1);
      }
    }
    this.placeholder(e, span);
  }
}

/** False when a script string surely runs no STS command: no operation name in its text, no variable to inline. */
function mayHoldStsCall(s: StringLiteral): boolean {
  for (const part of s.parts) {
    if (part.type === 'Text') {
      if (part.value.indexOf('assume-role') >= 0 || part.value.indexOf('get-session-token') >= 0) return true;
    } else if (part.expression && part.expression.type === 'Identifier') {
      return true;
    }
  }
  return false;
}

function argLabel(arg: UsageArg): string {
  return arg === 'call' ? 'caller' : arg;
}

function accountOfArnLoose(arn: string | null): string | null {
  if (!arn) return null;
  const parts = arn.split(':');
  return parts.length >= 6 && parts[4] !== '' ? parts[4] : null;
}

/** The argument as written, without the quotes of a plain string. */
function rawContent(text: string, e: Expression): string {
  if (e.type === 'String') {
    const q = e.quote.length;
    return text.slice(e.start + q, Math.max(e.start + q, e.end - q));
  }
  return text.slice(e.start, e.end);
}

/**
 * End of a call's last argument (or of its name when it has none): `args.call` spans call start → here,
 * so a quick fix inserts `, externalId: ...` at `args.call.end`.
 */
function callArgsEnd(call: CallExpression): number {
  return call.args.length > 0 ? call.args[call.args.length - 1].end : call.callee.end;
}

function toSeconds(v: string | null): number | null {
  if (v === null) return null;
  const t = v.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

function vaultTtl(ttl: string): number | null {
  const m = /^(\d+)([smhd]?)$/.exec(ttl.trim());
  if (!m) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Finds every AWS credential usage in a parsed pipeline, with values resolved. Never throws. */
export function extractUsages(program: Program, text: string, file: string, ctx: ExtractContext): { usages: Usage[]; findings: Finding[] } {
  try {
    const x = new Extractor(program, text, file, ctx);
    const usages = x.run();
    return { usages, findings: x.findings };
  } catch {
    // Extraction bugs must not turn into stack traces for the user; report nothing rather than crash.
    return { usages: [], findings: [] };
  }
}
