import assert from 'node:assert/strict';
import type {
  AssignExpression,
  BinaryExpression,
  CallExpression,
  CastExpression,
  ClassDeclaration,
  Closure,
  ExpressionStatement,
  ForStatement,
  IfStatement,
  ImportStatement,
  IndexAccess,
  InterpolationPart,
  ListLiteral,
  MapLiteral,
  MethodDeclaration,
  NamedArgument,
  NewExpression,
  PropertyAccess,
  StringLiteral,
  SwitchStatement,
  TernaryExpression,
  TextPart,
  TryStatement,
  UnaryExpression,
  VariableDeclaration,
} from '../../../src/core/syntax/ast';
import { textOffset } from '../../../src/core/syntax/ast';
import { parse } from '../../../src/core/syntax/parser';
import { assertSpansSane, callNames, calls, fixture, nodes, parseClean, src, strings } from './helpers';

function expr(text: string): import('../../../src/core/syntax/ast').Expression {
  const program = parseClean(text);
  assert.equal(program.body.length, 1, `one statement in ${text}`);
  const stmt = program.body[0] as ExpressionStatement;
  assert.equal(stmt.type, 'ExpressionStatement');
  return stmt.expression;
}

function namedArgs(call: CallExpression): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of call.args) if (a.type === 'NamedArg') out[a.name] = a.value.type === 'String' ? a.value.value : a.value.type;
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
    const text = 'error \'boom\'\ninput message: \'m\', ok: \'y\'\necho "a $b"';
    assert.deepEqual(callNames(parseClean(text)), ['error', 'input', 'echo']);
  });

  it('parses calls with parentheses, named and positional args mixed', () => {
    const text = "foo(1, a: 'x', 'y', b: [1, 2])";
    const call = expr(text) as CallExpression;
    assert.equal(call.parenthesized, true);
    assert.deepEqual(call.args.map((a) => a.type), ['Number', 'NamedArg', 'String', 'NamedArg']);
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
    const text = "docker.image('x').inside('-u root') { sh 'y' }\nfoo?.bar()\nlist*.name\nsh(script: 'x', returnStdout: true)\n    .trim()\n    ?.split(',')";
    const program = parseClean(text);
    assert.equal(program.body.length, 4);
    const last = (program.body[3] as ExpressionStatement).expression as CallExpression;
    assert.equal(((last.callee as PropertyAccess).property), 'split');
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
    const text = 'a.each { k, v -> echo k }\nb.with { -> 1 }\nc.collect { String s, int n = 2 -> s * n }\nd.each { it }';
    const closures = nodes(parseClean(text), (n) => n.type === 'Closure') as Closure[];
    assert.deepEqual(closures.map((c) => c.params.map((p) => p.name)), [['k', 'v'], [], ['s', 'n'], []]);
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
    assert.deepEqual(callNames(program), ['pipeline', 'agent', 'label', 'environment', 'credentials', 'parameters', 'string', 'stages', 'stage', 'steps', 'sh']);
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
    for (const name of ['seed-000-external-id.groovy', 'seed-001-mfa-users.groovy', 'seed-002-vault.groovy', 'seed-003-ecs-agents.groovy', 'declarative-large.groovy']) {
      const text = fixture(name);
      const result = parse(text);
      assert.deepEqual(result.errors, [], name);
      assertSpansSane(result, text);
    }
    const seed0 = fixture('seed-000-external-id.groovy');
    const withAws = calls(parse(seed0).program, 'withAWS')[0];
    assert.deepEqual(Object.keys(namedArgs(withAws)), ['role', 'roleAccount', 'externalId', 'duration', 'roleSessionName']);
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
    assert.deepEqual(s.parts.map((p) => [p.type, src(text, p)]), [
      ['Text', 'a '],
      ['Interpolation', '$b.c.d'],
      ['Text', ' '],
      ['Interpolation', '${e + f}'],
      ['Text', ' g'],
    ]);
    const path = (s.parts[1] as InterpolationPart).expression as PropertyAccess;
    assert.equal(path.property, 'd');
    assert.equal(src(text, path), 'b.c.d');
    assert.equal(((s.parts[3] as InterpolationPart).expression as BinaryExpression).operator, '+');
    assert.equal(s.value, 'a $b.c.d ${e + f} g');
  });

  it('keeps a trailing dot and method parens out of a $name interpolation', () => {
    const text = '"$a.b. and $c()"';
    const s = expr(text) as StringLiteral;
    assert.deepEqual(s.parts.map((p) => src(text, p)), ['$a.b', '. and ', '$c', '()']);
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
    const text = "a = ['x', '''y''', \"z\", \"\"\"w\"\"\", /r\\d+/, $/p $v/$]";
    const list = (expr(text) as AssignExpression).value as ListLiteral;
    assert.deepEqual(list.elements.map((e) => (e as StringLiteral).quote), ["'", "'''", '"', '"""', '/', '$/']);
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
    assert.deepEqual(slashy.map((s) => s.value), ['x', '^a.*$']);
    assert.equal(nodes(program, (n) => n.type === 'Binary' && (n as BinaryExpression).operator === '/').length, 3);
  });

  it('treats a lone $ and shell $( as text', () => {
    const text = '"""echo $(aws sts get-caller-identity) costs $5"""';
    const s = expr(text) as StringLiteral;
    assert.equal(s.interpolated, false);
    assert.equal(s.value, 'echo $(aws sts get-caller-identity) costs $5');
  });
});

