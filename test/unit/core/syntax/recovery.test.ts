import assert from 'node:assert/strict';
import type { CallExpression, ExpressionStatement, StringLiteral } from '../../../../src/core/syntax/ast';
import { parse } from '../../../../src/core/syntax/parser';
import { assertSpansSane, calls, fixture, src } from './helpers';

function damaged(text: string) {
  const result = parse(text);
  assertSpansSane(result, text);
  assert.ok(result.errors.length > 0, 'damage is reported');
  return result;
}

const BEFORE = "withAWS(role: 'before', duration: 900) {\n    sh 'aws sts get-caller-identity'\n}\n";
const AFTER = "withAWS(role: 'after', roleAccount: '222222222222') {\n    sh 'aws s3 ls'\n}\n";

describe('syntax/parser: error recovery', () => {
  const damages: Array<[string, string]> = [
    ['unterminated single-quoted string', "sh 'oops\n"],
    ['unterminated double-quoted GString', 'echo "a ${b} c\n'],
    ['unterminated ${ in a GString', 'echo "a ${b.c(\n'],
    ['extra )', "sh('x'))\n"],
    ['a line of garbage', '%%% )) ]] ^^ foo bar ((( 12 ::\n'],
    ['missing declaration name', 'def = 5\n'],
    ['missing operand', 'x = (1 + )\n'],
    ['stray keyword', 'else\n'],
    ['stray )', ')\n'],
    ['half-typed call', 'foo(a: 1, b: \n'],
  ];
  for (const [label, damage] of damages) {
    it(`keeps calls around ${label}`, () => {
      const text = BEFORE + damage + AFTER;
      const result = damaged(text);
      const aws = calls(result.program, 'withAWS').map((c) => src(text, c));
      assert.ok(aws.includes(BEFORE.trim()), `before: ${JSON.stringify(aws)}`);
      assert.ok(aws.includes(AFTER.trim()), `after: ${JSON.stringify(aws)}`);
    });
  }

  it('ends an unterminated string at the end of its line and parses the next line normally', () => {
    const text = "sh 'abc\nsh 'def'";
    const result = damaged(text);
    const [first, second] = calls(result.program, 'sh');
    assert.equal(src(text, first), "sh 'abc");
    assert.equal((first.args[0] as StringLiteral).value, 'abc');
    assert.equal(src(text, second), "sh 'def'");
    assert.equal(result.errors[0].message, 'Unterminated string');
    assert.equal(result.errors[0].offset, 3);
  });

  it('ends an unterminated GString interpolation at the end of its line', () => {
    const text = "echo \"x ${a\nsh 'next'";
    const result = damaged(text);
    assert.deepEqual(
      calls(result.program, 'sh').map((c) => src(text, c)),
      ["sh 'next'"],
    );
  });

  it('runs an unterminated triple-quoted string to EOF', () => {
    const text = "sh '''\nline\nwithAWS(role: 'x') {}";
    const result = damaged(text);
    const s = calls(result.program, 'sh')[0].args[0] as StringLiteral;
    assert.equal(s.end, text.length);
    assert.equal(calls(result.program, 'withAWS').length, 0);
  });

  it('closes blocks by indentation when a } is missing', () => {
    const text = [
      'node {',
      "    stage('a') {",
      "        withAWS(role: 'one') {",
      "            sh 'x'",
      '        // the closing brace of withAWS is missing',
      '    }',
      "    stage('b') {",
      "        withAWS(role: 'two') { sh 'y' }",
      '    }',
      '}',
    ].join('\n');
    const result = damaged(text);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].message, "'}' expected");
    assert.equal(text.slice(result.errors[0].offset, result.errors[0].offset + 1), '{');
    const node = calls(result.program, 'node')[0];
    assert.equal(src(text, node), text, 'node still closes at the end');
    const stages = calls(result.program, 'stage');
    assert.deepEqual(
      stages.map((s) => src(text, s).split('\n')[0]),
      ["stage('a') {", "stage('b') {"],
    );
    // stage b is a sibling of stage a, not nested in it.
    const nodeBody = node.closures[0].body.map((s) => src(text, s).split('\n')[0]);
    assert.deepEqual(nodeBody, ["stage('a') {", "stage('b') {"]);
    assert.equal(src(text, calls(result.program, 'withAWS')[0]).endsWith("sh 'x'"), true);
  });

  it('does not use indentation when braces balance (odd but valid indentation)', () => {
    const text = "node {\n    stage('a') {\n  sh 'x'\n}\n    sh 'y'\n    }";
    const result = parse(text);
    assert.deepEqual(result.errors, []);
    const stage = calls(result.program, 'stage')[0];
    assert.equal(src(text, stage), "stage('a') {\n  sh 'x'\n}");
  });

  it('does not use indentation when braces balance, for closers indented more than their statement either', () => {
    const text = "node {\n  stage('a') {\n    sh 'x'\n      }\n  sh 'y'\n}";
    const result = parse(text);
    assert.deepEqual(result.errors, []);
    assert.equal(src(text, calls(result.program, 'stage')[0]), "stage('a') {\n    sh 'x'\n      }");
    assert.equal(src(text, calls(result.program, 'node')[0]), text);
  });

  /** The first line of each statement of the body of the first call to `name`. */
  function bodyOf(text: string, result: ReturnType<typeof parse>, name: string): string[] {
    return calls(result.program, name)[0].closures[0].body.map((s) => src(text, s).split('\n')[0]);
  }

  it('skips an extra } indented more than its block, when the text has more } than {', () => {
    const text = [
      'node {',
      "    stage('a') {",
      "        sh 'one'",
      '        }',
      "        withAWS(role: 'a') { sh 'two' }",
      '    }',
      "    stage('b') {",
      "        withAWS(role: 'b') { sh 'three' }",
      '    }',
      '}',
    ].join('\n');
    const result = damaged(text);
    assert.deepEqual(
      result.errors.map((e) => [e.code, e.offset]),
      [['unexpected-close-brace', text.indexOf('        }\n') + 8]],
    );
    assert.deepEqual(bodyOf(text, result, 'node'), ["stage('a') {", "stage('b') {"]);
    assert.deepEqual(bodyOf(text, result, 'stage'), ["sh 'one'", '}', "withAWS(role: 'a') { sh 'two' }"]);
  });

  it('keeps the stages after one whose { an unterminated string swallowed (its } is then extra)', () => {
    const text = [
      'node {',
      "    stage('Build",
      "and deploy') {",
      "        withAWS(role: 'one') { sh 'x' }",
      '    }',
      "    stage('b') {",
      "        withAWS(role: 'two') { sh 'y' }",
      '    }',
      '}',
    ].join('\n');
    const result = damaged(text);
    assert.equal(src(text, calls(result.program, 'node')[0]), text, 'node closes at the end');
    assert.deepEqual(bodyOf(text, result, 'node').slice(-2), ['}', "stage('b') {"]);
    assert.deepEqual(
      calls(result.program, 'withAWS').map((c) => src(text, c)),
      ["withAWS(role: 'one') { sh 'x' }", "withAWS(role: 'two') { sh 'y' }"],
    );
  });

  it('keeps a { where a damaged statement should have ended as a block of its own', () => {
    const text = [
      'node {',
      "    stage('a') {",
      '        if (params.D RY_RUN) {',
      "            echo 'dry'",
      '        } else {',
      "            withAWS(role: 'a') { sh 'x' }",
      '        }',
      '    }',
      "    stage('b') {",
      "        withAWS(role: 'b') { sh 'y' }",
      '    }',
      '}',
    ].join('\n');
    const result = damaged(text);
    assert.deepEqual(bodyOf(text, result, 'node'), ["stage('a') {", "stage('b') {"]);
    assert.deepEqual(
      calls(result.program, 'withAWS').map((c) => src(text, c)),
      ["withAWS(role: 'a') { sh 'x' }", "withAWS(role: 'b') { sh 'y' }"],
    );
  });

  it('survives a stray {', () => {
    const text = "node {\n    stage('a') {\n        {\n        sh 'x'\n    }\n    stage('b') { sh 'y' }\n}";
    const result = damaged(text);
    assert.deepEqual(
      calls(result.program, 'stage').map((s) => src(text, s).split('\n')[0]),
      ["stage('a') {", "stage('b') { sh 'y' }"],
    );
    assert.equal(calls(result.program, 'sh').length, 2);
  });

  it('survives an extra }', () => {
    const text = "node {\n  sh 'a' }\n}\nwithAWS(role: 'r') { sh 'b' }";
    const result = damaged(text);
    assert.equal(calls(result.program, 'withAWS').length, 1);
    assert.equal(calls(result.program, 'sh').length, 2);
    assert.equal(result.errors[0].message, "Unexpected '}'");
  });

  it('keeps a half-typed call at the end of the file', () => {
    const text = "sh 'first'\nwithAWS(role: 'x', ";
    const result = damaged(text);
    const aws = calls(result.program, 'withAWS')[0];
    assert.equal(src(text, aws), "withAWS(role: 'x',");
    assert.equal(aws.args.length, 1);
    assert.equal(calls(result.program, 'sh').length, 1);
    assert.equal(result.errors[0].message, "')' expected");
  });

  it('keeps calls inside a closure left open at the end of the file', () => {
    const text = "node {\n  withAWS(role: 'x') {\n    sh 'y'\n";
    const result = damaged(text);
    assert.equal(calls(result.program, 'sh').length, 1);
    assert.equal(src(text, calls(result.program, 'node')[0]), text.trimEnd());
  });

  it('recovers inside argument lists (missing comma, junk tokens)', () => {
    const text = "withAWS(role: 'r' region: 'x', %, duration: 5) { sh 'y' }";
    const result = damaged(text);
    const aws = calls(result.program, 'withAWS')[0];
    assert.deepEqual(
      aws.args.map((a) => (a.type === 'NamedArg' ? a.name : a.type)),
      ['role', 'region', 'duration'],
    );
    assert.equal(aws.closures.length, 1);
  });

  it('records ErrorStatement nodes for skipped code with exact spans', () => {
    const text = "sh 'a'\n@@@ ### ???\nsh 'b'";
    const result = damaged(text);
    const kinds = result.program.body.map((s) => s.type);
    assert.deepEqual(kinds, ['ExpressionStatement', 'ErrorStatement', 'ExpressionStatement']);
    assert.equal(src(text, result.program.body[1]), '@@@ ### ???');
  });

  it('handles a damaged ${} expression inside a triple-quoted script', () => {
    const text = 'sh """\n  echo ${FOO:-bar} ${ok}\n"""\nsh \'after\'';
    const result = damaged(text);
    const s = calls(result.program, 'sh')[0].args[0] as StringLiteral;
    assert.equal(s.end, text.indexOf("\nsh 'after'"));
    assert.equal(s.parts.filter((p) => p.type === 'Interpolation').length, 2);
    assert.equal(calls(result.program, 'sh').length, 2);
  });

  it('never loses an intact call when any single line of a real pipeline is deleted', () => {
    const text = fixture('declarative-large.groovy');
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const copy = lines
        .slice(0, i)
        .concat(lines.slice(i + 1))
        .join('\n');
      const result = parse(copy);
      assertSpansSane(result, copy);
      // Calls on lines other than the deleted one: the withAWS call survives unless its own lines go.
      // (Deleting a line with a triple quote turns the rest of the file into a string, as in Groovy.)
      if (!lines[i].includes('withAWS') && !lines[i].includes('duration: 3600') && !lines[i].includes('"""')) {
        assert.equal(calls(result.program, 'withAWS').length, 1, `line ${i + 1} deleted: ${lines[i]}`);
      }
    }
  });
});

