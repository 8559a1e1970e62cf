// Strings and GStrings: plain, triple-quoted, slashy and dollar-slashy literals, `$name.prop` and
// `${ expr }` interpolations (a single-line string's `${}` ends at the end of its line).

import type { Expression, QuoteKind, Statement, StringLiteral, StringPart, TextPart } from './ast';
import { Quote, StringStop, SyntaxKind as K } from './scanner';
import { ParserState } from './state';

const quoteKinds: QuoteKind[] = ["'", '"', "'''", '"""', '/', '$/'];

export abstract class StringParser extends ParserState {
  abstract parseExpressionOrCommand(): Expression;

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
        } else {
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
