// Loops over lists and maps the file writes: a usage whose values read a loop variable is analysed once per
// element (entry) of the list (map), the variable bound to it, one usage per distinct set of values, as for
// helper calls (values-helpers.test.ts). Fixtures: fixtures/values-loops.Jenkinsfile (Groovy 2.4).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from '../../../../src/core/analyze';
import { sharedLibrary } from '../../../../src/core/library';
import type { Usage } from '../../../../src/core/types';
import { analyze, ctx, lineCol, slice } from './helpers';

const text = readFileSync(join(__dirname, 'fixtures', 'values-loops.Jenkinsfile'), 'utf8');
const lineOf = (t: string, u: Usage): number => lineCol(t, u.anchor.start).line;
const unresolved = (findings: Array<{ code: string; message: string }>): string[] =>
  findings.filter((f) => f.code === 'unresolved-reference').map((f) => f.message);
/** [line, role, roleAccount, roleArn] of each usage. */
const rows = (t: string, usages: Usage[]): Array<[number, string | null, string | null, string | null]> =>
  usages.map((u) => [lineOf(t, u), u.role, u.roleAccount, u.roleArn]);

describe('values of loop variables over literal lists and maps', () => {
  const { usages, findings } = analyze(text);
  const at = (line: number): Usage[] => usages.filter((u) => lineOf(text, u) === line);

  it('every loop form of the fixture gives one usage per element, none unresolved', () => {
    assert.deepEqual(unresolved(findings), []);
    assert.equal(usages.length, 22);
    assert.ok(usages.every((u) => u.roleArn !== null));
  });

  it('for (x in LIST): the element in a GString, origins name the element', () => {
    assert.deepEqual(
      at(9).map((u) => u.roleArn),
      ['arn:aws:iam::222222222222:role/deploy-dev', 'arn:aws:iam::222222222222:role/deploy-prod'],
    );
    assert.equal(at(9)[1].origins.roleArn!.description, 'element 2 of the list on line 8 (loop variable e, line 8)');
  });

  it('@Field list .each { acct -> }, for (def x : LIST), for (String x : LIST), implicit it', () => {
    assert.deepEqual(
      at(12).map((u) => u.roleArn),
      ['arn:aws:iam::111111111111:role/deploy', 'arn:aws:iam::333333333333:role/deploy'],
    );
    assert.match(
      at(12)[0].origins.roleAccount!.description,
      /^element 1 of the list on line 4 \(closure parameter acct/,
    );
    // The origin's range is the element where it is written (editor: go to it, fix it there).
    assert.equal(slice(text, at(12)[1].origins.roleAccount!.range), '333333333333');
    assert.deepEqual(
      at(15).map((u) => u.roleArn),
      ['arn:aws:iam::222222222222:role/build', 'arn:aws:iam::222222222222:role/test'],
    );
    assert.deepEqual(
      at(18).map((u) => u.region),
      ['eu-west-1', 'us-east-1'],
    );
    assert.deepEqual(
      at(21).map((u) => u.roleAccount),
      ['666666666666', '777777777777'],
    );
    assert.match(at(21)[1].origins.roleAccount!.description, /implicit closure parameter it/);
  });

  it('.eachWithIndex { x, i -> }: the element and its index', () => {
    assert.deepEqual(
      at(24).map((u) => u.role),
      ['team-alpha-0', 'team-beta-1'],
    );
  });

  it('map .each { k, v -> }, .each { entry -> entry.key / entry.value }, a list of maps', () => {
    const deploy = ['arn:aws:iam::444444444444:role/deploy-dev', 'arn:aws:iam::555555555555:role/deploy-prod'];
    assert.deepEqual(
      at(27).map((u) => u.roleArn),
      deploy,
    );
    assert.match(
      at(27)[1].origins.role!.description,
      /key of entry prod of the map on line 5 \(closure parameter stage/,
    );
    assert.match(at(27)[1].origins.roleAccount!.description, /value of entry prod of the map on line 5/);
    assert.deepEqual(
      at(30).map((u) => u.roleArn),
      deploy.map((a) => a.replace('deploy-', 'ship-')),
    );
    assert.deepEqual(
      at(33).map((u) => u.roleArn),
      ['arn:aws:iam::888888888888:role/svc-web', 'arn:aws:iam::999999999999:role/svc-api'],
    );
    assert.match(
      at(33)[0].origins.roleAccount!.description,
      /svc\.account \(line 32, element 1 of the list on line 32\)/,
    );
  });

  it('parallel LIST.collectEntries { x -> [(x): { ... }] } and LIST.collect { x -> ... }', () => {
    assert.deepEqual(
      at(36).map((u) => u.roleAccount),
      ['111111111111', '333333333333'],
    );
    assert.deepEqual(
      at(39).map((u) => u.role),
      ['job-lint', 'job-unit'],
    );
  });
});

describe('loops: a typo in one element, what stays unresolved, the cap', () => {
  it('a typo in one element is found on that element’s usage, whose origin is the element', () => {
    const t = [
      'node {',
      "    for (acct in ['222222222222', '33333333333']) {",
      "        withAWS(role: 'deploy', roleAccount: acct) { }",
      '    }',
      "    for (arn in ['arn:aws:iam::222222222222:role/a', 'arn:aws:iam::22222222222:role/b']) {",
      '        withAWS(role: arn) { }',
      '    }',
      '}',
      '',
    ].join('\n');
    const { usages, findings } = analyze(t);
    assert.deepEqual(rows(t, usages), [
      [3, 'deploy', '222222222222', 'arn:aws:iam::222222222222:role/deploy'],
      [3, 'deploy', '33333333333', null],
      [6, 'arn:aws:iam::222222222222:role/a', '222222222222', 'arn:aws:iam::222222222222:role/a'],
      [6, 'arn:aws:iam::22222222222:role/b', '22222222222', null],
    ]);
    const invalid = findings.filter((f) => f.code === 'invalid-role-arn');
    assert.equal(invalid.length, 2);
    assert.match(invalid[0].message, /account id "33333333333" has 11 digits/);
    assert.match(invalid[1].message, /Invalid role ARN "arn:aws:iam::22222222222:role\/b"/);
    // The usage the finding is about is the one with that element's value; its origin is the element.
    assert.equal(slice(t, usages[3].origins.roleArn!.range), 'arn:aws:iam::22222222222:role/b');
    assert.deepEqual(unresolved(findings), []);
  });

  it('lists not written in the file (readYaml, params, computed, changed in place) stay unresolved, naming the variable', () => {
    const t = [
      "pipeline { parameters { string(name: 'ACCTS', defaultValue: '222222222222') } }",
      'node {',
      "    for (a in readYaml(file: 'accounts.yml').accounts) { withAWS(role: 'r', roleAccount: a) { } }",
      "    params.ACCTS.split(',').each { b -> withAWS(role: 'r', roleAccount: b) { } }",
      "    def grown = ['222222222222']",
      "    grown << '333333333333'",
      "    grown.each { c -> withAWS(role: 'r', roleAccount: c) { } }",
      "    def added = ['222222222222']",
      "    added.add('444444444444')",
      "    for (d in added) { withAWS(role: 'r', roleAccount: d) { } }",
      "    for (e in ['dev', 'prod']) { e = e.toUpperCase(); withAWS(role: e, roleAccount: '222222222222') { } }",
      '    (1..3).each { f -> withAWS(role: "r${f}", roleAccount: \'222222222222\') { } }',
      '}',
      '',
    ].join('\n');
    const { usages, findings } = analyze(t);
    assert.equal(usages.length, 6);
    assert.ok(usages.every((u) => u.roleArn === null));
    const msgs = unresolved(findings);
    for (const [name, what] of [
      ['a', 'a loop variable'],
      ['b', 'a closure parameter'],
      ['c', 'a closure parameter'],
      ['d', 'a loop variable'],
      ['e', 'a loop variable'],
      ['f', 'a closure parameter'],
    ])
      assert.ok(
        msgs.some((m) => m.includes(`\`${name}\` is ${what}`) && /computed at run time/.test(m)),
        `${name}: ${msgs.join('\n')}`,
      );
  });

  it('a list longer than 32 elements is not expanded, and the message says why', () => {
    const list = Array.from({ length: 33 }, (_, i) => `'r${i}'`).join(', ');
    const t = `node {\n    for (r in [${list}]) { withAWS(role: r, roleAccount: '222222222222') { } }\n}\n`;
    const { usages, findings } = analyze(t);
    assert.equal(usages.length, 1);
    assert.equal(usages[0].roleArn, null);
    assert.deepEqual(unresolved(findings), [
      'role: `r` is a loop variable (line 2): the list on line 2 has 33 elements, more than the 32 RoleCall checks one by one; its value is not checked.',
    ]);
    // 32 are expanded.
    const ok = `node {\n    for (r in [${list.replace(", 'r32'", '')}]) { withAWS(role: r, roleAccount: '222222222222') { } }\n}\n`;
    assert.equal(analyze(ok).usages.length, 32);
  });

  it('nested loops whose combinations pass 32 leave the inner variable unresolved, saying why', () => {
    const outer = Array.from({ length: 8 }, (_, i) => `'o${i}'`).join(', ');
    const inner = Array.from({ length: 5 }, (_, i) => `'i${i}'`).join(', ');
    const t = `node {\n    [${outer}].each { o ->\n        [${inner}].each { i ->\n            withAWS(role: "\${o}-\${i}", roleAccount: '222222222222') { }\n        }\n    }\n}\n`;
    const { usages, findings } = analyze(t);
    // The outer loop alone is bound (8 builds); the role stays unknown in each, so they make one usage.
    assert.equal(usages.length, 1);
    assert.equal(usages[0].roleArn, null);
    assert.deepEqual(unresolved(findings), [
      'role: `i` is a closure parameter (line 3): with the loops around it that makes 40 combinations, more than the 32 RoleCall checks one by one; its value is not checked.',
    ]);
  });
});

describe('loops: nested, in helpers, shell steps inside, shadowing', () => {
  it('nested loops give every combination; an inner list from the outer element; an inner `it` shadows the outer', () => {
    const t = [
      'node {',
      "    ['a', 'b'].each { x ->",
      "        ['1', '2'].each { y -> withAWS(role: \"r-${x}-${y}\", roleAccount: '222222222222') { } }",
      '    }',
      "    for (team in [[name: 'web', accounts: ['333333333333', '444444444444']]]) {",
      '        for (acct in team.accounts) { withAWS(role: team.name, roleAccount: acct) { } }',
      '    }',
      "    ['p'].each { ['q', 'r'].each { withAWS(role: \"it-${it}\", roleAccount: '222222222222') { } } }",
      '}',
      '',
    ].join('\n');
    const { usages, findings } = analyze(t);
    assert.deepEqual(unresolved(findings), []);
    assert.deepEqual(
      usages.map((u) => u.roleArn),
      [
        'arn:aws:iam::222222222222:role/r-a-1',
        'arn:aws:iam::222222222222:role/r-a-2',
        'arn:aws:iam::222222222222:role/r-b-1',
        'arn:aws:iam::222222222222:role/r-b-2',
        'arn:aws:iam::333333333333:role/web',
        'arn:aws:iam::444444444444:role/web',
        'arn:aws:iam::222222222222:role/it-q',
        'arn:aws:iam::222222222222:role/it-r',
      ],
    );
  });

  it('a helper called in a loop, and a loop in a helper over its parameter, combine with the call binding', () => {
    const t = [
      'def deploy(String account) {',
      "    withAWS(role: 'deployer', roleAccount: account) { }",
      '}',
      'def deployAll(List accounts, String role) {',
      '    accounts.each { a -> withAWS(role: role, roleAccount: a) { } }',
      '}',
      'node {',
      "    for (acct in ['111111111111', '222222222222']) { deploy(acct) }",
      "    deployAll(['333333333333', '444444444444'], 'all')",
      "    deployAll(['555555555555'], 'one')",
      '}',
      '',
    ].join('\n');
    const { usages, findings } = analyze(t);
    assert.deepEqual(unresolved(findings), []);
    assert.deepEqual(rows(t, usages), [
      [2, 'deployer', '111111111111', 'arn:aws:iam::111111111111:role/deployer'],
      [2, 'deployer', '222222222222', 'arn:aws:iam::222222222222:role/deployer'],
      [5, 'all', '333333333333', 'arn:aws:iam::333333333333:role/all'],
      [5, 'all', '444444444444', 'arn:aws:iam::444444444444:role/all'],
      [5, 'one', '555555555555', 'arn:aws:iam::555555555555:role/one'],
    ]);
    assert.equal(
      usages[1].origins.roleAccount!.description,
      'element 2 of the list on line 8 (loop variable acct, line 8), via argument account of deploy() on line 8',
    );
  });

  it('a shell step inside a withAWS in a loop runs as that iteration’s role (a role chain per element)', () => {
    const t = [
      'node {',
      "    for (e in ['dev', 'prod']) {",
      '        withAWS(role: "arn:aws:iam::222222222222:role/${e}") {',
      "            sh 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/next --role-session-name next-step'",
      '        }',
      '    }',
      '}',
      '',
    ].join('\n');
    const { usages } = analyze(t);
    assert.deepEqual(
      usages.map((u) => [u.kind, u.roleArn, u.caller]),
      [
        ['withAWS', 'arn:aws:iam::222222222222:role/dev', 'arn:aws:iam::111111111111:role/jenkins-controller'],
        ['withAWS', 'arn:aws:iam::222222222222:role/prod', 'arn:aws:iam::111111111111:role/jenkins-controller'],
        ['sh-assume-role', 'arn:aws:iam::333333333333:role/next', 'arn:aws:iam::222222222222:role/dev'],
        ['sh-assume-role', 'arn:aws:iam::333333333333:role/next', 'arn:aws:iam::222222222222:role/prod'],
      ],
    );
  });

  it('elements with equal values make one usage; a loop whose variable the step does not read adds none', () => {
    const t = [
      'node {',
      "    for (e in ['dev', 'dev', 'prod']) { withAWS(role: e, roleAccount: '222222222222') { } }",
      "    for (n in [1, 2, 3]) { withAWS(role: 'same', roleAccount: '222222222222') { } }",
      '}',
      '',
    ].join('\n');
    assert.deepEqual(
      analyze(t).usages.map((u) => u.role),
      ['dev', 'prod', 'same'],
    );
  });
});

describe('loops in a shared-library step over a list the calling file passes', () => {
  it('binds each element where the calling file writes it (values and lines of that file), never the step’s', () => {
    const step = [
      '// A step deploying to each account it is given.',
      'def call(Map cfg) {',
      "    def accounts = ['999999999999']",
      '    cfg.accounts.each { a ->',
      '        withAWS(role: cfg.role, roleAccount: a) { }',
      '    }',
      '}',
      '',
    ].join('\n');
    const pipeline = [
      "def accounts = '111111111111'",
      'node {',
      "    deployEach(role: 'deployer', accounts: [accounts, '22222222222'])",
      '}',
      '',
    ].join('\n');
    const library = sharedLibrary([{ file: 'vars/deployEach.groovy', text: step }]);
    const a = analyzeText('Jenkinsfile', pipeline, { ...ctx(), iam: null, agents: null, library });
    const fromStep = a.usages.filter((u) => u.libraryStep);
    assert.deepEqual(
      fromStep.map((u) => [lineOf(pipeline, u), u.roleAccount, u.roleArn]),
      [
        [3, '111111111111', 'arn:aws:iam::111111111111:role/deployer'],
        [3, '22222222222', null],
      ],
    );
    assert.match(fromStep[0].origins.roleAccount!.description, /variable accounts \(line 1\)/);
    assert.match(fromStep[1].origins.roleAccount!.description, /^element 2 of the list on line 3 /);
    assert.ok(a.findings.some((f) => f.code === 'invalid-role-arn' && /"22222222222"/.test(f.message)));
  });
});
