// Declarations: variables (`def x`, `String x`, `def (a, b) = ...`), methods and their parameters,
// classes/interfaces/enums, annotations, imports.

import type {
  Annotation,
  Argument,
  BlockStatement,
  ClassDeclaration,
  Expression,
  ImportStatement,
  MethodDeclaration,
  Parameter,
  Span,
  Statement,
  VariableDeclaration,
} from './ast';
import { SyntaxKind as K, isModifier, isKeyword } from './scanner';
import { ExpressionParser, isTypeLikeName } from './expressions';

export abstract class DeclarationParser extends ExpressionParser {
  parseDottedPath(): string {
    let path = '';
    for (;;) {
      if (this.at(K.Identifier) || isKeyword(this.tok)) {
        path += this.tokenText();
        this.next();
      } else if (this.at(K.Star)) {
        path += '*';
        this.next();
        break;
      } else {
        if (path === '' || path.endsWith('.')) this.addError('Identifier expected', this.here(), 0);
        break;
      }
      if (!this.at(K.Dot) || this.nlBefore) break;
      path += '.';
      this.next();
    }
    return path;
  }

  parseImport(): ImportStatement {
    const start = this.tokStart;
    this.next();
    let isStatic = false;
    if (this.at(K.Static)) {
      isStatic = true;
      this.next();
    }
    const path = this.parseDottedPath();
    if (this.at(K.As) && !this.nlBefore) {
      this.next();
      if (this.at(K.Identifier)) this.next();
      else this.addError('Identifier expected', this.here(), 0);
    }
    return { type: 'Import', path, isStatic, start, end: this.lastEnd };
  }

  parseClass(start: number): ClassDeclaration {
    const keyword = this.tokenText();
    this.next();
    let name = '';
    if (this.at(K.Identifier)) {
      name = this.scanner.getTokenValue();
      this.next();
    } else {
      this.addError('Identifier expected', this.here(), 0);
    }
    if (this.at(K.Lt)) this.skipTypeParameters();
    while (this.at(K.Extends) || this.at(K.Implements)) {
      this.next();
      for (;;) {
        if (this.parseType() === null) {
          this.addError('Type expected', this.here(), 0);
          break;
        }
        if (!this.at(K.Comma)) break;
        this.next();
      }
    }
    let body: Statement[] = [];
    if (this.at(K.OpenBrace)) {
      const open = this.tokStart;
      this.next();
      const members: Statement[] = [];
      if (keyword === 'enum') this.parseEnumConstants(members);
      body = this.parseBlockBody(open, this.stmtStart, name);
      if (members.length > 0) body = members.concat(body);
    } else {
      this.addError("'{' expected", this.here(), 0);
    }
    return { type: 'ClassDecl', keyword, name, body, start, end: this.lastEnd };
  }

  skipTypeParameters(): void {
    // `<T extends Foo, U>`: not modelled; skip to the matching `>`.
    let level = 0;
    do {
      if (this.at(K.Lt)) level++;
      else if (this.at(K.Gt)) level--;
      this.next();
    } while (level > 0 && !this.at(K.EOF) && !this.at(K.OpenBrace));
  }

  parseEnumConstants(members: Statement[]): void {
    while (this.at(K.Identifier)) {
      const start = this.tokStart;
      let expression: Expression = { type: 'Identifier', name: this.scanner.getTokenValue(), start, end: this.tokEnd };
      this.next();
      if (this.at(K.OpenParen) || this.at(K.OpenBrace)) expression = this.parsePostfix(expression);
      members.push({ type: 'ExpressionStatement', expression, start, end: this.lastEnd });
      if (!this.at(K.Comma)) break;
      this.next();
    }
    if (this.at(K.Semicolon)) this.next();
  }

  parseAnnotations(): Annotation[] {
    const list: Annotation[] = [];
    while (this.at(K.At)) {
      const start = this.tokStart;
      this.next();
      if (this.at(K.Interface)) break; // `@interface` declarations: parsed as an interface
      const name = this.parseDottedPath();
      let args: Argument[] = [];
      if (this.at(K.OpenParen) && !this.nlBefore) {
        args = this.parseParenArgs().map((a): Argument => {
          // `@Grab(group = 'x')` uses `=` for named values.
          if (a.type === 'Assign' && a.operator === '=' && a.target.type === 'Identifier') {
            return {
              type: 'NamedArg',
              name: a.target.name,
              nameSpan: { start: a.target.start, end: a.target.end },
              value: a.value,
              start: a.start,
              end: a.end,
            };
          }
          return a;
        });
      }
      list.push({ type: 'Annotation', name, args, start, end: this.lastEnd });
    }
    return list;
  }

