// Syntax tree of the Groovy subset Jenkinsfiles use. Every node carries [start, end) offsets into the
// text. The parser never throws: damaged input yields `ErrorNode`s plus positioned `ParseError`s, and
// everything intact around the damage is still in the tree.

import type { SyntaxErrorCode } from './errors';

export interface Span {
  start: number;
  end: number;
}

interface NodeBase extends Span {
  /** Annotations written before the node (`@Library('x') _`, `@NonCPS def f()`). */
  annotations?: Annotation[];
}

export interface Annotation extends Span {
  type: 'Annotation';
  name: string;
  args: Argument[];
}

// ---- Strings -------------------------------------------------------------------------------------

export type QuoteKind = "'" | '"' | "'''" | '"""' | '/' | '$/';

/** Literal text of a string. `value` is cooked (escapes applied, line continuations removed). */
export interface TextPart extends Span {
  type: 'Text';
  value: string;
  /**
   * Source offset of each cooked character, present only when cooking changed lengths (escapes,
   * `\` line continuations). Without it, cooked char i sits at `start + i`. Use `textOffset()`.
   */
  offsets?: number[];
}

/** `$name`, `$name.prop` or `${expr}` inside a GString. */
export interface InterpolationPart extends Span {
  type: 'Interpolation';
  /** Null when the `${}` is empty or damaged. */
  expression: Expression | null;
  braced: boolean;
}

export type StringPart = TextPart | InterpolationPart;

export interface StringLiteral extends NodeBase {
  type: 'String';
  quote: QuoteKind;
  /** Text and interpolation parts in order. A plain string has exactly one Text part (maybe empty). */
  parts: StringPart[];
  /** True when the string has at least one interpolation. */
  interpolated: boolean;
  /** Cooked value when not interpolated; for a GString, the text parts joined with `${…}` kept as source. */
  value: string;
}

/** Source offset of cooked character `index` of a text part (index may equal value.length). */
export function textOffset(part: TextPart, index: number): number {
  if (part.offsets) {
    if (index < part.offsets.length) return part.offsets[index];
    return part.end;
  }
  return part.start + index;
}

// ---- Expressions ---------------------------------------------------------------------------------

export interface Identifier extends NodeBase {
  type: 'Identifier';
  name: string;
}

export interface NumberLiteral extends NodeBase {
  type: 'Number';
  value: number;
  raw: string;
}

export interface BooleanLiteral extends NodeBase {
  type: 'Boolean';
  value: boolean;
}

export interface NullLiteral extends NodeBase {
  type: 'Null';
}

export interface ListLiteral extends NodeBase {
  type: 'List';
  elements: Expression[];
}

export interface MapEntry extends Span {
  type: 'MapEntry';
  /** Identifier (bare key), String, Number, or a parenthesised expression. */
  key: Expression;
  /** The key as text when it is a bare identifier, a plain string or a number; else null. */
  keyName: string | null;
  value: Expression;
}

/** `[a: 1, b: 2]` and `[:]`. */
export interface MapLiteral extends NodeBase {
  type: 'Map';
  entries: MapEntry[];
}

/** `name: value` inside call arguments (`withAWS(role: 'x')`, `sh script: 'x', label: 'y'`). */
export interface NamedArgument extends Span {
  type: 'NamedArg';
  name: string;
  nameSpan: Span;
  value: Expression;
}

export type Argument = Expression | NamedArgument;

/**
 * A method call: `f(a)`, `f a` (command call, `parenthesized: false`), `f(a) { ... }` (trailing closure),
 * `pipeline { ... }`, `obj.m(a)`, `obj?.m()`. Groovy command chains `a b c d` become `a(b).c(d)`.
 */
export interface CallExpression extends NodeBase {
  type: 'Call';
  callee: Expression;
  args: Argument[];
  /** Trailing closure argument(s) written after the parentheses or the command arguments. */
  closures: Closure[];
  parenthesized: boolean;
}

export interface PropertyAccess extends NodeBase {
  type: 'Property';
  object: Expression;
  property: string;
  propertySpan: Span;
  /** `?.` */
  safe: boolean;
  /** `*.` */
  spread: boolean;
}

export interface IndexAccess extends NodeBase {
  type: 'Index';
  object: Expression;
  index: Expression;
  safe: boolean;
}

export interface Parameter extends Span {
  type: 'Parameter';
  name: string;
  typeName: string | null;
  defaultValue: Expression | null;
}

export interface Closure extends NodeBase {
  type: 'Closure';
  params: Parameter[];
  body: Statement[];
}

export interface BinaryExpression extends NodeBase {
  type: 'Binary';
  /** `+ - * / % ** == != < <= > >= <=> && || & | ^ << >> >>> in instanceof =~ ==~ .. ..<` */
  operator: string;
  left: Expression;
  right: Expression;
}

export interface UnaryExpression extends NodeBase {
  type: 'Unary';
  operator: string;
  argument: Expression;
  prefix: boolean;
}

