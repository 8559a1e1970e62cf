// Expressions (acorn-loose's expression.js): precedence climbing, postfix chains (calls, properties,
// indices, trailing closures), command calls without parentheses, lists/maps, closures, `new`, types.

import type { Argument, CallExpression, Closure, Expression, MapEntry, Parameter, PropertyAccess, Span } from './ast';
import { SyntaxKind as K, isKeyword } from './scanner';
import { MAX_DEPTH, canStartExpression } from './state';
import { StringParser } from './strings';

const primitiveTypes = new Set(['boolean', 'byte', 'char', 'short', 'int', 'long', 'float', 'double', 'void']);

/** `String`, `List`, `int`: names that read as a type at the start of a declaration. */
export function isTypeLikeName(name: string): boolean {
  const c = name.charCodeAt(0);
  if (c >= 65 && c <= 90) return true;
  // Only primitive type names start with these letters and are short; skip the set lookup otherwise.
  return (
    name.length <= 7 &&
    (c === 98 || c === 99 || c === 100 || c === 102 || c === 105 || c === 108 || c === 115 || c === 118) &&
    primitiveTypes.has(name)
  );
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

/** The key as text when it is a bare identifier, a plain string, a number or a literal; else null. */
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

export abstract class ExpressionParser extends StringParser {
  /** `a.b.C<D, ? extends E>[]`; returns its source text, or null (without errors) when it is not one. */
  parseType(dimensions = true): string | null {
    if (!this.at(K.Identifier)) return null;
    const start = this.tokStart;
    let segment = this.scanner.getTokenValue();
    this.next();
    while (this.at(K.Dot)) {
      this.next();
      if (!this.at(K.Identifier)) return null;
      segment = this.scanner.getTokenValue();
      this.next();
    }
    const headLike = isTypeLikeName(segment);
    if (this.at(K.Lt) && !this.parseTypeArguments()) return null;
    // `[]` after a type is on its line: where a newline ends a statement, `x as int` then `[a: 1]` on the
    // next line is a cast followed by a map (Groovy's declaratorBrackets take no newline before `[`).
    while (dimensions && this.at(K.OpenBracket) && !(this.nlBefore && this.nlSignificant)) {
      this.next();
      if (!this.at(K.CloseBracket)) return null;
      this.next();
    }
    this.typeHeadLike = headLike;
    return this.text.slice(start, this.lastEnd);
  }

  parseTypeArguments(): boolean {
    if (this.depth >= MAX_DEPTH) return false;
    this.depth++;
    this.next();
    let ok = this.at(K.Gt); // diamond `<>`
    if (ok) this.next();
    while (!ok) {
      if (this.at(K.Question)) {
        this.next();
        if (this.at(K.Extends) || this.at(K.Super)) {
          this.next();
          if (this.parseType() === null) break;
        }
      } else if (this.parseType() === null) {
        break;
      }
      if (this.at(K.Comma)) {
        this.next();
        continue;
      }
      if (this.at(K.Gt)) {
        this.next();
        ok = true;
      }
      break;
    }
    this.depth--;
    return ok;
  }

  /** Statement-level expression: also a command call `sh 'x'`, incl. on the right of `=`. */
  parseExpressionOrCommand(): Expression {
    if (this.depth >= MAX_DEPTH) return this.tooDeep();
    this.depth++;
    let expr = this.parseTernary();
    if (
      !this.nlBefore &&
      canStartCommandArgument(this.tok) &&
      (expr.type === 'Identifier' || expr.type === 'Property')
    ) {
      expr = this.parseCommandCall(expr);
    } else if (expr.type === 'Call' && expr.parenthesized && this.at(K.Identifier) && !this.nlBefore) {
      expr = this.parseCommandChain(expr);
    } else if (isAssignmentOperator(this.tok)) {
      const operator = this.tokenText();
      this.next();
      const value = this.parseExpressionOrCommand();
      expr = { type: 'Assign', operator, target: expr, value, start: expr.start, end: this.lastEnd };
    }
    this.depth--;
    return expr;
  }

  parseCommandCall(callee: Expression): Expression {
    const args: Argument[] = [];
    for (;;) {
      args.push(this.parseArgument());
      if (!this.at(K.Comma)) break;
      this.next();
      if (!canStartExpression(this.tok) && !isKeyword(this.tok)) {
        this.addError('Argument expected', this.here(), 0);
        break;
      }
    }
    const call: Expression = {
      type: 'Call',
      callee,
      args,
      closures: [],
      parenthesized: false,
      start: callee.start,
      end: this.lastEnd,
    };
    return this.parseCommandChain(call);
  }

  /**
   * Command chains: `a b c d` is `a(b).c(d)`; after a call with parentheses too, as Groovy reads
   * `a(b) c(d)` as `a(b).c(d)` and `or (x) or (y) { }` as `or(x).or(y, { })`.
   */
  parseCommandChain(head: Expression): Expression {
    let call = head;
    while (this.at(K.Identifier) && !this.nlBefore) {
      const property = this.scanner.getTokenValue();
      const propertySpan = { start: this.tokStart, end: this.tokEnd };
      this.next();
      const target: PropertyAccess = {
        type: 'Property',
        object: call,
        property,
        propertySpan,
        safe: false,
        spread: false,
        start: call.start,
        end: this.lastEnd,
      };
      if (!this.nlBefore && canStartCommandArgument(this.tok)) {
        const chainArgs: Argument[] = [];
        for (;;) {
          chainArgs.push(this.parseArgument());
          if (!this.at(K.Comma)) break;
          this.next();
        }
        call = {
          type: 'Call',
          callee: target,
          args: chainArgs,
          closures: [],
          parenthesized: false,
          start: call.start,
          end: this.lastEnd,
        };
      } else {
        call = this.parsePostfix(target);
      }
    }
    return call;
  }

  parseExpression(): Expression {
    if (this.depth >= MAX_DEPTH) return this.tooDeep();
    this.depth++;
    let expr = this.parseTernary();
    if (isAssignmentOperator(this.tok) && !(this.nlBefore && this.nlSignificant)) {
      const operator = this.tokenText();
      this.next();
      const value = this.parseExpression();
      expr = { type: 'Assign', operator, target: expr, value, start: expr.start, end: this.lastEnd };
    }
    this.depth--;
    return expr;
  }

  parseTernary(): Expression {
    const test = this.parseBinary(0);
    if (test.type === 'Error' && test.start === test.end) return test;
    if (this.at(K.Question)) {
      this.next();
      const consequent = this.parseExpression();
      let alternate: Expression;
      if (this.at(K.Colon)) {
        this.next();
        alternate = this.parseExpression();
      } else {
        alternate = this.errorNode("':' expected");
      }
      return { type: 'Ternary', test, consequent, alternate, start: test.start, end: Math.max(test.end, this.lastEnd) };
    }
    if (this.at(K.Elvis)) {
      this.next();
      const alternate = this.parseExpression();
      return {
        type: 'Ternary',
        test,
        consequent: null,
        alternate,
        start: test.start,
        end: Math.max(test.end, this.lastEnd),
      };
    }
    return test;
  }

  parseBinary(minPrecedence: number): Expression {
    let left = this.parseUnary();
    if (left.type === 'Error' && left.start === left.end) return left; // nothing there: do not glue operators to it
    for (;;) {
      if (this.at(K.Gt)) {
        this.tok = this.scanner.reScanGreater();
        this.tokEnd = this.scanner.getTokenEnd();
      }
      const precedence = binaryPrecedence(this.tok);
      if (precedence <= minPrecedence) return left;
      // A newline ends the expression, except before `&&` / `||` (Groovy allows those to lead a line).
      if (this.nlBefore && this.nlSignificant && !this.at(K.AmpAmp) && !this.at(K.BarBar)) return left;
      const op = this.tok;
      const operator = this.tokenText();
      this.next();
      if (op === K.As) {
        const typeName = this.parseType();
        if (typeName === null) this.addError('Type expected', this.here(), 0);
        left = {
          type: 'Cast',
          expression: left,
          typeName: typeName ?? '',
          start: left.start,
          end: Math.max(left.end, this.lastEnd),
        };
        continue;
      }
      if (op === K.Instanceof || op === K.NotInstanceof) {
        const typeStart = this.here();
        const typeName = this.parseType();
        const right: Expression =
          typeName === null
            ? this.errorNode('Type expected')
            : { type: 'Identifier', name: typeName, start: typeStart, end: this.lastEnd };
        left = { type: 'Binary', operator, left, right, start: left.start, end: Math.max(left.end, right.end) };
        continue;
      }
      const right = this.parseBinary(precedence);
      left = { type: 'Binary', operator, left, right, start: left.start, end: Math.max(left.end, right.end) };
    }
  }

  parseUnary(): Expression {
    switch (this.tok) {
      case K.Bang:
      case K.Tilde:
      case K.Minus:
      case K.Plus:
      case K.PlusPlus:
      case K.MinusMinus:
      case K.Star: {
        if (this.depth >= MAX_DEPTH) return this.tooDeep();
        this.depth++;
        const start = this.tokStart;
        const operator = this.tokenText();
        this.next();
        const argument = this.parseUnary();
        this.depth--;
        return { type: 'Unary', operator, argument, prefix: true, start, end: Math.max(argument.end, this.lastEnd) };
      }
      case K.OpenParen: {
        const cast = this.tryCast();
        if (cast !== null) return cast;
        break;
      }
    }
    return this.parsePower();
  }

  tryCast(): Expression | null {
    // Cheap filter before speculating: `(` then a type-like word.
    let p = this.tokEnd;
    while (this.text.charCodeAt(p) === 32) p++;
    const c = this.text.charCodeAt(p);
    if (!(
      (c >= 65 && c <= 90) ||
      c === 98 ||
      c === 99 ||
      c === 100 ||
      c === 102 ||
      c === 105 ||
      c === 108 ||
      c === 115
    ))
      return null;
    const s = this.snapshot();
    const start = this.tokStart;
    this.next();
    const typeName = this.parseType();
    if (typeName !== null && this.typeHeadLike && this.at(K.CloseParen)) {
      this.next();
      if (
        !this.nlBefore &&
        (this.at(K.Identifier) ||
          this.at(K.Number) ||
          this.at(K.String) ||
          this.at(K.StringHead) ||
          this.at(K.OpenParen) ||
          this.at(K.OpenBracket) ||
          this.at(K.True) ||
          this.at(K.False) ||
          this.at(K.Null) ||
          this.at(K.This) ||
          this.at(K.Super) ||
          this.at(K.New) ||
          this.at(K.Bang) ||
          this.at(K.Tilde))
      ) {
        if (this.depth >= MAX_DEPTH) return this.tooDeep();
        this.depth++;
        const expression = this.parseUnary();
        this.depth--;
        return { type: 'Cast', expression, typeName, start, end: Math.max(expression.end, this.lastEnd) };
      }
    }
    this.rewind(s);
    return null;
  }

  parsePower(): Expression {
    const primary = this.parsePrimary();
    if (primary.type === 'Error') return primary;
    const base = this.parsePostfix(primary);
    if (this.at(K.Power) && !(this.nlBefore && this.nlSignificant)) {
      if (this.depth >= MAX_DEPTH) return this.tooDeep();
      this.depth++;
      this.next();
      const right = this.parseUnary();
      this.depth--;
      return {
        type: 'Binary',
        operator: '**',
        left: base,
        right,
        start: base.start,
        end: Math.max(base.end, right.end),
      };
    }
    return base;
  }

  parsePrimary(): Expression {
    const start = this.tokStart;
    switch (this.tok) {
      case K.Identifier: {
        const name = this.scanner.getTokenValue();
        this.next();
        return { type: 'Identifier', name, start, end: this.lastEnd };
      }
      case K.Number: {
        const raw = this.scanner.getTokenValue();
        this.next();
        return { type: 'Number', value: numberValue(raw), raw, start, end: this.lastEnd };
      }
      case K.String:
      case K.StringHead:
        return this.parseStringLiteral();
      case K.Slash:
      case K.SlashAssign:
        this.tok = this.scanner.reScanSlashy();
        this.tokEnd = this.scanner.getTokenEnd();
        return this.parseStringLiteral();
      case K.True:
      case K.False: {
        const value = this.at(K.True);
        this.next();
        return { type: 'Boolean', value, start, end: this.lastEnd };
      }
      case K.Null:
        this.next();
        return { type: 'Null', start, end: this.lastEnd };
      case K.This:
      case K.Super: {
        const name = this.tokenText();
        this.next();
        return { type: 'Identifier', name, start, end: this.lastEnd };
      }
      case K.OpenParen:
        return this.parseParenthesized();
      case K.OpenBracket:
        return this.parseListOrMap();
      case K.OpenBrace:
        return this.parseClosure();
      case K.New:
        return this.parseNew();
      default:
        return this.errorNode('Expression expected');
    }
  }

  parseParenthesized(): Expression {
    const start = this.tokStart;
    const savedNl = this.nlSignificant;
    this.nlSignificant = false;
    this.next();
    const expression = this.at(K.CloseParen) ? this.errorNode('Expression expected') : this.parseExpression();
    this.nlSignificant = savedNl;
    this.expect(K.CloseParen, "')' expected", start);
    return { type: 'Paren', expression, start, end: this.lastEnd };
  }

  parsePostfix(expr: Expression): Expression {
    for (;;) {
      switch (this.tok) {
        case K.Dot:
        case K.SafeDot:
        case K.SpreadDot:
        case K.MethodPointer:
        case K.FieldAccess:
        case K.ColonColon: {
          // Method chains may continue on the next line with a leading `.`.
          const op = this.tok;
          this.next();
          let property = '';
          let propertySpan: Span;
          if (this.at(K.Identifier) || isKeyword(this.tok)) {
            property = this.at(K.Identifier) ? this.scanner.getTokenValue() : this.tokenText();
            propertySpan = { start: this.tokStart, end: this.tokEnd };
            this.next();
          } else if (this.at(K.String) || this.at(K.StringHead)) {
            const str = this.parseStringLiteral();
            property = str.value;
            propertySpan = { start: str.start, end: str.end };
          } else if (this.at(K.OpenParen)) {
            // `obj.("$k".toString())`: a name computed at run time; kept as its source text, which no
            // literal name equals.
            const name = this.parseParenthesized();
            property = this.text.slice(name.start, name.end);
            propertySpan = { start: name.start, end: name.end };
          } else {
            this.addError('Identifier expected', this.here(), 0);
            propertySpan = { start: this.lastEnd, end: this.lastEnd };
          }
          expr = {
            type: 'Property',
            object: expr,
            property,
            propertySpan,
            safe: op === K.SafeDot,
            spread: op === K.SpreadDot,
            start: expr.start,
            end: Math.max(expr.end, this.lastEnd),
          };
          continue;
        }
        case K.OpenParen: {
          if (this.nlBefore && this.nlSignificant) return expr;
          const args = this.parseParenArgs();
          const call: CallExpression = {
            type: 'Call',
            callee: expr,
            args,
            closures: [],
            parenthesized: true,
            start: expr.start,
            end: this.lastEnd,
          };
          // `withAWS(...)` followed by `{` on the next line still takes the closure.
          if (this.at(K.OpenBrace)) this.parseTrailingClosures(call, true);
          expr = call;
          continue;
        }
        case K.OpenBrace: {
          if (this.nlBefore && this.nlSignificant) return expr;
          if (expr.type !== 'Identifier' && expr.type !== 'Property') return expr;
          const call: CallExpression = {
            type: 'Call',
            callee: expr,
            args: [],
            closures: [],
            parenthesized: false,
            start: expr.start,
            end: expr.end,
          };
          this.parseTrailingClosures(call, false);
          expr = call;
          continue;
        }
        case K.OpenBracket:
          if (this.nlBefore && this.nlSignificant) return expr;
          expr = this.parseIndex(expr, false);
          continue;
        case K.Question:
          // `?[` safe index (the `[` must follow immediately).
          if (this.text.charCodeAt(this.tokEnd) !== 91 || (this.nlBefore && this.nlSignificant)) return expr;
          this.next();
          expr = this.parseIndex(expr, true);
          continue;
        case K.PlusPlus:
        case K.MinusMinus: {
          if (this.nlBefore) return expr;
          const operator = this.tokenText();
          this.next();
          expr = { type: 'Unary', operator, argument: expr, prefix: false, start: expr.start, end: this.lastEnd };
          continue;
        }
        default:
          return expr;
      }
    }
  }

  parseTrailingClosures(call: CallExpression, allowNewline: boolean): void {
    while (this.at(K.OpenBrace) && (allowNewline || !this.nlBefore || !this.nlSignificant)) {
      call.closures.push(this.parseClosure());
      call.end = this.lastEnd;
      allowNewline = false;
    }
  }

  parseIndex(object: Expression, safe: boolean): Expression {
    const open = this.tokStart;
    const savedNl = this.nlSignificant;
    this.nlSignificant = false;
    this.next();
    let index: Expression;
    if (this.at(K.CloseBracket)) {
      // `files[] = x`: an index without arguments (Groovy 2.4 reads it as `files.getAt()`).
      index = { type: 'List', elements: [], start: this.tokStart, end: this.tokStart };
    } else {
      index = this.parseExpression();
      if (this.at(K.Comma)) {
        // `a[1, 2]`: several indices, modelled as a list.
        const elements = [index];
        while (this.at(K.Comma)) {
          this.next();
          elements.push(this.parseExpression());
        }
        index = { type: 'List', elements, start: index.start, end: this.lastEnd };
      }
    }
    this.nlSignificant = savedNl;
    this.expect(K.CloseBracket, "']' expected", open);
    return { type: 'Index', object, index, safe, start: object.start, end: Math.max(object.end, this.lastEnd) };
  }

  parseParenArgs(): Argument[] {
    const open = this.tokStart;
    const savedNl = this.nlSignificant;
    this.nlSignificant = false;
    this.next();
    const args: Argument[] = [];
    this.parseExprList(open, K.CloseParen, "')' expected", K.CloseBracket, false, () => {
      const arg = this.parseArgument();
      if (arg.type !== 'Error' || arg.end > arg.start) args.push(arg);
    });
    this.nlSignificant = savedNl;
    return args;
  }

  /**
   * The one list-recovery loop (acorn-loose's parseExprList), shared by argument lists and list/map
   * literals: calls `item` for each comma-separated element after the opening bracket (already
   * consumed) up to `close`, which it consumes. A stray `,`, a missing comma, or a token that cannot
   * continue gets one error and is skipped; `}`, `;` or the end stops the list ("`closeMessage`" at
   * `open`). The other bracket kind `other` either stops the list too (`otherStops`: a `)` inside
   * `[...]`) or is skipped as stray (a `]` inside `(...)`).
   */
  parseExprList(open: number, close: K, closeMessage: string, other: K, otherStops: boolean, item: () => void): void {
    for (;;) {
      if (this.at(close)) {
        this.next();
        return;
      }
      if (this.at(K.EOF) || this.at(K.CloseBrace) || this.at(K.Semicolon) || (otherStops && this.at(other))) {
        this.addError(closeMessage, open, 1);
        return;
      }
      if (this.at(K.Comma) || this.at(other)) {
        this.addError(`Unexpected ${this.describe()}`, this.tokStart, this.tokEnd - this.tokStart);
        this.next();
        continue;
      }
      const before = this.tokStart;
      item();
      if (this.at(K.Comma)) {
        this.next();
        continue;
      }
      if (this.at(close)) {
        this.next();
        return;
      }
      const stops = this.at(K.EOF) || this.at(K.CloseBrace) || this.at(K.Semicolon) || (otherStops && this.at(other));
      if (this.tokStart === before) {
        this.addError(`Unexpected ${this.describe()}`, this.tokStart, this.tokEnd - this.tokStart);
        if (!stops) this.next();
        continue;
      }
      if (canStartExpression(this.tok)) {
        this.addError("',' expected", this.here(), 0);
        continue;
      }
      if (!stops && !this.at(other)) {
        this.addError(`Unexpected ${this.describe()}`, this.tokStart, this.tokEnd - this.tokStart);
        this.next();
      }
    }
  }

  /** A keyword used as a key (`default: x`, `class: Foo`): its token is followed by `:`. */
  keywordKey(): Expression | null {
    if (
      !isKeyword(this.tok) ||
      this.at(K.True) ||
      this.at(K.False) ||
      this.at(K.Null) ||
      this.at(K.This) ||
      this.at(K.Super)
    )
      return null;
    if (this.peek() !== K.Colon) return null;
    const node: Expression = { type: 'Identifier', name: this.tokenText(), start: this.tokStart, end: this.tokEnd };
    this.next();
    return node;
  }

  /** A positional argument or `name: value`. */
  parseArgument(): Argument {
    const key = this.keywordKey() ?? this.parseExpression();
    if (!this.at(K.Colon)) return key;
    this.next();
    const value = this.parseExpression();
    const name = keyName(key) ?? this.text.slice(key.start, key.end);
    return {
      type: 'NamedArg',
      name,
      nameSpan: { start: key.start, end: key.end },
      value,
      start: key.start,
      end: Math.max(key.end, value.end, this.lastEnd),
    };
  }

  parseListOrMap(): Expression {
    const start = this.tokStart;
    const savedNl = this.nlSignificant;
    this.nlSignificant = false;
    this.next();
    if (this.at(K.Colon)) {
      this.next();
      this.nlSignificant = savedNl;
      this.expect(K.CloseBracket, "']' expected", start);
      return { type: 'Map', entries: [], start, end: this.lastEnd };
    }
    const elements: Expression[] = [];
    const entries: MapEntry[] = [];
    let isMap: boolean | null = null;
    this.parseExprList(start, K.CloseBracket, "']' expected", K.CloseParen, true, () => {
      // `*:` spread of a map into a map: modelled as an entry with key `*`.
      let key: Expression;
      if (this.at(K.Star) && this.text.charCodeAt(this.tokEnd) === 58) {
        key = { type: 'Identifier', name: '*', start: this.tokStart, end: this.tokEnd };
        this.next();
      } else {
        key = this.keywordKey() ?? this.parseExpression();
      }
      if (this.at(K.Colon)) {
        this.next();
        const value = this.parseExpression();
        if (isMap === null) isMap = true;
        if (isMap)
          entries.push({
            type: 'MapEntry',
            key,
            keyName: keyName(key),
            value,
            start: key.start,
            end: Math.max(key.end, value.end, this.lastEnd),
          });
        else this.addError("Unexpected ':' in a list", key.end, 1);
      } else {
        if (isMap === null && !(key.type === 'Error' && key.end === key.start)) isMap = false;
        if (isMap === false) elements.push(key);
        else this.addError("':' expected", this.here(), 0);
      }
    });
    this.nlSignificant = savedNl;
    if (isMap) return { type: 'Map', entries, start, end: this.lastEnd };
    return { type: 'List', elements, start, end: this.lastEnd };
  }

  parseClosure(): Closure {
    const start = this.tokStart;
    const owner = this.stmtStart;
    this.next();
    let params: Parameter[] = [];
    if (this.at(K.Arrow)) {
      this.next();
    } else if (
      (this.at(K.Identifier) || this.at(K.Final) || this.at(K.Def) || this.at(K.At)) &&
      this.mayHaveArrow(this.tokStart)
    ) {
      const s = this.snapshot();
      const guessed = this.tryClosureParameters();
      if (guessed !== null) params = guessed;
      else this.rewind(s);
    }
    const body = this.parseBlockBody(start, owner, null);
    const node: Closure = { type: 'Closure', params, body, start, end: this.lastEnd };
    return node;
  }

  /**
   * Cheap character-level filter before guessing closure parameters: is there a `->` before the first
   * brace, or before the end of a line that does not end with a comma?
   */
  mayHaveArrow(p: number): boolean {
    let lastSignificant = 0;
    for (const limit = Math.min(this.text.length, p + 400); p < limit; p++) {
      const c = this.text.charCodeAt(p);
      if (c === 45 && this.text.charCodeAt(p + 1) === 62) return true;
      if (c === 123 || c === 125) return false;
      if (c === 10 || c === 13) {
        if (lastSignificant !== 44) return false;
      } else if (c !== 32 && c !== 9) {
        lastSignificant = c;
      }
    }
    return false;
  }

  tryClosureParameters(): Parameter[] | null {
    const params: Parameter[] = [];
    for (;;) {
      const p = this.parseParameter(true);
      if (p === null) return null;
      params.push(p);
      if (this.at(K.Comma)) {
        this.next();
        continue;
      }
      if (this.at(K.Arrow)) {
        this.next();
        return params;
      }
      return null;
    }
  }

  parseNew(): Expression {
    const start = this.tokStart;
    this.next();
    // `new String[0]`, `new byte[n][2]`: the brackets hold sizes, read below.
    const typeName = this.parseType(false);
    if (typeName === null) this.addError('Type expected', this.here(), 0);
    let args: Argument[] = [];
    const closures: Closure[] = [];
    // `new int[5]`: dimensions are kept as arguments.
    while (this.at(K.OpenBracket) && !this.nlBefore) {
      const open = this.tokStart;
      this.next();
      if (!this.at(K.CloseBracket)) args.push(this.parseExpression());
      this.expect(K.CloseBracket, "']' expected", open);
    }
    if (this.at(K.OpenParen) && !(this.nlBefore && this.nlSignificant)) args = args.concat(this.parseParenArgs());
    if (this.at(K.OpenBrace) && !this.nlBefore) {
      // Anonymous class body (or array initialiser): kept as a closure of member statements.
      const open = this.tokStart;
      const owner = this.stmtStart;
      this.next();
      const body = this.parseBlockBody(open, owner, typeName);
      closures.push({ type: 'Closure', params: [], body, start: open, end: this.lastEnd });
    }
    return { type: 'New', typeName: typeName ?? '', args, closures, start, end: this.lastEnd };
  }
}
