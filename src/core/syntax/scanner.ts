// Groovy scanner in the node-jsonc-parser style: a closure over the text whose `scan()` returns a numeric
// token kind and leaves the details (span, value, string parts) in scanner state. It never throws and
// never recurses. Strings are scanned in chunks (TypeScript template-literal style): a chunk stops at
// the closing quote, at `${`, or at `$name`; the parser handles the interpolation and then calls
// `continueString` to scan the next chunk, so nested strings need no stack here.

export const enum SyntaxKind {
  EOF,
  Unknown,
  Identifier,
  Number,
  /** A complete string without interpolation. */
  String,
  /** Opening quote up to the first interpolation's `$`. */
  StringHead,
  /** Text between two interpolations. */
  StringMiddle,
  /** Text after the last interpolation up to and including the closing quote. */
  StringTail,

  OpenBrace,
  CloseBrace,
  OpenParen,
  CloseParen,
  OpenBracket,
  CloseBracket,
  Semicolon,
  Comma,
  Dot,
  /** `?.` */
  SafeDot,
  /** `*.` */
  SpreadDot,
  /** `.&` */
  MethodPointer,
  /** `.@` */
  FieldAccess,
  /** `::` */
  ColonColon,
  /** `..` */
  Range,
  /** `..<` */
  RangeExclusive,
  /** `...` */
  Ellipsis,
  /** `->` */
  Arrow,
  Question,
  /** `?:` */
  Elvis,
  Colon,
  At,

  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  /** `**` */
  Power,
  PlusPlus,
  MinusMinus,
  Lt,
  /** The scanner always returns a single `>`; the parser re-scans for `>=`, `>>`, `>>>`, `>>=`, `>>>=`. */
  Gt,
  Le,
  Ge,
  EqEq,
  NotEq,
  /** `===` */
  Identical,
  /** `!==` */
  NotIdentical,
  /** `<=>` */
  Spaceship,
  /** `=~` */
  RegexFind,
  /** `==~` */
  RegexMatch,
  AmpAmp,
  BarBar,
  Amp,
  Bar,
  Caret,
  Tilde,
  Bang,
  LtLt,
  GtGt,
  GtGtGt,
  /** `!in` */
  NotIn,
  /** `!instanceof` */
  NotInstanceof,

  Assign,
  PlusAssign,
  MinusAssign,
  StarAssign,
  SlashAssign,
  PercentAssign,
  PowerAssign,
  LtLtAssign,
  GtGtAssign,
  GtGtGtAssign,
  AmpAssign,
  BarAssign,
  CaretAssign,
  /** `?=` */
  ElvisAssign,

  // Keywords (all lower-case words).
  FirstKeyword,
  As = FirstKeyword,
  Assert,
  Break,
  Case,
  Catch,
  Class,
  Continue,
  Def,
  Default,
  Do,
  Else,
  Enum,
  Extends,
  False,
  Finally,
  For,
  If,
  Implements,
  Import,
  In,
  Instanceof,
  Interface,
  New,
  Null,
  Package,
  Return,
  Super,
  Switch,
  This,
  Throw,
  Throws,
  Trait,
  True,
  Try,
  Void,
  While,
  // Modifiers.
  FirstModifier,
  Abstract = FirstModifier,
  Final,
  Native,
  Private,
  Protected,
  Public,
  Static,
  Strictfp,
  Synchronized,
  Transient,
  Volatile,
  LastKeyword = Volatile,
}

/** How a string is delimited. */
export const enum Quote {
  Single,
  Double,
  TripleSingle,
  TripleDouble,
  Slashy,
  DollarSlashy,
}

/** Why a string chunk ended. */
export const enum StringStop {
  Closed,
  Unterminated,
  /** At `${`: the chunk's text ends at the `$`. */
  DollarBrace,
  /** At `$name`: the chunk's text ends at the `$`. */
  DollarIdent,
}