describe('syntax/parser: expressions', () => {
  it('respects precedence and associativity', () => {
    const text = 'x = a || b && c == d + e * f ** g ** h';
    const assign = expr(text) as AssignExpression;
    const or = assign.value as BinaryExpression;
    assert.equal(or.operator, '||');
    const and = or.right as BinaryExpression;
    assert.equal(and.operator, '&&');
    const eq = and.right as BinaryExpression;
    assert.equal(eq.operator, '==');
    const plus = eq.right as BinaryExpression;
    assert.equal(plus.operator, '+');
    const times = plus.right as BinaryExpression;
    assert.equal(times.operator, '*');
    const pow = times.right as BinaryExpression;
    assert.equal(pow.operator, '**');
    assert.equal(src(text, pow.right), 'g ** h', 'power is right-associative');
    const sub = expr('a - b - c') as BinaryExpression;
    assert.equal(src('a - b - c', sub.left), 'a - b', 'minus is left-associative');
  });

  it('parses unary, postfix, ranges, regex, in, instanceof, shifts and comparisons', () => {
    const ops = nodes(parseClean('r = !a && -b < ~c\ni++\n--j\nq = 1..<5\np = 0..n\nm = s =~ /x/\nz = x in xs\nw = o instanceof Map\ny = 1 << 2 >> 3 >>> 4\nv = a <=> b\nu = a >= b'), (n) => n.type === 'Binary' || n.type === 'Unary');
    const labels = ops.map((n) => (n as BinaryExpression | UnaryExpression).operator);
    for (const op of ['!', '-', '~', '++', '--', '..<', '..', '=~', 'in', 'instanceof', '<<', '>>', '>>>', '<=>', '>=', '<', '&&']) assert.ok(labels.includes(op), op);
  });

  it('parses ternary and Elvis', () => {
    const t = expr('a ? b : c') as TernaryExpression;
    assert.equal(t.type, 'Ternary');
    assert.equal(t.consequent?.type, 'Identifier');
    const e = expr('a ?: c') as TernaryExpression;
    assert.equal(e.consequent, null);
    const nested = expr('x = a ? b ? 1 : 2 : c\n  ? 3\n  : 4') as AssignExpression;
    assert.equal(nested.value.type, 'Ternary');
  });

  it('parses casts both ways and new', () => {
    const a = expr('x as String') as CastExpression;
    assert.equal(a.typeName, 'String');
    const text = '(List<String>) foo.bar()';
    const b = expr(text) as CastExpression;
    assert.equal(b.type, 'Cast');
    assert.equal(b.typeName, 'List<String>');
    assert.equal(src(text, b), text);
    assert.equal(expr('(a) + b').type, 'Binary');
    const n = expr('new JsonSlurper().parseText(t)') as CallExpression;
    assert.equal(((n.callee as PropertyAccess).object as NewExpression).typeName, 'JsonSlurper');
    const m = expr('new java.util.HashMap<String, String>(16)') as NewExpression;
    assert.equal(m.typeName, 'java.util.HashMap<String, String>');
    assert.equal(m.args.length, 1);
  });

  it('parses maps, empty maps, $class keys, lists and index access', () => {
    const text = "def m = [$class: 'AmazonWebServicesCredentialsBinding', 'quoted': 1, (k): 2, 3: 'n', default: 4]\ndef e = [:]\ndef l = [1, [2, 3]]\nl[0]\nm?['x']\nm['a']['b']";
    const program = parseClean(text);
    const map = (program.body[0] as VariableDeclaration).init as MapLiteral;
    assert.equal(map.type, 'Map');
    assert.deepEqual(map.entries.map((e) => e.keyName), ['$class', 'quoted', null, '3', 'default']);
    assert.equal(src(text, map.entries[0]), "$class: 'AmazonWebServicesCredentialsBinding'");
    assert.equal(((program.body[1] as VariableDeclaration).init as MapLiteral).entries.length, 0);
    assert.equal(((program.body[2] as VariableDeclaration).init as ListLiteral).elements.length, 2);
    const safe = (program.body[4] as ExpressionStatement).expression as IndexAccess;
    assert.equal(safe.safe, true);
    assert.equal(src(text, safe), "m?['x']");
  });

  it('parses method pointers, field access and assignment operators', () => {
    const program = parseClean('def f = this.&helper\nx.@field\na += 1\nb ?= 2\nc <<= 1\nd >>>= 2\ne **= 3');
    const ops = (nodes(program, (n) => n.type === 'Assign') as AssignExpression[]).map((a) => a.operator);
    assert.deepEqual(ops, ['+=', '?=', '<<=', '>>>=', '**=']);
    assert.equal(((program.body[0] as VariableDeclaration).init as PropertyAccess).property, 'helper');
  });

  it('parses assignment to a command call', () => {
    const text = "temp = input message: 'x',\n  ok: 'y'";
    const assign = expr(text) as AssignExpression;
    assert.equal(assign.value.type, 'Call');
    assert.equal(src(text, assign), text);
  });
});

