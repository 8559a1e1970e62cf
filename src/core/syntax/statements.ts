// Statements (acorn-loose's statement.js): blocks and their closing `}`, control flow, statement
// ends (newline or `;`), and skipping damaged lines. `StatementParser` is the concrete parser.

import type {
  Annotation,
  Argument,
  BlockStatement,
  CallExpression,
  Closure,
  CatchClause,
  Expression,
  ForStatement,
  IfStatement,
  ParseResult,
  Program,
  Statement,
  SwitchCase,
  SwitchStatement,
  TryStatement,
} from './ast';
import { SyntaxKind as K, isModifier } from './scanner';
import { DeclarationParser } from './declarations';
import { Closing, MAX_DEPTH, canStartExpression } from './state';

export class StatementParser extends DeclarationParser {
  parseProgram(): Program {
    this.next();
    const body: Statement[] = [];
    for (;;) {
      if (this.at(K.Semicolon)) {
        this.next();
        continue;
      }
      if (this.at(K.EOF)) break;
      if (this.at(K.CloseBrace)) {
        const start = this.tokStart;
        this.addError("Unexpected '}'", start, 1);
        this.next();
        body.push({ type: 'ErrorStatement', message: "Unexpected '}'", start, end: this.lastEnd });
        continue;
      }
      this.parseStatementInto(body);
    }
    return { type: 'Program', body, start: 0, end: this.text.length };
  }

  /** Statements up to the closing `}` (consumed unless it belongs to an outer block). */
  parseBlockBody(openAt: number, ownerStart: number, classBody: string | null): Statement[] {
    const body: Statement[] = [];
    const savedNl = this.nlSignificant;
    const savedClass = this.className;
    this.nlSignificant = true;
    this.className = classBody;
    this.untilCloseBrace(
      openAt,
      ownerStart,
      () => this.parseStatementInto(body),
      (stray) => body.push(stray),
    );
    this.nlSignificant = savedNl;
    this.className = savedClass;
    return body;
  }

  parseBlock(): BlockStatement {
    if (!this.at(K.OpenBrace)) {
      this.addError("'{' expected", this.here(), 0);
      return { type: 'Block', body: [], start: this.lastEnd, end: this.lastEnd };
    }
    const start = this.tokStart;
    this.next();
    const body = this.parseBlockBody(start, this.stmtStart, null);
    const node: BlockStatement = { type: 'Block', body, start, end: this.lastEnd };
    return node;
  }

  parseStatementInto(list: Statement[]): void {
    const start = this.tokStart;
    if (this.depth >= MAX_DEPTH) {
      const node = this.tooDeep();
      if (this.at(K.CloseParen) || this.at(K.CloseBracket)) this.next();
      list.push({
        type: 'ErrorStatement',
        message: node.message,
        start: node.start,
        end: Math.max(node.start, this.lastEnd),
      });
      return;
    }
    this.depth++;
    const savedStmt = this.stmtStart;
    this.stmtStart = start;
    this.labelled = false;
    this.parseStatementCore(list);
    this.stmtStart = savedStmt;
    this.depth--;
    if (this.labelled) {
      this.labelled = false;
      return;
    }
    if (this.at(K.Semicolon)) {
      this.next();
      return;
    }
    if (this.at(K.EOF)) return;
    if (this.tokStart === start) {
      this.skipGarbage(list);
      return;
    }
    // A statement ends at a line break, before `}` or `else`, or after a block or a `;` an embedded
    // statement consumed (`if (a) { ... }; withAWS(...) { ... }` on one line).
    const last = this.text.charCodeAt(this.lastEnd - 1);
    if (this.nlBefore || this.at(K.CloseBrace) || this.at(K.Else) || last === 125 || last === 59) return;
    if (this.at(K.OpenBrace)) {
      // A `{` where the statement should have ended (`if (a b) {`, `sh 'a' {`): reported, and kept as a
      // block of its own, so its `}` still closes it and the damage stays inside the block around it.
      this.addError("Unexpected '{'", this.tokStart, 1);
      const savedStmt = this.stmtStart;
      this.stmtStart = start;
      list.push(this.parseBlock());
      this.stmtStart = savedStmt;
      return;
    }
    this.skipGarbage(list);
  }