const keywordKinds = new Map<string, SyntaxKind>([
  ['as', SyntaxKind.As],
  ['assert', SyntaxKind.Assert],
  ['break', SyntaxKind.Break],
  ['case', SyntaxKind.Case],
  ['catch', SyntaxKind.Catch],
  ['class', SyntaxKind.Class],
  ['continue', SyntaxKind.Continue],
  ['def', SyntaxKind.Def],
  ['default', SyntaxKind.Default],
  ['do', SyntaxKind.Do],
  ['else', SyntaxKind.Else],
  ['enum', SyntaxKind.Enum],
  ['extends', SyntaxKind.Extends],
  ['false', SyntaxKind.False],
  ['finally', SyntaxKind.Finally],
  ['for', SyntaxKind.For],
  ['if', SyntaxKind.If],
  ['implements', SyntaxKind.Implements],
  ['import', SyntaxKind.Import],
  ['in', SyntaxKind.In],
  ['instanceof', SyntaxKind.Instanceof],
  ['interface', SyntaxKind.Interface],
  ['new', SyntaxKind.New],
  ['null', SyntaxKind.Null],
  ['package', SyntaxKind.Package],
  ['return', SyntaxKind.Return],
  ['super', SyntaxKind.Super],
  ['switch', SyntaxKind.Switch],
  ['this', SyntaxKind.This],
  ['throw', SyntaxKind.Throw],
  ['throws', SyntaxKind.Throws],
  ['trait', SyntaxKind.Trait],
  ['true', SyntaxKind.True],
  ['try', SyntaxKind.Try],
  ['void', SyntaxKind.Void],
  ['while', SyntaxKind.While],
  ['abstract', SyntaxKind.Abstract],
  ['final', SyntaxKind.Final],
  ['native', SyntaxKind.Native],
  ['private', SyntaxKind.Private],
  ['protected', SyntaxKind.Protected],
  ['public', SyntaxKind.Public],
  ['static', SyntaxKind.Static],
  ['strictfp', SyntaxKind.Strictfp],
  ['synchronized', SyntaxKind.Synchronized],
  ['transient', SyntaxKind.Transient],
  ['volatile', SyntaxKind.Volatile],
]);

// Keywords by first letter and length (slot `(letter - 'a') * 13 + length`), so recognising one needs
// no map lookup on a freshly sliced string, and most identifiers (`sh`, `stage`, `withAWS`) find an
// empty slot without comparing any text. Parallel arrays: no tuple destructuring in the scan loop.
const KEYWORD_SLOT_LENGTHS = 13;
const keywordWords: Array<string[] | undefined> = [];
const keywordTokens: Array<SyntaxKind[] | undefined> = [];
for (const [word, kind] of keywordKinds) {
  const slot = (word.charCodeAt(0) - 97) * KEYWORD_SLOT_LENGTHS + word.length;
  (keywordWords[slot] ??= []).push(word);
  (keywordTokens[slot] ??= []).push(kind);
}

/** True for keyword token kinds (which may still serve as map keys, named arguments and member names). */
export function isKeyword(kind: SyntaxKind): boolean {
  return kind >= SyntaxKind.FirstKeyword && kind <= SyntaxKind.LastKeyword;
}

/** True for modifier keywords (`final`, `static`, `private`, ...). */
export function isModifier(kind: SyntaxKind): boolean {
  return kind >= SyntaxKind.FirstModifier && kind <= SyntaxKind.LastKeyword;
}

// Only consulted for non-ASCII characters, which are rare outside strings and comments.
const unicodeIdentifierStart = /[\p{L}\p{Nl}]/u;
const unicodeIdentifierPart = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;

/** Letters of U+0080..U+00FF (ª µ º and À..ÿ without × and ÷), decided without a regex. */
function isLatin1Letter(ch: number): boolean {
  return ch === 0xaa || ch === 0xb5 || ch === 0xba || (ch >= 0xc0 && ch !== 0xd7 && ch !== 0xf7);
}

/** True when `ch` (a UTF-16 code unit or code point) may start a Groovy identifier. */
export function isIdentifierStart(ch: number): boolean {
  if (ch < 128) return (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || ch === 95 || ch === 36;
  if (ch < 256) return isLatin1Letter(ch);
  return unicodeIdentifierStart.test(String.fromCodePoint(ch));
}

/** True when `ch` may continue a Groovy identifier. */
export function isIdentifierPart(ch: number): boolean {
  if (ch < 128)
    return (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57) || ch === 95 || ch === 36;
  if (ch < 256) return isLatin1Letter(ch);
  return unicodeIdentifierPart.test(String.fromCodePoint(ch));
}

/** ASCII identifier classes: 1 = may start an identifier, 2 = may only continue one. */
const asciiIdentifier = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36) asciiIdentifier[c] = 1;
  else if (c >= 48 && c <= 57) asciiIdentifier[c] = 2;
}