describe('syntax/parser: declarations', () => {
  it('parses def, typed, final and multiple declarators', () => {
    const text = "def a = 1, b = 'x'\nString s = \"y\"\nfinal z = 3\nint n\nMap<String, List<String>> m = [:]\nString[] arr = []\njava.util.List<String> q = []";
    const decls = parseClean(text).body as VariableDeclaration[];
    assert.deepEqual(decls.map((d) => [d.name, d.declType, d.modifiers]), [
      ['a', 'def', []],
      ['b', 'def', []],
      ['s', 'String', []],
      ['z', null, ['final']],
      ['n', 'int', []],
      ['m', 'Map<String, List<String>>', []],
      ['arr', 'String[]', []],
      ['q', 'java.util.List<String>', []],
    ]);
    assert.equal(src(text, decls[0]), 'def a = 1');
    assert.equal(src(text, decls[1]), "b = 'x'");
    assert.equal(src(text, decls[0].nameSpan), 'a');
  });

  it('parses def (a, b) = [...] into one declaration per name', () => {
    const decls = parseClean("def (x, y) = ['1', '2']").body as VariableDeclaration[];
    assert.deepEqual(decls.map((d) => [d.name, (d.init as StringLiteral).value]), [['x', '1'], ['y', '2']]);
  });

  it('keeps lower-case command calls apart from typed declarations', () => {
    const program = parseClean("echo msg\nString msg2\nagent any\ncheckout scm");
    assert.deepEqual(program.body.map((s) => s.type), ['ExpressionStatement', 'VarDecl', 'ExpressionStatement', 'ExpressionStatement']);
  });

  it('parses methods with annotations, modifiers, typed returns and default params', () => {
    const text = "@NonCPS\ndef parse(String text) { return text }\nprivate static String roleArn(String env, String role = 'deploy') throws IOException {\n  \"arn:${env}\"\n}\ndef call(params) { sh 'x' }\nvoid run() {}";
    const methods = parseClean(text).body as MethodDeclaration[];
    assert.deepEqual(methods.map((m) => [m.name, m.returnType, m.modifiers, m.params.map((p) => p.name)]), [
      ['parse', 'def', [], ['text']],
      ['roleArn', 'String', ['private', 'static'], ['env', 'role']],
      ['call', 'def', [], ['params']],
      ['run', 'void', [], []],
    ]);
    assert.equal(methods[0].annotations?.[0].name, 'NonCPS');
    assert.equal(src(text, methods[0]), '@NonCPS\ndef parse(String text) { return text }');
    assert.equal(methods[1].params[1].typeName, 'String');
    assert.equal((methods[1].params[1].defaultValue as StringLiteral).value, 'deploy');
    assert.deepEqual(callNames(methods[2]), ['sh']);
  });

  it('parses classes, interfaces and enums with members', () => {
    const text = "class Deployer extends Base implements Serializable {\n  String role\n  Deployer(String r) { role = r }\n  def run() { sh 'x' }\n}\ninterface I { def go() }\nenum Env { DEV, PROD('p'); String label() { 'x' } }";
    const [cls, iface, en] = parseClean(text).body as ClassDeclaration[];
    assert.equal(cls.name, 'Deployer');
    assert.deepEqual(cls.body.map((s) => s.type), ['VarDecl', 'MethodDecl', 'MethodDecl']);
    assert.equal(iface.keyword, 'interface');
    assert.equal(en.keyword, 'enum');
    assert.deepEqual(en.body.map((s) => s.type), ['ExpressionStatement', 'ExpressionStatement', 'MethodDecl']);
  });

  it('parses import, package and @Library forms', () => {
    const text = "package com.example\nimport groovy.json.*\nimport static java.lang.Math.max\nimport a.b.C as D\n@Library('lib@v1') _\n@Library(['a', 'b']) import x.Y\n@Grab(group = 'g', module = 'm') import z.Q";
    const body = parseClean(text).body;
    assert.deepEqual(body.map((s) => s.type), ['Package', 'Import', 'Import', 'Import', 'ExpressionStatement', 'Import', 'Import']);
    assert.equal((body[1] as ImportStatement).path, 'groovy.json.*');
    assert.equal((body[2] as ImportStatement).isStatic, true);
    const lib = body[4];
    assert.equal(lib.annotations?.[0].name, 'Library');
    assert.equal(((lib.annotations![0].args[0]) as StringLiteral).value, 'lib@v1');
    assert.equal(src(text, lib), "@Library('lib@v1') _");
    assert.equal(body[5].annotations?.[0].args[0].type, 'List');
    assert.deepEqual(body[6].annotations?.[0].args.map((a) => (a as NamedArgument).name), ['group', 'module']);
  });
});

