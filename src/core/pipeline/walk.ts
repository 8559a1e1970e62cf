// The walk: one pre-order pass over the tree that tracks scopes (agent, bound environment, enclosing
// credentials, method) and collects what resolution needs (variables, parameters, loop and closure
// locals), the calls the usage kinds build from (kinds/index.ts), and literal secrets (facts for rules).
import type {
  CallExpression,
  Closure,
  Expression,
  MethodDeclaration,
  Node,
  Program,
  StringLiteral,
  VariableDeclaration,
} from '../syntax/ast';
import { textOffset } from '../syntax/ast';
import type { PipelineFact } from '../types';
import { calleeName, mapEntries, namedArgs, plainString, positional, range, stepName } from './calls';
import { childrenOf } from './children';
import { KIND_BY_STEP } from './kinds';
import type { Lines } from './lines';
import { declaredMethods, invokedName, libraryStepName, type DeclaredMethod, type MethodSite } from './frames';
import type { Assignment, EnvFrame, LocalScope, ParameterDecl } from './resolve';
import type { Agent, Identity, Local, LoopOf, Pending, WalkScope } from './scope';

/** What the walk collected, in source order. */
export interface WalkResult {
  assignments: Map<string, Assignment[]>;
  parameters: Map<string, ParameterDecl>;
  locals: Map<string, Local[]>;
  /**
   * Names the file defines without a value it gives (destructuring from a computed value, a declaration
   * without initializer, a class field set elsewhere): defined in [start, end), computed at run time.
   */
  declared: Map<string, Local[]>;
  /** Calls (or parts) for the usage kinds, sorted by call start. */
  pending: Pending[];
  /** Literal secrets and static-key bindings, for rules. */
  facts: PipelineFact[];
  /** The methods the file declares, and the calls that may invoke them (frames.ts binds them). */
  methods: DeclaredMethod[];
  methodSites: MethodSite[];
  /** The script's methods and classes (not the script body), sorted by start. */
  bodies: Array<{ start: number; end: number; what: string }>;
  /** Variables changed in place (`x << v`, `x.add(v)`, `x += v`): their literal is not what a loop iterates. */
  mutated: Set<string>;
  /** Calls of shared-library steps (`deployTo(...)`, `deployTo.call(...)`) the file does not define itself. */
  librarySites: MethodSite[];
}

/** Methods whose closure runs once per element of a list (entry of a map): `LIST.each { x -> }`. */
const LOOP_METHODS = new Set(['each', 'eachWithIndex', 'collect', 'collectEntries']);
/** Methods that change a list or map in place. */
const MUTATORS = new Set([
  'add',
  'addAll',
  'push',
  'put',
  'putAll',
  'leftShift',
  'remove',
  'removeAll',
  'clear',
  'retainAll',
  'removeIf',
  'set',
]);

/** What a loop closure's parameters hold, by method and count; null when they do not bind one iteration. */
function closureParts(form: string, count: number): LoopOf['parts'] | null {
  if (form === 'eachWithIndex') return count === 2 ? ['item', 'index'] : count === 3 ? ['key', 'value', 'index'] : null;
  return count <= 1 ? ['item'] : count === 2 ? ['key', 'value'] : null;
}

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
  return (
    v.indexOf('IA') >= 0 ||
    v.indexOf('ACCA') >= 0 ||
    v.indexOf('ecret') >= 0 ||
    v.indexOf('ECRET') >= 0 ||
    v.indexOf('ession') >= 0 ||
    v.indexOf('ESSION') >= 0
  );
}
const AKIA = /\b(?:AKIA|ABIA|ACCA)[0-9A-Z]{16}\b/g;
const SECRET_KEY_ASSIGN =
  /(AWS_SECRET_ACCESS_KEY|aws_secret_access_key|secretKey|secret_key)\s*[=:]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/g;
