// Value resolution: what a pipeline expression evaluates to, as far as the file (plus parameters,
// credentials and .rolecall.json) tells. Flow-insensitive on purpose: a variable's value is its last
// assignment before the use in source order, which is what people mean in straight-line pipelines.
import type { CallExpression, Expression, MethodDeclaration, StringLiteral } from '../syntax/ast';
import type { Range, ValueSource } from '../types';
import type { Lines } from './lines';

/** Part of a value the analysis could not know, with how the user can provide it. */
export interface Missing {
  reference: string;
  message: string;
  /** A Jenkins built-in (BUILD_NUMBER...): fine where any value works (session names), unknown elsewhere. */
  builtin?: boolean;
  /**
   * The reference fails at run time, not just unknown here: a method reads a local variable of the script
   * body or of another method (Groovy throws MissingPropertyException). Rules report it as this code.
   */
  code?: 'out-of-scope-variable';
  /** For a script-body local a method reads: where `@Field ` goes, and where its import goes (null: imported). */
  fieldFix?: FieldFix;
}

/** Edits that make a script-body local a field: `@Field ` before its declaration, the import if missing. */
export interface FieldFix {
  name: string;
  at: number;
  importAt: number | null;
}

/** A value as resolved, with where it came from. */
export interface Val {
  /** The value when fully known. */
  value: string | null;
  /** Display text: known text, `${NAME}` for unknown parts. */
  template: string;
  source: ValueSource;
  reference: string | null;
  description: string;
  secret: boolean;
  missing: Missing[];
  /** Exact source range of the value's characters, when it is one literal written in this file. */
  literalRange?: Range;
  /** True when some parts are Jenkins built-ins known only at build time (BUILD_NUMBER, JOB_NAME). */
  runtime: boolean;
  /**
   * True when a part is a loop variable's element for the iteration analysed: its description (which
   * element) is kept where a literal's would be dropped, as it tells usages of one step apart.
   */
  bound?: boolean;
}

/** A value written as a literal, with nothing to say about where it came from beyond the line. */
function plain(v: Val): boolean {
  return v.source === 'literal' && !v.runtime && !v.bound;
}

/** Where an environment variable comes from in the scope of a call. */
export type EnvBinding =
  | { kind: 'expr'; expr: Expression; origin: string; source: 'environment' }
  | { kind: 'slice'; str: StringLiteral; from: number; origin: string }
  | {
      kind: 'credential';
      credentialsId: string;
      origin: string;
      /** The binding written in the pipeline. */ at?: { start: number; end: number };
    };

/** Immutable linked list of environment bindings, innermost first. */
export interface EnvFrame {
  name: string;
  binding: EnvBinding;
  next: EnvFrame | null;
}

/** A loop variable or closure parameter: a name bound only inside [start, end). */
export interface Local {
  start: number;
  end: number;
  what: string;
  /** The loop it iterates, when it is a `for (x in LIST)` variable or a parameter of `LIST.each { }` and friends. */
  loop?: LoopOf;
  /** What of each iteration it holds: the element (a map's entry), a map's key or value, the index. */
  part?: 'item' | 'key' | 'value' | 'index';
  /** A name declared without a value: the method (or script body) whose local variable it is. */
  local?: LocalScope;
}

/** A loop over a list or map (`for (x in LIST)`, `LIST.each { x -> }`): its variables share one of these. */
export interface LoopOf {
  /** The list or map iterated, as written. */
  iterable: Expression;
  /** Where the loop starts (the `for` or the call of `each`). */
  at: number;
  /** `for`, `each`, `eachWithIndex`, `collect`, `collectEntries`. */
  form: string;
  /** What its variables hold, in order (a closure's parameters). */
  parts: ReadonlyArray<NonNullable<Local['part']>>;
}

/** One iteration of a loop: a list's element or a map's entry, resolved in the scope the list is written in. */
export interface LoopElement {
  /** 0-based position. */
  index: number;
  /** The element (a list), or the entry's value (a map). */
  value: Expression;
  /** A map entry's key as text (null for a list element). */
  key: string | null;
  scope: Scope;
  /** `element 2 of the list on line 14`, `entry dev of the map on line 14`. */
  what: string;
  /** The resolver of the file the list is written in, when another (a pipeline passing it to a library step). */
  resolver?: Resolver;
}

/** Loops expanded past this many iterations stay unknown (a huge literal must not blow up analysis). */
export const MAX_LOOP_ELEMENTS = 32;

/** Scope information of one position in the tree. */
export interface Scope {
  env: EnvFrame | null;
  /** The enclosing method (a helper, or a shared-library `def call(...)`). */
  method: MethodDeclaration | null;
  /**
   * The call of `method` this position is analysed for (its parameters bound to that call's arguments),
   * or none: then the parameters are unknown (a shared-library step called from another file).
   */
  frame?: CallFrame | null;
}

/** One entry of a map: a map literal's `key: value`, or a named argument of a call. */
export interface MapItem {
  key: string | null;
  value: Expression;
  start: number;
}

/** What a method's parameter is at one call of the method. */
export type BoundArg =
  | { kind: 'arg'; expr: Expression }
  /** The call's named arguments, which Groovy collects into a map passed as the first parameter. */
  | { kind: 'named'; entries: MapItem[] }
  /** The call passes nothing for it: the parameter's default value. */
  | { kind: 'default'; expr: Expression };

/** A list or map literal an iterated expression stands for. */
type IterableFound = (
  | { kind: 'list'; elements: readonly Expression[]; scope: Scope; at: number }
  | { kind: 'map'; entries: readonly MapItem[]; scope: Scope; at: number }
) & {
  /** The resolver of the file it is written in, when another (a pipeline calling a library step). */
  resolver?: Resolver;
};

/** An iterable found by resolver `r` on behalf of `self`: tagged with `r` when that is another file's. */
function iterableWith(it: IterableFound | null, r: Resolver, self: Resolver): IterableFound | null {
  return it && r !== self && !it.resolver ? { ...it, resolver: r } : it;
}

/** The part of `scope` that applies at `offset`: the frames of the called helpers that contain it. */
export function scopeAt(scope: Scope, offset: number): Scope {
  let s = scope;
  // A call from another file (a pipeline calling a library step) ends the search: offsets beyond it are that file's.
  while (s.frame && !s.frame.foreign && !(s.frame.method.start <= offset && offset < s.frame.method.end))
    s = s.frame.outer;
  return s;
}

