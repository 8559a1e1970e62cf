// Parser state (acorn-loose's state.js): the current token, the errors, speculation (snapshot/rewind),
// and the recovery helpers every part of the grammar uses (skipping a region, deciding what a `}`
// closes, the depth cap). The grammar is a chain of classes, one file each, so no file imports a later
// one: state -> strings (strings.ts) -> expressions -> declarations -> statements (the concrete parser).
// Methods a file needs from a later one are declared abstract here.

import type {
  Annotation,
  BlockStatement,
  ErrorNode,
  ErrorStatement,
  Expression,
  Parameter,
  ParseError,
  Statement,
} from './ast';
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

/** Whether a token ends an operand, so that a `/` after it divides (else it starts a slashy string). */
function endsOperand(kind: K): boolean {
  switch (kind) {
    case K.Identifier:
    case K.Number:
    case K.String:
    case K.StringTail:
    case K.CloseParen:
    case K.CloseBracket:
    case K.CloseBrace:
    case K.This:
    case K.Super:
    case K.True:
    case K.False:
    case K.Null:
    case K.PlusPlus:
    case K.MinusMinus:
      return true;
    default:
      return false;
  }
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

/**
 * A brace count (what decides a `}` whose indentation disagrees with its block): `{` minus `}` of code
 * (braces in strings and comments do not count), and the offsets of the `{` met outside every string's
 * `${ }` (ascending): a count of the text from such a `{` to the end of its block adds up with the rest.
 */
export interface BraceCount {
  readonly balance: number;
  readonly opens: readonly number[];
}

/** The scan behind `braceCount`, one token at a time (reparse.ts runs two side by side). */
export class BraceScan {
  private readonly sc: Scanner;
  private readonly stack: number[] = [];
  readonly opens: number[] = [];
  balance = 0;
  /** `${` open around the current token. */
  quotes = 0;
  /** How many of them belong to a `"…"` string (a line break ends those, as in the parser). */
  private doubles = 0;
  /** The current token (not counted yet). */
  tok: K;
  /** The token counted before it (a `/` after an operand is division). */
  private prev: K = K.EOF;

  constructor(
    readonly text: string,
    start: number,
  ) {
    this.sc = createScanner(text);
    if (start > 0) this.sc.setPosition(start);
    this.tok = this.sc.scan();
  }

  start(): number {
    return this.sc.getTokenStart();
  }

  /** Whether the current token is code scanned from scratch (not a piece of a string). */
  plain(): boolean {
    const t = this.tok;
    return t !== K.String && t !== K.StringHead && t !== K.StringMiddle && t !== K.StringTail;
  }

  /** Counts the current token and moves to the next; returns where the counted token ended. */
  step(): number {
    const sc = this.sc;
    let t = this.tok;
    // A `/` where an operand is expected starts a slashy string, as the parser re-scans it
    // (expressions.ts): `x =~ /a$/` must not read `$/` as a dollar-slashy string's start.
    if ((t === K.Slash || t === K.SlashAssign) && !endsOperand(this.prev)) t = this.tok = sc.reScanSlashy();
    this.prev = t;
    let tokenEnd = sc.getTokenEnd();
    if (t === K.OpenBrace) {
      if (this.quotes === 0) this.opens.push(sc.getTokenStart());
      this.stack.push(-1);
      this.balance++;
      this.scanCode();
    } else if (t === K.CloseBrace) {
      const top = this.stack.length > 0 ? this.stack.pop()! : -1;
      if (top >= 0) {
        this.quotes--;
        if (top === Quote.Double) this.doubles--;
        this.tok = sc.continueString(top as Quote, tokenEnd);
      } else {
        this.balance--;
        this.scanCode();
      }
    } else if (t === K.StringHead || t === K.StringMiddle) {
      const q = sc.getQuote();
      const dollar = sc.getTextEnd();
      if (sc.getStringStop() === StringStop.DollarBrace) {
        this.stack.push(q);
        this.quotes++;
        if (q === Quote.Double) this.doubles++;
        tokenEnd = dollar + 2;
        sc.setPosition(tokenEnd);
        this.scanCode();
      } else {
        this.tok = sc.continueString(q, dollarPathEnd(this.text, sc.identifierEnd, dollar + 1));
      }
    } else {
      this.scanCode();
    }
    return tokenEnd;
  }

  /**
   * Scans a code token. Inside the `${}` of a `"…"` string a line break ends the string, as the parser
   * reads it (state.ts `lineLimited`): the interpolations open since that string's are dropped, and braces
   * opened in them are not counted (the parser goes on after the line as code: `"${a.b` ⏎ `c} x"`'s `}`
   * is a code brace).
   */
  private scanCode(): void {
    this.tok = this.sc.scan();
    if (this.doubles === 0 || !this.sc.hasPrecedingLineBreak()) return;
    while (this.doubles > 0) {
      const top = this.stack.pop()!;
      if (top === -1) {
        this.balance--;
      } else {
        this.quotes--;
        if (top === Quote.Double) this.doubles--;
      }
    }
  }
}

/**
 * Counts the braces of `text` from `start` (code, outside any string) to `end` (default: the end). With
 * an `end`, null unless the scan stops exactly there outside every string (a token or a `${` running past
 * it would make the count of the rest differ from a scan of the whole text).
 */
export function braceCount(text: string, start = 0, end = -1): BraceCount | null {
  const scan = new BraceScan(text, start);
  while (scan.tok !== K.EOF) {
    const tokenEnd = scan.step();
    if (end >= 0 && tokenEnd >= end)
      return tokenEnd === end && scan.quotes === 0 ? { balance: scan.balance, opens: scan.opens } : null;
  }
  return end >= 0 && end !== text.length ? null : { balance: scan.balance, opens: scan.opens };
}

/** Opening minus closing braces of code in `text` (braces in strings and comments do not count). */
export function braceImbalanceOf(text: string): number {
  return braceCount(text)!.balance;
}

/** What the `}` in front of the parser does to the block it is in. */
export const enum Closing {
  /** Closes it. */
  Own,
  /** Leaves it unclosed and closes an outer block. */
  Outer,
  /** Is an extra `}`: reported and skipped, the block goes on. */
  Stray,
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
  /** The text's brace balance, once a `}` needed it; `braces` when this parser counted it itself. */
  balance: number | null = null;
  braces: BraceCount | null = null;
  /**
   * Offsets of the `}` (first on their line) whose fate the balance decided: indented less than the line
   * of their block's statement (`under`), or more (`over`). reparse.ts reads them: a `}` outside the
   * re-parsed block is decided the same only while the balance keeps its sign.
   */
  readonly gateUnder: number[] = [];
  readonly gateOver: number[] = [];
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
   * What the `}` in front of the parser does to the block whose statement starts at `ownerStart`. Braces
   * match normally, except for a `}` first on its line whose indentation disagrees with that statement's
   * line, when the text's braces do not balance: indented less, it closes an outer block when the text
   * has more `{` than `}` (a `}` missing upstream); indented more, it is an extra `}` when the text has
   * more `}` than `{` (a stray `}`, or a `{` swallowed by damage such as an unterminated string). So
   * valid code, however indented, matches braces normally, and damage stays inside the block around it.
   */
  closing(ownerStart: number): Closing {
    if (!this.nlBefore) return Closing.Own;
    const indent = this.indentOf(this.tokStart);
    const ownerIndent = this.indentOf(ownerStart);
    if (indent === ownerIndent) return Closing.Own;
    const under = indent < ownerIndent;
    const gate = under ? this.gateUnder : this.gateOver;
    if (gate.length === 0 || gate[gate.length - 1] !== this.tokStart) gate.push(this.tokStart);
    if (this.balance === null) {
      if (this.balanceOf !== undefined) {
        this.balance = this.balanceOf();
      } else {
        const braces = braceCount(this.text)!;
        this.braces = braces;
        this.balance = braces.balance;
      }
    }
    if (under) return this.balance > 0 ? Closing.Outer : Closing.Own;
    return this.balance < 0 ? Closing.Stray : Closing.Own;
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
   * The `}` is consumed unless it closes an outer block (then it is left for that block and this one is
   * reported unclosed), as is an end of file; an extra `}` (see `closing`) is reported, handed to
   * `stray` and skipped.
   */
  untilCloseBrace(openAt: number, ownerStart: number, item: () => void, stray?: (node: ErrorStatement) => void): void {
    for (;;) {
      if (this.at(K.Semicolon)) {
        this.next();
        continue;
      }
      if (this.at(K.CloseBrace)) {
        const closing = this.closing(ownerStart);
        if (closing === Closing.Stray) {
          const start = this.tokStart;
          const message = "Unexpected '}'";
          this.addError(message, start, 1);
          this.next();
          if (stray !== undefined) stray({ type: 'ErrorStatement', message, start, end: this.lastEnd });
          continue;
        }
        if (closing === Closing.Outer) {
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