  /** `def`/modifier-led statements: variables, methods, classes, `synchronized (x) { }`. */
  parseDeclaration(start: number, annotations: Annotation[] | undefined, list: Statement[]): void {
    const modifiers: string[] = [];
    for (;;) {
      if (isModifier(this.tok)) {
        if (this.at(K.Synchronized) && this.peek() === K.OpenParen) {
          this.next();
          this.parseCondition();
          list.push(this.withAnnotations(this.parseBlock(), annotations));
          return;
        }
        modifiers.push(this.tokenText());
        this.next();
        continue;
      }
      if (this.at(K.At)) {
        const more = this.parseAnnotations();
        annotations = annotations === undefined ? more : annotations.concat(more);
        continue;
      }
      break;
    }
    if (this.at(K.Class) || this.at(K.Interface) || this.at(K.Enum) || this.at(K.Trait)) {
      list.push(this.withAnnotations(this.parseClass(start), annotations));
      return;
    }
    // `static { ... }`: a class's static initializer block.
    if (this.at(K.OpenBrace) && modifiers.length === 1 && modifiers[0] === 'static') {
      const block = this.parseBlock();
      list.push(this.withAnnotations({ ...block, start }, annotations));
      return;
    }
    // `static <T> T first(List<T> l)`: a generic method's type parameters are not modelled.
    if (this.at(K.Lt)) this.skipTypeParameters();
    let declType: string | null = null;
    if (this.at(K.Def) || this.at(K.Void)) {
      declType = this.tokenText();
      this.next();
      // `def static X = 1`, `def final y`: modifiers may follow `def`.
      while (isModifier(this.tok) && !this.at(K.Synchronized)) {
        modifiers.push(this.tokenText());
        this.next();
      }
      if (this.at(K.Lt)) this.skipTypeParameters();
      // `def void f()`: Groovy 2.4 takes `def` before `void` too.
      if (declType === 'def' && this.at(K.Void)) {
        declType = this.tokenText();
        this.next();
      }
    }
    if (this.at(K.OpenParen) && declType === 'def') {
      this.parseMultipleAssignment(start, annotations, modifiers, list);
      return;
    }
    if (this.at(K.Identifier) && this.tryTypedDeclaration(start, annotations, modifiers, list)) return;
    if (!this.at(K.Identifier)) {
      if (declType === null && modifiers.length === 0) {
        this.skipGarbage(list);
        return;
      }
      this.addError('Identifier expected', this.here(), this.at(K.EOF) ? 0 : this.tokEnd - this.tokStart);
      list.push(
        this.withAnnotations(
          { type: 'ErrorStatement', message: 'Identifier expected', start, end: Math.max(start, this.lastEnd) },
          annotations,
        ),
      );
      return;
    }
    const name = this.scanner.getTokenValue();
    const nameSpan = { start: this.tokStart, end: this.tokEnd };
    this.next();
    if (this.at(K.OpenParen)) {
      list.push(this.withAnnotations(this.parseMethodRest(start, modifiers, declType, name, nameSpan), annotations));
      return;
    }
    this.parseDeclarators(start, annotations, modifiers, declType, name, nameSpan, list);
  }

  /**
   * `String x = ...`, `Map<K, V> m`, `java.util.List l`, `String f(a) { }`: tries a type followed by a
   * name; rewinds and returns false when the tokens are an expression instead.
   */
  tryTypedDeclaration(
    start: number,
    annotations: Annotation[] | undefined,
    modifiers: string[],
    list: Statement[],
  ): boolean {
    const first = this.scanner.getTokenValue();
    if (!isTypeLikeName(first) && this.text.charCodeAt(this.tokEnd) !== 46 && modifiers.length === 0) return false;
    const s = this.snapshot();
    const typeName = this.parseType();
    if (
      typeName === null ||
      !this.at(K.Identifier) ||
      this.nlBefore ||
      (!this.typeHeadLike && modifiers.length === 0)
    ) {
      this.rewind(s);
      return false;
    }
    const name = this.scanner.getTokenValue();
    const nameSpan = { start: this.tokStart, end: this.tokEnd };
    this.next();
    if (this.at(K.OpenParen)) {
      list.push(this.withAnnotations(this.parseMethodRest(start, modifiers, typeName, name, nameSpan), annotations));
      return true;
    }
    if (!(
      this.at(K.Assign) ||
      this.at(K.Comma) ||
      this.at(K.Semicolon) ||
      this.at(K.EOF) ||
      this.at(K.CloseBrace) ||
      this.nlBefore
    )) {
      this.rewind(s);
      return false;
    }
    this.parseDeclarators(start, annotations, modifiers, typeName, name, nameSpan, list);
    return true;
  }

  parseDeclarators(
    start: number,
    annotations: Annotation[] | undefined,
    modifiers: string[],
    declType: string | null,
    firstName: string,
    firstSpan: Span,
    list: Statement[],
  ): void {
    let name = firstName;
    let nameSpan = firstSpan;
    let first = true;
    for (;;) {
      let init: Expression | null = null;
      if (this.at(K.Assign)) {
        this.next();
        init = this.parseExpressionOrCommand();
      }
      const decl: VariableDeclaration = {
        type: 'VarDecl',
        declType,
        modifiers,
        name,
        nameSpan,
        init,
        start: first ? start : nameSpan.start,
        end: this.lastEnd,
      };
      list.push(first ? this.withAnnotations(decl, annotations) : decl);
      first = false;
      if (!this.at(K.Comma)) return;
      this.next();
      if (!this.at(K.Identifier)) {
        this.addError('Identifier expected', this.here(), 0);
        return;
      }
      name = this.scanner.getTokenValue();
      nameSpan = { start: this.tokStart, end: this.tokEnd };
      this.next();
    }
  }