/** A map an expression stands for: its entries, the scope they are resolved in, where it is written. */
interface MapFound {
  entries: readonly MapItem[];
  scope: Scope;
  /** Where the map is written. */
  at: number;
  /** How it reached a helper's parameter (`passed to deploy() on line 12`), when it did. */
  passed?: string;
  /** The map of a call's named arguments: `of named arguments of the call of deploy() on line 12`. */
  named?: string;
  /** The element of a loop bound to one iteration (`svc` in `[[...], [...]].each { svc -> }`). */
  bound?: boolean;
  /** The resolver of the file the map is written in, when it is not this one (a pipeline calling a library step). */
  resolver?: Resolver;
}

/**
 * A call of a shared-library step from another file (a pipeline's `deployTo(...)` reaching
 * `vars/deployTo.groovy`'s `call`): the arguments and the environment at the call are resolved by that
 * file's resolver.
 */
export interface ForeignCall {
  /** The step's name as called (`deployTo`). */
  step: string;
  /** The method the call reaches (the step's `call` overload). */
  method: MethodDeclaration;
  /** The calling file, as the analysis names it. */
  file: string;
  /** The calling file's resolver (its text, variables, parameters). */
  resolver: Resolver;
}

/** A call of a method declared in this file, as seen from inside the method. */
export interface CallFrame {
  method: MethodDeclaration;
  call: CallExpression;
  args: ReadonlyMap<string, BoundArg>;
  /** The scope at the call (its environment, its own frame when the call is inside another called method). */
  outer: Scope;
  /** Set when the call is in another file (a pipeline calling a shared-library step): `outer` belongs to it. */
  foreign?: ForeignCall;
}

export interface ParameterDecl {
  name: string;
  kind: string;
  defaultValue: Expression | null;
  /** A default given as a plain value (choice's first choice, booleanParam false). */
  defaultText: string | null;
  secret: boolean;
  line: number;
  /** The declaring expression. */
  node?: { start: number; end: number };
}

export interface Assignment {
  /** The value is assigned once the statement has run: uses at or after this offset see it. */
  after: number;
  value: Expression;
  line: number;
  /** Where the statement starts (the offset `line` is of). */
  start?: number;
  /** Visible only inside this range (a class's field, inside its class). */
  within?: { start: number; end: number };
  /** A local variable (declared with `def`, a type or `final`, or assigned after such a declaration). */
  local?: LocalScope;
}

/**
 * Where a local variable lives: the method it is declared in, or the script body (Groovy's `run()`): its
 * code and closures see it, the script's methods and classes do not (only `@Field` and undeclared
 * assignments — the binding — are visible there).
 */
export interface LocalScope {
  /** The declaring method, or null for the script body. */
  method: { name: string; start: number; end: number } | null;
  /** How it was declared (`def`, `String`, `final`). */
  how: string;
  /** Where the declaration starts. */
  at: number;
}

/** Everything the resolver reads, collected by extraction's walk. */
export interface ResolveData {
  text: string;
  lines: Lines;
  assignments: Map<string, Assignment[]>;
  parameters: Map<string, ParameterDecl>;
  params: Record<string, string>;
  credentials: Record<string, string>;
  configEnv: Record<string, string>;
  /** Loop variables and closure parameters: names bound only inside [start, end), per iteration or call. */
  locals: Map<string, Local[]>;
  /** Variables changed in place (`list << x`, `list.add(x)`, `map.put(k, v)`): never iterated as written. */
  mutated?: Set<string>;
  /**
   * Names defined without a value the file gives (destructuring, a declaration without initializer, a class
   * field set elsewhere), visible in [start, end): their value is computed at run time.
   */
  declared?: Map<string, Array<{ start: number; end: number; what: string; local?: LocalScope }>>;
  /** Ranges of the script's methods and classes: code there is not the script body (sorted by start). */
  bodies?: ReadonlyArray<{ start: number; end: number; what: string }>;
}

/** Jenkins-provided environment variables: known only while the build runs, valid in names. */
const JENKINS_BUILTINS = new Set([
  'BUILD_NUMBER',
  'BUILD_ID',
  'BUILD_TAG',
  'BUILD_URL',
  'BUILD_DISPLAY_NAME',
  'JOB_NAME',
  'JOB_BASE_NAME',
  'JOB_URL',
  'BRANCH_NAME',
  'CHANGE_ID',
  'CHANGE_BRANCH',
  'CHANGE_TARGET',
  'TAG_NAME',
  'GIT_COMMIT',
  'GIT_BRANCH',
  'GIT_URL',
  'NODE_NAME',
  'NODE_LABELS',
  'EXECUTOR_NUMBER',
  'WORKSPACE',
  'JENKINS_URL',
  'JENKINS_HOME',
  'STAGE_NAME',
  'BUILD_USER',
  'BUILD_USER_ID',
]);

const MAX_DEPTH = 24;
const MAX_STEPS = 2000;

function known(value: string, source: ValueSource, description: string, extra: Partial<Val> = {}): Val {
  return {
    value,
    template: value,
    source,
    reference: null,
    description,
    secret: false,
    missing: [],
    runtime: false,
    ...extra,
  };
}

function unknown(
  reference: string,
  source: ValueSource,
  description: string,
  message: string | null,
  extra: Partial<Val> = {},
): Val {
  return {
    value: null,
    template: '${' + reference + '}',
    source,
    reference,
    description,
    secret: false,
    missing: message ? [{ reference, message }] : [],
    runtime: false,
    ...extra,
  };
}

const SOURCE_RANK: Record<ValueSource, number> = {
  credential: 4,
  parameter: 3,
  environment: 2,
  unresolved: 1,
  literal: 0,
};

/** Joins resolved parts (GString pieces, `+` operands) into one value. */
export function concat(parts: Val[], description?: string): Val {
  if (parts.length === 1) return parts[0];
  let value: string | null = '';
  let template = '';
  let best: Val | null = null;
  const missing: Missing[] = [];
  let secret = false;
  let runtime = false;
  let bound = false;
  const descriptions: string[] = [];
  for (const p of parts) {
    value = value !== null && p.value !== null ? value + p.value : null;
    template += p.template;
    secret ||= p.secret;
    runtime ||= p.runtime;
    for (const m of p.missing) if (!missing.some((x) => x.reference === m.reference)) missing.push(m);
    if (p.source !== 'literal' && (!best || SOURCE_RANK[p.source] > SOURCE_RANK[best.source])) best = p;
    if (p.source !== 'literal' || p.runtime || p.bound) descriptions.push(p.description);
    bound ||= p.bound === true;
  }
  return {
    value,
    template,
    source: best ? best.source : 'literal',
    reference: best ? best.reference : null,
    description:
      description ??
      (descriptions.length > 0 ? descriptions.join('; ') : (parts.map((p) => p.description)[0] ?? 'literal')),
    secret,
    missing,
    runtime,
    ...(bound ? { bound } : {}),
  };
}