const SESSION_TOKEN_ASSIGN = /(AWS_SESSION_TOKEN|aws_session_token)\s*[=:]\s*["']?([A-Za-z0-9/+=]{100,})/g;

/** Walks a parsed pipeline once. */
export function walkPipeline(
  program: Program,
  text: string,
  lines: Lines,
  libraryNames?: ReadonlySet<string>,
): WalkResult {
  const w = new Walker(text, lines);
  const methods = declaredMethods(program);
  for (const m of methods) w.methodNames.add(m.decl.name);
  // A method the file declares wins over a library step of the same name (Groovy calls its own method).
  if (libraryNames) for (const n of libraryNames) if (!w.methodNames.has(n)) w.libraryNames.add(n);
  const bodies: WalkResult['bodies'] = [];
  for (const st of program.body) {
    if (st.type === 'ClassDecl') for (const f of st.body) if (f.type === 'VarDecl') w.fields.set(f, st);
    if (st.type === 'ClassDecl') bodies.push({ start: st.start, end: st.end, what: `class ${st.name}` });
    if (st.type === 'MethodDecl') bodies.push({ start: st.start, end: st.end, what: `${st.name}()` });
  }
  w.prescanSecrets();
  w.visit(program, { env: null, method: null, agent: null, identity: null }, null, 0);
  for (const list of w.assignments.values()) list.sort((a, b) => a.after - b.after);
  w.pending.sort((a, b) => a.call.start - b.call.start);
  return {
    assignments: w.assignments,
    parameters: w.parameters,
    locals: w.locals,
    declared: w.declared,
    pending: w.pending,
    facts: w.facts,
    methods,
    methodSites: w.methodSites,
    bodies,
    mutated: w.mutated,
    librarySites: w.librarySites,
  };
}

class Walker {
  readonly assignments = new Map<string, Assignment[]>();
  readonly parameters = new Map<string, ParameterDecl>();
  readonly locals = new Map<string, Local[]>();
  readonly declared = new Map<string, Local[]>();
  /** Class fields (declarations directly in a class body), with their class. */
  readonly fields = new Map<Node, { name: string; start: number; end: number }>();
  readonly pending: Pending[] = [];
  readonly facts: PipelineFact[] = [];
  /** Names of the methods the file declares, and the calls of those names, with their scope. */
  readonly methodNames = new Set<string>();
  readonly methodSites: MethodSite[] = [];
  readonly mutated = new Set<string>();
  /** Closures passed to `LIST.each` and friends: the loop they are the body of. */
  private readonly loopClosures = new Map<Closure, { iterable: Expression; at: number; form: string }>();
  /** Names of the shared-library steps the file may call, and those calls, with their scope. */
  readonly libraryNames = new Set<string>();
  readonly librarySites: MethodSite[] = [];

  constructor(
    private readonly text: string,
    private readonly lines: Lines,
  ) {}

  private line(offset: number): number {
    return this.lines.line(offset);
  }

  /** The line of an offset as descriptions cite it. */
  private cite(offset: number): string {
    return String(this.lines.line(offset));
  }

  /** Children of the nodes being visited, as one stack of runs (no array per node). */
  private readonly kids: Node[] = [];

  /**
   * Pre-order, source-order visit. Recursive for speed; past WALK_RECURSION nodes deep (left-deep chains
   * such as `a + b + ...` have no depth cap) the subtree is walked with an explicit stack instead.
   */
  visit(node: Node, scope: WalkScope, statement: Node | null, depth: number): void {
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
      if (type === 'Identifier' || type === 'Number' || type === 'Text' || type === 'Boolean' || type === 'Null')
        continue;
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
      case 'VarDecl': {
        const owner = this.fields.get(node);
        // A script's @Field and a class's field are initialised before any code of the script or class runs.
        const field = owner !== undefined || (node.annotations?.some((a) => a.name === 'Field') ?? false);
        // Anything else is a local variable of its method, or of the script body (Groovy's run()).
        const local = field ? undefined : this.localScope(node, scope);
        if (node.init) this.assign(node.name, field ? 0 : node.end, node.init, node.start, owner, local);
        else this.declaredName(node.name, node, owner ?? null, local);
        this.secretVariable(node.name, node.init);
        return scope;
      }
      case 'Assign':
        // `envs += ['qa']`, `envs <<= x`: the list the name was given is not what a loop iterates.
        if (node.operator !== '=' && node.target.type === 'Identifier') this.mutated.add(node.target.name);
        if (node.operator === '=') {
          const t = node.target;
          if (t.type === 'Identifier') {
            // After a declaration in the same method (or script body), it sets that local; else the binding.
            this.assign(t.name, node.end, node.value, node.start, undefined, this.declaredLocal(t.name, scope));
            this.secretVariable(t.name, node.value);
          } else if (t.type === 'Property' && t.object.type === 'Identifier' && t.object.name === 'env') {
            this.assign('env.' + t.property, node.end, node.value, node.start);
            this.secretVariable(t.property, node.value);
          } else if (t.type === 'Property' && t.object.type === 'Identifier' && !t.safe && !t.spread) {
            // `cfg.role = ...`: an entry of the map `cfg` (resolve.ts reads it as `cfg.role`).
            this.assign(t.object.name + '.' + t.property, node.end, node.value, node.start);
          } else if (
            t.type === 'Index' &&
            t.object.type === 'Identifier' &&
            t.object.name !== 'env' &&
            t.index.type === 'String' &&
            !t.index.interpolated
          ) {
            this.assign(t.object.name + '.' + t.index.value, node.end, node.value, node.start);
          }
        }
        return scope;
      case 'MethodDecl':
        return { ...scope, method: node as MethodDeclaration };
      case 'For':
        if (node.variable)
          this.local(
            node.variable,
            node,
            'a loop variable',
            node.iterable ? { iterable: node.iterable, at: node.start, form: 'for', parts: ['item'] } : undefined,
            'item',
          );
        return scope;
      case 'Catch':
        if (node.param) this.local(node.param, node, 'a caught exception');
        return scope;
      case 'Closure': {
        const of = this.loopClosures.get(node);
        const parts = of ? closureParts(of.form, node.params.length) : null;
        const loop: LoopOf | undefined = of && parts ? { ...of, parts } : undefined;
        if (node.params.length > 0)
          node.params.forEach((p, i) => this.local(p.name, node, 'a closure parameter', loop, loop?.parts[i]));
        else this.local('it', node, 'the implicit closure parameter', loop, 'item');
        return this.closureScope(node, scope);
      }
      case 'Binary':
        if (node.operator === '<<' && node.left.type === 'Identifier') this.mutated.add(node.left.name);
        return scope;
      case 'Call': {
        const callee = node.callee;
        if (callee.type === 'Property') {
          if (LOOP_METHODS.has(callee.property) && !callee.safe && !callee.spread) {
            const body =
              node.closures.length === 1 && node.args.length === 0
                ? node.closures[0]
                : node.closures.length === 0 && node.args.length === 1 && node.args[0].type === 'Closure'
                  ? node.args[0]
                  : null;
            if (body) this.loopClosures.set(body, { iterable: callee.object, at: node.start, form: callee.property });
          }
          if (MUTATORS.has(callee.property) && callee.object.type === 'Identifier')
            this.mutated.add(callee.object.name);
        }
        if (this.methodNames.size > 0) {
          const invoked = invokedName(node);
          if (invoked !== null && this.methodNames.has(invoked))
            this.methodSites.push({ name: invoked, call: node, scope });
        }
        if (this.libraryNames.size > 0) {
          const step = libraryStepName(node);
          if (step !== null && this.libraryNames.has(step)) this.librarySites.push({ name: step, call: node, scope });
        }
        const inner = this.call(node, scope, statement);
        return inner === 'skip' ? null : inner;
      }
      default:
        return scope;
    }
  }

  /** The scope of a local variable declared at `decl` (its method, or the script body). */
  private localScope(decl: VariableDeclaration, scope: WalkScope): LocalScope {
    const m = scope.method;
    const how = decl.declType ?? (decl.modifiers.length > 0 ? decl.modifiers.join(' ') : 'def');
    return { method: m ? { name: m.name, start: m.start, end: m.end } : null, how, at: decl.start };
  }

  /** The local variable `name` declared before in the method (or script body) of `scope`, if any. */
  private declaredLocal(name: string, scope: WalkScope): LocalScope | undefined {
    const m = scope.method;
    const same = (l: LocalScope | undefined): boolean =>
      l !== undefined && (m ? l.method !== null && l.method.start === m.start : l.method === null);
    for (const a of this.assignments.get(name) ?? []) if (same(a.local)) return a.local;
    for (const d of this.declared.get(name) ?? []) if (same(d.local)) return d.local;
    return undefined;
  }

  private local(name: string, where: Node, what: string, loop?: LoopOf, part?: Local['part']): void {
    let list = this.locals.get(name);
    if (!list) this.locals.set(name, (list = []));
    list.push(
      loop && part
        ? { start: where.start, end: where.end, what, loop, part }
        : { start: where.start, end: where.end, what },
    );
  }

  /** A name declared without a value: destructured from a computed value, declared bare, or a class field. */
  private declaredName(
    name: string,
    decl: VariableDeclaration,
    owner: { name: string; start: number; end: number } | null,
    local?: LocalScope,
  ): void {
    let what: string;
    let start = decl.start;
    let end = Number.MAX_SAFE_INTEGER;
    if (owner) {
      what = `the field ${name} of class ${owner.name} (line ${this.cite(decl.start)}), which has no initial value`;
      start = owner.start;
      end = owner.end;
    } else {
      // `def (a, b) = x.split('-')`: the parser keeps the names; the value is the text after `) =`.
      const m = /^[^=;\n]*?\)\s*=\s*/.exec(this.text.slice(decl.nameSpan.end, decl.end));
      const from = m ? decl.nameSpan.end + m[0].length : -1;
      const value = from >= 0 ? this.text.slice(from, decl.end).replace(/\s+/g, ' ').trim() : '';
      const shown = value.length > 60 ? value.slice(0, 59) + '…' : value;
      what = m
        ? `destructured from \`${shown}\` on line ${this.cite(decl.start)}`
        : `declared without a value on line ${this.cite(decl.start)}`;
    }
    let list = this.declared.get(name);
    if (!list) this.declared.set(name, (list = []));
    list.push({ start, end, what, ...(local ? { local } : {}) });
  }

  private assign(
    name: string,
    after: number,
    value: Expression,
    start: number,
    within?: { start: number; end: number },
    local?: LocalScope,
  ): void {
    let list = this.assignments.get(name);
    if (!list) this.assignments.set(name, (list = []));
    list.push({
      after,
      value,
      line: this.line(start),
      start,
      ...(within ? { within: { start: within.start, end: within.end } } : {}),
      ...(local ? { local } : {}),
    });
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
            if (varName === 'AWS_ACCESS_KEY_ID')
              this.facts.push({
                kind: 'static-keys-binding',
                range: range(a.target),
                credentialsId: id,
                secretText: 'environment',
              });
            if (id !== null) {
              env = {
                name: varName,
                binding: {
                  kind: 'credential',
                  credentialsId: id,
                  at: a,
                  get origin() {
                    return `credential '${id}' bound to ${varName} in environment, line ${cite(a.start)}`;
                  },
                },
                next: env,
              };
              continue;
            }
          }
          this.secretVariable(varName, v);
          if (v.type === 'String') this.scanStringSecrets(v);
          env = {
            name: varName,
            binding: {
              kind: 'expr',
              expr: v,
              source: 'environment',
              get origin() {
                return `environment ${varName}, line ${cite(a.start)}`;
              },
            },
            next: env,
          };
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
    if (first && first.type === 'Identifier' && (first.name === 'any' || first.name === 'none'))
      return { expr: null, declaration: call, anyNode: first.name === 'any' };
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
    // No label anywhere (`agent { docker { image '…' } }`, `agent { node { } }`): any node; an inline ecs /
    // kubernetes agent is its own task or pod (caller policy reads it from the declaration first).
    return { expr: null, declaration: call, anyNode: true };
  }

  /** Records what a call means for the scope of its block; returns the block's scope, or 'skip'. */
  private call(call: CallExpression, scope: WalkScope, statementNode: Node | null): WalkScope | 'skip' {
    const name = calleeName(call);
    if (name === null) return scope;
    const kind = KIND_BY_STEP.get(name);
    const inner =
      name === 'withCredentials' ? this.withCredentialsScope(call, scope) : this.scopeStep(name, call, scope);
    if (kind === undefined || inner === 'skip') return inner;
    // The calls (or parts of them) a usage kind builds later; a kind with credentials encloses the block.
    let identity: Identity | null = null;
    for (const part of kind.candidates(call)) {
      const item: Pending = { kind: kind.name, call, part, scope, statement: statementNode, usages: [] };
      this.pending.push(item);
      if (kind.opensIdentity) identity = { item };
    }
    return identity ? { ...inner, identity } : inner;
  }

  /** The scope a step that is not a usage kind's gives its block (withEnv, node, parameters, environment). */
  private scopeStep(name: string, call: CallExpression, scope: WalkScope): WalkScope | 'skip' {
    switch (name) {
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
            env = {
              name: varName,
              binding: {
                kind: 'slice',
                str: el,
                from: eq + 1,
                get origin() {
                  return `withEnv ${varName}, line ${cite(el.start)}`;
                },
              },
              next: env,
            };
          }
        }
        return env === scope.env ? scope : { ...scope, env };
      }
      case 'node': {
        if (call.closures.length === 0) return scope;
        const arg = positional(call.args)[0] ?? namedArgs(call.args).get('label');
        return { ...scope, agent: { expr: arg ?? null, declaration: call, anyNode: arg === undefined } };
      }
      case 'parameters':
        this.parametersCall(call);
        return scope;
      case 'environment':
        // Handled by closureScope; its assignments are not script variables.
        return call.closures.length > 0 ? 'skip' : scope;
      default:
        return scope;
    }
  }

  private parametersCall(call: CallExpression): void {
    const decls: Expression[] = [];
    for (const a of positional(call.args)) {
      if (a.type === 'List') decls.push(...a.elements);
      else decls.push(a);
    }
    for (const c of call.closures)
      for (const st of c.body) if (st.type === 'ExpressionStatement') decls.push(st.expression);
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
      // A credentials parameter whose default is '' has no default credential: the build's user picks one.
      if (kind === 'credentials' && defaultValue && plainString(defaultValue) === '') defaultValue = null;
      if (kind === 'choice') {
        const choices = named.get('choices');
        defaultValue = null;
        if (choices?.type === 'List' && choices.elements[0]) defaultValue = choices.elements[0];
        else if (choices?.type === 'String' && !choices.interpolated) defaultText = choices.value.split(/\r?\n/)[0];
      }
      this.parameters.set(paramName, {
        name: paramName,
        kind,
        defaultValue,
        defaultText,
        secret: kind === 'password',
        line: this.line(d.start),
        node: d,
      });
    }
  }

  /** The variables a withCredentials binds in its block (its AWS bindings are a usage kind's). */
  private withCredentialsScope(call: CallExpression, scope: WalkScope): WalkScope {
    const list = positional(call.args)[0];
    if (!list || list.type !== 'List') return scope;
    const cite = (offset: number): string => this.cite(offset);
    let env: EnvFrame | null = scope.env;
    for (const b of list.elements) {
      // `[$class: 'UsernamePasswordMultiBinding', ...]` is the map form of `usernamePassword(...)`.
      const named = b.type === 'Call' ? namedArgs(b.args) : b.type === 'Map' ? mapEntries(b) : null;
      const userPass =
        b.type === 'Call'
          ? calleeName(b) === 'usernamePassword'
          : b.type === 'Map' && plainString(named?.get('$class')) === 'UsernamePasswordMultiBinding';
      const secretText =
        b.type === 'Call'
          ? calleeName(b) === 'string'
          : b.type === 'Map' && plainString(named?.get('$class')) === 'StringBinding';
      if (named && secretText && plainString(named.get('variable')) === 'AWS_ACCESS_KEY_ID') {
        const idExpr = named.get('credentialsId');
        const literal = plainString(idExpr);
        this.facts.push({
          kind: 'static-keys-binding',
          range: stepName(call, this.text),
          credentialsId: literal,
          secretText: 'withCredentials',
          ...(literal === null && idExpr ? { credentialsText: this.text.slice(idExpr.start, idExpr.end) } : {}),
        });
      }
      if (named && userPass && plainString(named.get('usernameVariable')) === 'AWS_ACCESS_KEY_ID') {
        const idExpr = named.get('credentialsId');
        const literal = plainString(idExpr);
        this.facts.push({
          kind: 'static-keys-binding',
          range: stepName(call, this.text),
          credentialsId: literal,
          ...(literal === null && idExpr ? { credentialsText: this.text.slice(idExpr.start, idExpr.end) } : {}),
        });
      }
      if (b.type === 'Call' && named) {
        const kind = calleeName(b);
        const id = plainString(named.get('credentialsId'));
        if (kind === 'aws' || id === null) continue;
        const vars =
          kind === 'usernamePassword'
            ? ['usernameVariable', 'passwordVariable']
            : kind === 'string'
              ? ['variable']
              : [];
        for (const key of vars) {
          const variable = plainString(named.get(key));
          if (variable)
            env = {
              name: variable,
              binding: {
                kind: 'credential',
                credentialsId: id,
                at: b,
                get origin() {
                  return `credential '${id}' bound to $${variable} at line ${cite(b.start)}`;
                },
              },
              next: env,
            };
        }
      } else if (b.type === 'Map' && named) {
        const cls = plainString(named.get('$class'));
        const id = plainString(named.get('credentialsId'));
        const keys =
          cls === 'StringBinding'
            ? ['variable']
            : cls === 'UsernamePasswordMultiBinding'
              ? ['usernameVariable', 'passwordVariable']
              : [];
        for (const key of keys) {
          const variable = plainString(named.get(key));
          if (id && variable)
            env = {
              name: variable,
              binding: {
                kind: 'credential',
                credentialsId: id,
                at: b,
                get origin() {
                  return `credential '${id}' bound to $${variable} at line ${cite(b.start)}`;
                },
              },
              next: env,
            };
        }
      }
    }
    return { ...scope, env };
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
  prescanSecrets(): void {
    const from = 0;
    const to = this.text.length;
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
          this.facts.push({ kind: 'access-key', range: { start: at, end: textOffset(part, m.index + m[0].length) } });
        }
      }
      if (/secret|session/i.test(v)) {
        for (const [re, secret] of [
          [SECRET_KEY_ASSIGN, 'secret-key'],
          [SESSION_TOKEN_ASSIGN, 'session-token'],
        ] as const) {
          for (const m of v.matchAll(re)) {
            const valueIndex = m.index + m[0].length - m[2].length;
            const r = { start: textOffset(part, valueIndex), end: textOffset(part, m.index + m[0].length) };
            this.facts.push({ kind: 'literal-secret', secret, range: r, variable: null });
          }
        }
      }
    }
  }

  /** `def secretKey = '...'`, `environment { AWS_SECRET_ACCESS_KEY = '...' }`. */
  private secretVariable(name: string, value: Expression | null): void {
    if (!value || value.type !== 'String' || value.interpolated) return;
    const v = value.value;
    let secret: 'secret-key' | 'session-token' | null = null;
    if (/secret_?access_?key|^aws_?secret|secretkey/i.test(name) && /^[A-Za-z0-9/+]{40}$/.test(v))
      secret = 'secret-key';
    else if (/session_?token/i.test(name) && /^[A-Za-z0-9/+=]{100,}$/.test(v)) secret = 'session-token';
    if (!secret) return;
    this.facts.push({ kind: 'literal-secret', secret, range: range(value), variable: name });
  }
}
