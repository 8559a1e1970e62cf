// Tolerant recursive-descent parser for the Groovy that Jenkinsfiles use (acorn-loose / TypeScript
// style). It never throws on any input: damaged code becomes `Error`/`ErrorStatement` nodes plus
// positioned errors, and everything intact around the damage stays in the tree with exact spans.
// Newlines end statements unless the expression is clearly incomplete; inside (), [] and ${} they are
// insignificant. Nesting is capped (MAX_DEPTH) so no input can overflow the call stack; the rest of an
// over-deep region is skipped iteratively.

import type {
  Annotation,
  Argument,
  BlockStatement,
  CallExpression,
  CatchClause,
  ClassDeclaration,
  Closure,
  ErrorNode,
  ErrorStatement,
  Expression,
  ForStatement,
  IfStatement,
  ImportStatement,
  MapEntry,
  MethodDeclaration,
  Parameter,
  ParseError,
  ParseResult,
  Program,
  PropertyAccess,
  QuoteKind,
  Span,
  Statement,
  StringLiteral,
  StringPart,
  SwitchCase,
  SwitchStatement,
  TextPart,
  TryStatement,
  VariableDeclaration,
} from './ast';
import { Quote, StringStop, SyntaxKind as K, createScanner, isKeyword, isModifier } from './scanner';
import type { ScannerState } from './scanner';

/** Deepest nesting of statements/expressions parsed before the rest of a region is skipped. */
export const MAX_DEPTH = 500;

const quoteKinds: QuoteKind[] = ["'", '"', "'''", '"""', '/', '$/'];

const primitiveTypes = new Set(['boolean', 'byte', 'char', 'short', 'int', 'long', 'float', 'double', 'void']);

/** `String`, `List`, `int`: names that read as a type at the start of a declaration. */
function isTypeLikeName(name: string): boolean {
  const c = name.charCodeAt(0);
  if (c >= 65 && c <= 90) return true;
  // Only primitive type names start with these letters and are short; skip the set lookup otherwise.
  return name.length <= 7 && (c === 98 || c === 99 || c === 100 || c === 102 || c === 105 || c === 108 || c === 115 || c === 118) && primitiveTypes.has(name);
}

function binaryPrecedence(kind: K): number {
  switch (kind) {
    case K.BarBar:
      return 1;
    case K.AmpAmp:
      return 2;
    case K.Bar:
      return 3;
    case K.Caret:
      return 4;
    case K.Amp:
      return 5;
    case K.EqEq:
    case K.NotEq:
    case K.Identical:
    case K.NotIdentical:
    case K.Spaceship:
    case K.RegexFind:
    case K.RegexMatch:
      return 6;
    case K.Lt:
    case K.Le:
    case K.Gt:
    case K.Ge:
    case K.In:
    case K.NotIn:
    case K.Instanceof:
    case K.NotInstanceof:
    case K.As:
      return 7;
    case K.LtLt:
    case K.GtGt:
    case K.GtGtGt:
    case K.Range:
    case K.RangeExclusive:
      return 8;
    case K.Plus:
    case K.Minus:
      return 9;
    case K.Star:
    case K.Slash:
    case K.Percent:
      return 10;
    default:
      return 0;
  }
}

function isAssignmentOperator(kind: K): boolean {
  return kind >= K.Assign && kind <= K.ElvisAssign;
}

function canStartExpression(kind: K): boolean {
  switch (kind) {
    case K.Identifier:
    case K.Number:
    case K.String:
    case K.StringHead:
    case K.Slash:
    case K.SlashAssign:
    case K.OpenParen:
    case K.OpenBracket:
    case K.OpenBrace:
    case K.True:
    case K.False:
    case K.Null:
    case K.This:
    case K.Super:
    case K.New:
    case K.Bang:
    case K.Tilde:
    case K.Minus:
    case K.Plus:
    case K.PlusPlus:
    case K.MinusMinus:
    case K.Star:
      return true;
    default:
      return false;
  }
}

/** Tokens that can begin the first argument of a parenthesis-less command call (`sh 'x'`, `agent any`). */
function canStartCommandArgument(kind: K): boolean {
  switch (kind) {
    case K.Identifier:
    case K.Number:
    case K.String:
    case K.StringHead:
    case K.True:
    case K.False:
    case K.Null:
    case K.This:
    case K.Super:
    case K.New:
      return true;
    default:
      return false;
  }
}

function numberValue(raw: string): number {
  let s = raw.indexOf('_') >= 0 ? raw.split('_').join('') : raw;
  const hex = s.length > 1 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 32) === 120;
  const last = s.charCodeAt(s.length - 1) | 32;
  if (last === 108 || last === 105 || last === 103 || (!hex && (last === 100 || last === 102))) s = s.slice(0, -1);
  if (hex) return parseInt(s.slice(2), 16);
  if (s.length > 1 && s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 32) === 98) return parseInt(s.slice(2), 2);
  if (s.length > 1 && s.charCodeAt(0) === 48 && /^[0-7]+$/.test(s)) return parseInt(s, 8);
  return Number(s);
}

interface Snapshot {
  scanner: ScannerState;
  tok: K;
  tokStart: number;
  tokEnd: number;
  nlBefore: boolean;
  lastEnd: number;
  pending: K | -1;
  errorCount: number;
}

/** End of `name.prop.sub` starting at `p` (for `$name.prop` interpolations). */
function dollarPathEnd(text: string, identifierEnd: (p: number) => number, p: number): number {
  let e = identifierEnd(p);
  while (text.charCodeAt(e) === 46) {
    const e2 = identifierEnd(e + 1);
    if (e2 === e + 1) break;
    e = e2;
  }
  return e;
}

/** Opening minus closing braces of code in `text` (braces in strings and comments do not count). */
export function braceImbalanceOf(text: string): number {
  const sc = createScanner(text);
  const stack: number[] = [];
  let balance = 0;
  let t = sc.scan();
  while (t !== K.EOF) {
    if (t === K.OpenBrace) {
      stack.push(-1);
      balance++;
      t = sc.scan();
    } else if (t === K.CloseBrace) {
      const top = stack.length > 0 ? stack.pop()! : -1;
      if (top >= 0) {
        t = sc.continueString(top as Quote, sc.getTokenEnd());
      } else {
        balance--;
        t = sc.scan();
      }
    } else if (t === K.StringHead || t === K.StringMiddle) {
      const q = sc.getQuote();
      const dollar = sc.getTextEnd();
      if (sc.getStringStop() === StringStop.DollarBrace) {
        stack.push(q);
        sc.setPosition(dollar + 2);
        t = sc.scan();
      } else {
        t = sc.continueString(q, dollarPathEnd(text, sc.identifierEnd, dollar + 1));
      }
    } else {
      t = sc.scan();
    }
  }
  return balance;
}

/**
 * Observers and an alternative entry point for incremental re-parsing (incremental.ts). Plain `parse()`
 * passes none; every use is behind a check so the usual parse pays nothing.
 */
export interface ParserHooks {
  /**
   * Called after each `{ }` statement block (parseBlock) or closure is parsed, with the state its parse
   * started in: `owner` is the statement start used by the indentation-aware recovery, `inLine` that it
   * sits in a single-line string's `${}`, `closed` that it ended on its own `}`.
   */
  onBlock?(node: BlockStatement | Closure, owner: number, depth: number, nlSignificant: boolean, inLine: boolean, closed: boolean): void;
  /** Filled in parallel to the errors: the start of the current token when each error was reported. */
  errorCursors?: number[];
  /** Receives the current token start each time an error was dropped as a duplicate of the last one. */
  droppedCursors?: number[];
  /** Called each time a `}` was decided by the whole-text brace balance, with that `}`'s offset. */
  onBraceBalance?(offset: number): void;
  /** Known brace balance of the text (saves a whole-text scan). */
  braceImbalance?: number;
  /** Gives the text's brace balance when first needed (a caller trying several parses of one text counts once). */
  braceImbalanceOf?: () => number;
  /** Parse only the block (or closure) whose `{` is at `open`, in the given parser state. */
  region?: { open: number; closure: boolean; owner: number; depth: number; nlSignificant: boolean; previousError: ParseError | null };
}

/** Result of `parseWithHooks`: for a region parse, `node` is the block and `end` where it ended. */
export interface HookedParseResult extends ParseResult {
  node: BlockStatement | Closure | null;
  end: number;
  closed: boolean;
}

/** Parses with observers (and optionally only one region); for incremental.ts. Never throws. */
export function parseWithHooks(text: string, hooks: ParserHooks): HookedParseResult {
  try {
    return parseUnguarded(text, hooks);
  } catch (e) {
    const message = `Internal parser error: ${e instanceof Error ? e.message : String(e)}`;
    const node: ErrorStatement = { type: 'ErrorStatement', message, start: 0, end: text.length };
    const program: Program = { type: 'Program', body: [node], start: 0, end: text.length };
    return { program, errors: [{ message, offset: 0, length: text.length }], node: null, end: -1, closed: false };
  }
}