function sourceText(data: ResolveData, node: { start: number; end: number }, max = 60): string {
  const s = data.text.slice(node.start, node.end).replace(/\s+/g, ' ');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** A map found by another file's resolver, marked with it (unless it already names its own). */
function withResolver(m: MapFound | null, r: Resolver, self: Resolver): MapFound | null {
  return m && r !== self && !m.resolver ? { ...m, resolver: r } : m;
}

/** Resolves pipeline expressions against the collected data. */
export class Resolver {
  private budget = MAX_STEPS;
  /** The iteration each expanded loop is analysed for (extract.ts sets it around a build); empty elsewhere. */
  bindings: ReadonlyMap<LoopOf, LoopElement> = new Map();
  /** Loops whose variable a value read unbound since extract.ts last cleared it. */
  readonly touched = new Set<LoopOf>();
  /** Loops extract.ts leaves unexpanded for this build (too many iterations together): why, for the message. */
  capped: ReadonlyMap<LoopOf, string> = new Map();

  constructor(private readonly data: ResolveData) {}

  /** The line of an offset, as origin descriptions write it. */
  line(offset: number): string {
    return String(this.data.lines.line(offset));
  }

  /** The resolver of the code at a frame's call: the calling file's for a call from another file. */
  private at(frame: CallFrame): Resolver {
    return frame.foreign?.resolver ?? this;
  }

  /** How descriptions name a frame's call: `deploy() on line 12`, `deployTo() on line 7 of Jenkinsfile`. */
  private callOf(frame: CallFrame): { name: string; where: string } {
    const f = frame.foreign;
    if (f) return { name: f.step, where: `line ${f.resolver.line(frame.call.start)} of ${f.file}` };
    return { name: frame.method.name, where: `line ${this.line(frame.call.start)}` };
  }

  /** The line of an assignment or parameter declaration, cited by its offset when known. */
  private lineOf(fact: { line: number; start?: number; node?: { start: number } }): string {
    const at = fact.start ?? fact.node?.start;
    return at === undefined ? String(fact.line) : this.line(at);
  }

  /** The value of an expression at its position, in a scope. Never throws. */
  expr(e: Expression | null | undefined, scope: Scope, depth = 0): Val {
    if (!e) return unknown('?', 'unresolved', 'missing value', 'the value is missing');
    if (depth === 0) this.budget = MAX_STEPS;
    // Variables built from variables can fan out exponentially: bound the work, never hang.
    if (depth > MAX_DEPTH || --this.budget < 0)
      return unknown(
        sourceText(this.data, e),
        'unresolved',
        'too deeply nested',
        'the value is built through too many variables to follow',
      );
    switch (e.type) {
      case 'String':
        return this.string(e, 0, scope, depth);
      case 'Number':
        return known(
          e.raw.replace(/[_]/g, '').replace(/[lLiIgGdDfF]$/, ''),
          'literal',
          `literal on line ${this.line(e.start)}`,
          { literalRange: { start: e.start, end: e.end } },
        );
      case 'Boolean':
        return known(String(e.value), 'literal', `literal on line ${this.line(e.start)}`, {
          literalRange: { start: e.start, end: e.end },
        });
      case 'Identifier':
        return this.name(e.name, e.start, scope, depth);
      case 'Paren':
        return this.expr(e.expression, scope, depth + 1);
      case 'Error': {
        const text = sourceText(this.data, e);
        return unknown(
          text || '…',
          'unresolved',
          'incomplete code',
          `the code here is incomplete (${e.message}); finish it to check this value`,
        );
      }
      case 'Cast':
        return this.expr(e.expression, scope, depth + 1);
      case 'Property': {
        // `this.NAME` in a script or class: the field or script variable NAME.
        if (e.object.type === 'Identifier' && e.object.name === 'this' && !e.spread)
          return this.name(e.property, e.start, { ...scope, method: null, frame: null }, depth + 1);
        const base = this.special(e.object, e.start, scope);
        if (base === 'params') return this.param(e.property, depth);
        if (base === 'env') return this.env(e.property, e.start, scope, depth);
        const member = this.member(e.object, e.property, e.start, scope, depth);
        if (member) return member;
        return this.dependent(e, this.expr(e.object, scope, depth + 1));
      }
      case 'Index': {
        const base = this.special(e.object, e.start, scope);
        if ((base === 'params' || base === 'env') && e.index.type === 'String' && !e.index.interpolated) {
          return base === 'params' ? this.param(e.index.value, depth) : this.env(e.index.value, e.start, scope, depth);
        }
        const key =
          e.index.type === 'String' && !e.index.interpolated
            ? e.index.value
            : e.index.type === 'Number'
              ? e.index.raw
              : null;
        const member = key !== null ? this.member(e.object, key, e.start, scope, depth) : null;
        if (member) return member;
        return this.dependent(e, this.expr(e.object, scope, depth + 1));
      }
      case 'Binary':
        if (e.operator === '+') {
          const left = this.expr(e.left, scope, depth + 1);
          const right = this.expr(e.right, scope, depth + 1);
          return concat([left, right]);
        }
        break;
      case 'Ternary':
        if (e.consequent === null) {
          const left = this.expr(e.test, scope, depth + 1);
          if (left.value !== null && left.value !== '') return left;
          const right = this.expr(e.alternate, scope, depth + 1);
          if (left.value === '' || left.missing.length > 0)
            return right.value !== null ? { ...right, description: `${right.description} (fallback of ?:)` } : right;
          return right;
        }
        break;
      case 'Call': {
        // `x.trim()`, `x.toString()` and friends keep the value as far as we care.
        if (e.callee.type === 'Property' && e.args.length === 0 && e.closures.length === 0) {
          const m = e.callee.property;
          if (['trim', 'toString', 'toLowerCase', 'toUpperCase', 'toInteger', 'toLong'].includes(m)) {
            const inner = this.expr(e.callee.object, scope, depth + 1);
            if (inner.value === null) return inner;
            const v =
              m === 'trim'
                ? inner.value.trim()
                : m === 'toLowerCase'
                  ? inner.value.toLowerCase()
                  : m === 'toUpperCase'
                    ? inner.value.toUpperCase()
                    : inner.value;
            return {
              ...inner,
              value: v,
              template: v,
              literalRange: v === inner.value ? inner.literalRange : undefined,
            };
          }
        }
        if (e.callee.type === 'Identifier' && e.callee.name === 'credentials' && e.args.length === 1) {
          const idVal = this.expr(e.args[0] as Expression, scope, depth + 1);
          if (idVal.value !== null)
            return this.credential(
              idVal.value,
              `credential '${idVal.value}' (credentials() on line ${this.line(e.start)})`,
            );
        }
        break;
      }
      default:
        break;
    }
    const text = sourceText(this.data, e);
    return unknown(
      text,
      'unresolved',
      `computed at run time (${text})`,
      `the value of \`${text}\` is computed while the build runs; RoleCall cannot know it`,
    );
  }

  /**
   * `m.key` / `m['key']` where `m` is a map written in this file (a literal, directly, through a variable,
   * a member of such a map, or a helper's parameter given a map or named arguments at the call analysed):
   * the entry's value, resolved where the map is written. Null when it is not.
   */
  private member(object: Expression, key: string, at: number, scope: Scope, depth: number): Val | null {
    if (object.type === 'Identifier' && (key === 'key' || key === 'value')) {
      // `entry.key` / `entry.value` of a map loop's entry bound to one iteration.
      const local = this.localAt(object.name, at);
      const el = local ? this.boundOf(object.name, local) : undefined;
      if (local && el && local.part === 'item' && el.key !== null)
        return this.loopValue(object.name, local, key, el, depth, `${object.name}.${key}`);
    }
    const set = this.memberAssignment(object, key, at, scope);
    if (set) {
      const v = this.expr(set.value, scope, depth + 1);
      const via = `${sourceText(this.data, object)}.${key} set on line ${this.lineOf(set)}`;
      return {
        ...v,
        description: plain(v) ? via : `${v.description}, via ${via}`,
        reference: v.reference ?? `${sourceText(this.data, object)}.${key}`,
      };
    }
    const map = this.mapLiteral(object, at, scope, depth);
    if (!map) return null;
    let entry: MapItem | null = null;
    for (const en of map.entries) if (en.key === key) entry = en;
    const via = `${sourceText(this.data, object)}.${key}`;
    const passed = map.passed ? `, ${map.passed}` : '';
    const mr = map.resolver ?? this;
    if (!entry) {
      // Groovy gives null for a key the map lacks, unless the build adds it: never a guess.
      const where = map.named ?? `written on line ${mr.line(map.at)}${passed}`;
      return unknown(
        via,
        'unresolved',
        `${via}: no key ${key} in the map ${where}`,
        `the map ${where} has no key ${key}, so \`${via}\` is null unless the key is added while the build runs`,
      );
    }
    const v = mr.expr(entry.value, map.scope, depth + 1);
    return {
      ...v,
      description: plain(v)
        ? `${via} (line ${mr.line(entry.start)}${passed})`
        : `${v.description}, via ${via}${passed}`,
      reference: v.reference ?? via,
      ...(map.bound ? { bound: true } : {}),
    };
  }

  /**
   * `cfg.key = v` / `cfg['key'] = v` completed before `at`, when the variable `cfg` was not given another map
   * after it (in a method whose parameter `cfg` is, only an assignment inside the method counts).
   */
  private memberAssignment(object: Expression, key: string, at: number, scope: Scope): Assignment | null {
    if (object.type !== 'Identifier' || object.name === 'this' || object.name === 'env') return null;
    const name = object.name;
    if (this.data.locals.get(name)?.some((l) => l.start <= at && at < l.end)) return null;
    const method = scope.method;
    const isParam = method !== null && method.params.some((p) => p.name === name);
    if (!isParam && !this.assignmentBefore(name, at) && this.outOfScope(name, at)) return null;
    const set = isParam ? this.assignmentIn(name + '.' + key, at, method) : this.assignmentBefore(name + '.' + key, at);
    if (!set) return null;
    const base = isParam ? this.assignmentIn(name, at, method) : this.assignmentBefore(name, at);
    return base && base.after > set.after ? null : set;
  }

  /**
   * The named values of a map passed whole to a step (`withAWS(awsArgs)`): the map literal a variable holds,
   * with the entries set on it afterwards (`awsArgs.region = ...`). Null when the map is not written in this
   * method or script (passed by a call: its values belong to the caller's scope) or not known.
   */
  mapArgs(e: Expression, scope: Scope): Map<string, Expression> | null {
    if (e.type !== 'Identifier') return null;
    const map = this.mapLiteral(e, e.start, scope, 0);
    if (!map || map.passed || map.named) return null;
    const out = new Map<string, Expression>();
    for (const en of map.entries) if (en.key !== null) out.set(en.key, en.value);
    const prefix = e.name + '.';
    for (const name of this.data.assignments.keys()) {
      if (!name.startsWith(prefix)) continue;
      const key = name.slice(prefix.length);
      const set = this.memberAssignment(e, key, e.start, scope);
      if (set) out.set(key, set.value);
    }
    return out;
  }

  /**
   * The map an expression stands for (a map literal, a variable assigned one, a member of one, a method
   * parameter bound to one at the call analysed) with the scope its values are resolved in, or null.
   */
  private mapLiteral(e: Expression, at: number, scope: Scope, depth: number): MapFound | null {
    if (depth > MAX_DEPTH) return null;
    switch (e.type) {
      case 'Map':
        return {
          entries: e.entries.map((en) => ({ key: en.keyName, value: en.value, start: en.start })),
          scope,
          at: e.start,
        };
      case 'Paren':
      case 'Cast':
        return this.mapLiteral(e.expression, at, scope, depth + 1);
      case 'Identifier': {
        const local = this.localAt(e.name, at);
        if (local) {
          // A loop variable bound to one iteration whose element (or entry's value) is a map.
          const el = this.boundOf(e.name, local);
          const whole = (local.part === 'item' && el?.key === null) || (local.part === 'value' && el?.key !== null);
          if (!el || !whole) return null;
          const r = el.resolver ?? this;
          const m = withResolver(r.mapLiteral(el.value, el.value.start, el.scope, depth + 1), r, this);
          return m ? { ...m, passed: m.passed ?? el.what, bound: true } : null;
        }
        const method = scope.method;
        if (method && method.params.some((p) => p.name === e.name)) {
          const inner = this.assignmentIn(e.name, at, method);
          if (inner) return this.mapLiteral(inner.value, inner.after, scope, depth + 1);
          const frame = scope.frame && scope.frame.method === method ? scope.frame : null;
          const bound = frame?.args.get(e.name);
          if (!frame || !bound) return null;
          const { name: callee, where } = this.callOf(frame);
          const r = this.at(frame);
          const passed = `passed to ${callee}() on ${where}`;
          if (bound.kind === 'named')
            return {
              entries: bound.entries,
              scope: frame.outer,
              at: frame.call.start,
              passed: `a named argument of ${callee}() on ${where}`,
              named: `of named arguments of the call of ${callee}() on ${where}`,
              ...(r !== this ? { resolver: r } : {}),
            };
          if (bound.kind === 'arg') {
            const m = withResolver(r.mapLiteral(bound.expr, frame.call.start, frame.outer, depth + 1), r, this);
            return m ? { ...m, passed: m.passed ?? passed } : null;
          }
          return this.mapLiteral(bound.expr, at, scope, depth + 1);
        }
        const a = this.assignmentBefore(e.name, at);
        // Map values are evaluated where the map is written: the environment of the use does not apply.
        return a ? this.mapLiteral(a.value, a.after, { env: null, method, frame: scope.frame }, depth + 1) : null;
      }
      case 'Property':
        return this.entryMap(e.object, e.property, at, scope, depth);
      case 'Index':
        if (e.index.type !== 'String' || e.index.interpolated) return null;
        return this.entryMap(e.object, e.index.value, at, scope, depth);
      default:
        return null;
    }
  }

  /** The map held by entry `key` of the map `object` stands for. */
  private entryMap(object: Expression, key: string, at: number, scope: Scope, depth: number): MapFound | null {
    const outer = this.mapLiteral(object, at, scope, depth + 1);
    let found: MapItem | null = null;
    if (outer) for (const en of outer.entries) if (en.key === key) found = en;
    if (!found || !outer) return null;
    const r = outer.resolver ?? this;
    return withResolver(r.mapLiteral(found.value, found.start, outer.scope, depth + 1), r, this);
  }

  /** A member of a value: unknown, and when the value itself is unresolved, say what it depends on. */
  private dependent(e: Expression, object: Val): Val {
    const text = sourceText(this.data, e);
    // A reference that fails at run time stays what it is (the build stops there, whatever the member).
    const failing = object.missing.filter((m) => m.code !== undefined);
    if (object.value === null && failing.length > 0)
      return unknown(text, 'unresolved', `${text}, from ${object.description}`, null, { missing: failing });
    if (object.value === null && object.missing.length > 0) {
      const why = object.missing.map((m) => m.message).join('; ');
      return unknown(
        text,
        'unresolved',
        `${text}, from ${object.description}`,
        `the value of \`${text}\` depends on what RoleCall cannot know: ${why}`,
      );
    }
    return unknown(
      text,
      'unresolved',
      `computed at run time (${text})`,
      `the value of \`${text}\` is computed while the build runs; RoleCall cannot know it`,
    );
  }

  /** `params` / `env` unless shadowed by a local variable or a method parameter. */
  private special(obj: Expression, at: number, scope: Scope): 'params' | 'env' | null {
    // `this.params.X`, `this.env.X`: the script's own.
    if (obj.type === 'Property' && obj.object.type === 'Identifier' && obj.object.name === 'this')
      return obj.property === 'params' || obj.property === 'env' ? obj.property : null;
    if (obj.type !== 'Identifier' || (obj.name !== 'params' && obj.name !== 'env')) return null;
    if (scope.method && scope.method.params.some((p) => p.name === obj.name)) return null;
    if (this.assignmentBefore(obj.name, at)) return null;
    return obj.name;
  }

  /** A string literal's value from cooked index `from` of its first text part. */
  string(s: StringLiteral, from: number, scope: Scope, depth: number): Val {
    const parts: Val[] = [];
    let skip = from;
    for (const part of s.parts) {
      if (part.type === 'Text') {
        if (skip >= part.value.length) {
          skip -= part.value.length;
          continue;
        }
        const value = part.value.slice(skip);
        const start = skip > 0 ? (part.offsets ? part.offsets[skip] : part.start + skip) : part.start;
        skip = 0;
        const exact = !part.offsets && part.end - start === value.length;
        parts.push(
          known(
            value,
            'literal',
            `literal on line ${this.line(part.start)}`,
            exact ? { literalRange: { start, end: part.end } } : {},
          ),
        );
      } else {
        skip = 0;
        parts.push(
          part.expression
            ? this.expr(part.expression, scope, depth + 1)
            : unknown('${}', 'unresolved', 'empty ${}', 'the interpolation `${}` is empty'),
        );
      }
    }
    if (parts.length === 0) {
      const inner = s.quote.length === 3 ? s.start + 3 : s.start + s.quote.length;
      return known('', 'literal', `literal on line ${this.line(s.start)}`, {
        literalRange: { start: inner, end: inner },
      });
    }
    return concat(parts);
  }

  /** The last assignment of `name` completed before offset `at` (flow-insensitive, source order). */
  assignmentBefore(name: string, at: number): Assignment | null {
    const list = this.data.assignments.get(name);
    if (!list) return null;
    let found: Assignment | null = null;
    for (const a of list) {
      if (a.after > at) break;
      if (a.within && !(a.within.start <= at && at < a.within.end)) continue;
      if (a.local && !this.sees(a.local, at)) continue;
      found = a;
    }
    return found;
  }

  /** The method or class an offset is in, or null in the script body. */
  private bodyAt(at: number): { start: number; end: number; what: string } | null {
    for (const b of this.data.bodies ?? []) {
      if (b.start > at) break;
      if (at < b.end) return b;
    }
    return null;
  }

  /** Whether code at `at` sees a local variable: in its method, or anywhere in the script body for the body's. */
  private sees(local: LocalScope, at: number): boolean {
    if (local.method) return local.method.start <= at && at < local.method.end;
    return this.bodyAt(at) === null;
  }

  /**
   * A local variable named `name` that code at `at` cannot see (a method reading the script body's `def`,
   * or another method's local), wherever it is declared (Groovy resolves a method's names at compile time,
   * so the order does not matter): the first such declaration, or null.
   */
  private outOfScope(name: string, at: number): LocalScope | null {
    if (this.bodyAt(at) === null) return null;
    for (const a of this.data.assignments.get(name) ?? []) if (a.local && !this.sees(a.local, at)) return a.local;
    for (const d of this.data.declared?.get(name) ?? []) if (d.local && !this.sees(d.local, at)) return d.local;
    return null;
  }

  /** Whether the environment at a position (or at the calls that lead to it) or the build's parameters give `name`. */
  private boundElsewhere(name: string, scope: Scope): boolean {
    if (this.data.parameters.has(name) || name in this.data.params || name in this.data.configEnv) return true;
    for (let s: Scope | undefined = scope; s; s = s.frame?.outer)
      for (let f = s.env; f; f = f.next) if (f.name === name) return true;
    return false;
  }

  /** The value of a name a method cannot see: unknown, and the build fails there. */
  private invisible(name: string, local: LocalScope, at: number): Val {
    const declared = `declared with ${local.how} on line ${this.line(local.at)}`;
    const here = this.bodyAt(at)?.what ?? 'this method';
    const message = local.method
      ? `\`${name}\` is a local variable of ${local.method.name}() (${declared}); ${here} cannot see it, so this build fails with MissingPropertyException — pass it to ${here} as an argument`
      : `\`${name}\` is a local variable of the script body (${declared}); methods cannot see it, so this build fails with MissingPropertyException when ${here} runs — annotate it @Field (import groovy.transform.Field) or drop ${local.how}`;
    const fieldFix = local.method ? undefined : { name, at: local.at, importAt: this.fieldImportAt() };
    return unknown(name, 'unresolved', `${name}, not visible in ${here} (${declared})`, null, {
      missing: [{ reference: name, message, code: 'out-of-scope-variable', ...(fieldFix ? { fieldFix } : {}) }],
    });
  }

  /** Where `import groovy.transform.Field` would go (after a shebang or package line), or null when imported. */
  private fieldImportAt(): number | null {
    const text = this.data.text;
    if (/^[ \t]*import[ \t]+groovy\.transform\.(Field|\*)[ \t]*;?[ \t]*$/m.test(text)) return null;
    let at = 0;
    if (text.startsWith('#!')) at = text.indexOf('\n') + 1 || text.length;
    const pkg = /^[ \t]*package[ \t]+[\w.]+[ \t]*;?[ \t]*\r?\n/m.exec(text);
    if (pkg && !/\S/.test(text.slice(at, pkg.index).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '')))
      at = pkg.index + pkg[0].length;
    return at;
  }

  /** A bare name: local variable, method parameter, bound environment, parameter, config env, Jenkins built-in. */
  name(name: string, at: number, scope: Scope, depth: number): Val {
    // A loop variable or closure parameter shadows variables of the same name outside.
    const local = this.localAt(name, at);
    if (local) {
      const el = this.boundOf(name, local);
      if (el && local.part) return this.loopValue(name, local, local.part, el, depth);
      const where = `${local.what} (line ${this.line(local.start)})`;
      if (local.loop && !this.changedIn(name, local)) {
        this.touched.add(local.loop);
        const why = this.capped.get(local.loop) ?? this.tooMany(local.loop, scope);
        if (why)
          return unknown(
            name,
            'unresolved',
            `${name}, computed at run time (${where})`,
            `\`${name}\` is ${where}: ${why}; its value is not checked`,
          );
      }
      return unknown(
        name,
        'unresolved',
        `${name}, computed at run time (${where})`,
        `\`${name}\` is ${where}: its value is computed at run time (it changes while the build runs); RoleCall cannot know it`,
      );
    }
    const method = scope.method;
    if (method && method.params.some((p) => p.name === name)) {
      // A parameter shadows the script's variables; an assignment to it inside the method wins.
      const inner = this.assignmentIn(name, at, method);
      return inner ? this.assigned(name, inner, scope, depth) : this.argument(name, method, scope, depth);
    }
    const assignment = this.assignmentBefore(name, at);
    if (assignment) return this.assigned(name, assignment, scope, depth);
    const declared = this.data.declared?.get(name);
    if (declared) {
      let found: { what: string } | null = null;
      for (const d of declared) if (d.start <= at && at < d.end && (!d.local || this.sees(d.local, at))) found = d;
      if (found)
        return unknown(
          name,
          'unresolved',
          `${name}, computed at run time (${found.what})`,
          `\`${name}\` is ${found.what}: its value is computed at run time; RoleCall cannot know it`,
        );
    }
    // Unless the build gives the name another way (an environment variable bound here, a build parameter).
    const hidden = this.outOfScope(name, at);
    if (hidden && !this.boundElsewhere(name, scope)) return this.invisible(name, hidden, at);
    return this.env(name, at, scope, depth, true);
  }

  /** The loop variable or closure parameter `name` at `at` (the innermost when closures nest: `it` in `it`). */
  localAt(name: string, at: number): Local | null {
    const list = this.data.locals.get(name);
    if (!list) return null;
    let found: Local | null = null;
    for (const l of list) if (l.start <= at && at < l.end) found = l;
    return found;
  }

  /** The iteration a loop variable is bound to now, unless the loop's body assigns it (or an entry of it). */
  private boundOf(name: string, local: Local): LoopElement | undefined {
    const el = local.loop ? this.bindings.get(local.loop) : undefined;
    return el && !this.changedIn(name, local) ? el : undefined;
  }

  private readonly changed = new Map<Local, boolean>();

  /** Whether the body of a loop assigns its variable `name` (`e = e.trim()`, `svc.account = ...`). */
  private changedIn(name: string, local: Local): boolean {
    let answer = this.changed.get(local);
    if (answer === undefined) {
      answer = false;
      const inside = (list: Assignment[] | undefined): boolean =>
        list?.some((a) => a.start !== undefined && a.start >= local.start && a.start < local.end) ?? false;
      if (inside(this.data.assignments.get(name))) answer = true;
      else
        for (const [k, list] of this.data.assignments)
          if (k.startsWith(name + '.') && inside(list)) {
            answer = true;
            break;
          }
      this.changed.set(local, answer);
    }
    return answer;
  }

  /** The value a loop variable holds in the iteration `el` (its element, a map entry's key or value, the index). */
  private loopValue(
    name: string,
    local: Local,
    part: NonNullable<Local['part']>,
    el: LoopElement,
    depth: number,
    reference = name,
  ): Val {
    const who = `${local.what.replace(/^(a|the) /, '')} ${name}, line ${this.line(local.start)}`;
    if (part === 'index')
      return known(String(el.index), 'literal', `index ${el.index} of the loop (${who}), at ${el.what}`, {
        reference,
        bound: true,
      });
    if (part === 'key') {
      if (el.key === null) return this.notOne(name, `${el.what} has no key`);
      return known(el.key, 'literal', `key of ${el.what} (${who})`, { reference, bound: true });
    }
    if (part === 'item' && el.key !== null)
      return this.notOne(name, `\`${name}\` holds ${el.what}, not one value (use ${name}.key or ${name}.value)`);
    const v = (el.resolver ?? this).expr(el.value, el.scope, depth + 1);
    const what = `${part === 'value' ? 'value of ' : ''}${el.what} (${who})`;
    // As a helper's argument: an element written as a value is named alone, one through a variable after it.
    const written = el.value.type === 'Number' || (el.value.type === 'String' && !el.value.interpolated);
    return {
      ...v,
      description: written ? what : `${v.description}, via ${what}`,
      reference: v.reference ?? reference,
      bound: true,
    };
  }

  private notOne(name: string, message: string): Val {
    return unknown(name, 'unresolved', `${name}, not one value`, message);
  }

  /**
   * The iterations of `loop` as the file writes them, resolved in `scope` (a position's scope inside or below
   * the loop: frames of helpers called inside it are left for the loop's own); null when the list or map is
   * not one the file writes as a literal (read at run time, changed in place, a parameter), or when it has
   * more than MAX_LOOP_ELEMENTS iterations (`tooMany` says so).
   */
  iterations(loop: LoopOf, scope: Scope): LoopElement[] | null {
    const it = this.iterable(loop.iterable, loop.at, scopeAt(scope, loop.at), 0);
    if (!it) return null;
    const count = it.kind === 'list' ? it.elements.length : it.entries.length;
    if (count === 0 || count > MAX_LOOP_ELEMENTS) return null;
    const line = (it.resolver ?? this).line(it.at);
    const resolver = it.resolver ? { resolver: it.resolver } : {};
    if (it.kind === 'list') {
      // A list's element is one value: a closure taking two parameters would destructure it.
      if (loop.parts.some((p) => p === 'key' || p === 'value')) return null;
      return it.elements.map((value, index) => ({
        index,
        value,
        key: null,
        scope: it.scope,
        what: `element ${index + 1} of the list on line ${line}`,
        ...resolver,
      }));
    }
    const out: LoopElement[] = [];
    for (const [index, en] of it.entries.entries()) {
      if (en.key === null) return null;
      out.push({
        index,
        value: en.value,
        key: en.key,
        scope: it.scope,
        what: `entry ${en.key} of the map on line ${line}`,
        ...resolver,
      });
    }
    return out;
  }

  /** Why `loop` is not expanded when its list is too long, or null. */
  private tooMany(loop: LoopOf, scope: Scope): string | null {
    const it = this.iterable(loop.iterable, loop.at, scopeAt(scope, loop.at), 0);
    if (!it) return null;
    const count = it.kind === 'list' ? it.elements.length : it.entries.length;
    if (count <= MAX_LOOP_ELEMENTS) return null;
    const what =
      it.kind === 'list'
        ? `the list on line ${(it.resolver ?? this).line(it.at)} has ${count} elements`
        : `the map on line ${(it.resolver ?? this).line(it.at)} has ${count} entries`;
    return `${what}, more than the ${MAX_LOOP_ELEMENTS} RoleCall checks one by one`;
  }

  /** The list or map literal an iterated expression stands for, with the scope its elements are resolved in. */
  private iterable(e: Expression, at: number, scope: Scope, depth: number): IterableFound | null {
    if (depth > MAX_DEPTH) return null;
    switch (e.type) {
      case 'List':
        return { kind: 'list', elements: e.elements, scope, at: e.start };
      case 'Map':
        return {
          kind: 'map',
          entries: e.entries.map((en) => ({ key: en.keyName, value: en.value, start: en.start })),
          scope,
          at: e.start,
        };
      case 'Paren':
      case 'Cast':
        return this.iterable(e.expression, at, scope, depth + 1);
      case 'Identifier': {
        const local = this.localAt(e.name, at);
        if (local) {
          // Nested loops over a bound element that is itself a list or map.
          const el = this.boundOf(e.name, local);
          const whole = (local.part === 'item' && el?.key === null) || (local.part === 'value' && el?.key !== null);
          if (!el || !whole) return null;
          const r = el.resolver ?? this;
          return iterableWith(r.iterable(el.value, el.value.start, el.scope, depth + 1), r, this);
        }
        // Changed in place (`envs << 'qa'`, `envs.add(...)`, `m.x = ...`): the literal is not what is iterated.
        if (this.data.mutated?.has(e.name) || this.hasMembersSet(e.name)) return null;
        const method = scope.method;
        if (method && method.params.some((p) => p.name === e.name)) {
          const inner = this.assignmentIn(e.name, at, method);
          if (inner) return this.iterable(inner.value, inner.after, scope, depth + 1);
          const frame = scope.frame && scope.frame.method === method ? scope.frame : null;
          const bound = frame?.args.get(e.name);
          if (!frame || !bound) return null;
          // The call's arguments are read where the call is written (another file for a library step's call).
          const r = this.at(frame);
          if (bound.kind === 'named')
            return iterableWith(
              { kind: 'map', entries: bound.entries, scope: frame.outer, at: frame.call.start },
              r,
              this,
            );
          if (bound.kind === 'arg')
            return iterableWith(r.iterable(bound.expr, frame.call.start, frame.outer, depth + 1), r, this);
          return this.iterable(bound.expr, at, scope, depth + 1);
        }
        const a = this.assignmentBefore(e.name, at);
        return a ? this.iterable(a.value, a.after, { env: null, method, frame: scope.frame }, depth + 1) : null;
      }
      case 'Property':
      case 'Index': {
        const key =
          e.type === 'Property'
            ? e.safe || e.spread
              ? null
              : e.property
            : e.index.type === 'String' && !e.index.interpolated
              ? e.index.value
              : null;
        if (key === null) return null;
        const map = this.mapLiteral(e.object, at, scope, depth + 1);
        let found: MapItem | null = null;
        if (map) for (const en of map.entries) if (en.key === key) found = en;
        if (!found || !map) return null;
        const r = map.resolver ?? this;
        return iterableWith(r.iterable(found.value, found.start, map.scope, depth + 1), r, this);
      }
      default:
        return null;
    }
  }

  /** Names with entries set on them (`m.x = ...`, `m['x'] = ...`) anywhere in the file. */
  private membersSet: Set<string> | null = null;
  private hasMembersSet(name: string): boolean {
    if (!this.membersSet) {
      this.membersSet = new Set();
      for (const k of this.data.assignments.keys()) {
        const dot = k.indexOf('.');
        if (dot > 0) this.membersSet.add(k.slice(0, dot));
      }
    }
    return this.membersSet.has(name);
  }

  /** A variable's value from its assignment. */
  private assigned(name: string, assignment: Assignment, scope: Scope, depth: number): Val {
    const v = this.expr(assignment.value, scope, depth + 1);
    const description = plain(v)
      ? `variable ${name} (line ${this.lineOf(assignment)})`
      : `${v.description}, via variable ${name} (line ${this.lineOf(assignment)})`;
    return { ...v, description, reference: v.reference ?? name };
  }

  /** The last assignment of `name` inside `method` completed before `at`. */
  private assignmentIn(name: string, at: number, method: MethodDeclaration): Assignment | null {
    const a = this.assignmentBefore(name, at);
    return a && a.start !== undefined && a.start >= method.start && a.start < method.end ? a : null;
  }

  /** A method parameter: the argument of the call analysed (`scope.frame`), else unknown. */
  private argument(name: string, method: MethodDeclaration, scope: Scope, depth: number): Val {
    const frame = scope.frame && scope.frame.method === method ? scope.frame : null;
    const bound = frame?.args.get(name);
    if (!frame || !bound) {
      if (method.name === 'call')
        return unknown(
          name,
          'unresolved',
          `parameter ${name} of ${method.name}()`,
          `\`${name}\` is a parameter of ${method.name}() (a shared-library step): its value comes from the pipeline that calls it`,
        );
      return unknown(
        name,
        'unresolved',
        `parameter ${name} of ${method.name}()`,
        `\`${name}\` is a parameter of ${method.name}(), which is not called in this file: its value comes from the code that calls it`,
      );
    }
    const { name: m, where } = this.callOf(frame);
    if (bound.kind === 'named')
      return unknown(
        name,
        'unresolved',
        `named arguments of the call of ${m}() on ${where}`,
        `\`${name}\` holds the named arguments of the call of ${m}() on ${where} (a map), not one value`,
      );
    if (bound.kind === 'default') {
      const v = this.expr(bound.expr, scope, depth + 1);
      const what = `default of parameter ${name} of ${m}() (line ${this.line(bound.expr.start)}), which the call on ${where} leaves out`;
      return {
        ...v,
        description: plain(v) ? what : `${v.description}, via the ${what}`,
        reference: v.reference ?? name,
      };
    }
    const v = this.at(frame).expr(bound.expr, frame.outer, depth + 1);
    const what = `argument ${name} of ${m}() on ${where}`;
    const written = bound.expr.type === 'Number' || (bound.expr.type === 'String' && !bound.expr.interpolated);
    return {
      ...v,
      description: written ? what : `${v.description}, via ${what}`,
      reference: v.reference ?? name,
    };
  }

  /** An environment variable (`env.X`, `$X` in a shell script, or a bare name Jenkins resolves through env). */
  env(name: string, at: number, scope: Scope, depth: number, bare = false): Val {
    if (depth === 0) this.budget = MAX_STEPS;
    for (let f = scope.env; f; f = f.next) {
      if (f.name !== name) continue;
      const b = f.binding;
      if (b.kind === 'credential') return this.credential(b.credentialsId, b.origin, name);
      const v =
        b.kind === 'slice'
          ? this.string(b.str, b.from, { ...scope, env: f.next }, depth + 1)
          : this.expr(b.expr, { ...scope, env: f.next }, depth + 1);
      const source: ValueSource = v.source === 'literal' ? 'environment' : v.source;
      return {
        ...v,
        source,
        reference: v.source === 'literal' ? name : v.reference,
        description: plain(v) ? b.origin : `${v.description}, via ${b.origin}`,
      };
    }
    const assigned = this.assignmentBefore('env.' + name, at);
    // Inside a called method, the environment is the caller's (withEnv around the call), unless the method sets it.
    const frame = scope.frame;
    if (frame && !(assigned && scope.method && this.assignmentIn('env.' + name, at, scope.method)))
      return this.at(frame).env(name, frame.call.start, frame.outer, depth + 1, bare);
    if (assigned) {
      const v = this.expr(assigned.value, scope, depth + 1);
      return {
        ...v,
        source: v.source === 'literal' ? 'environment' : v.source,
        reference: v.reference ?? name,
        description: `env.${name} set on line ${this.lineOf(assigned)}`,
      };
    }
    // Jenkins exposes build parameters as environment variables too.
    if (this.data.parameters.has(name) || name in this.data.params) return this.param(name, depth);
    if (name in this.data.configEnv)
      return known(this.data.configEnv[name], 'environment', `environment variable ${name} (.rolecall.json env)`, {
        reference: name,
      });
    if (JENKINS_BUILTINS.has(name)) {
      return unknown(name, 'environment', `Jenkins built-in ${name} (known while the build runs)`, null, {
        runtime: true,
        missing: [
          {
            reference: name,
            builtin: true,
            message: `${name} is set by Jenkins while the build runs; to check this value, give it in .rolecall.json "env": {"${name}": "..."}`,
          },
        ],
      });
    }
    const what = bare
      ? `\`${name}\` is not a variable, parameter or environment variable defined in this file`
      : `environment variable ${name} is not set in this file`;
    return unknown(
      name,
      'unresolved',
      `undefined ${name}`,
      `${what}; give it with --param ${name}=VALUE or in .rolecall.json "parameters" / "env"`,
    );
  }

  /** `params.NAME`: a value given for the scan wins over the declared default. */
  param(name: string, depth = 0): Val {
    if (depth === 0) this.budget = MAX_STEPS;
    const decl = this.data.parameters.get(name);
    const secret = decl?.secret ?? false;
    if (name in this.data.params)
      return known(
        this.data.params[name],
        'parameter',
        `parameter ${name} (value given for the scan: --param or .rolecall.json parameters)`,
        { reference: name, secret },
      );
    if (decl) {
      if (decl.defaultValue) {
        const v = this.expr(decl.defaultValue, { env: null, method: null }, depth + 1);
        if (v.value !== null)
          return {
            ...v,
            source: 'parameter',
            reference: name,
            secret,
            description: `default of parameter ${name}, line ${this.lineOf(decl)}`,
          };
      }
      if (decl.defaultText !== null)
        return known(decl.defaultText, 'parameter', `default of parameter ${name}, line ${this.lineOf(decl)}`, {
          reference: name,
          secret,
        });
      return unknown(
        name,
        'parameter',
        `parameter ${name} (line ${this.lineOf(decl)}, no default)`,
        `parameter ${name} has no default value; give it with --param ${name}=VALUE or .rolecall.json "parameters": {"${name}": "..."}`,
        { secret },
      );
    }
    return unknown(
      name,
      'parameter',
      `parameter ${name} (not declared in this file)`,
      `parameter ${name} is not declared in this file; give it with --param ${name}=VALUE or .rolecall.json "parameters": {"${name}": "..."}`,
    );
  }

  /** A Jenkins string credential: its value only when given for the scan, and always secret. */
  credential(id: string, origin: string, variable?: string): Val {
    const description = variable ? `${origin}` : origin;
    if (id in this.data.credentials)
      return {
        ...known(this.data.credentials[id], 'credential', description),
        reference: id,
        secret: true,
        template: '${' + (variable ?? id) + '}',
      };
    return unknown(
      id,
      'credential',
      description,
      `the value of credential '${id}' is not given; pass --credentials-file FILE with {"${id}": "..."} (or --credential ${id}=VALUE) to check it`,
      {
        secret: true,
        template: '${' + (variable ?? id) + '}',
      },
    );
  }
}