export interface AssignExpression extends NodeBase {
  type: 'Assign';
  /** `=`, `+=`, `-=`, `?=`, ... */
  operator: string;
  target: Expression;
  value: Expression;
}

/** `a ? b : c`; the Elvis `a ?: c` has `consequent: null`. */
export interface TernaryExpression extends NodeBase {
  type: 'Ternary';
  test: Expression;
  consequent: Expression | null;
  alternate: Expression;
}

/** `expr as Type` and `(Type) expr`. */
export interface CastExpression extends NodeBase {
  type: 'Cast';
  expression: Expression;
  typeName: string;
}

export interface NewExpression extends NodeBase {
  type: 'New';
  typeName: string;
  args: Argument[];
  closures: Closure[];
}

/** `(expr)`, kept so ranges of written code are exact. */
export interface ParenExpression extends NodeBase {
  type: 'Paren';
  expression: Expression;
}

/** A dummy node standing in for damaged code (acorn-loose style). */
export interface ErrorNode extends NodeBase {
  type: 'Error';
  message: string;
}

export type Expression =
  | Identifier
  | NumberLiteral
  | BooleanLiteral
  | NullLiteral
  | StringLiteral
  | ListLiteral
  | MapLiteral
  | CallExpression
  | PropertyAccess
  | IndexAccess
  | Closure
  | BinaryExpression
  | UnaryExpression
  | AssignExpression
  | TernaryExpression
  | CastExpression
  | NewExpression
  | ParenExpression
  | ErrorNode;

// ---- Statements ----------------------------------------------------------------------------------

export interface ExpressionStatement extends NodeBase {
  type: 'ExpressionStatement';
  expression: Expression;
}

/** `def x = 1`, `String x = "a"`, `final y`. One node per declared name (`def a = 1, b = 2` gives two). */
export interface VariableDeclaration extends NodeBase {
  type: 'VarDecl';
  /** `def`, a type name, or null (e.g. `final x = 1`). */
  declType: string | null;
  modifiers: string[];
  name: string;
  nameSpan: Span;
  init: Expression | null;
}

export interface BlockStatement extends NodeBase {
  type: 'Block';
  body: Statement[];
}

export interface IfStatement extends NodeBase {
  type: 'If';
  test: Expression;
  consequent: Statement;
  alternate: Statement | null;
}

export interface WhileStatement extends NodeBase {
  type: 'While';
  test: Expression;
  body: Statement;
}

/** Classic `for (init; test; update)` or `for (x in xs)` / `for (T x : xs)`. */
export interface ForStatement extends NodeBase {
  type: 'For';
  variable: string | null;
  iterable: Expression | null;
  init: Statement | null;
  test: Expression | null;
  update: Expression | null;
  body: Statement;
}

export interface SwitchCase extends Span {
  type: 'SwitchCase';
  /** Null for `default:`. */
  test: Expression | null;
  body: Statement[];
}

export interface SwitchStatement extends NodeBase {
  type: 'Switch';
  discriminant: Expression;
  cases: SwitchCase[];
}

export interface CatchClause extends Span {
  type: 'Catch';
  param: string | null;
  typeName: string | null;
  body: BlockStatement;
}

export interface TryStatement extends NodeBase {
  type: 'Try';
  block: BlockStatement;
  handlers: CatchClause[];
  finalizer: BlockStatement | null;
}

export interface ReturnStatement extends NodeBase {
  type: 'Return';
  argument: Expression | null;
}

export interface ThrowStatement extends NodeBase {
  type: 'Throw';
  argument: Expression;
}

export interface JumpStatement extends NodeBase {
  type: 'Break' | 'Continue';
}

export interface MethodDeclaration extends NodeBase {
  type: 'MethodDecl';
  name: string;
  nameSpan: Span;
  modifiers: string[];
  returnType: string | null;
  params: Parameter[];
  body: BlockStatement | null;
  /** An annotation type's member default (`String value() default 'x'`). */
  defaultValue?: Expression;
}

export interface ClassDeclaration extends NodeBase {
  type: 'ClassDecl';
  /** `class`, `interface`, `enum`, `trait`. */
  keyword: string;
  name: string;
  body: Statement[];
}

export interface ImportStatement extends NodeBase {
  type: 'Import';
  path: string;
  isStatic: boolean;
}

export interface PackageStatement extends NodeBase {
  type: 'Package';
  path: string;
}

/** Damaged statement-level code the parser skipped. */
export interface ErrorStatement extends NodeBase {
  type: 'ErrorStatement';
  message: string;
}

export type Statement =
  | ExpressionStatement
  | VariableDeclaration
  | BlockStatement
  | IfStatement
  | WhileStatement
  | ForStatement
  | SwitchStatement
  | TryStatement
  | ReturnStatement
  | ThrowStatement
  | JumpStatement
  | MethodDeclaration
  | ClassDeclaration
  | ImportStatement
  | PackageStatement
  | ErrorStatement;

export interface Program extends Span {
  type: 'Program';
  body: Statement[];
}

export type Node =
  | Program
  | Statement
  | Expression
  | Annotation
  | MapEntry
  | NamedArgument
  | Parameter
  | SwitchCase
  | CatchClause
  | StringPart;

