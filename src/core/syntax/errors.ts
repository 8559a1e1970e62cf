// Stable codes for syntax errors. Messages are for people and may be reworded; codes are what tools and
// tests match on. Every message the scanner or parser produces maps to one code here (a unit test parses
// damaged input of every kind and checks no error is left with `unknown`).

export type SyntaxErrorCode =
  | 'expected-token'
  | 'unclosed-block'
  | 'expected-expression'
  | 'expected-identifier'
  | 'expected-type'
  | 'expected-statement'
  | 'expected-declaration'
  | 'expected-parameter'
  | 'expected-argument'
  | 'unexpected-token'
  | 'unexpected-close-brace'
  | 'unterminated-string'
  | 'unterminated-comment'
  | 'nesting-too-deep'
  | 'internal-error'
  | 'unknown';

const exact: Record<string, SyntaxErrorCode> = {
  "'}' expected": 'unclosed-block',
  "Unexpected '}'": 'unexpected-close-brace',
  'Expression expected': 'expected-expression',
  'Identifier expected': 'expected-identifier',
  'Type expected': 'expected-type',
  'Statement expected': 'expected-statement',
  'Declaration expected': 'expected-declaration',
  'Parameter expected': 'expected-parameter',
  'Argument expected': 'expected-argument',
  'Unterminated string': 'unterminated-string',
  'Unterminated comment': 'unterminated-comment',
  'Nesting too deep': 'nesting-too-deep',
};

/** The code of a scanner or parser message. */
export function syntaxErrorCode(message: string): SyntaxErrorCode {
  const code = exact[message];
  if (code !== undefined) return code;
  if (message.startsWith('Unexpected ')) return 'unexpected-token';
  if (message.endsWith(' expected')) return 'expected-token';
  if (message.startsWith('Internal parser error')) return 'internal-error';
  return 'unknown';
}