describe('syntax/parser: control flow', () => {
  it('parses if / else if / else', () => {
    const text = "if (a) {\n  sh 'x'\n} else if (b) sh 'y'\nelse {\n  sh 'z'\n}";
    const node = parseClean(text).body[0] as IfStatement;
    assert.equal(node.type, 'If');
    assert.equal(src(text, node), text);
    const elseIf = node.alternate as IfStatement;
    assert.equal(elseIf.type, 'If');
    assert.equal(elseIf.alternate?.type, 'Block');
    assert.deepEqual(callNames(node), ['sh', 'sh', 'sh']);
  });

  it('parses for-in, for with colon, classic for and while', () => {
    const text = "for (x in xs) { echo x }\nfor (String s : list) println s\nfor (int i = 0; i < 3; i++) { }\nfor (;;) { break }\nwhile (n > 0) { n-- }";
    const [a, b, c, d, w] = parseClean(text).body as ForStatement[];
    assert.equal(a.variable, 'x');
    assert.equal(src(text, a.iterable!), 'xs');
    assert.equal(b.variable, 's');
    assert.equal(c.init?.type, 'VarDecl');
    assert.equal(src(text, c.test!), 'i < 3');
    assert.equal(src(text, c.update!), 'i++');
    assert.equal(d.test, null);
    assert.equal(w.type, 'While');
  });

  it('parses switch with fallthrough and default', () => {
    const text = "switch (env) {\n  case 'prod':\n  case ~/stag.*/:\n    echo 'p'\n    break\n  case [1, 2]: echo 'n'\n  default:\n    echo 'd'\n}";
    const sw = parseClean(text).body[0] as SwitchStatement;
    assert.equal(sw.cases.length, 4);
    assert.deepEqual(sw.cases.map((c) => c.body.length), [0, 2, 1, 1]);
    assert.equal(sw.cases[3].test, null);
    assert.equal(src(text, sw), text);
  });

  it('parses try / multi-catch / finally', () => {
    const text = "try {\n  sh 'x'\n} catch (IOException | InterruptedException e) {\n  echo 'a'\n} catch (err) {\n} finally {\n  echo 'f'\n}";
    const t = parseClean(text).body[0] as TryStatement;
    assert.equal(t.handlers.length, 2);
    assert.equal(t.handlers[0].typeName, 'IOException | InterruptedException');
    assert.equal(t.handlers[0].param, 'e');
    assert.equal(t.handlers[1].param, 'err');
    assert.equal(t.handlers[1].typeName, null);
    assert.ok(t.finalizer);
    assert.equal(src(text, t), text);
  });

  it('parses return, throw, break, continue, assert and labels', () => {
    const text = "def f() {\n  outer:\n  for (a in b) { continue outer }\n  assert x == 1 : 'msg'\n  throw new Exception('x')\n  return\n}";
    const program = parseClean(text);
    const method = program.body[0] as MethodDeclaration;
    assert.deepEqual(method.body!.body.map((s) => s.type), ['For', 'ExpressionStatement', 'Throw', 'Return']);
    assert.equal(calls(program, 'assert')[0].args.length, 2);
  });

  it('ends statements at newlines unless the expression is incomplete', () => {
    const text = "def a = 1 +\n  2\ndef b = foo(1,\n  2)\ndef c = x\n  .y()\ndef d = p &&\n  q\ndef e = 5\n-1";
    const body = parseClean(text).body;
    assert.equal(body.length, 6);
    assert.equal(src(text, (body[0] as VariableDeclaration).init!), '1 +\n  2');
    assert.equal(src(text, (body[2] as VariableDeclaration).init!), 'x\n  .y()');
    assert.equal(body[5].type, 'ExpressionStatement');
  });

  it('accepts semicolons and several statements per line', () => {
    const body = parseClean("a = 1; b = 2; sh 'x';").body;
    assert.equal(body.length, 3);
  });
});

describe('syntax/parser: positions', () => {
  it('keeps offsets into text with a BOM, CRLF, tabs and emoji', () => {
    const text = "\uFEFFnode {\r\n\tsh '🚀 deploy'\r\n\twithAWS(role: 'r') {\r\n\t\techo \"é ${x}\"\r\n\t}\r\n}\r\n";
    const program = parseClean(text);
    const sh = calls(program, 'sh')[0];
    assert.equal(src(text, sh), "sh '🚀 deploy'");
    assert.equal(sh.start, text.indexOf('sh'));
    const aws = calls(program, 'withAWS')[0];
    assert.equal(src(text, aws), "withAWS(role: 'r') {\r\n\t\techo \"é ${x}\"\r\n\t}");
    const echo = calls(program, 'echo')[0];
    const interp = (echo.args[0] as StringLiteral).parts[1];
    assert.equal(src(text, interp), '${x}');
    assert.equal(program.end, text.length);
  });
});
