// Strings and GStrings: plain, triple-quoted, slashy and dollar-slashy literals, `$name.prop` and
// `${ expr }` interpolations (a single-line string's `${}` ends at the end of its line).

import type { Expression, QuoteKind, Statement, StringLiteral, StringPart, TextPart } from './ast';
import { Quote, StringStop, SyntaxKind as K } from './scanner';
import { ParserState } from './state';

const quoteKinds: QuoteKind[] = ["'", '"', "'''", '"""', '/', '$/'];

/** Tokens that start a statement and never an expression: `${if (a) return ''; b}` is a block. */
const STATEMENT_ONLY = new Set<K>([
  K.If,
  K.For,
  K.While,
  K.Do,
  K.Def,
  K.Return,
  K.Throw,
  K.Try,
  K.Switch,
  K.Break,
  K.Continue,
  K.Assert,
]);

export abstract class StringParser extends ParserState {
  abstract parseExpressionOrCommand(): Expression;
  abstract parseStatementInto(list: Statement[]): void;

  /**
   * `${ statements }`: Groovy reads a placeholder that is more than one expression as a closure it calls
   * when the string is built (its value is the last statement's). Kept as a Closure without parameters,
   * like `${-> expr}`; newlines end its statements, as in any block.
   */
  parseInterpolationBlock(open: number): Expression {
    const savedNl = this.nlSignificant;
    this.nlSignificant = true;
    const body: Statement[] = [];
    while (!this.at(K.CloseBrace) && !this.at(K.EOF)) {
      const before = this.tokStart;
      this.parseStatementInto(body);
      if (this.tokStart === before && !this.at(K.CloseBrace) && !this.at(K.EOF)) this.next();
    }
    this.nlSignificant = savedNl;
    return { type: 'Closure', params: [], body, start: open, end: this.lastEnd };
  }

  textPart(): TextPart {
    const part: TextPart = {
      type: 'Text',
      value: this.scanner.getTokenValue(),
      start: this.scanner.getTextStart(),
      end: this.scanner.getTextEnd(),
    };
    const offsets = this.scanner.getTextOffsets();
    if (offsets !== undefined) part.offsets = offsets;
    return part;
  }

  parseStringLiteral(): StringLiteral {
    const start = this.tokStart;
    const quote = this.scanner.getQuote();
    if (this.at(K.String)) {
      const part = this.textPart();
      if (this.scanner.getStringStop() === StringStop.Unterminated)
        this.addError('Unterminated string', start, this.tokEnd - start);
      this.next();
      return {
        type: 'String',
        quote: quoteKinds[quote],
        parts: [part],
        interpolated: false,
        value: part.value,
        start,
        end: this.lastEnd,
      };
    }
    const parts: StringPart[] = [];
    let value = '';
    let end: number;
    for (;;) {
      const tStart = this.scanner.getTextStart();
      const tEnd = this.scanner.getTextEnd();
      if (tEnd > tStart) {
        const part = this.textPart();
        parts.push(part);
        value += part.value;
      }
      if (this.at(K.StringTail) || this.at(K.String)) {
        if (this.scanner.getStringStop() === StringStop.Unterminated)
          this.addError('Unterminated string', start, this.tokEnd - start);
        this.next();
        end = this.lastEnd;
        break;
      }
      const dollar = tEnd;
      if (this.scanner.getStringStop() === StringStop.DollarIdent) {
        // `$name.prop.sub`
        let e = this.scanner.identifierEnd(dollar + 1);
        let expression: Expression = {
          type: 'Identifier',
          name: this.text.slice(dollar + 1, e),
          start: dollar + 1,
          end: e,
        };
        while (this.text.charCodeAt(e) === 46) {
          const e2 = this.scanner.identifierEnd(e + 1);
          if (e2 === e + 1) break;
          expression = {
            type: 'Property',
            object: expression,
            property: this.text.slice(e + 1, e2),
            propertySpan: { start: e + 1, end: e2 },
            safe: false,
            spread: false,
            start: dollar + 1,
            end: e2,
          };
          e = e2;
        }
        parts.push({ type: 'Interpolation', expression, braced: false, start: dollar, end: e });
        value += this.text.slice(dollar, e);
        this.resumeString(quote, e);
        continue;
      }
      // `${ ... }`
      const savedNl = this.nlSignificant;
      const savedLimited = this.lineLimited;
      this.nlSignificant = false;
      if (quote === Quote.Double) this.lineLimited = true;
      this.scanFrom(dollar + 2);
      let expression: Expression | null = null;
      if (!this.at(K.CloseBrace) && !this.at(K.EOF)) {
        if (this.at(K.Arrow)) {
          // `${-> expr}`: a lazily evaluated closure.
          const arrow = this.tokStart;
          this.next();
          const body: Statement[] = [];
          if (!this.at(K.CloseBrace) && !this.at(K.EOF)) {
            const e = this.parseExpression();
            body.push({ type: 'ExpressionStatement', expression: e, start: e.start, end: e.end });
          }
          expression = { type: 'Closure', params: [], body, start: arrow, end: this.lastEnd };
        } else if (STATEMENT_ONLY.has(this.tok)) {
          expression = this.parseInterpolationBlock(dollar + 1);
        } else {
          const before = this.snapshot();
          // `${build: 42}`: the interpolation is a closure body, so a statement label may lead it; the
          // value is the labelled expression. `${VAR:-x}` (also `:=`, `:+`, `:?`) is kept an error on
          // purpose: Groovy reads a label there too, but it is a shell expansion that needed `\${`.
          while (this.at(K.Identifier) && this.peek() === K.Colon) {
            const s = this.snapshot();
            this.next();
            if ('-=+?'.includes(this.text.charAt(this.tokEnd))) {
              this.rewind(s);
              break;
            }
            this.next();
          }
          // `${tool 'M3'}`, `${pwd tmp: true}`: a command call without parentheses is an expression here.
          expression = this.parseExpressionOrCommand();
          // `${String r = a; r + b}`, `${x\n y}`: more statements after the first: read it as a block.
          if (!this.at(K.CloseBrace) && !this.at(K.EOF) && (this.at(K.Semicolon) || this.nlBefore)) {
            this.rewind(before);
            expression = this.parseInterpolationBlock(dollar + 1);
          }
        }
        if (!this.at(K.CloseBrace)) {
          this.addError("'}' expected", this.here(), 0);
          while (!this.at(K.CloseBrace) && !this.at(K.EOF)) {
            this.skipRegion();
            if (this.at(K.CloseParen) || this.at(K.CloseBracket)) this.next();
          }
        }
      }
      this.lineLimited = savedLimited;
      this.nlSignificant = savedNl;
      if (this.at(K.CloseBrace)) {
        const close = this.tokEnd;
        parts.push({ type: 'Interpolation', expression, braced: true, start: dollar, end: close });
        value += this.text.slice(dollar, close);
        this.resumeString(quote, close);
        continue;
      }
      // End of text, or end of line inside a single-line string: the string is unterminated.
      if (!this.lineLimited && this.pending !== -1) {
        this.tok = this.pending;
        this.pending = -1;
      }
      end = Math.max(dollar + 2, this.lastEnd);
      this.addError('Unterminated string', start, end - start);
      parts.push({ type: 'Interpolation', expression, braced: true, start: dollar, end });
      value += this.text.slice(dollar, end);
      this.lastEnd = end;
      break;
    }
    return { type: 'String', quote: quoteKinds[quote], parts, interpolated: true, value, start, end };
  }
}
