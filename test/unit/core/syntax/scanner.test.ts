import assert from 'node:assert/strict';
import {
  Quote,
  StringStop,
  SyntaxKind as K,
  createScanner,
  isIdentifierPart,
  isIdentifierStart,
} from '../../../../src/core/syntax/scanner';

/** All tokens of `text` as [kind, source text] (strings scanned as single chunks only). */
function tokens(text: string): Array<[K, string]> {
  const scanner = createScanner(text);
  const out: Array<[K, string]> = [];
  for (let kind = scanner.scan(); kind !== K.EOF; kind = scanner.scan())
    out.push([kind, text.slice(scanner.getTokenStart(), scanner.getTokenEnd())]);
  return out;
}

function kinds(text: string): K[] {
  return tokens(text).map(([k]) => k);
}

describe('syntax/scanner', () => {
  it('scans identifiers, keywords and $-names', () => {
    assert.deepEqual(tokens('def $class _x über'), [
      [K.Def, 'def'],
      [K.Identifier, '$class'],
      [K.Identifier, '_x'],
      [K.Identifier, 'über'],
    ]);
  });

  it('scans every Groovy operator form', () => {
    const cases: Array<[string, K]> = [
      ['?.', K.SafeDot],
      ['?:', K.Elvis],
      ['*.', K.SpreadDot],
      ['.&', K.MethodPointer],
      ['.@', K.FieldAccess],
      ['->', K.Arrow],
      ['..', K.Range],
      ['..<', K.RangeExclusive],
      ['...', K.Ellipsis],
      ['<=>', K.Spaceship],
      ['=~', K.RegexFind],
      ['==~', K.RegexMatch],
      ['**', K.Power],
      ['**=', K.PowerAssign],
      ['===', K.Identical],
      ['!==', K.NotIdentical],
      ['!=', K.NotEq],
      ['==', K.EqEq],
      ['<=', K.Le],
      ['<<', K.LtLt],
      ['<<=', K.LtLtAssign],
      ['&&', K.AmpAmp],
      ['||', K.BarBar],
      ['++', K.PlusPlus],
      ['--', K.MinusMinus],
      ['+=', K.PlusAssign],
      ['-=', K.MinusAssign],
      ['*=', K.StarAssign],
      ['%=', K.PercentAssign],
      ['&=', K.AmpAssign],
      ['|=', K.BarAssign],
      ['^=', K.CaretAssign],
      ['?=', K.ElvisAssign],
      ['::', K.ColonColon],
      ['@', K.At],
      ['~', K.Tilde],
    ];
    for (const [op, kind] of cases) assert.deepEqual(tokens(`a ${op} b`)[1], [kind, op], op);
  });

  it('returns a single > and re-scans >>, >>>, >=, >>= on request', () => {
    const text = 'a >>> b';
    const s = createScanner(text);
    s.scan();
    assert.equal(s.scan(), K.Gt);
    assert.equal(s.reScanGreater(), K.GtGtGt);
    assert.equal(s.getTokenEnd(), 5);
    for (const [op, kind] of [
      ['>=', K.Ge],
      ['>>', K.GtGt],
      ['>>=', K.GtGtAssign],
      ['>>>=', K.GtGtGtAssign],
      ['>', K.Gt],
    ] as const) {
      const sc = createScanner(`x ${op} y`);
      sc.scan();
      sc.scan();
      assert.equal(sc.reScanGreater(), kind, op);
      assert.equal(sc.getTokenEnd(), 2 + op.length, op);
    }
  });

  it('scans !in and !instanceof only as whole words', () => {
    assert.deepEqual(kinds('a !in b'), [K.Identifier, K.NotIn, K.Identifier]);
    assert.deepEqual(kinds('a !instanceof B'), [K.Identifier, K.NotInstanceof, K.Identifier]);
    assert.deepEqual(kinds('!input'), [K.Bang, K.Identifier]);
  });

  it('scans numbers with bases, underscores, fractions, exponents and suffixes', () => {
    for (const n of ['42', '10L', '1.5d', '1_000', '0x1F', '0xFFL', '0b1010', '1e10', '2.5E-3', '3.0f', '7G', '077']) {
      assert.deepEqual(tokens(n), [[K.Number, n]], n);
    }
    assert.deepEqual(kinds('1..5'), [K.Number, K.Range, K.Number]);
    assert.deepEqual(kinds('1.abs()'), [K.Number, K.Dot, K.Identifier, K.OpenParen, K.CloseParen]);
  });

  it('skips line and block comments and a shebang, noting line breaks', () => {
    const s = createScanner('#!/usr/bin/env groovy\na /* x\n */ b // c\n/* d */ c');
    assert.equal(s.scan(), K.Identifier);
    assert.equal(s.getTokenStart(), 22);
    assert.equal(s.scan(), K.Identifier);
    assert.equal(s.hasPrecedingLineBreak(), true, 'block comment with a newline');
    assert.equal(s.scan(), K.Identifier);
    assert.equal(s.hasPrecedingLineBreak(), true);
    assert.equal(s.getTokenValue(), 'c');
  });

  it('skips a BOM but keeps offsets into the given text', () => {
    const s = createScanner('\uFEFFsh');
    assert.equal(s.scan(), K.Identifier);
    assert.equal(s.getTokenStart(), 1);
  });

  it('treats a backslash-newline as a line continuation outside strings', () => {
    const s = createScanner('a \\\n b');
    s.scan();
    s.scan();
    assert.equal(s.hasPrecedingLineBreak(), false);
  });

  it('cooks escapes and records offsets back to the source', () => {
    const text = String.raw`'a\tb\u0041\\c\$'`;
    const s = createScanner(text);
    assert.equal(s.scan(), K.String);
    assert.equal(s.getTokenValue(), 'a\tbA\\c$');
    const offsets = s.getTextOffsets()!;
    assert.equal(offsets.length, 7);
    for (const [i, ch] of [
      [0, 'a'],
      [2, 'b'],
      [5, 'c'],
    ] as const)
      assert.equal(text[offsets[i]], ch);
    assert.equal(text.slice(offsets[3], offsets[3] + 6), '\\u0041');
  });

  it('leaves offsets out when cooking changed nothing', () => {
    const s = createScanner('"plain text"');
    s.scan();
    assert.equal(s.getTextOffsets(), undefined);
    assert.equal(s.getTokenValue(), 'plain text');
  });

  it('stops double-quoted chunks at ${ and $name, not at a lone $', () => {
    const s = createScanner('"cost $5 for ${x}"');
    assert.equal(s.scan(), K.StringHead);
    assert.equal(s.getStringStop(), StringStop.DollarBrace);
    assert.equal(s.getTokenValue(), 'cost $5 for ');
    const t = createScanner('"a $name.b"');
    assert.equal(t.scan(), K.StringHead);
    assert.equal(t.getStringStop(), StringStop.DollarIdent);
    assert.equal(t.getTextEnd(), 3);
  });

  it('does not interpolate single-quoted strings', () => {
    const s = createScanner("'${x} $y'");
    assert.equal(s.scan(), K.String);
    assert.equal(s.getTokenValue(), '${x} $y');
  });

  it('ends a single-line string at the end of the line (unterminated)', () => {
    const s = createScanner("'abc\nnext");
    assert.equal(s.scan(), K.String);
    assert.equal(s.getStringStop(), StringStop.Unterminated);
    assert.equal(s.getTokenEnd(), 4);
    assert.equal(s.scan(), K.Identifier);
    assert.equal(s.hasPrecedingLineBreak(), true);
  });

  it('runs a triple-quoted string to EOF when unterminated', () => {
    const s = createScanner("'''abc\ndef");
    assert.equal(s.scan(), K.String);
    assert.equal(s.getStringStop(), StringStop.Unterminated);
    assert.equal(s.getTokenEnd(), 10);
  });

  it('normalises CRLF inside multi-line strings with offsets', () => {
    const text = '"""a\r\nb"""';
    const s = createScanner(text);
    s.scan();
    assert.equal(s.getTokenValue(), 'a\nb');
    assert.deepEqual(s.getTextOffsets(), [3, 4, 6]);
  });

  it('removes backslash line continuations inside strings', () => {
    const text = '"""a \\\n  b"""';
    const s = createScanner(text);
    s.scan();
    assert.equal(s.getTokenValue(), 'a   b');
    assert.equal(text[s.getTextOffsets()![4]], 'b');
  });

  it('re-scans / as a slashy string only on request', () => {
    assert.deepEqual(kinds('a / b / c'), [K.Identifier, K.Slash, K.Identifier, K.Slash, K.Identifier]);
    const s = createScanner(String.raw`/a\/b\d+/ x`);
    assert.equal(s.scan(), K.Slash);
    assert.equal(s.reScanSlashy(), K.String);
    assert.equal(s.getQuote(), Quote.Slashy);
    assert.equal(s.getTokenValue(), String.raw`a/b\d+`);
    assert.equal(s.getTokenEnd(), 9);
  });

  it('scans dollar-slashy strings with $$ and $/ escapes', () => {
    const s = createScanner('$/a $$ b $/ c/$');
    assert.equal(s.scan(), K.String);
    assert.equal(s.getQuote(), Quote.DollarSlashy);
    assert.equal(s.getTokenValue(), 'a $ b / c');
  });

  it('saves and restores state for speculation', () => {
    const s = createScanner('a "b" c');
    s.scan();
    const state = s.save();
    s.scan();
    s.scan();
    s.restore(state);
    assert.equal(s.scan(), K.String);
    assert.equal(s.getTokenValue(), 'b');
  });

  it('continues a string after an interpolation', () => {
    const text = '"a${x}b"';
    const s = createScanner(text);
    assert.equal(s.scan(), K.StringHead);
    s.setPosition(4);
    assert.equal(s.scan(), K.Identifier);
    assert.equal(s.scan(), K.CloseBrace);
    assert.equal(s.continueString(Quote.Double, s.getTokenEnd()), K.StringTail);
    assert.equal(s.getTokenValue(), 'b');
    assert.equal(s.getTokenEnd(), text.length);
  });
});

describe('syntax/scanner: identifier classes', () => {
  it('agrees with Unicode letter classes on Latin-1', () => {
    for (let c = 0x80; c < 0x100; c++) {
      const letter = /\p{L}/u.test(String.fromCharCode(c));
      assert.equal(isIdentifierStart(c), letter, c.toString(16));
      assert.equal(isIdentifierPart(c), letter, c.toString(16));
    }
  });
});
