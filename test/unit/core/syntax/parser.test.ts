import assert from 'node:assert/strict';
import type {
  AssignExpression,
  BinaryExpression,
  CallExpression,
  Closure,
  ExpressionStatement,
  InterpolationPart,
  ListLiteral,
  NamedArgument,
  PropertyAccess,
  StringLiteral,
  TextPart,
  VariableDeclaration,
} from '../../../../src/core/syntax/ast';
import { textOffset } from '../../../../src/core/syntax/ast';
import { parse } from '../../../../src/core/syntax/parser';
import { assertSpansSane, callNames, calls, fixture, nodes, parseClean, src, strings } from './helpers';

function expr(text: string): import('../../../../src/core/syntax/ast').Expression {
  const program = parseClean(text);
  assert.equal(program.body.length, 1, `one statement in ${text}`);
  const stmt = program.body[0] as ExpressionStatement;
  assert.equal(stmt.type, 'ExpressionStatement');
  return stmt.expression;
}

function namedArgs(call: CallExpression): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of call.args)
    if (a.type === 'NamedArg') out[a.name] = a.value.type === 'String' ? a.value.value : a.value.type;
  return out;
}

describe('syntax/parser: calls', () => {
  it('parses command calls without parentheses', () => {
    const text = "sh 'make'";
    const call = expr(text) as CallExpression;
    assert.equal(call.type, 'Call');
    assert.equal(call.parenthesized, false);
    assert.equal(src(text, call), text);
    assert.equal(src(text, call.callee), 'sh');
    assert.equal((call.args[0] as StringLiteral).value, 'make');
  });

  it('parses command calls with named arguments across lines', () => {
    const text = "sh script: 'ls',\n   label: 'list'\necho 'next'";
    const program = parseClean(text);
    assert.equal(program.body.length, 2);
    const call = (program.body[0] as ExpressionStatement).expression as CallExpression;
    assert.deepEqual(namedArgs(call), { script: 'ls', label: 'list' });
    const label = call.args[1] as NamedArgument;
    assert.equal(src(text, label), "label: 'list'");
    assert.equal(src(text, label.nameSpan), 'label');
    assert.equal(src(text, call), "sh script: 'ls',\n   label: 'list'");
  });

  it('parses error, input and echo with GStrings as commands', () => {
    const text = "error 'boom'\ninput message: 'm', ok: 'y'\necho \"a $b\"";
    assert.deepEqual(callNames(parseClean(text)), ['error', 'input', 'echo']);
  });

  it('parses calls with parentheses, named and positional args mixed', () => {
    const text = "foo(1, a: 'x', 'y', b: [1, 2])";
    const call = expr(text) as CallExpression;
    assert.equal(call.parenthesized, true);
    assert.deepEqual(
      call.args.map((a) => a.type),
      ['Number', 'NamedArg', 'String', 'NamedArg'],
    );
    assert.equal(src(text, call), text);
  });

  it('parses trailing closures after parens, after a name, and on the next line after parens', () => {
    const text = "withAWS(role: 'r') { sh 'a' }\npipeline { agent any }\nwithCredentials([x])\n{\n  sh 'b'\n}";
    const program = parseClean(text);
    const [aws, pipeline, creds] = program.body.map((s) => (s as ExpressionStatement).expression as CallExpression);
    assert.equal(aws.closures.length, 1);
    assert.equal(src(text, aws), "withAWS(role: 'r') { sh 'a' }");
    assert.equal(pipeline.parenthesized, false);
    assert.equal(pipeline.closures.length, 1);
    assert.equal(creds.closures.length, 1);
    assert.deepEqual(callNames(creds.closures[0]), ['sh']);
    assert.deepEqual(callNames(program), ['withAWS', 'sh', 'pipeline', 'agent', 'withCredentials', 'sh']);
  });

  it('parses method calls on objects, safe navigation, spread and chains across lines', () => {
    const text =
      "docker.image('x').inside('-u root') { sh 'y' }\nfoo?.bar()\nlist*.name\nsh(script: 'x', returnStdout: true)\n    .trim()\n    ?.split(',')";
    const program = parseClean(text);
    assert.equal(program.body.length, 4);
    const last = (program.body[3] as ExpressionStatement).expression as CallExpression;
    assert.equal((last.callee as PropertyAccess).property, 'split');
    assert.equal((last.callee as PropertyAccess).safe, true);
    const spread = (program.body[2] as ExpressionStatement).expression as PropertyAccess;
    assert.equal(spread.spread, true);
    const inside = calls(program).find((c) => c.callee.type === 'Property' && c.callee.property === 'inside')!;
    assert.equal(src(text, inside), "docker.image('x').inside('-u root') { sh 'y' }");
    assert.equal(inside.closures.length, 1);
  });

  it('parses command chains a b c d as a(b).c(d)', () => {
    const text = 'please show the square_root of 100';
    const call = expr(text) as CallExpression;
    assert.equal(call.type, 'Call');
    assert.equal((call.callee as PropertyAccess).property, 'of');
    const inner = (call.callee as PropertyAccess).object as CallExpression;
    assert.equal(src(text, inner), 'please show the square_root');
    assert.equal((inner.callee as PropertyAccess).property, 'the');
    assert.equal(src(text, call), text);
  });

  it('keeps the built-in closure param forms', () => {
    const text =
      'a.each { k, v -> echo k }\nb.with { -> 1 }\nc.collect { String s, int n = 2 -> s * n }\nd.each { it }';
    const closures = nodes(parseClean(text), (n) => n.type === 'Closure') as Closure[];
    assert.deepEqual(
      closures.map((c) => c.params.map((p) => p.name)),
      [['k', 'v'], [], ['s', 'n'], []],
    );
    assert.equal(closures[2].params[0].typeName, 'String');
    assert.equal(closures[2].params[1].defaultValue?.type, 'Number');
    assert.equal(src(text, closures[0].params[1]), 'v');
  });

  it('parses the declarative skeleton', () => {
    const text = `pipeline {
  agent { label 'x' }
  environment { X = credentials('id') }
  parameters { string(name: 'ACCT', defaultValue: '123') }
  stages { stage('a') { steps { sh 'make' } } }
}`;
    const program = parseClean(text);
    assert.deepEqual(callNames(program), [
      'pipeline',
      'agent',
      'label',
      'environment',
      'credentials',
      'parameters',
      'string',
      'stages',
      'stage',
      'steps',
      'sh',
    ]);
    const assign = nodes(program, (n) => n.type === 'Assign')[0] as AssignExpression;
    assert.equal(src(text, assign), "X = credentials('id')");
    assert.deepEqual(namedArgs(calls(program, 'string')[0]), { name: 'ACCT', defaultValue: '123' });
  });

  it('parses the scripted skeleton', () => {
    const text = "node('linux') {\n  stage('x') {\n    sh 'a'\n  }\n}";
    const program = parseClean(text);
    const node = calls(program, 'node')[0];
    assert.equal(src(text, node), text);
    assert.equal(src(text, calls(program, 'stage')[0]), "stage('x') {\n    sh 'a'\n  }");
  });

  it('parses the seed pipelines without errors', () => {
    for (const name of [
      'seed-000-external-id.groovy',
      'seed-001-mfa-users.groovy',
      'seed-002-vault.groovy',
      'seed-003-ecs-agents.groovy',
      'declarative-large.groovy',
    ]) {
      const text = fixture(name);
      const result = parse(text);
      assert.deepEqual(result.errors, [], name);
      assertSpansSane(result, text);
    }
    const seed0 = fixture('seed-000-external-id.groovy');
    const withAws = calls(parse(seed0).program, 'withAWS')[0];
    assert.deepEqual(Object.keys(namedArgs(withAws)), [
      'role',
      'roleAccount',
      'externalId',
      'duration',
      'roleSessionName',
    ]);
    assert.equal(withAws.closures.length, 1, 'closure on the next line');
    assert.deepEqual(callNames(withAws.closures[0]), ['sh', 's3Upload', 's3Download', 'sh']);
  });

  it('parses seed 004 and reports only its shell ${VAR:-} as damaged', () => {
    const text = fixture('seed-004-session-token.groovy');
    const result = parse(text);
    assertSpansSane(result, text);
    assert.equal(result.errors.length, 1);
    assert.equal(text.slice(result.errors[0].offset - 20, result.errors[0].offset), '${EXAMPLE_CREDENTIAL');
    const input = calls(result.program, 'input')[0];
    assert.deepEqual(Object.keys(namedArgs(input)), ['message', 'ok', 'parameters']);
    const sh = calls(result.program, 'sh').find((c) => c.args.length === 3)!;
    assert.deepEqual(Object.keys(namedArgs(sh)), ['label', 'script', 'returnStdout']);
    assert.ok(calls(result.program, 'withEnv')[0].closures.length === 1);
  });
});