/** Parses Groovy text into a tree plus positioned errors. Never throws. */
export function parse(text: string): ParseResult {
  try {
    return parseUnguarded(text);
  } catch (e) {
    // Last resort only: the parser is written not to throw, and the property tests check it.
    const message = `Internal parser error: ${e instanceof Error ? e.message : String(e)}`;
    const node: ErrorStatement = { type: 'ErrorStatement', message, start: 0, end: text.length };
    const program: Program = { type: 'Program', body: [node], start: 0, end: text.length };
    return { program, errors: [{ message, offset: 0, length: text.length }] };
  }
}

function parseUnguarded(text: string): ParseResult;
function parseUnguarded(text: string, hooks: ParserHooks): HookedParseResult;
function parseUnguarded(text: string, hooks?: ParserHooks): ParseResult | HookedParseResult {
  const errors: ParseError[] = [];
  const scanner = createScanner(text, addError);

  // Current token.
  let tok: K = K.EOF;
  let tokStart = 0;
  let tokEnd = 0;
  let nlBefore = false;
  /** End of the last consumed token: the end of any node finished now. */
  let lastEnd = 0;
  /** The real token hidden behind a virtual EOF (end of line inside a single-line string's `${}`). */
  let pending: K | -1 = -1;
  let lineLimited = false;
  let nlSignificant = true;
  let depth = 0;
  /** Start of the innermost statement: its line's indentation is that of blocks it opens. */
  let stmtStart = 0;
  let labelled = false;
  let className: string | null = null;
  let braceImbalance: number | null = hooks?.braceImbalance ?? null;
  /** `{` offset of the last block that did not end on its own `}`. */
  let lastUnclosed = -1;

  function addError(message: string, offset: number, length: number): void {
    const last = errors.length > 0 ? errors[errors.length - 1] : undefined;
    if (last !== undefined && last.offset === offset) {
      if (hooks?.droppedCursors !== undefined) hooks.droppedCursors.push(tokStart);
      return; // one error per spot: no cascades
    }
    errors.push({ message, offset, length });
    if (hooks?.errorCursors !== undefined) hooks.errorCursors[errors.length - 1] = tokStart;
  }

  /** Whether the current token is `kind` (a call, so the compiler does not narrow `tok` across next()). */
  function at(kind: K): boolean {
    return tok === kind;
  }

  function next(): void {
    lastEnd = tokEnd;
    if (pending !== -1) return;
    tok = scanner.scan();
    tokStart = scanner.getTokenStart();
    tokEnd = scanner.getTokenEnd();
    nlBefore = scanner.hasPrecedingLineBreak();
    if (lineLimited && nlBefore) {
      pending = tok;
      tok = K.EOF;
    }
  }

  /** Continues scanning at `p` (after `${`), as if the text before were consumed. */
  function scanFrom(p: number): void {
    scanner.setPosition(p);
    tokEnd = p;
    next();
  }

  function resumeString(quote: Quote, p: number): void {
    lastEnd = p;
    tok = scanner.continueString(quote, p);
    tokStart = scanner.getTokenStart();
    tokEnd = scanner.getTokenEnd();
    nlBefore = false;
  }

  function snapshot(): Snapshot {
    return { scanner: scanner.save(), tok, tokStart, tokEnd, nlBefore, lastEnd, pending, errorCount: errors.length };
  }

  function rewind(s: Snapshot): void {
    scanner.restore(s.scanner);
    tok = s.tok;
    tokStart = s.tokStart;
    tokEnd = s.tokEnd;
    nlBefore = s.nlBefore;
    lastEnd = s.lastEnd;
    pending = s.pending;
    errors.length = s.errorCount;
  }

  function peek(): K {
    const s = snapshot();
    next();
    const k = tok;
    rewind(s);
    return k;
  }

  function tokenText(): string {
    return text.slice(tokStart, tokEnd);
  }

  function describe(): string {
    if (at(K.EOF)) return 'end of line';
    const t = text.slice(tokStart, Math.min(tokEnd, tokStart + 30));
    return `'${t}'`;
  }

  function here(): number {
    return at(K.EOF) ? lastEnd : tokStart;
  }

  /** A zero-width stand-in for missing code, placed right after the last consumed token (inside its parent). */
  function errorNode(message: string): ErrorNode {
    addError(message, here(), at(K.EOF) ? 0 : tokEnd - tokStart);
    return { type: 'Error', message, start: lastEnd, end: lastEnd };
  }

  function expect(kind: K, message: string, openAt: number): boolean {
    if (tok === kind) {
      next();
      return true;
    }
    addError(message, openAt >= 0 ? openAt : here(), openAt >= 0 ? 1 : 0);
    return false;
  }

  function indentOf(offset: number): number {
    // Usual case (a statement or `}` first on its line after spaces): one backward pass counts them.
    let q = offset;
    while (q > 0 && text.charCodeAt(q - 1) === 32) q--;
    if (q === 0 || text.charCodeAt(q - 1) === 10 || text.charCodeAt(q - 1) === 13) return offset - q;
    let p = offset;
    while (p > 0) {
      const c = text.charCodeAt(p - 1);
      if (c === 10 || c === 13) break;
      p--;
    }
    let col = 0;
    for (; p < offset; p++) {
      const c = text.charCodeAt(p);
      if (c === 32) col++;
      else if (c === 9) col += 4 - (col % 4);
      else break;
    }
    return col;
  }

  /**
   * A `}` first on its line, indented less than the line that opened the current block, closes an
   * outer block instead, when the file has more `{` than `}` (a missing brace upstream).
   */
  function closesOuterBlock(ownerStart: number): boolean {
    if (!nlBefore || indentOf(tokStart) >= indentOf(ownerStart)) return false;
    if (braceImbalance === null) braceImbalance = hooks?.braceImbalanceOf ? hooks.braceImbalanceOf() : braceImbalanceOf(text);
    if (hooks?.onBraceBalance !== undefined) hooks.onBraceBalance(tokStart);
    return braceImbalance > 0;
  }

  /**
   * Skips tokens up to (not including) the first unmatched `)`, `]` or `}` or EOF, walking through
   * strings and interpolations iteratively.
   */
  function skipRegion(): void {
    const stack: number[] = [];
    for (;;) {
      switch (tok) {
        case K.EOF:
          return;
        case K.OpenParen:
        case K.OpenBracket:
        case K.OpenBrace:
          stack.push(-1);
          next();
          break;
        case K.CloseParen:
        case K.CloseBracket:
          if (stack.length === 0) return;
          stack.pop();
          next();
          break;
        case K.CloseBrace: {
          if (stack.length === 0) return;
          const top = stack.pop()!;
          if (top >= 0) resumeString(top as Quote, tokEnd);
          else next();
          break;
        }
        case K.StringHead:
        case K.StringMiddle: {
          const q = scanner.getQuote();
          const dollar = scanner.getTextEnd();
          if (scanner.getStringStop() === StringStop.DollarBrace) {
            stack.push(q);
            scanFrom(dollar + 2);
          } else {
            resumeString(q, dollarPathEnd(text, scanner.identifierEnd, dollar + 1));
          }
          break;
        }
        default:
          next();
      }
    }
  }

  function tooDeep(): ErrorNode {
    const before = lastEnd;
    const start = tokStart;
    addError('Nesting too deep', here(), 0);
    skipRegion();
    if (lastEnd === before) return { type: 'Error', message: 'Nesting too deep', start: before, end: before };
    return { type: 'Error', message: 'Nesting too deep', start, end: lastEnd };
  }

  // ---- Statements --------------------------------------------------------------------------------

  function parseProgram(): Program {
    next();
    const body: Statement[] = [];
    for (;;) {
      if (at(K.Semicolon)) {
        next();
        continue;
      }
      if (at(K.EOF)) break;
      if (at(K.CloseBrace)) {
        const start = tokStart;
        addError("Unexpected '}'", start, 1);
        next();
        body.push({ type: 'ErrorStatement', message: "Unexpected '}'", start, end: lastEnd });
        continue;
      }
      parseStatementInto(body);
    }
    return { type: 'Program', body, start: 0, end: text.length };
  }

  /** Statements up to the closing `}` (consumed unless it belongs to an outer block). */
  function parseBlockBody(openAt: number, ownerStart: number, classBody: string | null): Statement[] {
    const body: Statement[] = [];
    const savedNl = nlSignificant;
    const savedClass = className;
    nlSignificant = true;
    className = classBody;
    untilCloseBrace(openAt, ownerStart, () => parseStatementInto(body));
    nlSignificant = savedNl;
    className = savedClass;
    return body;
  }

  /**
   * Calls `item` for each element up to the closing `}` of a block opened at `openAt`, skipping `;`.
   * The `}` is consumed unless its indentation says it closes an outer block (then it is left for that
   * block and this one is reported unclosed), as is an end of file.
   */
  function untilCloseBrace(openAt: number, ownerStart: number, item: () => void): void {
    for (;;) {
      if (at(K.Semicolon)) {
        next();
        continue;
      }
      if (at(K.CloseBrace)) {
        if (closesOuterBlock(ownerStart)) {
          addError("'}' expected", openAt, 1);
          lastUnclosed = openAt;
        } else {
          next();
        }
        return;
      }
      if (at(K.EOF)) {
        addError("'}' expected", openAt, 1);
        lastUnclosed = openAt;
        return;
      }
      item();
    }
  }

  function parseBlock(): BlockStatement {
    if (!at(K.OpenBrace)) {
      addError("'{' expected", here(), 0);
      return { type: 'Block', body: [], start: lastEnd, end: lastEnd };
    }
    const start = tokStart;
    next();
    const body = parseBlockBody(start, stmtStart, null);
    const node: BlockStatement = { type: 'Block', body, start, end: lastEnd };
    if (hooks?.onBlock !== undefined) hooks.onBlock(node, stmtStart, depth, nlSignificant, lineLimited, lastUnclosed !== start);
    return node;
  }

  function parseStatementInto(list: Statement[]): void {
    const start = tokStart;
    if (depth >= MAX_DEPTH) {
      const node = tooDeep();
      if (at(K.CloseParen) || at(K.CloseBracket)) next();
      list.push({ type: 'ErrorStatement', message: node.message, start: node.start, end: Math.max(node.start, lastEnd) });
      return;
    }
    depth++;
    const savedStmt = stmtStart;
    stmtStart = start;
    labelled = false;
    parseStatementCore(list);
    stmtStart = savedStmt;
    depth--;
    if (labelled) {
      labelled = false;
      return;
    }
    if (at(K.Semicolon)) {
      next();
      return;
    }
    if (at(K.EOF)) return;
    if (tokStart === start) {
      skipGarbage(list);
      return;
    }
    if (nlBefore || at(K.CloseBrace) || at(K.Else) || text.charCodeAt(lastEnd - 1) === 125) return;
    skipGarbage(list);
  }

  /** Skips the rest of a damaged line (stopping at `{` so the block after it is still parsed). */
  function skipGarbage(list: Statement[]): void {
    const start = tokStart;
    const message = `Unexpected ${describe()}`;
    addError(message, tokStart, tokEnd - tokStart);
    do {
      if (at(K.String) || at(K.StringHead)) parseStringLiteral();
      else next();
    } while (!at(K.EOF) && !at(K.Semicolon) && !at(K.CloseBrace) && !at(K.OpenBrace) && !nlBefore);
    list.push({ type: 'ErrorStatement', message, start, end: lastEnd });
  }

  function withAnnotations<T extends Statement>(node: T, annotations: Annotation[] | undefined): T {
    if (annotations !== undefined && annotations.length > 0) {
      node.annotations = annotations;
      if (annotations[0].start < node.start) node.start = annotations[0].start;
    }
    return node;
  }

  function parseStatementCore(list: Statement[]): void {
    let annotations: Annotation[] | undefined;
    const start = tokStart;
    if (at(K.At)) annotations = parseAnnotations();
    switch (tok) {
      case K.If:
        list.push(withAnnotations(parseIf(), annotations));
        return;
      case K.While:
        list.push(withAnnotations(parseWhile(), annotations));
        return;
      case K.Do:
        list.push(withAnnotations(parseDoWhile(), annotations));
        return;
      case K.For:
        list.push(withAnnotations(parseFor(), annotations));
        return;
      case K.Switch:
        list.push(withAnnotations(parseSwitch(), annotations));
        return;
      case K.Try:
        list.push(withAnnotations(parseTry(), annotations));
        return;
      case K.Return: {
        next();
        const argument = atStatementEnd() ? null : parseExpression();
        list.push(withAnnotations({ type: 'Return', argument, start, end: lastEnd }, annotations));
        return;
      }
      case K.Throw: {
        next();
        const argument = parseExpression();
        list.push(withAnnotations({ type: 'Throw', argument, start, end: lastEnd }, annotations));
        return;
      }
      case K.Break:
      case K.Continue: {
        const type = at(K.Break) ? 'Break' : 'Continue';
        next();
        if (at(K.Identifier) && !nlBefore) next();
        list.push(withAnnotations({ type, start, end: lastEnd }, annotations));
        return;
      }
      case K.Import:
        list.push(withAnnotations(parseImport(), annotations));
        return;
      case K.Package: {
        next();
        const path = parseDottedPath();
        list.push(withAnnotations({ type: 'Package', path, start, end: lastEnd }, annotations));
        return;
      }
      case K.Class:
      case K.Interface:
      case K.Enum:
      case K.Trait:
        list.push(withAnnotations(parseClass(start), annotations));
        return;
      case K.OpenBrace:
        list.push(withAnnotations(parseBlock(), annotations));
        return;
      case K.Assert:
        list.push(withAnnotations(parseAssert(), annotations));
        return;
      case K.Def:
      case K.Void:
        parseDeclaration(start, annotations, list);
        return;
      case K.Identifier:
        if (className !== null && scanner.getTokenValue() === className && text.charCodeAt(tokEnd) === 40) {
          const name = scanner.getTokenValue();
          const nameSpan = { start: tokStart, end: tokEnd };
          next();
          list.push(withAnnotations(parseMethodRest(start, [], null, name, nameSpan), annotations));
          return;
        }
        if (tryTypedDeclaration(start, annotations, [], list)) return;
        break;
      default:
        if (isModifier(tok)) {
          parseDeclaration(start, annotations, list);
          return;
        }
    }
    if (!canStartExpression(tok)) {
      if (annotations !== undefined && atStatementEnd()) {
        // Annotations on nothing (e.g. a trailing `@Library('x')`): keep them on an error statement.
        list.push(withAnnotations({ type: 'ErrorStatement', message: 'Declaration expected', start: lastEnd, end: lastEnd }, annotations));
        addError('Declaration expected', here(), 0);
        return;
      }
      skipGarbage(list);
      if (annotations !== undefined) withAnnotations(list[list.length - 1], annotations);
      return;
    }
    const expression = parseExpressionOrCommand();
    if (expression.type === 'Identifier' && at(K.Colon) && annotations === undefined) {
      // A label (`outer: for (...)`): tolerated and dropped; the labelled statement follows.
      next();
      labelled = true;
      return;
    }
    list.push(withAnnotations({ type: 'ExpressionStatement', expression, start: expression.start, end: expression.end }, annotations));
  }

  function atStatementEnd(): boolean {
    return at(K.EOF) || at(K.Semicolon) || at(K.CloseBrace) || nlBefore;
  }

  function parseEmbeddedStatement(): Statement {
    if (at(K.EOF) || at(K.CloseBrace) || at(K.Else)) {
      addError('Statement expected', here(), 0);
      return { type: 'ErrorStatement', message: 'Statement expected', start: lastEnd, end: lastEnd };
    }
    const list: Statement[] = [];
    parseStatementInto(list);
    if (list.length === 1) return list[0];
    if (list.length === 0) {
      return { type: 'ErrorStatement', message: 'Statement expected', start: lastEnd, end: lastEnd };
    }
    return { type: 'Block', body: list, start: list[0].start, end: list[list.length - 1].end };
  }

  function parseCondition(): Expression {
    if (!at(K.OpenParen)) {
      addError("'(' expected", here(), 0);
      return parseExpression();
    }
    const open = tokStart;
    const savedNl = nlSignificant;
    nlSignificant = false;
    next();
    const test = at(K.CloseParen) ? errorNode('Expression expected') : parseExpression();
    nlSignificant = savedNl;
    expect(K.CloseParen, "')' expected", open);
    return test;
  }

  function parseIf(): IfStatement {
    const chain: IfStatement[] = [];
    let node = parseIfHead();
    const root = node;
    chain.push(node);
    // `else if` chains are walked iteratively so long chains do not count as nesting.
    while (at(K.Else)) {
      next();
      if (at(K.If)) {
        const nested = parseIfHead();
        node.alternate = nested;
        node = nested;
        chain.push(nested);
      } else {
        node.alternate = parseEmbeddedStatement();
        break;
      }
    }
    for (const n of chain) n.end = lastEnd;
    return root;
  }

  function parseIfHead(): IfStatement {
    const start = tokStart;
    next();
    const test = parseCondition();
    const consequent = parseEmbeddedStatement();
    if (at(K.Semicolon) && peek() === K.Else) next();
    return { type: 'If', test, consequent, alternate: null, start, end: lastEnd };
  }

  function parseWhile(): Statement {
    const start = tokStart;
    next();
    const test = parseCondition();
    const body = parseEmbeddedStatement();
    return { type: 'While', test, body, start, end: lastEnd };
  }

  function parseDoWhile(): Statement {
    const start = tokStart;
    next();
    const body = parseEmbeddedStatement();
    if (at(K.Semicolon)) next();
    let test: Expression;
    if (at(K.While)) {
      next();
      test = parseCondition();
    } else {
      test = errorNode("'while' expected");
    }
    return { type: 'While', test, body, start, end: lastEnd };
  }

  function parseFor(): ForStatement {
    const start = tokStart;
    next();
    const node: ForStatement = { type: 'For', variable: null, iterable: null, init: null, test: null, update: null, body: null as unknown as Statement, start, end: start };
    if (!at(K.OpenParen)) {
      addError("'(' expected", here(), 0);
    } else {
      const open = tokStart;
      const savedNl = nlSignificant;
      nlSignificant = false;
      next();
      // for (x in xs) / for (def x in xs) / for (String x : xs)
      const s = snapshot();
      while (at(K.Final) || at(K.Def)) next();
      let variable: string | null = null;
      if (at(K.Identifier)) {
        const first = scanner.getTokenValue();
        const t = parseType();
        if (t !== null && at(K.Identifier)) {
          variable = scanner.getTokenValue();
          next();
        } else if (t === first) {
          variable = first;
        }
      }
      if (variable !== null && (at(K.In) || at(K.Colon))) {
        next();
        node.variable = variable;
        node.iterable = parseExpression();
      } else {
        rewind(s);
        if (!at(K.Semicolon)) {
          const inits: Statement[] = [];
          parseForInit(inits);
          node.init = inits.length === 1 ? inits[0] : inits.length > 1 ? { type: 'Block', body: inits, start: inits[0].start, end: inits[inits.length - 1].end } : null;
        }
        if (at(K.Semicolon)) {
          next();
          if (!at(K.Semicolon)) node.test = parseExpression();
          if (expect(K.Semicolon, "';' expected", -1)) {
            if (!at(K.CloseParen)) {
              node.update = parseExpression();
              while (at(K.Comma)) {
                next();
                parseExpression();
              }
            }
          }
        } else {
          addError("'in' or ';' expected", here(), 0);
        }
      }
      nlSignificant = savedNl;
      if (!at(K.CloseParen)) {
        addError("')' expected", open, 1);
        while (!at(K.CloseParen) && !at(K.EOF) && !at(K.OpenBrace) && !at(K.CloseBrace) && !nlBefore) next();
      }
      if (at(K.CloseParen)) next();
    }
    node.body = parseEmbeddedStatement();
    node.end = lastEnd;
    return node;
  }

  function parseForInit(list: Statement[]): void {
    const start = tokStart;
    if (at(K.Def) || isModifier(tok)) {
      parseDeclaration(start, undefined, list);
      return;
    }
    if (at(K.Identifier) && tryTypedDeclaration(start, undefined, [], list)) return;
    for (;;) {
      const e = parseExpression();
      list.push({ type: 'ExpressionStatement', expression: e, start: e.start, end: e.end });
      if (!at(K.Comma)) break;
      next();
    }
  }

  function parseSwitch(): SwitchStatement {
    const start = tokStart;
    next();
    const discriminant = parseCondition();
    const cases: SwitchCase[] = [];
    if (!at(K.OpenBrace)) {
      addError("'{' expected", here(), 0);
      return { type: 'Switch', discriminant, cases, start, end: lastEnd };
    }
    const open = tokStart;
    const owner = stmtStart;
    next();
    const savedNl = nlSignificant;
    nlSignificant = true;
    untilCloseBrace(open, owner, () => {
      if (at(K.Case) || at(K.Default)) {
        const caseStart = tokStart;
        const isDefault = at(K.Default);
        next();
        const test = isDefault ? null : parseExpression();
        expect(K.Colon, "':' expected", -1);
        const body: Statement[] = [];
        while (!at(K.Case) && !at(K.Default) && !at(K.CloseBrace) && !at(K.EOF)) {
          if (at(K.Semicolon)) {
            next();
            continue;
          }
          parseStatementInto(body);
        }
        cases.push({ type: 'SwitchCase', test, body, start: caseStart, end: lastEnd });
        return;
      }
      addError("'case' expected", here(), tokEnd - tokStart);
      const junk: Statement[] = [];
      parseStatementInto(junk);
    });
    nlSignificant = savedNl;
    return { type: 'Switch', discriminant, cases, start, end: lastEnd };
  }

  function parseTry(): TryStatement {
    const start = tokStart;
    next();
    if (at(K.OpenParen)) parseCondition(); // try-with-resources: resources are not modelled
    const block = parseBlock();
    const handlers: CatchClause[] = [];
    while (at(K.Catch)) {
      const catchStart = tokStart;
      next();
      let param: string | null = null;
      const types: string[] = [];
      if (at(K.OpenParen)) {
        const open = tokStart;
        const savedNl = nlSignificant;
        nlSignificant = false;
        next();
        while (at(K.Final)) next();
        for (;;) {
          if (!at(K.Identifier)) break;
          const first = scanner.getTokenValue();
          const t = parseType();
          if (t === null) break;
          if (at(K.Identifier) || at(K.Bar)) {
            types.push(t);
            if (at(K.Bar)) {
              next();
              continue;
            }
            param = scanner.getTokenValue();
            next();
          } else if (t === first) {
            param = first;
          } else {
            types.push(t);
          }
          break;
        }
        nlSignificant = savedNl;
        if (!at(K.CloseParen)) {
          addError("')' expected", open, 1);
          while (!at(K.CloseParen) && !at(K.EOF) && !at(K.OpenBrace) && !at(K.CloseBrace) && !nlBefore) next();
        }
        if (at(K.CloseParen)) next();
      } else {
        addError("'(' expected", here(), 0);
      }
      const body = parseBlock();
      handlers.push({ type: 'Catch', param, typeName: types.length > 0 ? types.join(' | ') : null, body, start: catchStart, end: lastEnd });
    }
    let finalizer: BlockStatement | null = null;
    if (at(K.Finally)) {
      next();
      finalizer = parseBlock();
    }
    if (handlers.length === 0 && finalizer === null) addError("'catch' or 'finally' expected", here(), 0);
    return { type: 'Try', block, handlers, finalizer, start, end: lastEnd };
  }

  function parseDottedPath(): string {
    let path = '';
    for (;;) {
      if (at(K.Identifier) || isKeyword(tok)) {
        path += tokenText();
        next();
      } else if (at(K.Star)) {
        path += '*';
        next();
        break;
      } else {
        if (path === '' || path.endsWith('.')) addError('Identifier expected', here(), 0);
        break;
      }
      if (!at(K.Dot) || nlBefore) break;
      path += '.';
      next();
    }
    return path;
  }

  function parseImport(): ImportStatement {
    const start = tokStart;
    next();
    let isStatic = false;
    if (at(K.Static)) {
      isStatic = true;
      next();
    }
    const path = parseDottedPath();
    if (at(K.As) && !nlBefore) {
      next();
      if (at(K.Identifier)) next();
      else addError('Identifier expected', here(), 0);
    }
    return { type: 'Import', path, isStatic, start, end: lastEnd };
  }

  function parseClass(start: number): ClassDeclaration {
    const keyword = tokenText();
    next();
    let name = '';
    if (at(K.Identifier)) {
      name = scanner.getTokenValue();
      next();
    } else {
      addError('Identifier expected', here(), 0);
    }
    if (at(K.Lt)) skipTypeParameters();
    while (at(K.Extends) || at(K.Implements)) {
      next();
      for (;;) {
        if (parseType() === null) {
          addError('Type expected', here(), 0);
          break;
        }
        if (!at(K.Comma)) break;
        next();
      }
    }
    let body: Statement[] = [];
    if (at(K.OpenBrace)) {
      const open = tokStart;
      next();
      const members: Statement[] = [];
      if (keyword === 'enum') parseEnumConstants(members);
      body = parseBlockBody(open, stmtStart, name);
      if (members.length > 0) body = members.concat(body);
    } else {
      addError("'{' expected", here(), 0);
    }
    return { type: 'ClassDecl', keyword, name, body, start, end: lastEnd };
  }

  function skipTypeParameters(): void {
    // `<T extends Foo, U>`: not modelled; skip to the matching `>`.
    let level = 0;
    do {
      if (at(K.Lt)) level++;
      else if (at(K.Gt)) level--;
      next();
    } while (level > 0 && !at(K.EOF) && !at(K.OpenBrace));
  }

  function parseEnumConstants(members: Statement[]): void {
    while (at(K.Identifier)) {
      const start = tokStart;
      let expression: Expression = { type: 'Identifier', name: scanner.getTokenValue(), start, end: tokEnd };
      next();
      if (at(K.OpenParen) || at(K.OpenBrace)) expression = parsePostfix(expression);
      members.push({ type: 'ExpressionStatement', expression, start, end: lastEnd });
      if (!at(K.Comma)) break;
      next();
    }
    if (at(K.Semicolon)) next();
  }

  function parseAssert(): Statement {
    const start = tokStart;
    const callee: Expression = { type: 'Identifier', name: 'assert', start, end: tokEnd };
    next();
    const args: Argument[] = [parseExpression()];
    if (at(K.Colon) || at(K.Comma)) {
      next();
      args.push(parseExpression());
    }
    // No dedicated node in ast.ts: an assert is modelled as a command call to `assert`.
    const expression: CallExpression = { type: 'Call', callee, args, closures: [], parenthesized: false, start, end: lastEnd };
    return { type: 'ExpressionStatement', expression, start, end: lastEnd };
  }

  function parseAnnotations(): Annotation[] {
    const list: Annotation[] = [];
    while (at(K.At)) {
      const start = tokStart;
      next();
      if (at(K.Interface)) break; // `@interface` declarations: parsed as an interface
      const name = parseDottedPath();
      let args: Argument[] = [];
      if (at(K.OpenParen) && !nlBefore) {
        args = parseParenArgs().map((a): Argument => {
          // `@Grab(group = 'x')` uses `=` for named values.
          if (a.type === 'Assign' && a.operator === '=' && a.target.type === 'Identifier') {
            return { type: 'NamedArg', name: a.target.name, nameSpan: { start: a.target.start, end: a.target.end }, value: a.value, start: a.start, end: a.end };
          }
          return a;
        });
      }
      list.push({ type: 'Annotation', name, args, start, end: lastEnd });
    }
    return list;
  }

  /** `def`/modifier-led statements: variables, methods, classes, `synchronized (x) { }`. */
  function parseDeclaration(start: number, annotations: Annotation[] | undefined, list: Statement[]): void {
    const modifiers: string[] = [];
    for (;;) {
      if (isModifier(tok)) {
        if (at(K.Synchronized) && peek() === K.OpenParen) {
          next();
          parseCondition();
          list.push(withAnnotations(parseBlock(), annotations));
          return;
        }
        modifiers.push(tokenText());
        next();
        continue;
      }
      if (at(K.At)) {
        const more = parseAnnotations();
        annotations = annotations === undefined ? more : annotations.concat(more);
        continue;
      }
      break;
    }
    if (at(K.Class) || at(K.Interface) || at(K.Enum) || at(K.Trait)) {
      list.push(withAnnotations(parseClass(start), annotations));
      return;
    }
    let declType: string | null = null;
    if (at(K.Def) || at(K.Void)) {
      declType = tokenText();
      next();
    }
    if (at(K.OpenParen) && declType === 'def') {
      parseMultipleAssignment(start, annotations, modifiers, list);
      return;
    }
    if (at(K.Identifier) && tryTypedDeclaration(start, annotations, modifiers, list)) return;
    if (!at(K.Identifier)) {
      if (declType === null && modifiers.length === 0) {
        skipGarbage(list);
        return;
      }
      addError('Identifier expected', here(), at(K.EOF) ? 0 : tokEnd - tokStart);
      list.push(withAnnotations({ type: 'ErrorStatement', message: 'Identifier expected', start, end: Math.max(start, lastEnd) }, annotations));
      return;
    }
    const name = scanner.getTokenValue();
    const nameSpan = { start: tokStart, end: tokEnd };
    next();
    if (at(K.OpenParen)) {
      list.push(withAnnotations(parseMethodRest(start, modifiers, declType, name, nameSpan), annotations));
      return;
    }
    parseDeclarators(start, annotations, modifiers, declType, name, nameSpan, list);
  }

  /**
   * `String x = ...`, `Map<K, V> m`, `java.util.List l`, `String f(a) { }`: tries a type followed by a
   * name; rewinds and returns false when the tokens are an expression instead.
   */
  function tryTypedDeclaration(start: number, annotations: Annotation[] | undefined, modifiers: string[], list: Statement[]): boolean {
    const first = scanner.getTokenValue();
    if (!isTypeLikeName(first) && text.charCodeAt(tokEnd) !== 46 && modifiers.length === 0) return false;
    const s = snapshot();
    const typeName = parseType();
    if (typeName === null || !at(K.Identifier) || nlBefore || (!typeHeadLike && modifiers.length === 0)) {
      rewind(s);
      return false;
    }
    const name = scanner.getTokenValue();
    const nameSpan = { start: tokStart, end: tokEnd };
    next();
    if (at(K.OpenParen)) {
      list.push(withAnnotations(parseMethodRest(start, modifiers, typeName, name, nameSpan), annotations));
      return true;
    }
    if (!(at(K.Assign) || at(K.Comma) || at(K.Semicolon) || at(K.EOF) || at(K.CloseBrace) || nlBefore)) {
      rewind(s);
      return false;
    }
    parseDeclarators(start, annotations, modifiers, typeName, name, nameSpan, list);
    return true;
  }

  function parseDeclarators(start: number, annotations: Annotation[] | undefined, modifiers: string[], declType: string | null, firstName: string, firstSpan: Span, list: Statement[]): void {
    let name = firstName;
    let nameSpan = firstSpan;
    let first = true;
    for (;;) {
      let init: Expression | null = null;
      if (at(K.Assign)) {
        next();
        init = parseExpressionOrCommand();
      }
      const decl: VariableDeclaration = { type: 'VarDecl', declType, modifiers, name, nameSpan, init, start: first ? start : nameSpan.start, end: lastEnd };
      list.push(first ? withAnnotations(decl, annotations) : decl);
      first = false;
      if (!at(K.Comma)) return;
      next();
      if (!at(K.Identifier)) {
        addError('Identifier expected', here(), 0);
        return;
      }
      name = scanner.getTokenValue();
      nameSpan = { start: tokStart, end: tokEnd };
      next();
    }
  }

  function parseMultipleAssignment(start: number, annotations: Annotation[] | undefined, modifiers: string[], list: Statement[]): void {
    const open = tokStart;
    next();
    const names: Array<{ name: string; span: Span; typeName: string | null }> = [];
    while (at(K.Identifier)) {
      const first = scanner.getTokenValue();
      const firstSpan = { start: tokStart, end: tokEnd };
      const t = parseType();
      if (at(K.Identifier)) {
        names.push({ name: scanner.getTokenValue(), span: { start: tokStart, end: tokEnd }, typeName: t });
        next();
      } else {
        names.push({ name: first, span: firstSpan, typeName: null });
      }
      if (!at(K.Comma)) break;
      next();
    }
    expect(K.CloseParen, "')' expected", open);
    let init: Expression | null = null;
    if (at(K.Assign)) {
      next();
      init = parseExpressionOrCommand();
    }
    names.forEach((n, i) => {
      const element = init !== null && init.type === 'List' && i < init.elements.length ? init.elements[i] : null;
      const decl: VariableDeclaration = { type: 'VarDecl', declType: n.typeName ?? 'def', modifiers, name: n.name, nameSpan: n.span, init: element, start: i === 0 ? start : n.span.start, end: lastEnd };
      list.push(i === 0 ? withAnnotations(decl, annotations) : decl);
    });
  }

  function parseMethodRest(start: number, modifiers: string[], returnType: string | null, name: string, nameSpan: Span): MethodDeclaration {
    const params = parseParameters();
    if (at(K.Throws)) {
      next();
      for (;;) {
        if (parseType() === null) break;
        if (!at(K.Comma)) break;
        next();
      }
    }
    let body: BlockStatement | null = null;
    if (at(K.OpenBrace)) body = parseBlock();
    return { type: 'MethodDecl', name, nameSpan, modifiers, returnType, params, body, start, end: lastEnd };
  }

  function parseParameters(): Parameter[] {
    const params: Parameter[] = [];
    const open = tokStart;
    const savedNl = nlSignificant;
    nlSignificant = false;
    next();
    for (;;) {
      if (at(K.CloseParen)) {
        next();
        break;
      }
      if (at(K.EOF) || at(K.OpenBrace) || at(K.CloseBrace)) {
        addError("')' expected", open, 1);
        break;
      }
      const p = parseParameter(false);
      if (p === null) {
        addError('Parameter expected', here(), tokEnd - tokStart);
        next();
        continue;
      }
      params.push(p);
      if (at(K.Comma)) next();
      else if (!at(K.CloseParen)) addError("',' expected", here(), 0);
    }
    nlSignificant = savedNl;
    return params;
  }

  /** `[final] [Type] name [= default]`; null when the tokens are not a parameter. */
  function parseParameter(speculative: boolean): Parameter | null {
    const start = tokStart;
    if (at(K.At)) parseAnnotations();
    while (at(K.Final) || at(K.Def)) next();
    if (!at(K.Identifier)) return null;
    const first = scanner.getTokenValue();
    const firstStart = tokStart;
    const t = parseType();
    if (t === null) return null;
    if (at(K.Ellipsis)) next();
    let name: string;
    let typeName: string | null = null;
    if (at(K.Identifier)) {
      typeName = t;
      name = scanner.getTokenValue();
      next();
    } else if (t === first && lastEnd === firstStart + first.length) {
      name = first;
    } else {
      return null;
    }
    let defaultValue: Expression | null = null;
    if (at(K.Assign)) {
      next();
      if (speculative) {
        // Closure parameters are a guess: keep the guess cheap (one-token defaults) so it stays linear.
        if (!(at(K.Identifier) || at(K.Number) || at(K.String) || at(K.True) || at(K.False) || at(K.Null))) return null;
        defaultValue = parsePrimary();
      } else {
        defaultValue = parseExpression();
      }
    }
    return { type: 'Parameter', name, typeName, defaultValue, start, end: lastEnd };
  }

  // ---- Types -------------------------------------------------------------------------------------

  /** Whether the last segment of the type parseType just read looks like a type (`List`, `int`). */
  let typeHeadLike = false;

  /** `a.b.C<D, ? extends E>[]`; returns its source text, or null (without errors) when it is not one. */
  function parseType(): string | null {
    if (!at(K.Identifier)) return null;
    const start = tokStart;
    let segment = scanner.getTokenValue();
    next();
    while (at(K.Dot)) {
      next();
      if (!at(K.Identifier)) return null;
      segment = scanner.getTokenValue();
      next();
    }
    const headLike = isTypeLikeName(segment);
    if (at(K.Lt) && !parseTypeArguments()) return null;
    while (at(K.OpenBracket)) {
      next();
      if (!at(K.CloseBracket)) return null;
      next();
    }
    typeHeadLike = headLike;
    return text.slice(start, lastEnd);
  }

  function parseTypeArguments(): boolean {
    if (depth >= MAX_DEPTH) return false;
    depth++;
    next();
    let ok = at(K.Gt); // diamond `<>`
    if (ok) next();
    while (!ok) {
      if (at(K.Question)) {
        next();
        if (at(K.Extends) || at(K.Super)) {
          next();
          if (parseType() === null) break;
        }
      } else if (parseType() === null) {
        break;
      }
      if (at(K.Comma)) {
        next();
        continue;
      }
      if (at(K.Gt)) {
        next();
        ok = true;
      }
      break;
    }
    depth--;
    return ok;
  }

  // ---- Expressions -------------------------------------------------------------------------------

  /** Statement-level expression: also a command call `sh 'x'`, incl. on the right of `=`. */
  function parseExpressionOrCommand(): Expression {
    if (depth >= MAX_DEPTH) return tooDeep();
    depth++;
    let expr = parseTernary();
    if (!nlBefore && canStartCommandArgument(tok) && (expr.type === 'Identifier' || expr.type === 'Property')) {
      expr = parseCommandCall(expr);
    } else if (isAssignmentOperator(tok)) {
      const operator = tokenText();
      next();
      const value = parseExpressionOrCommand();
      expr = { type: 'Assign', operator, target: expr, value, start: expr.start, end: lastEnd };
    }
    depth--;
    return expr;
  }

  function parseCommandCall(callee: Expression): Expression {
    const args: Argument[] = [];
    for (;;) {
      args.push(parseArgument());
      if (!at(K.Comma)) break;
      next();
      if (!canStartExpression(tok) && !isKeyword(tok)) {
        addError('Argument expected', here(), 0);
        break;
      }
    }
    let call: Expression = { type: 'Call', callee, args, closures: [], parenthesized: false, start: callee.start, end: lastEnd };
    // Command chains: `a b c d` is `a(b).c(d)`.
    while (at(K.Identifier) && !nlBefore) {
      const property = scanner.getTokenValue();
      const propertySpan = { start: tokStart, end: tokEnd };
      next();
      const target: PropertyAccess = { type: 'Property', object: call, property, propertySpan, safe: false, spread: false, start: call.start, end: lastEnd };
      if (!nlBefore && canStartCommandArgument(tok)) {
        const chainArgs: Argument[] = [];
        for (;;) {
          chainArgs.push(parseArgument());
          if (!at(K.Comma)) break;
          next();
        }
        call = { type: 'Call', callee: target, args: chainArgs, closures: [], parenthesized: false, start: call.start, end: lastEnd };
      } else {
        call = parsePostfix(target);
      }
    }
    return call;
  }

  function parseExpression(): Expression {
    if (depth >= MAX_DEPTH) return tooDeep();
    depth++;
    let expr = parseTernary();
    if (isAssignmentOperator(tok) && !(nlBefore && nlSignificant)) {
      const operator = tokenText();
      next();
      const value = parseExpression();
      expr = { type: 'Assign', operator, target: expr, value, start: expr.start, end: lastEnd };
    }
    depth--;
    return expr;
  }

  function parseTernary(): Expression {
    const test = parseBinary(0);
    if (test.type === 'Error' && test.start === test.end) return test;
    if (at(K.Question)) {
      next();
      const consequent = parseExpression();
      let alternate: Expression;
      if (at(K.Colon)) {
        next();
        alternate = parseExpression();
      } else {
        alternate = errorNode("':' expected");
      }
      return { type: 'Ternary', test, consequent, alternate, start: test.start, end: Math.max(test.end, lastEnd) };
    }
    if (at(K.Elvis)) {
      next();
      const alternate = parseExpression();
      return { type: 'Ternary', test, consequent: null, alternate, start: test.start, end: Math.max(test.end, lastEnd) };
    }
    return test;
  }

  function parseBinary(minPrecedence: number): Expression {
    let left = parseUnary();
    if (left.type === 'Error' && left.start === left.end) return left; // nothing there: do not glue operators to it
    for (;;) {
      if (at(K.Gt)) {
        tok = scanner.reScanGreater();
        tokEnd = scanner.getTokenEnd();
      }
      const precedence = binaryPrecedence(tok);
      if (precedence <= minPrecedence) return left;
      // A newline ends the expression, except before `&&` / `||` (Groovy allows those to lead a line).
      if (nlBefore && nlSignificant && !at(K.AmpAmp) && !at(K.BarBar)) return left;
      const op = tok;
      const operator = tokenText();
      next();
      if (op === K.As) {
        const typeName = parseType();
        if (typeName === null) addError('Type expected', here(), 0);
        left = { type: 'Cast', expression: left, typeName: typeName ?? '', start: left.start, end: Math.max(left.end, lastEnd) };
        continue;
      }
      if (op === K.Instanceof || op === K.NotInstanceof) {
        const typeStart = here();
        const typeName = parseType();
        const right: Expression = typeName === null ? errorNode('Type expected') : { type: 'Identifier', name: typeName, start: typeStart, end: lastEnd };
        left = { type: 'Binary', operator, left, right, start: left.start, end: Math.max(left.end, right.end) };
        continue;
      }
      const right = parseBinary(precedence);
      left = { type: 'Binary', operator, left, right, start: left.start, end: Math.max(left.end, right.end) };
    }
  }

  function parseUnary(): Expression {
    switch (tok) {
      case K.Bang:
      case K.Tilde:
      case K.Minus:
      case K.Plus:
      case K.PlusPlus:
      case K.MinusMinus:
      case K.Star: {
        if (depth >= MAX_DEPTH) return tooDeep();
        depth++;
        const start = tokStart;
        const operator = tokenText();
        next();
        const argument = parseUnary();
        depth--;
        return { type: 'Unary', operator, argument, prefix: true, start, end: Math.max(argument.end, lastEnd) };
      }
      case K.OpenParen: {
        const cast = tryCast();
        if (cast !== null) return cast;
        break;
      }
    }
    return parsePower();
  }

  function tryCast(): Expression | null {
    // Cheap filter before speculating: `(` then a type-like word.
    let p = tokEnd;
    while (text.charCodeAt(p) === 32) p++;
    const c = text.charCodeAt(p);
    if (!((c >= 65 && c <= 90) || c === 98 || c === 99 || c === 100 || c === 102 || c === 105 || c === 108 || c === 115)) return null;
    const s = snapshot();
    const start = tokStart;
    next();
    const typeName = parseType();
    if (typeName !== null && typeHeadLike && at(K.CloseParen)) {
      next();
      if (!nlBefore && (at(K.Identifier) || at(K.Number) || at(K.String) || at(K.StringHead) || at(K.OpenParen) || at(K.OpenBracket) || at(K.True) || at(K.False) || at(K.Null) || at(K.This) || at(K.New) || at(K.Bang) || at(K.Tilde))) {
        if (depth >= MAX_DEPTH) return tooDeep();
        depth++;
        const expression = parseUnary();
        depth--;
        return { type: 'Cast', expression, typeName, start, end: Math.max(expression.end, lastEnd) };
      }
    }
    rewind(s);
    return null;
  }

  function parsePower(): Expression {
    const primary = parsePrimary();
    if (primary.type === 'Error') return primary;
    const base = parsePostfix(primary);
    if (at(K.Power) && !(nlBefore && nlSignificant)) {
      if (depth >= MAX_DEPTH) return tooDeep();
      depth++;
      next();
      const right = parseUnary();
      depth--;
      return { type: 'Binary', operator: '**', left: base, right, start: base.start, end: Math.max(base.end, right.end) };
    }
    return base;
  }

  function parsePrimary(): Expression {
    const start = tokStart;
    switch (tok) {
      case K.Identifier: {
        const name = scanner.getTokenValue();
        next();
        return { type: 'Identifier', name, start, end: lastEnd };
      }
      case K.Number: {
        const raw = scanner.getTokenValue();
        next();
        return { type: 'Number', value: numberValue(raw), raw, start, end: lastEnd };
      }
      case K.String:
      case K.StringHead:
        return parseStringLiteral();
      case K.Slash:
      case K.SlashAssign:
        tok = scanner.reScanSlashy();
        tokEnd = scanner.getTokenEnd();
        return parseStringLiteral();
      case K.True:
      case K.False: {
        const value = at(K.True);
        next();
        return { type: 'Boolean', value, start, end: lastEnd };
      }
      case K.Null:
        next();
        return { type: 'Null', start, end: lastEnd };
      case K.This:
      case K.Super: {
        const name = tokenText();
        next();
        return { type: 'Identifier', name, start, end: lastEnd };
      }
      case K.OpenParen:
        return parseParenthesized();
      case K.OpenBracket:
        return parseListOrMap();
      case K.OpenBrace:
        return parseClosure();
      case K.New:
        return parseNew();
      default:
        return errorNode('Expression expected');
    }
  }

  function parseParenthesized(): Expression {
    const start = tokStart;
    const savedNl = nlSignificant;
    nlSignificant = false;
    next();
    const expression = at(K.CloseParen) ? errorNode('Expression expected') : parseExpression();
    nlSignificant = savedNl;
    expect(K.CloseParen, "')' expected", start);
    return { type: 'Paren', expression, start, end: lastEnd };
  }

  function parsePostfix(expr: Expression): Expression {
    for (;;) {
      switch (tok) {
        case K.Dot:
        case K.SafeDot:
        case K.SpreadDot:
        case K.MethodPointer:
        case K.FieldAccess:
        case K.ColonColon: {
          // Method chains may continue on the next line with a leading `.`.
          const op = tok;
          next();
          let property = '';
          let propertySpan: Span;
          if (at(K.Identifier) || isKeyword(tok)) {
            property = at(K.Identifier) ? scanner.getTokenValue() : tokenText();
            propertySpan = { start: tokStart, end: tokEnd };
            next();
          } else if (at(K.String) || at(K.StringHead)) {
            const str = parseStringLiteral();
            property = str.value;
            propertySpan = { start: str.start, end: str.end };
          } else {
            addError('Identifier expected', here(), 0);
            propertySpan = { start: lastEnd, end: lastEnd };
          }
          expr = { type: 'Property', object: expr, property, propertySpan, safe: op === K.SafeDot, spread: op === K.SpreadDot, start: expr.start, end: Math.max(expr.end, lastEnd) };
          continue;
        }
        case K.OpenParen: {
          if (nlBefore && nlSignificant) return expr;
          const args = parseParenArgs();
          const call: CallExpression = { type: 'Call', callee: expr, args, closures: [], parenthesized: true, start: expr.start, end: lastEnd };
          // `withAWS(...)` followed by `{` on the next line still takes the closure.
          if (at(K.OpenBrace)) parseTrailingClosures(call, true);
          expr = call;
          continue;
        }
        case K.OpenBrace: {
          if (nlBefore && nlSignificant) return expr;
          if (expr.type !== 'Identifier' && expr.type !== 'Property') return expr;
          const call: CallExpression = { type: 'Call', callee: expr, args: [], closures: [], parenthesized: false, start: expr.start, end: expr.end };
          parseTrailingClosures(call, false);
          expr = call;
          continue;
        }
        case K.OpenBracket:
          if (nlBefore && nlSignificant) return expr;
          expr = parseIndex(expr, false);
          continue;
        case K.Question:
          // `?[` safe index (the `[` must follow immediately).
          if (text.charCodeAt(tokEnd) !== 91 || (nlBefore && nlSignificant)) return expr;
          next();
          expr = parseIndex(expr, true);
          continue;
        case K.PlusPlus:
        case K.MinusMinus: {
          if (nlBefore) return expr;
          const operator = tokenText();
          next();
          expr = { type: 'Unary', operator, argument: expr, prefix: false, start: expr.start, end: lastEnd };
          continue;
        }
        default:
          return expr;
      }
    }
  }

  function parseTrailingClosures(call: CallExpression, allowNewline: boolean): void {
    while (at(K.OpenBrace) && (allowNewline || !nlBefore || !nlSignificant)) {
      call.closures.push(parseClosure());
      call.end = lastEnd;
      allowNewline = false;
    }
  }

  function parseIndex(object: Expression, safe: boolean): Expression {
    const open = tokStart;
    const savedNl = nlSignificant;
    nlSignificant = false;
    next();
    let index: Expression;
    if (at(K.CloseBracket)) {
      index = errorNode('Expression expected');
    } else {
      index = parseExpression();
      if (at(K.Comma)) {
        // `a[1, 2]`: several indices, modelled as a list.
        const elements = [index];
        while (at(K.Comma)) {
          next();
          elements.push(parseExpression());
        }
        index = { type: 'List', elements, start: index.start, end: lastEnd };
      }
    }
    nlSignificant = savedNl;
    expect(K.CloseBracket, "']' expected", open);
    return { type: 'Index', object, index, safe, start: object.start, end: Math.max(object.end, lastEnd) };
  }

  function parseParenArgs(): Argument[] {
    const open = tokStart;
    const savedNl = nlSignificant;
    nlSignificant = false;
    next();
    const args: Argument[] = [];
    for (;;) {
      if (at(K.CloseParen)) {
        next();
        break;
      }
      if (at(K.EOF) || at(K.CloseBrace) || at(K.Semicolon)) {
        addError("')' expected", open, 1);
        break;
      }
      if (at(K.CloseBracket) || at(K.Comma)) {
        addError(`Unexpected ${describe()}`, tokStart, tokEnd - tokStart);
        next();
        continue;
      }
      const before = tokStart;
      const arg = parseArgument();
      if (arg.type !== 'Error' || arg.end > arg.start) args.push(arg);
      if (at(K.Comma)) {
        next();
        continue;
      }
      if (at(K.CloseParen)) {
        next();
        break;
      }
      if (tokStart === before) {
        addError(`Unexpected ${describe()}`, tokStart, tokEnd - tokStart);
        if (!at(K.EOF) && !at(K.CloseBrace) && !at(K.Semicolon)) next();
        continue;
      }
      if (canStartExpression(tok)) {
        addError("',' expected", here(), 0);
        continue;
      }
      if (!at(K.EOF) && !at(K.CloseBrace) && !at(K.Semicolon) && !at(K.CloseBracket)) {
        addError(`Unexpected ${describe()}`, tokStart, tokEnd - tokStart);
        next();
      }
    }
    nlSignificant = savedNl;
    return args;
  }

  function keyName(e: Expression): string | null {
    switch (e.type) {
      case 'Identifier':
        return e.name;
      case 'String':
        return e.interpolated ? null : e.value;
      case 'Number':
        return e.raw;
      case 'Boolean':
        return e.value ? 'true' : 'false';
      case 'Null':
        return 'null';
      default:
        return null;
    }
  }

  /** A keyword used as a key (`default: x`, `class: Foo`): its token is followed by `:`. */
  function keywordKey(): Expression | null {
    if (!isKeyword(tok) || at(K.True) || at(K.False) || at(K.Null) || at(K.This) || at(K.New) || at(K.Super)) return null;
    if (peek() !== K.Colon) return null;
    const node: Expression = { type: 'Identifier', name: tokenText(), start: tokStart, end: tokEnd };
    next();
    return node;
  }

  /** A positional argument or `name: value`. */
  function parseArgument(): Argument {
    const key = keywordKey() ?? parseExpression();
    if (!at(K.Colon)) return key;
    next();
    const value = parseExpression();
    const name = keyName(key) ?? text.slice(key.start, key.end);
    return { type: 'NamedArg', name, nameSpan: { start: key.start, end: key.end }, value, start: key.start, end: Math.max(key.end, value.end, lastEnd) };
  }

  function parseListOrMap(): Expression {
    const start = tokStart;
    const savedNl = nlSignificant;
    nlSignificant = false;
    next();
    if (at(K.Colon)) {
      next();
      nlSignificant = savedNl;
      expect(K.CloseBracket, "']' expected", start);
      return { type: 'Map', entries: [], start, end: lastEnd };
    }
    const elements: Expression[] = [];
    const entries: MapEntry[] = [];
    let isMap: boolean | null = null;
    for (;;) {
      if (at(K.CloseBracket)) {
        next();
        break;
      }
      if (at(K.EOF) || at(K.CloseBrace) || at(K.CloseParen) || at(K.Semicolon)) {
        addError("']' expected", start, 1);
        break;
      }
      if (at(K.Comma)) {
        addError("Unexpected ','", tokStart, 1);
        next();
        continue;
      }
      const before = tokStart;
      // `*:` spread of a map into a map: modelled as an entry with key `*`.
      let key: Expression;
      if (at(K.Star) && text.charCodeAt(tokEnd) === 58) {
        key = { type: 'Identifier', name: '*', start: tokStart, end: tokEnd };
        next();
      } else {
        key = keywordKey() ?? parseExpression();
      }
      if (at(K.Colon)) {
        next();
        const value = parseExpression();
        if (isMap === null) isMap = true;
        if (isMap) entries.push({ type: 'MapEntry', key, keyName: keyName(key), value, start: key.start, end: Math.max(key.end, value.end, lastEnd) });
        else addError("Unexpected ':' in a list", key.end, 1);
      } else {
        if (isMap === null && !(key.type === 'Error' && key.end === key.start)) isMap = false;
        if (isMap === false) elements.push(key);
        else addError("':' expected", here(), 0);
      }
      if (at(K.Comma)) {
        next();
        continue;
      }
      if (at(K.CloseBracket)) {
        next();
        break;
      }
      if (tokStart === before) {
        addError(`Unexpected ${describe()}`, tokStart, tokEnd - tokStart);
        if (!at(K.EOF) && !at(K.CloseBrace) && !at(K.CloseParen) && !at(K.Semicolon)) next();
        continue;
      }
      if (canStartExpression(tok)) {
        addError("',' expected", here(), 0);
        continue;
      }
      if (!at(K.EOF) && !at(K.CloseBrace) && !at(K.CloseParen) && !at(K.Semicolon)) {
        addError(`Unexpected ${describe()}`, tokStart, tokEnd - tokStart);
        next();
      }
    }
    nlSignificant = savedNl;
    if (isMap) return { type: 'Map', entries, start, end: lastEnd };
    return { type: 'List', elements, start, end: lastEnd };
  }

  function parseClosure(): Closure {
    const start = tokStart;
    const owner = stmtStart;
    next();
    let params: Parameter[] = [];
    if (at(K.Arrow)) {
      next();
    } else if ((at(K.Identifier) || at(K.Final) || at(K.Def) || at(K.At)) && mayHaveArrow(tokStart)) {
      const s = snapshot();
      const guessed = tryClosureParameters();
      if (guessed !== null) params = guessed;
      else rewind(s);
    }
    const body = parseBlockBody(start, owner, null);
    const node: Closure = { type: 'Closure', params, body, start, end: lastEnd };
    if (hooks?.onBlock !== undefined) hooks.onBlock(node, owner, depth, nlSignificant, lineLimited, lastUnclosed !== start);
    return node;
  }

  /**
   * Cheap character-level filter before guessing closure parameters: is there a `->` before the first
   * brace, or before the end of a line that does not end with a comma?
   */
  function mayHaveArrow(p: number): boolean {
    let lastSignificant = 0;
    for (const limit = Math.min(text.length, p + 400); p < limit; p++) {
      const c = text.charCodeAt(p);
      if (c === 45 && text.charCodeAt(p + 1) === 62) return true;
      if (c === 123 || c === 125) return false;
      if (c === 10 || c === 13) {
        if (lastSignificant !== 44) return false;
      } else if (c !== 32 && c !== 9) {
        lastSignificant = c;
      }
    }
    return false;
  }

  function tryClosureParameters(): Parameter[] | null {
    const params: Parameter[] = [];
    for (;;) {
      const p = parseParameter(true);
      if (p === null) return null;
      params.push(p);
      if (at(K.Comma)) {
        next();
        continue;
      }
      if (at(K.Arrow)) {
        next();
        return params;
      }
      return null;
    }
  }

  function parseNew(): Expression {
    const start = tokStart;
    next();
    const typeName = parseType();
    if (typeName === null) addError('Type expected', here(), 0);
    let args: Argument[] = [];
    const closures: Closure[] = [];
    // `new int[5]`: dimensions are kept as arguments.
    while (at(K.OpenBracket) && !nlBefore) {
      const open = tokStart;
      next();
      if (!at(K.CloseBracket)) args.push(parseExpression());
      expect(K.CloseBracket, "']' expected", open);
    }
    if (at(K.OpenParen) && !(nlBefore && nlSignificant)) args = args.concat(parseParenArgs());
    if (at(K.OpenBrace) && !nlBefore) {
      // Anonymous class body (or array initialiser): kept as a closure of member statements.
      const open = tokStart;
      const owner = stmtStart;
      next();
      const body = parseBlockBody(open, owner, typeName);
      closures.push({ type: 'Closure', params: [], body, start: open, end: lastEnd });
    }
    return { type: 'New', typeName: typeName ?? '', args, closures, start, end: lastEnd };
  }

  function textPart(): TextPart {
    const part: TextPart = { type: 'Text', value: scanner.getTokenValue(), start: scanner.getTextStart(), end: scanner.getTextEnd() };
    const offsets = scanner.getTextOffsets();
    if (offsets !== undefined) part.offsets = offsets;
    return part;
  }

  function parseStringLiteral(): StringLiteral {
    const start = tokStart;
    const quote = scanner.getQuote();
    if (at(K.String)) {
      const part = textPart();
      if (scanner.getStringStop() === StringStop.Unterminated) addError('Unterminated string', start, tokEnd - start);
      next();
      return { type: 'String', quote: quoteKinds[quote], parts: [part], interpolated: false, value: part.value, start, end: lastEnd };
    }
    const parts: StringPart[] = [];
    let value = '';
    let end: number;
    for (;;) {
      const tStart = scanner.getTextStart();
      const tEnd = scanner.getTextEnd();
      if (tEnd > tStart) {
        const part = textPart();
        parts.push(part);
        value += part.value;
      }
      if (at(K.StringTail) || at(K.String)) {
        if (scanner.getStringStop() === StringStop.Unterminated) addError('Unterminated string', start, tokEnd - start);
        next();
        end = lastEnd;
        break;
      }
      const dollar = tEnd;
      if (scanner.getStringStop() === StringStop.DollarIdent) {
        // `$name.prop.sub`
        let e = scanner.identifierEnd(dollar + 1);
        let expression: Expression = { type: 'Identifier', name: text.slice(dollar + 1, e), start: dollar + 1, end: e };
        while (text.charCodeAt(e) === 46) {
          const e2 = scanner.identifierEnd(e + 1);
          if (e2 === e + 1) break;
          expression = { type: 'Property', object: expression, property: text.slice(e + 1, e2), propertySpan: { start: e + 1, end: e2 }, safe: false, spread: false, start: dollar + 1, end: e2 };
          e = e2;
        }
        parts.push({ type: 'Interpolation', expression, braced: false, start: dollar, end: e });
        value += text.slice(dollar, e);
        resumeString(quote, e);
        continue;
      }
      // `${ ... }`
      const savedNl = nlSignificant;
      const savedLimited = lineLimited;
      nlSignificant = false;
      if (quote === Quote.Double) lineLimited = true;
      scanFrom(dollar + 2);
      let expression: Expression | null = null;
      if (!at(K.CloseBrace) && !at(K.EOF)) {
        if (at(K.Arrow)) {
          // `${-> expr}`: a lazily evaluated closure.
          const arrow = tokStart;
          next();
          const body: Statement[] = [];
          if (!at(K.CloseBrace) && !at(K.EOF)) {
            const e = parseExpression();
            body.push({ type: 'ExpressionStatement', expression: e, start: e.start, end: e.end });
          }
          expression = { type: 'Closure', params: [], body, start: arrow, end: lastEnd };
        } else {
          expression = parseExpression();
        }
        if (!at(K.CloseBrace)) {
          addError("'}' expected", here(), 0);
          while (!at(K.CloseBrace) && !at(K.EOF)) {
            skipRegion();
            if (at(K.CloseParen) || at(K.CloseBracket)) next();
          }
        }
      }
      lineLimited = savedLimited;
      nlSignificant = savedNl;
      if (at(K.CloseBrace)) {
        const close = tokEnd;
        parts.push({ type: 'Interpolation', expression, braced: true, start: dollar, end: close });
        value += text.slice(dollar, close);
        resumeString(quote, close);
        continue;
      }
      // End of text, or end of line inside a single-line string: the string is unterminated.
      if (!lineLimited && pending !== -1) {
        tok = pending;
        pending = -1;
      }
      end = Math.max(dollar + 2, lastEnd);
      addError('Unterminated string', start, end - start);
      parts.push({ type: 'Interpolation', expression, braced: true, start: dollar, end });
      value += text.slice(dollar, end);
      lastEnd = end;
      break;
    }
    return { type: 'String', quote: quoteKinds[quote], parts, interpolated: true, value, start, end };
  }

  const region = hooks?.region;
  if (region !== undefined) {
    if (region.previousError !== null) errors.push(region.previousError);
    depth = region.depth;
    nlSignificant = region.nlSignificant;
    stmtStart = region.owner;
    scanFrom(region.open);
    const node = at(K.OpenBrace) ? (region.closure ? parseClosure() : parseBlock()) : null;
    if (region.previousError !== null) {
      errors.shift();
      hooks!.errorCursors?.shift();
    }
    const program: Program = { type: 'Program', body: [], start: 0, end: text.length };
    return { program, errors, node, end: lastEnd, closed: node !== null && lastUnclosed !== region.open };
  }
  if (hooks !== undefined) return { program: parseProgram(), errors, node: null, end: text.length, closed: true };
  return { program: parseProgram(), errors };
}
