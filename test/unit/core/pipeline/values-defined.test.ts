// Issue 13 item 3: names the file defines are never "not defined in this file, pass --param". Destructuring,
// a declaration without a value, class fields, loop variables, closure parameters and caught exceptions are
// computed at run time, said with the name and where it is defined; what the file does give (a destructured
// list, a script @Field, a class field's initial value) resolves. Fixture: fixtures/values-defined-names.Jenkinsfile
// (valid Groovy 2.4).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, lineCol } from './helpers';

const text = readFileSync(join(__dirname, 'fixtures', 'values-defined-names.Jenkinsfile'), 'utf8');

describe('names defined in the file: computed at run time, never "pass --param" (issue 13 item 3)', () => {
  const { usages, findings } = analyze(text);
  const at = (line: number) => usages.filter((u) => lineCol(text, u.anchor.start).line === line);
  const messages = (line: number): string[] =>
    findings
      .filter((f) => f.code === 'unresolved-reference' && lineCol(text, f.range.start).line === line)
      .map((f) => f.message);

  it('no unresolved value of the file is a "not defined" one, except the undeclared parameter', () => {
    const notDefined = findings.filter(
      (f) => f.code === 'unresolved-reference' && /not (a variable|declared|set) .*in this file/.test(f.message),
    );
    assert.deepEqual(
      notDefined.map((f) => f.message),
      [
        'roleAccount: parameter ACC is not declared in this file; give it with --param ACC=VALUE or .rolecall.json "parameters": {"ACC": "..."}.',
      ],
    );
  });

  it('destructuring: from a computed value, computed at run time; from a list literal, resolved', () => {
    const [computed] = at(30);
    assert.equal(computed.roleArn, null);
    const msgs = messages(30);
    assert.ok(
      msgs.includes(
        "role: `envName` is destructured from `env.JOB_BASE_NAME.split('-')` on line 28: its value is computed at run time; RoleCall cannot know it.",
      ),
      msgs.join('\n'),
    );
    assert.ok(msgs.some((m) => m.startsWith('region: `region` is destructured from')));
    assert.equal(at(31)[0].roleArn, 'arn:aws:iam::444444444444:role/splitter');
  });

  it('a declaration without a value, a loop variable, a closure parameter, a caught exception', () => {
    assert.match(
      messages(33)[0],
      /^role: `later` is declared without a value on line 32: its value is computed at run time/,
    );
    assert.match(messages(35)[0], /^role: `target` is a loop variable \(line 34\): its value is computed at run time/);
    assert.ok(
      messages(37).some((m) =>
        /^role: `r` is a closure parameter \(line 37\): its value is computed at run time/.test(m),
      ),
    );
    assert.match(messages(41)[0], /`err` is a caught exception \(line 40\): its value is computed at run time/);
  });

  it('class fields: without a value computed at run time (also as this.x), with one resolved inside the class', () => {
    for (const line of [21, 22]) {
      const [u] = at(line);
      assert.equal(u.roleAccount, '333333333333', `line ${line}`);
      assert.equal(u.roleArn, null);
      assert.deepEqual(messages(line), [
        'role: `role` is the field role of class AwsTarget (line 16), which has no initial value: its value is computed at run time; RoleCall cannot know it.',
      ]);
    }
  });

  it('a script @Field resolves in a method written above it', () => {
    assert.equal(at(8)[0].roleArn, 'arn:aws:iam::222222222222:role/team-deployer');
  });

  it("a class field is not a name outside its class; `this.params.X` is the pipeline's parameter", () => {
    const outside = analyze(
      "class C {\n  String account = '333333333333'\n}\nnode { withAWS(role: 'r', roleAccount: account) { } }\n",
    );
    assert.equal(outside.usages[0].roleArn, null);
    assert.match(
      outside.findings.find((f) => f.code === 'unresolved-reference')!.message,
      /`account` is not a variable, parameter or environment variable defined in this file/,
    );
    const viaThis = analyze(
      "pipeline { parameters { string(name: 'ACC', defaultValue: '555555555555') } }\nnode { withAWS(role: 'r', roleAccount: this.params.ACC) { } }\n",
    );
    assert.equal(viaThis.usages[0].roleArn, 'arn:aws:iam::555555555555:role/r');
  });
});