  /** Skips the rest of a damaged line (stopping at `{` so the block after it is still parsed). */
  skipGarbage(list: Statement[]): void {
    const start = this.tokStart;
    const message = `Unexpected ${this.describe()}`;
    this.addError(message, this.tokStart, this.tokEnd - this.tokStart);
    do {
      if (this.at(K.String) || this.at(K.StringHead)) this.parseStringLiteral();
      else this.next();
    } while (
      !this.at(K.EOF) &&
      !this.at(K.Semicolon) &&
      !this.at(K.CloseBrace) &&
      !this.at(K.OpenBrace) &&
      !this.nlBefore
    );
    list.push({ type: 'ErrorStatement', message, start, end: this.lastEnd });
  }

  withAnnotations<T extends Statement>(node: T, annotations: Annotation[] | undefined): T {
    if (annotations !== undefined && annotations.length > 0) {
      node.annotations = annotations;
      if (annotations[0].start < node.start) node.start = annotations[0].start;
    }
    return node;
  }

  parseStatementCore(list: Statement[]): void {
    let annotations: Annotation[] | undefined;
    const start = this.tokStart;
    if (this.at(K.At)) annotations = this.parseAnnotations();
    switch (this.tok) {
      case K.If:
        list.push(this.withAnnotations(this.parseIf(), annotations));
        return;
      case K.While:
        list.push(this.withAnnotations(this.parseWhile(), annotations));
        return;
      case K.Do:
        list.push(this.withAnnotations(this.parseDoWhile(), annotations));
        return;
      case K.For:
        list.push(this.withAnnotations(this.parseFor(), annotations));
        return;
      case K.Switch:
        list.push(this.withAnnotations(this.parseSwitch(), annotations));
        return;
      case K.Try:
        list.push(this.withAnnotations(this.parseTry(), annotations));
        return;
      case K.Return: {
        this.next();
        const argument = this.atStatementEnd() ? null : this.parseExpression();
        list.push(this.withAnnotations({ type: 'Return', argument, start, end: this.lastEnd }, annotations));
        return;
      }
      case K.Throw: {
        this.next();
        const argument = this.parseExpression();
        list.push(this.withAnnotations({ type: 'Throw', argument, start, end: this.lastEnd }, annotations));
        return;
      }
      case K.Break:
      case K.Continue: {
        const type = this.at(K.Break) ? 'Break' : 'Continue';
        this.next();
        if (this.at(K.Identifier) && !this.nlBefore) this.next();
        list.push(this.withAnnotations({ type, start, end: this.lastEnd }, annotations));
        return;
      }
      case K.Import:
        list.push(this.withAnnotations(this.parseImport(), annotations));
        return;
      case K.Package: {
        this.next();
        const path = this.parseDottedPath();
        list.push(this.withAnnotations({ type: 'Package', path, start, end: this.lastEnd }, annotations));
        return;
      }
      case K.Class:
      case K.Interface:
      case K.Enum:
      case K.Trait:
        list.push(this.withAnnotations(this.parseClass(start), annotations));
        return;
      case K.OpenBrace:
        list.push(this.withAnnotations(this.parseBlock(), annotations));
        return;
      case K.OpenParen: {
        const assignment = this.tryMultipleAssignment();
        if (assignment !== null) {
          list.push(this.withAnnotations(assignment, annotations));
          return;
        }
        break;
      }
      case K.Assert:
        list.push(this.withAnnotations(this.parseAssert(), annotations));
        return;
      case K.Def:
      case K.Void:
        this.parseDeclaration(start, annotations, list);
        return;
      case K.Identifier:
        if (
          this.className !== null &&
          this.scanner.getTokenValue() === this.className &&
          this.text.charCodeAt(this.tokEnd) === 40
        ) {
          const name = this.scanner.getTokenValue();
          const nameSpan = { start: this.tokStart, end: this.tokEnd };
          this.next();
          list.push(this.withAnnotations(this.parseMethodRest(start, [], null, name, nameSpan), annotations));
          return;
        }
        if (this.tryTypedDeclaration(start, annotations, [], list)) return;
        break;
      default:
        if (isModifier(this.tok)) {
          this.parseDeclaration(start, annotations, list);
          return;
        }
    }
    if (!canStartExpression(this.tok)) {
      if (annotations !== undefined && this.atStatementEnd()) {
        // Annotations on nothing (e.g. a trailing `@Library('x')`): keep them on an error statement.
        list.push(
          this.withAnnotations(
            { type: 'ErrorStatement', message: 'Declaration expected', start: this.lastEnd, end: this.lastEnd },
            annotations,
          ),
        );
        this.addError('Declaration expected', this.here(), 0);
        return;
      }
      this.skipGarbage(list);
      if (annotations !== undefined) this.withAnnotations(list[list.length - 1], annotations);
      return;
    }
    const expression = this.parseExpressionOrCommand();
    if (expression.type === 'Identifier' && this.at(K.Colon) && annotations === undefined) {
      // A label (`outer: for (...)`): tolerated and dropped; the labelled statement follows.
      this.next();
      this.labelled = true;
      return;
    }
    list.push(
      this.withAnnotations(
        { type: 'ExpressionStatement', expression, start: expression.start, end: expression.end },
        annotations,
      ),
    );
  }