  parseMultipleAssignment(
    start: number,
    annotations: Annotation[] | undefined,
    modifiers: string[],
    list: Statement[],
  ): void {
    const open = this.tokStart;
    this.next();
    const names: Array<{ name: string; span: Span; typeName: string | null }> = [];
    while (this.at(K.Identifier)) {
      const first = this.scanner.getTokenValue();
      const firstSpan = { start: this.tokStart, end: this.tokEnd };
      const t = this.parseType();
      if (this.at(K.Identifier)) {
        names.push({
          name: this.scanner.getTokenValue(),
          span: { start: this.tokStart, end: this.tokEnd },
          typeName: t,
        });
        this.next();
      } else {
        names.push({ name: first, span: firstSpan, typeName: null });
      }
      if (!this.at(K.Comma)) break;
      this.next();
    }
    this.expect(K.CloseParen, "')' expected", open);
    let init: Expression | null = null;
    if (this.at(K.Assign)) {
      this.next();
      init = this.parseExpressionOrCommand();
    }
    names.forEach((n, i) => {
      const element = init !== null && init.type === 'List' && i < init.elements.length ? init.elements[i] : null;
      const decl: VariableDeclaration = {
        type: 'VarDecl',
        declType: n.typeName ?? 'def',
        modifiers,
        name: n.name,
        nameSpan: n.span,
        init: element,
        start: i === 0 ? start : n.span.start,
        end: this.lastEnd,
      };
      list.push(i === 0 ? this.withAnnotations(decl, annotations) : decl);
    });
  }

  parseMethodRest(
    start: number,
    modifiers: string[],
    returnType: string | null,
    name: string,
    nameSpan: Span,
  ): MethodDeclaration {
    const params = this.parseParameters();
    if (this.at(K.Throws)) {
      this.next();
      for (;;) {
        if (this.parseType() === null) break;
        if (!this.at(K.Comma)) break;
        this.next();
      }
    }
    // An annotation type's member: `String value() default 'x'`.
    let defaultValue: Expression | undefined;
    if (this.at(K.Default) && !this.nlBefore) {
      this.next();
      defaultValue = this.parseExpression();
    }
    let body: BlockStatement | null = null;
    if (this.at(K.OpenBrace)) body = this.parseBlock();
    const node: MethodDeclaration = {
      type: 'MethodDecl',
      name,
      nameSpan,
      modifiers,
      returnType,
      params,
      body,
      start,
      end: this.lastEnd,
    };
    if (defaultValue !== undefined) node.defaultValue = defaultValue;
    return node;
  }

  parseParameters(): Parameter[] {
    const params: Parameter[] = [];
    const open = this.tokStart;
    const savedNl = this.nlSignificant;
    this.nlSignificant = false;
    this.next();
    for (;;) {
      if (this.at(K.CloseParen)) {
        this.next();
        break;
      }
      if (this.at(K.EOF) || this.at(K.OpenBrace) || this.at(K.CloseBrace)) {
        this.addError("')' expected", open, 1);
        break;
      }
      const p = this.parseParameter(false);
      if (p === null) {
        this.addError('Parameter expected', this.here(), this.tokEnd - this.tokStart);
        this.next();
        continue;
      }
      params.push(p);
      if (this.at(K.Comma)) this.next();
      else if (!this.at(K.CloseParen)) this.addError("',' expected", this.here(), 0);
    }
    this.nlSignificant = savedNl;
    return params;
  }

  /** `[final] [Type] name [= default]`; null when the tokens are not a parameter. */
  parseParameter(speculative: boolean): Parameter | null {
    const start = this.tokStart;
    if (this.at(K.At)) this.parseAnnotations();
    while (this.at(K.Final) || this.at(K.Def)) this.next();
    if (!this.at(K.Identifier)) return null;
    const first = this.scanner.getTokenValue();
    const firstStart = this.tokStart;
    const t = this.parseType();
    if (t === null) return null;
    if (this.at(K.Ellipsis)) this.next();
    let name: string;
    let typeName: string | null = null;
    if (this.at(K.Identifier)) {
      typeName = t;
      name = this.scanner.getTokenValue();
      this.next();
    } else if (t === first && this.lastEnd === firstStart + first.length) {
      name = first;
    } else {
      return null;
    }
    let defaultValue: Expression | null = null;
    if (this.at(K.Assign)) {
      this.next();
      if (speculative) {
        // Closure parameters are a guess: keep the guess cheap (one-token defaults) so it stays linear.
        if (!(
          this.at(K.Identifier) ||
          this.at(K.Number) ||
          this.at(K.String) ||
          this.at(K.True) ||
          this.at(K.False) ||
          this.at(K.Null)
        ))
          return null;
        defaultValue = this.parsePrimary();
      } else {
        defaultValue = this.parseExpression();
      }
    }
    return { type: 'Parameter', name, typeName, defaultValue, start, end: this.lastEnd };
  }
}