describe('syntax/parser: limits', () => {
  it('does not throw on 50,000 nested parentheses, brackets or braces', () => {
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ]) {
      const text = `sh 'a'\nx = ${open.repeat(50_000)}1${close.repeat(50_000)}\nsh 'b'`;
      const result = parse(text);
      assertSpansSane(result, text);
      assert.ok(
        result.errors.some((e) => e.message === 'Nesting too deep'),
        open,
      );
      assert.equal(calls(result.program, 'sh').length, 2, `calls around ${open}`);
    }
  });

  it('does not throw on deep unclosed nesting, unary chains, closures or GStrings', () => {
    const inputs = [
      '('.repeat(50_000),
      '{'.repeat(50_000),
      '!'.repeat(50_000) + 'x',
      '-'.repeat(50_000) + '1',
      'a = '.repeat(20_000) + '1',
      '"${'.repeat(20_000),
      '"${"'.repeat(20_000),
      'foo { '.repeat(20_000),
      'if (x) '.repeat(20_000) + 'y',
      'a ? '.repeat(20_000),
      '2 ** '.repeat(20_000) + '2',
      'List<'.repeat(20_000),
      '(String) '.repeat(20_000) + 'x',
      'x.'.repeat(50_000),
      'a['.repeat(30_000),
    ];
    for (const text of inputs) {
      const result = parse(text);
      assertSpansSane(result, text);
      assert.ok(!result.errors.some((e) => e.message.startsWith('Internal')), text.slice(0, 10));
    }
  });

  it('parses a long else-if chain without hitting the nesting limit', () => {
    const text = Array.from({ length: 1000 }, (_, i) => `if (a == ${i}) { sh '${i}' }`).join(' else ');
    const result = parse(text);
    assert.deepEqual(result.errors, []);
    assert.equal(calls(result.program, 'sh').length, 1000);
  });

  it('keeps parse time linear', () => {
    const unit = fixture('declarative-large.groovy');
    // CPU time of this process (not wall time, which other processes on a loaded machine inflate), the
    // best of five runs each: a complexity check (linear vs quadratic), not a speed target.
    const time = (n: number) => {
      const text = unit.repeat(n);
      const t = process.cpuUsage();
      parse(text);
      const used = process.cpuUsage(t);
      return used.user + used.system;
    };
    const best = (n: number) => Math.min(...Array.from({ length: 5 }, () => time(n)));
    time(4);
    const small = best(4);
    const big = best(32);
    assert.ok(big < small * 8 * 4, `8x input took ${(big / small).toFixed(1)}x time`);
  });
});

describe('syntax/parser: statements as written', () => {
  it('keeps an expression statement span equal to its expression', () => {
    const text = "  sh 'x'  ";
    const stmt = parse(text).program.body[0] as ExpressionStatement;
    assert.equal(src(text, stmt), "sh 'x'");
    assert.equal((stmt.expression as CallExpression).start, 2);
  });
});