  atStatementEnd(): boolean {
    return this.at(K.EOF) || this.at(K.Semicolon) || this.at(K.CloseBrace) || this.nlBefore;
  }

  /** `(a, b) = [1, 2]`: assigns existing names; an Assign whose target is the list of names. Else null (rewound). */
  tryMultipleAssignment(): Statement | null {
    const s = this.snapshot();
    const start = this.tokStart;
    this.next();
    const names: Expression[] = [];
    while (this.at(K.Identifier)) {
      names.push({ type: 'Identifier', name: this.scanner.getTokenValue(), start: this.tokStart, end: this.tokEnd });
      this.next();
      if (!this.at(K.Comma)) break;
      this.next();
    }
    if (names.length < 2 || !this.at(K.CloseParen)) {
      this.rewind(s);
      return null;
    }
    this.next();
    if (!this.at(K.Assign)) {
      this.rewind(s);
      return null;
    }
    const target: Expression = { type: 'List', elements: names, start, end: this.lastEnd };
    this.next();
    const value = this.parseExpressionOrCommand();
    const expression: Expression = { type: 'Assign', operator: '=', target, value, start, end: this.lastEnd };
    return { type: 'ExpressionStatement', expression, start, end: this.lastEnd };
  }

  parseEmbeddedStatement(): Statement {
    if (this.at(K.EOF) || this.at(K.CloseBrace) || this.at(K.Else)) {
      this.addError('Statement expected', this.here(), 0);
      return { type: 'ErrorStatement', message: 'Statement expected', start: this.lastEnd, end: this.lastEnd };
    }
    const list: Statement[] = [];
    this.parseStatementInto(list);
    if (list.length === 1) return list[0];
    if (list.length === 0) {
      return { type: 'ErrorStatement', message: 'Statement expected', start: this.lastEnd, end: this.lastEnd };
    }
    return { type: 'Block', body: list, start: list[0].start, end: list[list.length - 1].end };
  }

  parseCondition(): Expression {
    if (!this.at(K.OpenParen)) {
      this.addError("'(' expected", this.here(), 0);
      return this.parseExpression();
    }
    const open = this.tokStart;
    const savedNl = this.nlSignificant;
    this.nlSignificant = false;
    this.next();
    const test = this.at(K.CloseParen) ? this.errorNode('Expression expected') : this.parseExpression();
    this.nlSignificant = savedNl;
    this.expect(K.CloseParen, "')' expected", open);
    return test;
  }

  parseIf(): IfStatement {
    const chain: IfStatement[] = [];
    let node = this.parseIfHead();
    const root = node;
    chain.push(node);
    // `else if` chains are walked iteratively so long chains do not count as nesting.
    while (this.at(K.Else)) {
      this.next();
      if (this.at(K.If)) {
        const nested = this.parseIfHead();
        node.alternate = nested;
        node = nested;
        chain.push(nested);
      } else {
        node.alternate = this.parseEmbeddedStatement();
        break;
      }
    }
    for (const n of chain) n.end = this.lastEnd;
    return root;
  }

  parseIfHead(): IfStatement {
    const start = this.tokStart;
    this.next();
    const test = this.parseCondition();
    const consequent = this.parseEmbeddedStatement();
    if (this.at(K.Semicolon) && this.peek() === K.Else) this.next();
    return { type: 'If', test, consequent, alternate: null, start, end: this.lastEnd };
  }

  parseWhile(): Statement {
    const start = this.tokStart;
    this.next();
    const test = this.parseCondition();
    const body = this.parseEmbeddedStatement();
    return { type: 'While', test, body, start, end: this.lastEnd };
  }

  parseDoWhile(): Statement {
    const start = this.tokStart;
    this.next();
    const body = this.parseEmbeddedStatement();
    if (this.at(K.Semicolon)) this.next();
    let test: Expression;
    if (this.at(K.While)) {
      this.next();
      test = this.parseCondition();
    } else {
      test = this.errorNode("'while' expected");
    }
    return { type: 'While', test, body, start, end: this.lastEnd };
  }