describe('syntax/parser: strings', () => {
  it('parses GString parts with $name, $name.prop.sub and ${expr}', () => {
    const text = '"a $b.c.d ${e + f} g"';
    const s = expr(text) as StringLiteral;
    assert.equal(s.interpolated, true);
    assert.deepEqual(
      s.parts.map((p) => [p.type, src(text, p)]),
      [
        ['Text', 'a '],
        ['Interpolation', '$b.c.d'],
        ['Text', ' '],
        ['Interpolation', '${e + f}'],
        ['Text', ' g'],
      ],
    );
    const path = (s.parts[1] as InterpolationPart).expression as PropertyAccess;
    assert.equal(path.property, 'd');
    assert.equal(src(text, path), 'b.c.d');
    assert.equal(((s.parts[3] as InterpolationPart).expression as BinaryExpression).operator, '+');
    assert.equal(s.value, 'a $b.c.d ${e + f} g');
  });

  it('keeps a trailing dot and method parens out of a $name interpolation', () => {
    const text = '"$a.b. and $c()"';
    const s = expr(text) as StringLiteral;
    assert.deepEqual(
      s.parts.map((p) => src(text, p)),
      ['$a.b', '. and ', '$c', '()'],
    );
  });

  it('parses ${} with nested braces, closures and strings', () => {
    const text = '"x ${list.collect { "${it}-${[a: 1].a}" }.join(\'}\')} y"';
    const s = expr(text) as StringLiteral;
    assert.equal(s.parts.length, 3);
    assert.equal(src(text, s.parts[1]), text.slice(3, -3));
    assert.equal((s.parts[2] as TextPart).value, ' y');
  });

  it('maps cooked characters back to source offsets (escapes, CRLF)', () => {
    const text = "sh '''\r\n  echo \\$HOME\\n\r\n  aws sts assume-role\r\n'''";
    const s = calls(parseClean(text), 'sh')[0].args[0] as StringLiteral;
    const part = s.parts[0] as TextPart;
    assert.ok(part.offsets, 'offsets present');
    const at = part.value.indexOf('aws');
    assert.equal(text.slice(textOffset(part, at), textOffset(part, at) + 3), 'aws');
    const dollar = part.value.indexOf('$HOME');
    assert.equal(text.slice(textOffset(part, dollar), textOffset(part, dollar) + 2), '\\$');
    assert.equal(textOffset(part, part.value.length), part.end);
    for (let i = 0; i < part.value.length; i++) {
      const c = part.value[i];
      if (c !== '\n' && c !== '$') assert.equal(text[textOffset(part, i)], c, `char ${i}`);
    }
  });

  it('maps GString text parts after escapes and interpolations', () => {
    const text = '"\\tx ${y} \\u00e9 aws"';
    const s = expr(text) as StringLiteral;
    const last = s.parts[2] as TextPart;
    assert.equal(last.value, ' é aws');
    const i = last.value.indexOf('aws');
    assert.equal(text.slice(textOffset(last, i), textOffset(last, i) + 3), 'aws');
  });

  it('parses single, triple, slashy and dollar-slashy strings with their quote kinds', () => {
    const text = 'a = [\'x\', \'\'\'y\'\'\', "z", """w""", /r\\d+/, $/p $v/$]';
    const list = (expr(text) as AssignExpression).value as ListLiteral;
    assert.deepEqual(
      list.elements.map((e) => (e as StringLiteral).quote),
      ["'", "'''", '"', '"""', '/', '$/'],
    );
    assert.equal((list.elements[4] as StringLiteral).value, 'r\\d+');
    assert.equal((list.elements[5] as StringLiteral).interpolated, true);
  });

  it('tells slashy strings from division', () => {
    const text = 'def a = x / y / z\ndef b = /x/\nif (s ==~ /^a.*$/) { c = 10 / 2 }';
    const program = parseClean(text);
    const [a, b] = program.body as VariableDeclaration[];
    assert.equal(a.init!.type, 'Binary');
    assert.equal((b.init as StringLiteral).quote, '/');
    const slashy = strings(program);
    assert.deepEqual(
      slashy.map((s) => s.value),
      ['x', '^a.*$'],
    );
    assert.equal(nodes(program, (n) => n.type === 'Binary' && (n as BinaryExpression).operator === '/').length, 3);
  });

  it('treats a lone $ and shell $( as text', () => {
    const text = '"""echo $(aws sts get-caller-identity) costs $5"""';
    const s = expr(text) as StringLiteral;
    assert.equal(s.interpolated, false);
    assert.equal(s.value, 'echo $(aws sts get-caller-identity) costs $5');
  });
});

// Expressions, declarations and control flow: data/ok/*.groovy with their expected trees (data.test.ts).

describe('syntax/parser: positions', () => {
  it('keeps offsets into text with a BOM, CRLF, tabs and emoji', () => {
    const text = "\uFEFFnode {\r\n\tsh '🚀 deploy'\r\n\twithAWS(role: 'r') {\r\n\t\techo \"é ${x}\"\r\n\t}\r\n}\r\n";
    const program = parseClean(text);
    const sh = calls(program, 'sh')[0];
    assert.equal(src(text, sh), "sh '🚀 deploy'");
    assert.equal(sh.start, text.indexOf('sh'));
    const aws = calls(program, 'withAWS')[0];
    assert.equal(src(text, aws), 'withAWS(role: \'r\') {\r\n\t\techo "é ${x}"\r\n\t}');
    const echo = calls(program, 'echo')[0];
    const interp = (echo.args[0] as StringLiteral).parts[1];
    assert.equal(src(text, interp), '${x}');
    assert.equal(program.end, text.length);
  });
});
