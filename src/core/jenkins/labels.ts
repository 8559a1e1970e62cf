// Jenkins label expressions (`agent { label 'linux && ec2' }`, `node('a || b')`), parsed with Jenkins'
// own grammar: `<->` binds loosest, then `->`, `||`, `&&`, then `!` on an atom or a parenthesized
// expression; an atom is a run of characters other than whitespace, `&|!<>()` and quotes, or a
// double-quoted string. Like Jenkins, text that does not parse is taken as one label atom.

export type LabelExpression =
  | { type: 'atom'; name: string }
  | { type: 'not'; operand: LabelExpression }
  | { type: 'and' | 'or' | 'implies' | 'iff'; left: LabelExpression; right: LabelExpression };

export interface ParsedLabel {
  expression: LabelExpression;
  /** Why the text is not a label expression (then `expression` is the whole text as one atom), or null. */
  error: string | null;
}

type Token =
  | { kind: 'atom'; text: string; at: number }
  | { kind: '&&' | '||' | '!' | '->' | '<->' | '(' | ')' | 'eof'; at: number };

const NOT_ATOM = new Set(['&', '|', '!', '<', '>', '(', ')', ' ', '\t', '"', "'"]);

function tokenize(text: string): Token[] | string {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const ops = ['<->', '->', '&&', '||', '!', '(', ')'] as const;
    const op = ops.find((o) => text.startsWith(o, i));
    if (op) {
      out.push({ kind: op, at: i });
      i += op.length;
      continue;
    }
    if (c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\r' || text[j] === '\n') return `unterminated string at column ${i + 1}`;
        if (text[j] === '\\' && j + 1 < text.length) {
          const e = text[++j];
          const map: Record<string, string> = {
            b: '\b',
            t: '\t',
            n: '\n',
            f: '\f',
            r: '\r',
            '"': '"',
            "'": "'",
            '\\': '\\',
          };
          if (!(e in map)) return `unknown escape \\${e} at column ${j}`;
          value += map[e];
        } else value += text[j];
      }
      if (j >= text.length) return `unterminated string at column ${i + 1}`;
      out.push({ kind: 'atom', text: value, at: i });
      i = j + 1;
      continue;
    }
    if (NOT_ATOM.has(c)) return `unexpected '${c}' at column ${i + 1}`;
    let j = i;
    while (j < text.length && !NOT_ATOM.has(text[j])) j++;
    out.push({ kind: 'atom', text: text.slice(i, j), at: i });
    i = j;
  }
  out.push({ kind: 'eof', at: text.length });
  return out;
}

class LabelParser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i];
  }

  private fail(what: string): never {
    const t = this.peek();
    throw new LabelSyntaxError(`${what} at column ${t.at + 1}`);
  }

  expression(): LabelExpression {
    const e = this.binary(0);
    if (this.peek().kind !== 'eof')
      this.fail(
        this.peek().kind === 'atom'
          ? 'two labels without an operator between them (use && or ||)'
          : `unexpected '${this.peek().kind}'`,
      );
    return e;
  }

  private static readonly LEVELS = [
    ['<->', 'iff'],
    ['->', 'implies'],
    ['||', 'or'],
    ['&&', 'and'],
  ] as const;

  private binary(level: number): LabelExpression {
    if (level === LabelParser.LEVELS.length) return this.unary();
    const [op, type] = LabelParser.LEVELS[level];
    let left = this.binary(level + 1);
    while (this.peek().kind === op) {
      this.i++;
      left = { type, left, right: this.binary(level + 1) };
    }
    return left;
  }

  private unary(): LabelExpression {
    if (this.peek().kind === '!') {
      this.i++;
      return { type: 'not', operand: this.primary() };
    }
    return this.primary();
  }

  private primary(): LabelExpression {
    const t = this.peek();
    if (t.kind === 'atom') {
      this.i++;
      return { type: 'atom', name: t.text };
    }
    if (t.kind === '(') {
      this.i++;
      const e = this.binary(0);
      if (this.peek().kind !== ')') this.fail("missing ')'");
      this.i++;
      return e;
    }
    return this.fail(t.kind === 'eof' ? 'expression ends too early' : `unexpected '${t.kind}'`);
  }
}

class LabelSyntaxError extends Error {}

/** Parses a label expression; text Jenkins cannot parse becomes a single atom, with the reason. Never throws. */
export function parseLabelExpression(text: string): ParsedLabel {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { expression: { type: 'atom', name: text }, error: tokens };
  try {
    return { expression: new LabelParser(tokens).expression(), error: null };
  } catch (e) {
    if (e instanceof LabelSyntaxError) return { expression: { type: 'atom', name: text }, error: e.message };
    throw e;
  }
}

/** Whether an agent carrying `labels` satisfies the expression. */
export function labelMatches(expression: LabelExpression, labels: ReadonlySet<string>): boolean {
  switch (expression.type) {
    case 'atom':
      return labels.has(expression.name);
    case 'not':
      return !labelMatches(expression.operand, labels);
    case 'and':
      return labelMatches(expression.left, labels) && labelMatches(expression.right, labels);
    case 'or':
      return labelMatches(expression.left, labels) || labelMatches(expression.right, labels);
    case 'implies':
      return !labelMatches(expression.left, labels) || labelMatches(expression.right, labels);
    case 'iff':
      return labelMatches(expression.left, labels) === labelMatches(expression.right, labels);
  }
}

/** The atoms an expression names (for messages: which of a template's labels made it match). */
export function labelAtoms(expression: LabelExpression): string[] {
  switch (expression.type) {
    case 'atom':
      return [expression.name];
    case 'not':
      return labelAtoms(expression.operand);
    default:
      return [...new Set([...labelAtoms(expression.left), ...labelAtoms(expression.right)])];
  }
}