  parseFor(): ForStatement {
    const start = this.tokStart;
    this.next();
    const node: ForStatement = {
      type: 'For',
      variable: null,
      iterable: null,
      init: null,
      test: null,
      update: null,
      body: null as unknown as Statement,
      start,
      end: start,
    };
    if (!this.at(K.OpenParen)) {
      this.addError("'(' expected", this.here(), 0);
    } else {
      const open = this.tokStart;
      const savedNl = this.nlSignificant;
      this.nlSignificant = false;
      this.next();
      // for (x in xs) / for (def x in xs) / for (String x : xs)
      const s = this.snapshot();
      while (this.at(K.Final) || this.at(K.Def)) this.next();
      let variable: string | null = null;
      if (this.at(K.Identifier)) {
        const first = this.scanner.getTokenValue();
        const t = this.parseType();
        if (t !== null && this.at(K.Identifier)) {
          variable = this.scanner.getTokenValue();
          this.next();
        } else if (t === first) {
          variable = first;
        }
      }
      if (variable !== null && (this.at(K.In) || this.at(K.Colon))) {
        this.next();
        node.variable = variable;
        node.iterable = this.parseExpression();
      } else {
        this.rewind(s);
        if (!this.at(K.Semicolon)) {
          const inits: Statement[] = [];
          this.parseForInit(inits);
          node.init =
            inits.length === 1
              ? inits[0]
              : inits.length > 1
                ? { type: 'Block', body: inits, start: inits[0].start, end: inits[inits.length - 1].end }
                : null;
        }
        if (this.at(K.Semicolon)) {
          this.next();
          if (!this.at(K.Semicolon)) node.test = this.parseExpression();
          if (this.expect(K.Semicolon, "';' expected", -1)) {
            if (!this.at(K.CloseParen)) {
              node.update = this.parseExpression();
              while (this.at(K.Comma)) {
                this.next();
                this.parseExpression();
              }
            }
          }
        } else {
          this.addError("'in' or ';' expected", this.here(), 0);
        }
      }
      this.nlSignificant = savedNl;
      this.closeHeadParen(open);
    }
    node.body = this.parseEmbeddedStatement();
    node.end = this.lastEnd;
    return node;
  }

  parseForInit(list: Statement[]): void {
    const start = this.tokStart;
    if (this.at(K.Def) || isModifier(this.tok)) {
      this.parseDeclaration(start, undefined, list);
      return;
    }
    if (this.at(K.Identifier) && this.tryTypedDeclaration(start, undefined, [], list)) return;
    for (;;) {
      const e = this.parseExpression();
      list.push({ type: 'ExpressionStatement', expression: e, start: e.start, end: e.end });
      if (!this.at(K.Comma)) break;
      this.next();
    }
  }

  parseSwitch(): SwitchStatement {
    const start = this.tokStart;
    this.next();
    const discriminant = this.parseCondition();
    const cases: SwitchCase[] = [];
    if (!this.at(K.OpenBrace)) {
      this.addError("'{' expected", this.here(), 0);
      return { type: 'Switch', discriminant, cases, start, end: this.lastEnd };
    }
    const open = this.tokStart;
    const owner = this.stmtStart;
    this.next();
    const savedNl = this.nlSignificant;
    this.nlSignificant = true;
    this.untilCloseBrace(open, owner, () => {
      if (this.at(K.Case) || this.at(K.Default)) {
        const caseStart = this.tokStart;
        const isDefault = this.at(K.Default);
        this.next();
        const test = isDefault ? null : this.parseExpression();
        this.expect(K.Colon, "':' expected", -1);
        const body: Statement[] = [];
        while (!this.at(K.Case) && !this.at(K.Default) && !this.at(K.CloseBrace) && !this.at(K.EOF)) {
          if (this.at(K.Semicolon)) {
            this.next();
            continue;
          }
          this.parseStatementInto(body);
        }
        cases.push({ type: 'SwitchCase', test, body, start: caseStart, end: this.lastEnd });
        return;
      }
      this.addError("'case' expected", this.here(), this.tokEnd - this.tokStart);
      const junk: Statement[] = [];
      this.parseStatementInto(junk);
    });
    this.nlSignificant = savedNl;
    return { type: 'Switch', discriminant, cases, start, end: this.lastEnd };
  }