export interface ParseError {
  /** Stable code (errors.ts); the message is for people. */
  code: SyntaxErrorCode;
  message: string;
  offset: number;
  length: number;
}

/** A parse: a value. Nothing in it is changed after it is returned (`reparse` makes a new one). */
export interface ParseResult {
  readonly text: string;
  readonly program: Program;
  readonly errors: ParseError[];
}

/**
 * Calls `visit` on each direct child node of `node`, in source order (TypeScript's `forEachChild`):
 * the one place that knows which fields of which node hold children. Spans that are not nodes
 * (`nameSpan`, `propertySpan`) are not children.
 */
export function forEachChild(node: Node, visit: (child: Node) => void): void {
  const annotations = (node as NodeBase).annotations;
  if (annotations !== undefined) for (const a of annotations) visit(a);
  switch (node.type) {
    case 'Program':
    case 'Block':
    case 'ClassDecl':
      for (const s of node.body) visit(s);
      return;
    case 'ExpressionStatement':
      visit(node.expression);
      return;
    case 'VarDecl':
      if (node.init !== null) visit(node.init);
      return;
    case 'If':
      visit(node.test);
      visit(node.consequent);
      if (node.alternate !== null) visit(node.alternate);
      return;
    case 'While':
      // `do { } while (x)` has its body first.
      if (node.body.start < node.test.start) {
        visit(node.body);
        visit(node.test);
      } else {
        visit(node.test);
        visit(node.body);
      }
      return;
    case 'For':
      if (node.iterable !== null) visit(node.iterable);
      if (node.init !== null) visit(node.init);
      if (node.test !== null) visit(node.test);
      if (node.update !== null) visit(node.update);
      visit(node.body);
      return;
    case 'Switch':
      visit(node.discriminant);
      for (const c of node.cases) visit(c);
      return;
    case 'SwitchCase':
      if (node.test !== null) visit(node.test);
      for (const s of node.body) visit(s);
      return;
    case 'Try':
      visit(node.block);
      for (const h of node.handlers) visit(h);
      if (node.finalizer !== null) visit(node.finalizer);
      return;
    case 'Catch':
      visit(node.body);
      return;
    case 'Return':
      if (node.argument !== null) visit(node.argument);
      return;
    case 'Throw':
      visit(node.argument);
      return;
    case 'MethodDecl':
      for (const p of node.params) visit(p);
      if (node.defaultValue !== undefined) visit(node.defaultValue);
      if (node.body !== null) visit(node.body);
      return;
    case 'Parameter':
      if (node.defaultValue !== null) visit(node.defaultValue);
      return;
    case 'Annotation':
      for (const a of node.args) visit(a);
      return;
    case 'String':
      for (const p of node.parts) visit(p);
      return;
    case 'Interpolation':
      if (node.expression !== null) visit(node.expression);
      return;
    case 'List':
      for (const e of node.elements) visit(e);
      return;
    case 'Map':
      for (const e of node.entries) visit(e);
      return;
    case 'MapEntry':
      visit(node.key);
      visit(node.value);
      return;
    case 'NamedArg':
      visit(node.value);
      return;
    case 'Call':
      visit(node.callee);
      for (const a of node.args) visit(a);
      for (const c of node.closures) visit(c);
      return;
    case 'New':
      for (const a of node.args) visit(a);
      for (const c of node.closures) visit(c);
      return;
    case 'Property':
      visit(node.object);
      return;
    case 'Index':
      visit(node.object);
      visit(node.index);
      return;
    case 'Closure':
      for (const p of node.params) visit(p);
      for (const s of node.body) visit(s);
      return;
    case 'Binary':
      visit(node.left);
      visit(node.right);
      return;
    case 'Unary':
      visit(node.argument);
      return;
    case 'Assign':
      visit(node.target);
      visit(node.value);
      return;
    case 'Ternary':
      visit(node.test);
      if (node.consequent !== null) visit(node.consequent);
      visit(node.alternate);
      return;
    case 'Cast':
    case 'Paren':
      visit(node.expression);
      return;
    case 'Text':
    case 'Identifier':
    case 'Number':
    case 'Boolean':
    case 'Null':
    case 'Error':
    case 'ErrorStatement':
    case 'Import':
    case 'Package':
    case 'Break':
    case 'Continue':
      return;
    default: {
      const never: never = node;
      return never;
    }
  }
}

/**
 * Depth-first walk with an explicit stack (deeply nested input must not overflow the call stack).
 * `enter` returns false to skip a node's children. `ancestors` holds the path from the root (excluded node).
 */
export function walk(root: Node, enter: (node: Node, ancestors: readonly Node[]) => boolean | void): void {
  const ancestors: Node[] = [];
  const stack: Array<{ node: Node; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    ancestors.length = depth;
    if (enter(node, ancestors) === false) continue;
    const children: Node[] = [];
    forEachChild(node, (child) => children.push(child));
    ancestors.push(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], depth: depth + 1 });
  }
}