function isUnicodeSpace(ch: number): boolean {
  return (
    ch === 0xa0 ||
    ch === 0xfeff ||
    ch === 0x1680 ||
    (ch >= 0x2000 && ch <= 0x200b) ||
    ch === 0x202f ||
    ch === 0x205f ||
    ch === 0x3000
  );
}

function isDigit(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}

function isHexDigit(ch: number): boolean {
  return (ch >= 48 && ch <= 57) || (ch >= 97 && ch <= 102) || (ch >= 65 && ch <= 70);
}

/** Scanner state for speculative parsing (save, try, restore). */
export interface ScannerState {
  pos: number;
  token: SyntaxKind;
  tokenStart: number;
  lineBreak: boolean;
  value: string;
  quote: Quote;
  stop: StringStop;
  textStart: number;
  textEnd: number;
  offsets: number[] | undefined;
}

export interface Scanner {
  /** Scans the next token, skipping whitespace and comments. */
  scan(): SyntaxKind;
  getToken(): SyntaxKind;
  getTokenStart(): number;
  /** Current position, which is the end of the token just scanned. */
  getTokenEnd(): number;
  /** True when a line break (or a comment containing one) precedes the token. */
  hasPrecedingLineBreak(): boolean;
  /** Identifier name, number source text, or the cooked text of a string chunk. */
  getTokenValue(): string;
  /** For string tokens: the quote, why the chunk stopped, the chunk's text span and cooked offsets. */
  getQuote(): Quote;
  getStringStop(): StringStop;
  getTextStart(): number;
  getTextEnd(): number;
  getTextOffsets(): number[] | undefined;
  /** Re-scans a `>` token as `>=`, `>>`, `>>>`, `>>=`, `>>>=` where the text has them. */
  reScanGreater(): SyntaxKind;
  /** Re-scans a `/` or `/=` token as the start of a slashy string (only where an operand may start). */
  reScanSlashy(): SyntaxKind;
  /** Scans the next chunk of a string whose interpolation ended just before `pos`. */
  continueString(quote: Quote, pos: number): SyntaxKind;
  /** Moves to `pos`; the next `scan()` starts there. */
  setPosition(pos: number): void;
  /** End of the identifier starting at `pos` (== pos when none starts there). */
  identifierEnd(pos: number): number;
  save(): ScannerState;
  restore(state: ScannerState): void;
}

export type ScanErrorHandler = (message: string, offset: number, length: number) => void;