  parseTry(): TryStatement {
    const start = this.tokStart;
    this.next();
    if (this.at(K.OpenParen)) this.parseCondition(); // try-with-resources: resources are not modelled
    const block = this.parseBlock();
    const handlers: CatchClause[] = [];
    while (this.at(K.Catch)) {
      const catchStart = this.tokStart;
      this.next();
      let param: string | null = null;
      const types: string[] = [];
      if (this.at(K.OpenParen)) {
        const open = this.tokStart;
        const savedNl = this.nlSignificant;
        this.nlSignificant = false;
        this.next();
        while (this.at(K.Final)) this.next();
        for (;;) {
          if (!this.at(K.Identifier)) break;
          const first = this.scanner.getTokenValue();
          const t = this.parseType();
          if (t === null) break;
          if (this.at(K.Identifier) || this.at(K.Bar)) {
            types.push(t);
            if (this.at(K.Bar)) {
              this.next();
              continue;
            }
            param = this.scanner.getTokenValue();
            this.next();
          } else if (t === first) {
            param = first;
          } else {
            types.push(t);
          }
          break;
        }
        this.nlSignificant = savedNl;
        this.closeHeadParen(open);
      } else {
        this.addError("'(' expected", this.here(), 0);
      }
      const body = this.parseBlock();
      handlers.push({
        type: 'Catch',
        param,
        typeName: types.length > 0 ? types.join(' | ') : null,
        body,
        start: catchStart,
        end: this.lastEnd,
      });
    }
    let finalizer: BlockStatement | null = null;
    if (this.at(K.Finally)) {
      this.next();
      finalizer = this.parseBlock();
    }
    if (handlers.length === 0 && finalizer === null) this.addError("'catch' or 'finally' expected", this.here(), 0);
    return { type: 'Try', block, handlers, finalizer, start, end: this.lastEnd };
  }

  parseAssert(): Statement {
    const start = this.tokStart;
    const callee: Expression = { type: 'Identifier', name: 'assert', start, end: this.tokEnd };
    this.next();
    const args: Argument[] = [this.parseExpression()];
    if (this.at(K.Colon) || this.at(K.Comma)) {
      this.next();
      args.push(this.parseExpression());
    }
    // No dedicated node in ast.ts: an assert is modelled as a command call to `assert`.
    const expression: CallExpression = {
      type: 'Call',
      callee,
      args,
      closures: [],
      parenthesized: false,
      start,
      end: this.lastEnd,
    };
    return { type: 'ExpressionStatement', expression, start, end: this.lastEnd };
  }
  run(): ParseResult {
    return { text: this.text, program: this.parseProgram(), errors: this.errors };
  }

  /**
   * Parses statements of a block body from offset `from` (just after the statement before the first one,
   * or just after the block's `{`), as if `depth` levels deep inside a statement starting at
   * `ownerStart`, until the next statement would start where `stop` says, or up to the block's own `}`
   * (`closed`; not consumed) (for reparse.ts). Null when the end of the text, or a `}` that closes an
   * outer block, comes first.
   */
  parseStatementsAt(
    from: number,
    depth: number,
    ownerStart: number,
    stop: (start: number) => boolean,
  ): { body: Statement[]; stoppedAt: number; closed: boolean } | null {
    this.depth = depth;
    this.stmtStart = ownerStart;
    this.nlSignificant = true;
    this.className = null;
    this.scanFrom(from);
    const body: Statement[] = [];
    // As untilCloseBrace's loop: `;` skipped, an extra `}` reported and kept, the block's own `}` ends it.
    for (let first = true; ; first = false) {
      while (this.at(K.Semicolon)) this.next();
      if (this.at(K.EOF)) return null;
      if (this.at(K.CloseBrace)) {
        const closing = this.closing(ownerStart);
        if (closing === Closing.Own) return { body, stoppedAt: this.tokStart, closed: true }; // left unconsumed
        if (closing === Closing.Outer) return null;
        const start = this.tokStart;
        const message = "Unexpected '}'";
        this.addError(message, start, 1);
        this.next();
        body.push({ type: 'ErrorStatement', message, start, end: this.lastEnd });
        continue;
      }
      if (!first && stop(this.tokStart)) return { body, stoppedAt: this.tokStart, closed: false };
      this.parseStatementInto(body);
    }
  }

  /**
   * Parses only the block (or closure, `closure`) whose `{` is at `open`, as if `depth` levels deep
   * inside a statement starting at `ownerStart` (for reparse.ts). `closed` says it ended on its own `}`.
   */
  parseBlockAt(
    open: number,
    closure: boolean,
    depth: number,
    ownerStart: number,
  ): { node: BlockStatement | Closure | null; closed: boolean } {
    this.depth = depth;
    this.stmtStart = ownerStart;
    this.scanFrom(open);
    if (!this.at(K.OpenBrace)) return { node: null, closed: false };
    const node = closure ? this.parseClosure() : this.parseBlock();
    return { node, closed: this.lastUnclosed !== open };
  }
}
