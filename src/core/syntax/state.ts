// Parser state (acorn-loose's state.js): the current token, the errors, speculation (snapshot/rewind),
// and the recovery helpers every part of the grammar uses (skipping a region, deciding what a `}`
// closes, the depth cap). The grammar is a chain of classes, one file each, so no file imports a later
// one: state -> strings (strings.ts) -> expressions -> declarations -> statements (the concrete parser).
// Methods a file needs from a later one are declared abstract here.

import type { Annotation, BlockStatement, ErrorNode, Expression, Parameter, ParseError, Statement } from './ast';
import { syntaxErrorCode } from './errors';
import { Quote, StringStop, SyntaxKind as K, createScanner } from './scanner';
import type { Scanner, ScannerState } from './scanner';

/** Deepest nesting of statements/expressions parsed before the rest of a region is skipped. */
export const MAX_DEPTH = 500;

export function canStartExpression(kind: K): boolean {
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

export abstract class ParserState {
  readonly errors: ParseError[] = [];
  /** Where the parser was (token start) when it reported each error (reparse.ts needs them). */
  readonly cursors: number[] = [];
  /** Offsets and cursors of errors dropped as duplicates of the one before. */
  readonly dropOffsets: number[] = [];
  readonly dropCursors: number[] = [];
  readonly scanner: Scanner;
  // Current token.
  tok: K = K.EOF;
  tokStart = 0;
  tokEnd = 0;
  nlBefore = false;
  /** End of the last consumed token: the end of any node finished now. */
  lastEnd = 0;
  /** The real token hidden behind a virtual EOF (end of line inside a single-line string's `${}`). */
  pending: K | -1 = -1;
  lineLimited = false;
  nlSignificant = true;
  depth = 0;
  /** Start of the innermost statement: its line's indentation is that of blocks it opens. */
  stmtStart = 0;
  labelled = false;
  className: string | null = null;
  braceImbalance: number | null;
  /** `{` offset of the last block that did not end on its own `}`. */
  lastUnclosed = -1;
  /** Whether the last segment of the type parseType just read looks like a type (`List`, `int`). */
  typeHeadLike = false;

  constructor(
    readonly text: string,
    /** Gives the text's brace balance when a `}` needs it (reparse.ts knows it); else it is counted. */
    readonly balanceOf: (() => number) | undefined,
  ) {
    this.scanner = createScanner(text, (message, offset, length) => this.addError(message, offset, length));
    this.braceImbalance = null;
  }

  abstract parseExpression(): Expression;
  abstract parseBlockBody(openAt: number, ownerStart: number, classBody: string | null): Statement[];
  abstract parseParameter(speculative: boolean): Parameter | null;
  abstract parseCondition(): Expression;
  abstract withAnnotations<T extends Statement>(node: T, annotations: Annotation[] | undefined): T;
  abstract parseBlock(): BlockStatement;
  abstract skipGarbage(list: Statement[]): void;

  addError(message: string, offset: number, length: number): void {
    const last = this.errors.length > 0 ? this.errors[this.errors.length - 1] : undefined;
    if (last !== undefined && last.offset === offset) {
      this.dropOffsets.push(offset);
      this.dropCursors.push(this.tokStart);
      return; // one error per spot: no cascades
    }
    this.errors.push({ code: syntaxErrorCode(message), message, offset, length });
    this.cursors.push(this.tokStart);
  }

  /** Whether the current token is `kind` (a call, so the compiler does not narrow `tok` across next()). */
  at(kind: K): boolean {
    return this.tok === kind;
  }

  next(): void {
    this.lastEnd = this.tokEnd;
    if (this.pending !== -1) return;
    this.tok = this.scanner.scan();
    this.tokStart = this.scanner.getTokenStart();
    this.tokEnd = this.scanner.getTokenEnd();
    this.nlBefore = this.scanner.hasPrecedingLineBreak();
    if (this.lineLimited && this.nlBefore) {
      this.pending = this.tok;
      this.tok = K.EOF;
    }
  }

  /** Continues scanning at `p` (after `${`), as if the text before were consumed. */
  scanFrom(p: number): void {
    this.scanner.setPosition(p);
    this.tokEnd = p;
    this.next();
  }

  resumeString(quote: Quote, p: number): void {
    this.lastEnd = p;
    this.tok = this.scanner.continueString(quote, p);
    this.tokStart = this.scanner.getTokenStart();
    this.tokEnd = this.scanner.getTokenEnd();
    this.nlBefore = false;
  }

  snapshot(): Snapshot {
    return {
      scanner: this.scanner.save(),
      tok: this.tok,
      tokStart: this.tokStart,
      tokEnd: this.tokEnd,
      nlBefore: this.nlBefore,
      lastEnd: this.lastEnd,
      pending: this.pending,
      errorCount: this.errors.length,
    };
  }

  rewind(s: Snapshot): void {
    this.scanner.restore(s.scanner);
    this.tok = s.tok;
    this.tokStart = s.tokStart;
    this.tokEnd = s.tokEnd;
    this.nlBefore = s.nlBefore;
    this.lastEnd = s.lastEnd;
    this.pending = s.pending;
    this.errors.length = s.errorCount;
    this.cursors.length = s.errorCount;
  }

  peek(): K {
    const s = this.snapshot();
    this.next();
    const k = this.tok;
    this.rewind(s);
    return k;
  }

  tokenText(): string {
    return this.text.slice(this.tokStart, this.tokEnd);
  }

  describe(): string {
    if (this.at(K.EOF)) return 'end of line';
    const t = this.text.slice(this.tokStart, Math.min(this.tokEnd, this.tokStart + 30));
    return `'${t}'`;
  }

  here(): number {
    return this.at(K.EOF) ? this.lastEnd : this.tokStart;
  }

  /** A zero-width stand-in for missing code, placed right after the last consumed token (inside its parent). */
  errorNode(message: string): ErrorNode {
    this.addError(message, this.here(), this.at(K.EOF) ? 0 : this.tokEnd - this.tokStart);
    return { type: 'Error', message, start: this.lastEnd, end: this.lastEnd };
  }

  expect(kind: K, message: string, openAt: number): boolean {
    if (this.tok === kind) {
      this.next();
      return true;
    }
    this.addError(message, openAt >= 0 ? openAt : this.here(), openAt >= 0 ? 1 : 0);
    return false;
  }

  /**
   * Closes a statement head whose `(` is at `open` (`for (...)`, `catch (...)`): a missing `)` is
   * reported at the `(`, the rest of the head's line is skipped (never past a brace), then the `)` is taken.
   */
  closeHeadParen(open: number): void {
    if (!this.at(K.CloseParen)) {
      this.addError("')' expected", open, 1);
      while (
        !this.at(K.CloseParen) &&
        !this.at(K.EOF) &&
        !this.at(K.OpenBrace) &&
        !this.at(K.CloseBrace) &&
        !this.nlBefore
      )
        this.next();
    }
    if (this.at(K.CloseParen)) this.next();
  }

  indentOf(offset: number): number {
    // Usual case (a statement or `}` first on its line after spaces): one backward pass counts them.
    let q = offset;
    while (q > 0 && this.text.charCodeAt(q - 1) === 32) q--;
    if (q === 0 || this.text.charCodeAt(q - 1) === 10 || this.text.charCodeAt(q - 1) === 13) return offset - q;
    let p = offset;
    while (p > 0) {
      const c = this.text.charCodeAt(p - 1);
      if (c === 10 || c === 13) break;
      p--;
    }
    let col = 0;
    for (; p < offset; p++) {
      const c = this.text.charCodeAt(p);
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
  closesOuterBlock(ownerStart: number): boolean {
    if (!this.nlBefore || this.indentOf(this.tokStart) >= this.indentOf(ownerStart)) return false;
    if (this.braceImbalance === null)
      this.braceImbalance = this.balanceOf !== undefined ? this.balanceOf() : braceImbalanceOf(this.text);
    return this.braceImbalance > 0;
  }

  /**
   * Skips tokens up to (not including) the first unmatched `)`, `]` or `}` or EOF, walking through
   * strings and interpolations iteratively.
   */
  skipRegion(): void {
    const stack: number[] = [];
    for (;;) {
      switch (this.tok) {
        case K.EOF:
          return;
        case K.OpenParen:
        case K.OpenBracket:
        case K.OpenBrace:
          stack.push(-1);
          this.next();
          break;
        case K.CloseParen:
        case K.CloseBracket:
          if (stack.length === 0) return;
          stack.pop();
          this.next();
          break;
        case K.CloseBrace: {
          if (stack.length === 0) return;
          const top = stack.pop()!;
          if (top >= 0) this.resumeString(top as Quote, this.tokEnd);
          else this.next();
          break;
        }
        case K.StringHead:
        case K.StringMiddle: {
          const q = this.scanner.getQuote();
          const dollar = this.scanner.getTextEnd();
          if (this.scanner.getStringStop() === StringStop.DollarBrace) {
            stack.push(q);
            this.scanFrom(dollar + 2);
          } else {
            this.resumeString(q, dollarPathEnd(this.text, this.scanner.identifierEnd, dollar + 1));
          }
          break;
        }
        default:
          this.next();
      }
    }
  }

  tooDeep(): ErrorNode {
    const before = this.lastEnd;
    const start = this.tokStart;
    this.addError('Nesting too deep', this.here(), 0);
    this.skipRegion();
    if (this.lastEnd === before) return { type: 'Error', message: 'Nesting too deep', start: before, end: before };
    return { type: 'Error', message: 'Nesting too deep', start, end: this.lastEnd };
  }

  /**
   * Calls `item` for each element up to the closing `}` of a block opened at `openAt`, skipping `;`.
   * The `}` is consumed unless its indentation says it closes an outer block (then it is left for that
   * block and this one is reported unclosed), as is an end of file.
   */
  untilCloseBrace(openAt: number, ownerStart: number, item: () => void): void {
    for (;;) {
      if (this.at(K.Semicolon)) {
        this.next();
        continue;
      }
      if (this.at(K.CloseBrace)) {
        if (this.closesOuterBlock(ownerStart)) {
          this.addError("'}' expected", openAt, 1);
          this.lastUnclosed = openAt;
        } else {
          this.next();
        }
        return;
      }
      if (this.at(K.EOF)) {
        this.addError("'}' expected", openAt, 1);
        this.lastUnclosed = openAt;
        return;
      }
      item();
    }
  }
}