/** Creates a scanner over `text`. A leading BOM and a `#!` line are skipped; offsets stay into `text`. */
export function createScanner(text: string, onError?: ScanErrorHandler): Scanner {
  const len = text.length;
  let pos = 0;
  if (len > 0 && text.charCodeAt(0) === 0xfeff) pos = 1;
  if (text.charCodeAt(pos) === 35 /* # */ && text.charCodeAt(pos + 1) === 33 /* ! */) {
    while (pos < len && text.charCodeAt(pos) !== 10 && text.charCodeAt(pos) !== 13) pos++;
  }
  let token = SyntaxKind.Unknown;
  let tokenStart = pos;
  let lineBreak = false;
  let value = '';
  let quote = Quote.Single;
  let stop = StringStop.Closed;
  let textStart = 0;
  let textEnd = 0;
  let offsets: number[] | undefined;

  function error(message: string, offset: number, length: number): void {
    if (onError) onError(message, offset, length);
  }

  function identifierEnd(p: number): number {
    if (p >= len) return p;
    let ch = text.charCodeAt(p);
    if (ch < 128) {
      if (!((ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || ch === 95 || ch === 36)) return p;
      p++;
    } else {
      const cp = text.codePointAt(p)!;
      if (!isIdentifierStart(cp)) return p;
      p += cp > 0xffff ? 2 : 1;
    }
    while (p < len) {
      ch = text.charCodeAt(p);
      if (ch < 128) {
        if (asciiIdentifier[ch] !== 0) p++;
        else break;
      } else {
        const cp = text.codePointAt(p)!;
        if (!isIdentifierPart(cp)) break;
        p += cp > 0xffff ? 2 : 1;
      }
    }
    return p;
  }

  function scanNumber(): SyntaxKind {
    const start = pos;
    let ch = text.charCodeAt(pos);
    if (ch === 48 && (text.charCodeAt(pos + 1) | 32) === 120 /* x */) {
      pos += 2;
      while (pos < len && (isHexDigit((ch = text.charCodeAt(pos))) || ch === 95)) pos++;
    } else if (ch === 48 && (text.charCodeAt(pos + 1) | 32) === 98 /* b */) {
      pos += 2;
      while (pos < len && ((ch = text.charCodeAt(pos)) === 48 || ch === 49 || ch === 95)) pos++;
    } else {
      while (pos < len && (isDigit((ch = text.charCodeAt(pos))) || ch === 95)) pos++;
      // A fraction needs a digit after the dot: `1..2` is a range and `1.abs()` a call.
      if (ch === 46 && isDigit(text.charCodeAt(pos + 1))) {
        pos++;
        while (pos < len && (isDigit((ch = text.charCodeAt(pos))) || ch === 95)) pos++;
      }
      if ((ch | 32) === 101 /* e */) {
        let p = pos + 1;
        const sign = text.charCodeAt(p);
        if (sign === 43 || sign === 45) p++;
        if (isDigit(text.charCodeAt(p))) {
          pos = p;
          while (pos < len && (isDigit((ch = text.charCodeAt(pos))) || ch === 95)) pos++;
        }
      }
    }
    ch = text.charCodeAt(pos) | 32;
    // Type suffixes: l i g d f (any case).
    if (ch === 108 || ch === 105 || ch === 103 || ch === 100 || ch === 102) pos++;
    value = text.substring(start, pos);
    return SyntaxKind.Number;
  }

  /** Appends source [runStart, end) to the cooked value (and offsets, once cooking has diverged). */
  function flush(runStart: number, end: number): void {
    if (end <= runStart) return;
    value += text.substring(runStart, end);
    if (offsets) for (let i = runStart; i < end; i++) offsets.push(i);
  }

  function diverge(at: number): void {
    if (offsets) return;
    offsets = [];
    for (let i = textStart; i < at; i++) offsets.push(i);
  }

  /**
   * Scans string text from `pos` for quote `q` until the closing delimiter, an interpolation, or (for
   * single-line quotes) the end of the line. Sets value/offsets/textStart/textEnd/stop.
   */
  function scanChunk(q: Quote): void {
    value = '';
    offsets = undefined;
    textStart = pos;
    let runStart = pos;
    const interpolating =
      q === Quote.Double || q === Quote.TripleDouble || q === Quote.Slashy || q === Quote.DollarSlashy;
    const singleLine = q === Quote.Single || q === Quote.Double;
    const backslashEscapes = q <= Quote.TripleDouble;
    for (;;) {
      // Fast path over plain text (a local index keeps the hot loop in registers).
      let p = pos;
      while (p < len) {
        const c = text.charCodeAt(p);
        if (c === 39 || c === 34 || c === 47 || c === 10 || c === 13 || c === 36 || c === 92) break;
        p++;
      }
      pos = p;
      if (pos >= len) {
        flush(runStart, pos);
        textEnd = pos;
        stop = StringStop.Unterminated;
        return;
      }
      const ch = text.charCodeAt(pos);
      switch (ch) {
        case 39: // '
          if (
            q === Quote.Single ||
            (q === Quote.TripleSingle && text.charCodeAt(pos + 1) === 39 && text.charCodeAt(pos + 2) === 39)
          ) {
            flush(runStart, pos);
            textEnd = pos;
            pos += q === Quote.Single ? 1 : 3;
            stop = StringStop.Closed;
            return;
          }
          pos++;
          continue;
        case 34: // "
          if (
            q === Quote.Double ||
            (q === Quote.TripleDouble && text.charCodeAt(pos + 1) === 34 && text.charCodeAt(pos + 2) === 34)
          ) {
            flush(runStart, pos);
            textEnd = pos;
            pos += q === Quote.Double ? 1 : 3;
            stop = StringStop.Closed;
            return;
          }
          pos++;
          continue;
        case 47: // /
          if (q === Quote.Slashy || (q === Quote.DollarSlashy && text.charCodeAt(pos + 1) === 36)) {
            flush(runStart, pos);
            textEnd = pos;
            pos += q === Quote.Slashy ? 1 : 2;
            stop = StringStop.Closed;
            return;
          }
          pos++;
          continue;
        case 10:
        case 13:
          if (singleLine) {
            flush(runStart, pos);
            textEnd = pos;
            stop = StringStop.Unterminated;
            return;
          }
          if (ch === 13 && text.charCodeAt(pos + 1) === 10) {
            // Groovy normalises CRLF inside multi-line strings to LF.
            flush(runStart, pos);
            diverge(pos);
            value += '\n';
            offsets!.push(pos);
            pos += 2;
            runStart = pos;
            continue;
          }
          pos++;
          continue;
        case 36: // $
          if (interpolating) {
            const next = text.charCodeAt(pos + 1);
            if (next === 123 /* { */) {
              flush(runStart, pos);
              textEnd = pos;
              stop = StringStop.DollarBrace;
              return;
            }
            if (q === Quote.DollarSlashy && (next === 36 || next === 47)) {
              // `$$` and `$/` are the dollar-slashy escapes.
              flush(runStart, pos);
              diverge(pos);
              value += next === 36 ? '$' : '/';
              offsets!.push(pos);
              pos += 2;
              runStart = pos;
              continue;
            }
            if (identifierEnd(pos + 1) > pos + 1) {
              flush(runStart, pos);
              textEnd = pos;
              stop = StringStop.DollarIdent;
              return;
            }
          }
          pos++;
          continue;
        case 92: // backslash
          if (backslashEscapes) {
            scanEscape(runStart);
            runStart = pos;
            continue;
          }
          if (q === Quote.Slashy && text.charCodeAt(pos + 1) === 47) {
            flush(runStart, pos);
            diverge(pos);
            value += '/';
            offsets!.push(pos);
            pos += 2;
            runStart = pos;
            continue;
          }
          pos++;
          continue;
        default:
          pos++;
      }
    }
  }

  /** Cooks the escape at `pos` (a backslash); flushes the plain run before it. */
  function scanEscape(runStart: number): void {
    const at = pos;
    const next = text.charCodeAt(pos + 1);
    let cooked: string | null = null;
    let width = 2;
    switch (next) {
      case 110:
        cooked = '\n';
        break;
      case 116:
        cooked = '\t';
        break;
      case 114:
        cooked = '\r';
        break;
      case 98:
        cooked = '\b';
        break;
      case 102:
        cooked = '\f';
        break;
      case 115:
        cooked = ' ';
        break;
      case 92:
        cooked = '\\';
        break;
      case 39:
        cooked = "'";
        break;
      case 34:
        cooked = '"';
        break;
      case 36:
        cooked = '$';
        break;
      case 47:
        cooked = '/';
        break;
      case 117: {
        // \uXXXX (Java allows several u's)
        let p = pos + 2;
        while (text.charCodeAt(p) === 117) p++;
        if (
          isHexDigit(text.charCodeAt(p)) &&
          isHexDigit(text.charCodeAt(p + 1)) &&
          isHexDigit(text.charCodeAt(p + 2)) &&
          isHexDigit(text.charCodeAt(p + 3))
        ) {
          cooked = String.fromCharCode(parseInt(text.substring(p, p + 4), 16));
          width = p + 4 - pos;
        }
        break;
      }
      case 10:
        cooked = '';
        break;
      case 13:
        cooked = '';
        width = text.charCodeAt(pos + 2) === 10 ? 3 : 2;
        break;
      default:
        if (next >= 48 && next <= 55) {
          // Octal escape \0 .. \377.
          let p = pos + 1;
          const maxDigits = next <= 51 ? 3 : 2;
          while (p - pos - 1 < maxDigits && text.charCodeAt(p) >= 48 && text.charCodeAt(p) <= 55) p++;
          cooked = String.fromCharCode(parseInt(text.substring(pos + 1, p), 8));
          width = p - pos;
        }
    }
    if (cooked === null) {
      // Unknown escape (or a backslash at the end of the text): keep it as written.
      pos += pos + 1 < len && next !== 10 && next !== 13 ? 2 : 1;
      return;
    }
    flush(runStart, at);
    diverge(at);
    if (cooked.length > 0) {
      value += cooked;
      offsets!.push(at);
    }
    pos += width;
  }

  function startString(q: Quote, openLength: number): SyntaxKind {
    quote = q;
    pos += openLength;
    scanChunk(q);
    return stop === StringStop.Closed || stop === StringStop.Unterminated ? SyntaxKind.String : SyntaxKind.StringHead;
  }

  function scan(): SyntaxKind {
    lineBreak = false;
    for (;;) {
      tokenStart = pos;
      if (pos >= len) return (token = SyntaxKind.EOF);
      const ch = text.charCodeAt(pos);
      switch (ch) {
        case 32:
        case 9:
        case 11:
        case 12: {
          let p = pos + 1;
          let c = text.charCodeAt(p);
          while (c === 32 || c === 9) c = text.charCodeAt(++p);
          pos = p;
          continue;
        }
        case 10:
        case 13: {
          let p = pos + 1;
          let c = text.charCodeAt(p);
          while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(++p);
          pos = p;
          lineBreak = true;
          continue;
        }
        case 47: {
          // /
          const next = text.charCodeAt(pos + 1);
          if (next === 47) {
            let p = pos + 2;
            while (p < len) {
              const c = text.charCodeAt(p);
              if (c === 10 || c === 13) break;
              p++;
            }
            pos = p;
            continue;
          }
          if (next === 42) {
            const close = text.indexOf('*/', pos + 2);
            const end = close < 0 ? len : close + 2;
            if (close < 0) error('Unterminated comment', pos, 2);
            for (let p = pos + 2; p < end; p++) {
              const c = text.charCodeAt(p);
              if (c === 10 || c === 13) {
                lineBreak = true;
                break;
              }
            }
            pos = end;
            continue;
          }
          if (next === 61) {
            pos += 2;
            return (token = SyntaxKind.SlashAssign);
          }
          pos++;
          return (token = SyntaxKind.Slash);
        }
        case 92: {
          // backslash: line continuation outside strings
          const next = text.charCodeAt(pos + 1);
          if (next === 10) {
            pos += 2;
            continue;
          }
          if (next === 13) {
            pos += text.charCodeAt(pos + 2) === 10 ? 3 : 2;
            continue;
          }
          pos++;
          return (token = SyntaxKind.Unknown);
        }
        case 39: // '
          if (text.charCodeAt(pos + 1) === 39 && text.charCodeAt(pos + 2) === 39)
            return (token = startString(Quote.TripleSingle, 3));
          return (token = startString(Quote.Single, 1));
        case 34: // "
          if (text.charCodeAt(pos + 1) === 34 && text.charCodeAt(pos + 2) === 34)
            return (token = startString(Quote.TripleDouble, 3));
          return (token = startString(Quote.Double, 1));
        case 36: // $
          if (text.charCodeAt(pos + 1) === 47) return (token = startString(Quote.DollarSlashy, 2));
          break;
        case 123:
          pos++;
          return (token = SyntaxKind.OpenBrace);
        case 125:
          pos++;
          return (token = SyntaxKind.CloseBrace);
        case 40:
          pos++;
          return (token = SyntaxKind.OpenParen);
        case 41:
          pos++;
          return (token = SyntaxKind.CloseParen);
        case 91:
          pos++;
          return (token = SyntaxKind.OpenBracket);
        case 93:
          pos++;
          return (token = SyntaxKind.CloseBracket);
        case 59:
          pos++;
          return (token = SyntaxKind.Semicolon);
        case 44:
          pos++;
          return (token = SyntaxKind.Comma);
        case 64:
          pos++;
          return (token = SyntaxKind.At);
        case 126:
          pos++;
          return (token = SyntaxKind.Tilde);
        case 46: {
          // .
          const next = text.charCodeAt(pos + 1);
          if (next === 46) {
            if (text.charCodeAt(pos + 2) === 60) {
              pos += 3;
              return (token = SyntaxKind.RangeExclusive);
            }
            if (text.charCodeAt(pos + 2) === 46) {
              pos += 3;
              return (token = SyntaxKind.Ellipsis);
            }
            pos += 2;
            return (token = SyntaxKind.Range);
          }
          if (next === 38) {
            pos += 2;
            return (token = SyntaxKind.MethodPointer);
          }
          if (next === 64) {
            pos += 2;
            return (token = SyntaxKind.FieldAccess);
          }
          pos++;
          return (token = SyntaxKind.Dot);
        }
        case 63: {
          // ?
          const next = text.charCodeAt(pos + 1);
          if (next === 46) {
            pos += 2;
            return (token = SyntaxKind.SafeDot);
          }
          if (next === 58) {
            pos += 2;
            return (token = SyntaxKind.Elvis);
          }
          if (next === 61 && text.charCodeAt(pos + 2) !== 61) {
            pos += 2;
            return (token = SyntaxKind.ElvisAssign);
          }
          pos++;
          return (token = SyntaxKind.Question);
        }
        case 58: // :
          if (text.charCodeAt(pos + 1) === 58) {
            pos += 2;
            return (token = SyntaxKind.ColonColon);
          }
          pos++;
          return (token = SyntaxKind.Colon);
        case 43: {
          // +
          const next = text.charCodeAt(pos + 1);
          if (next === 43) {
            pos += 2;
            return (token = SyntaxKind.PlusPlus);
          }
          if (next === 61) {
            pos += 2;
            return (token = SyntaxKind.PlusAssign);
          }
          pos++;
          return (token = SyntaxKind.Plus);
        }
        case 45: {
          // -
          const next = text.charCodeAt(pos + 1);
          if (next === 45) {
            pos += 2;
            return (token = SyntaxKind.MinusMinus);
          }
          if (next === 61) {
            pos += 2;
            return (token = SyntaxKind.MinusAssign);
          }
          if (next === 62) {
            pos += 2;
            return (token = SyntaxKind.Arrow);
          }
          pos++;
          return (token = SyntaxKind.Minus);
        }
        case 42: {
          // *
          const next = text.charCodeAt(pos + 1);
          if (next === 42) {
            if (text.charCodeAt(pos + 2) === 61) {
              pos += 3;
              return (token = SyntaxKind.PowerAssign);
            }
            pos += 2;
            return (token = SyntaxKind.Power);
          }
          if (next === 61) {
            pos += 2;
            return (token = SyntaxKind.StarAssign);
          }
          if (next === 46 && text.charCodeAt(pos + 2) !== 46) {
            pos += 2;
            return (token = SyntaxKind.SpreadDot);
          }
          pos++;
          return (token = SyntaxKind.Star);
        }
        case 37: // %
          if (text.charCodeAt(pos + 1) === 61) {
            pos += 2;
            return (token = SyntaxKind.PercentAssign);
          }
          pos++;
          return (token = SyntaxKind.Percent);
        case 60: {
          // <
          const next = text.charCodeAt(pos + 1);
          if (next === 61) {
            if (text.charCodeAt(pos + 2) === 62) {
              pos += 3;
              return (token = SyntaxKind.Spaceship);
            }
            pos += 2;
            return (token = SyntaxKind.Le);
          }
          if (next === 60) {
            if (text.charCodeAt(pos + 2) === 61) {
              pos += 3;
              return (token = SyntaxKind.LtLtAssign);
            }
            pos += 2;
            return (token = SyntaxKind.LtLt);
          }
          pos++;
          return (token = SyntaxKind.Lt);
        }
        case 62:
          pos++;
          return (token = SyntaxKind.Gt);
        case 61: {
          // =
          const next = text.charCodeAt(pos + 1);
          if (next === 61) {
            const third = text.charCodeAt(pos + 2);
            if (third === 61) {
              pos += 3;
              return (token = SyntaxKind.Identical);
            }
            if (third === 126) {
              pos += 3;
              return (token = SyntaxKind.RegexMatch);
            }
            pos += 2;
            return (token = SyntaxKind.EqEq);
          }
          if (next === 126) {
            pos += 2;
            return (token = SyntaxKind.RegexFind);
          }
          pos++;
          return (token = SyntaxKind.Assign);
        }
        case 33: {
          // !
          const next = text.charCodeAt(pos + 1);
          if (next === 61) {
            if (text.charCodeAt(pos + 2) === 61) {
              pos += 3;
              return (token = SyntaxKind.NotIdentical);
            }
            pos += 2;
            return (token = SyntaxKind.NotEq);
          }
          if (next === 105 /* i */) {
            const end = identifierEnd(pos + 1);
            const word = end - pos - 1;
            if (word === 2 && text.startsWith('in', pos + 1)) {
              pos = end;
              return (token = SyntaxKind.NotIn);
            }
            if (word === 10 && text.startsWith('instanceof', pos + 1)) {
              pos = end;
              return (token = SyntaxKind.NotInstanceof);
            }
          }
          pos++;
          return (token = SyntaxKind.Bang);
        }
        case 38: {
          // &
          const next = text.charCodeAt(pos + 1);
          if (next === 38) {
            pos += 2;
            return (token = SyntaxKind.AmpAmp);
          }
          if (next === 61) {
            pos += 2;
            return (token = SyntaxKind.AmpAssign);
          }
          pos++;
          return (token = SyntaxKind.Amp);
        }
        case 124: {
          // |
          const next = text.charCodeAt(pos + 1);
          if (next === 124) {
            pos += 2;
            return (token = SyntaxKind.BarBar);
          }
          if (next === 61) {
            pos += 2;
            return (token = SyntaxKind.BarAssign);
          }
          pos++;
          return (token = SyntaxKind.Bar);
        }
        case 94: // ^
          if (text.charCodeAt(pos + 1) === 61) {
            pos += 2;
            return (token = SyntaxKind.CaretAssign);
          }
          pos++;
          return (token = SyntaxKind.Caret);
        default:
          if (ch >= 48 && ch <= 57) return (token = scanNumber());
          if (ch >= 128 && (isUnicodeSpace(ch) || ch === 0x2028 || ch === 0x2029 || ch === 0x85)) {
            if (ch === 0x2028 || ch === 0x2029 || ch === 0x85) lineBreak = true;
            pos++;
            continue;
          }
      }
      // Identifiers (including `$`-names such as `$class`).
      const end = identifierEnd(pos);
      if (end > pos) {
        const start = pos;
        pos = end;
        if (ch >= 97 && ch <= 122 && end - start < KEYWORD_SLOT_LENGTHS) {
          const slot = (ch - 97) * KEYWORD_SLOT_LENGTHS + (end - start);
          const words = keywordWords[slot];
          if (words !== undefined) {
            for (let i = 0; i < words.length; i++) {
              if (text.startsWith(words[i], start)) {
                value = words[i];
                return (token = keywordTokens[slot]![i]);
              }
            }
          }
        }
        value = text.substring(start, end);
        return (token = SyntaxKind.Identifier);
      }
      // Anything else: one code point of junk.
      pos += ch >= 0xd800 && ch <= 0xdbff && pos + 1 < len ? 2 : 1;
      return (token = SyntaxKind.Unknown);
    }
  }

  function reScanGreater(): SyntaxKind {
    if (token !== SyntaxKind.Gt) return token;
    const c1 = text.charCodeAt(pos);
    if (c1 === 61) {
      pos++;
      return (token = SyntaxKind.Ge);
    }
    if (c1 === 62) {
      const c2 = text.charCodeAt(pos + 1);
      if (c2 === 62) {
        if (text.charCodeAt(pos + 2) === 61) {
          pos += 3;
          return (token = SyntaxKind.GtGtGtAssign);
        }
        pos += 2;
        return (token = SyntaxKind.GtGtGt);
      }
      if (c2 === 61) {
        pos += 2;
        return (token = SyntaxKind.GtGtAssign);
      }
      pos++;
      return (token = SyntaxKind.GtGt);
    }
    return token;
  }

  function reScanSlashy(): SyntaxKind {
    if (token !== SyntaxKind.Slash && token !== SyntaxKind.SlashAssign) return token;
    pos = tokenStart;
    return (token = startString(Quote.Slashy, 1));
  }

  function continueString(q: Quote, p: number): SyntaxKind {
    quote = q;
    pos = p;
    tokenStart = p;
    lineBreak = false;
    scanChunk(q);
    return (token =
      stop === StringStop.Closed || stop === StringStop.Unterminated ? SyntaxKind.StringTail : SyntaxKind.StringMiddle);
  }

  return {
    scan,
    getToken: () => token,
    getTokenStart: () => tokenStart,
    getTokenEnd: () => pos,
    hasPrecedingLineBreak: () => lineBreak,
    getTokenValue: () => value,
    getQuote: () => quote,
    getStringStop: () => stop,
    getTextStart: () => textStart,
    getTextEnd: () => textEnd,
    getTextOffsets: () => offsets,
    reScanGreater,
    reScanSlashy,
    continueString,
    setPosition(p: number) {
      pos = p;
    },
    identifierEnd,
    save: () => ({ pos, token, tokenStart, lineBreak, value, quote, stop, textStart, textEnd, offsets }),
    restore(s: ScannerState) {
      pos = s.pos;
      token = s.token;
      tokenStart = s.tokenStart;
      lineBreak = s.lineBreak;
      value = s.value;
      quote = s.quote;
      stop = s.stop;
      textStart = s.textStart;
      textEnd = s.textEnd;
      offsets = s.offsets;
    },
  };
}
