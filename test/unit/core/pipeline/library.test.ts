// Values flow from a pipeline into the shared-library steps (`vars/NAME.groovy`) it calls: the step's usage
// is built once per call with the call's arguments, located at the call in the calling file (where the
// author fixes the value), with `libraryStep` naming where the AWS step is written. Fixtures:
// fixtures-library/ (each compiles with Groovy 2.4: scripts/groovy/check-conversion.groovy).
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeText } from '../../../../src/core/analyze';
import { sharedLibrary } from '../../../../src/core/library';
import type { AnalysisContext, FileAnalysis, SharedLibrary, Usage } from '../../../../src/core/types';
import { ctx, lineCol } from './helpers';

const DIR = join(__dirname, 'fixtures-library');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');
const stepFiles = (): Array<{ file: string; text: string }> =>
  readdirSync(join(DIR, 'vars'))
    .sort()
    .map((n) => ({ file: `vars/${n}`, text: read(`vars/${n}`) }));

function context(library: SharedLibrary | null): AnalysisContext {
  return { ...ctx(), iam: null, agents: null, library };
}

/** The calling file's usages from library steps, as `line: steps → roleArn|role|account duration`. */
function summary(a: FileAnalysis, text: string): string[] {
  return a.usages
    .filter((u) => u.libraryStep)
    .map(
      (u: Usage) =>
        `${lineCol(text, u.anchor.start).line}: ${u.libraryStep!.steps.join('>')} → ${u.roleArn ?? `${u.role}|${u.roleAccount}`} ${u.duration}`,
    );
}

describe('values flow into shared-library steps (vars/*.groovy) across files', () => {
  const library = sharedLibrary(stepFiles());
  const text = read('Jenkinsfile');
  const withLib = analyzeText('Jenkinsfile', text, context(library));
  const alone = analyzeText('Jenkinsfile', text, context(null));

  it('reports the 11-digit account passed to a step at the call in the calling file', () => {
    const f = withLib.findings.filter((x) => x.code === 'invalid-role-arn');
    assert.equal(f.length, 1);
    assert.equal(f[0].file, 'Jenkinsfile');
    assert.equal(lineCol(text, f[0].anchor!.start).line, 7);
    assert.equal(lineCol(text, f[0].range.start).line, 7);
    assert.match(f[0].message, /"22222222222" has 11 digits/);
    assert.match(
      f[0].message,
      /withAWS in vars\/deployTo\.groovy:3, in the shared-library step deployTo\(\) called here/,
    );
    const u = withLib.usages.find((x) => x.roleAccount === '22222222222')!;
    assert.deepEqual(u.libraryStep, {
      name: 'deployTo',
      steps: ['deployTo'],
      file: 'vars/deployTo.groovy',
      line: 3,
      column: 5,
    });
    assert.equal(u.file, 'Jenkinsfile');
    assert.equal(text.slice(u.anchor.start, u.anchor.end), 'deployTo');
    // Origins name the call the values come from.
    assert.match(u.origins.roleAccount!.description, /a named argument of deployTo\(\) on line 7 of Jenkinsfile/);
    // Without the library index nothing is followed: the file has no usage of its own.
    assert.equal(alone.usages.length, 0);
    assert.equal(alone.findings.length, 0);
  });

  it('one usage per call with different values; the checks run on each (duration)', () => {
    assert.deepEqual(summary(withLib, text), [
      '7: deployTo → deployer|22222222222 3600',
      '8: deployTo → arn:aws:iam::333333333333:role/deployer 3600',
      '9: deployTo → arn:aws:iam::333333333333:role/deployer 3600',
      '10: deployTo → arn:aws:iam::333333333333:role/reader 99999',
      '12: deployTo → arn:aws:iam::666666666666:role/deployer 3600',
      '13: assumeAs → arn:aws:iam::777777777777:role/auditor 900',
      '14: assumeAs → arn:aws:iam::888888888888:role/auditor 900',
      '15: releaseTo>deployTo → arn:aws:iam::999999999999:role/releaser 3600',
      '16: pingStep → arn:aws:iam::444444444444:role/looper 3600',
    ]);
    const d = withLib.findings.filter((f) => f.code === 'duration-out-of-range');
    assert.deepEqual(
      d.map((f) => lineCol(text, f.anchor!.start).line),
      [10],
    );
  });

  it('overloads of call(): positional with a default, and a map handed on to the positional one', () => {
    const u13 = withLib.usages.find((u) => u.roleArn === 'arn:aws:iam::777777777777:role/auditor')!;
    assert.match(u13.origins.role!.description, /argument role of assumeAs\(\) on line 13 of Jenkinsfile/);
    assert.match(
      u13.origins.duration!.description,
      /default of parameter seconds of assumeAs\(\) \(line 2\), which the call on line 13 of Jenkinsfile leaves out/,
    );
    const u14 = withLib.usages.find((u) => u.roleArn === 'arn:aws:iam::888888888888:role/auditor')!;
    assert.match(u14.origins.role!.description, /a named argument of assumeAs\(\) on line 14 of Jenkinsfile/);
  });

  it('a step calling a step: followed, with the steps named in order', () => {
    const u = withLib.usages.find((x) => x.libraryStep?.steps.length === 2)!;
    assert.deepEqual(u.libraryStep!.steps, ['releaseTo', 'deployTo']);
    assert.equal(u.libraryStep!.file, 'vars/deployTo.groovy');
    assert.equal(lineCol(text, u.anchor.start).line, 15);
    assert.equal(u.roleAccount, '999999999999');
    assert.match(
      u.origins.roleAccount!.description,
      /a named argument of deployTo\(\) on line 4 of vars\/releaseTo\.groovy/,
    );
  });

  it('a cycle of steps calling each other ends, with one usage for the call', () => {
    const at16 = withLib.usages.filter((u) => lineCol(text, u.anchor.start).line === 16);
    assert.equal(at16.length, 1);
    assert.deepEqual(at16[0].libraryStep!.steps, ['pingStep']);
  });

  it('no usage at a call that fits no overload, at a name the library lacks, or for a step that does not depend on its call', () => {
    const lines = withLib.usages.map((u) => lineCol(text, u.anchor.start).line);
    // staticLogin() (17): the same values as its own file's usage — reported there only.
    // deployTo() (18): call(Map) needs its map; notInTheLibrary (19): no such step.
    for (const line of [17, 18, 19]) assert.ok(!lines.includes(line), `no usage at line ${line}`);
  });

  it('a file defining its own method of the step name calls its own method', () => {
    const own = read('own-method.Jenkinsfile');
    const a = analyzeText('own-method.Jenkinsfile', own, context(library));
    assert.equal(a.usages.length, 0);
    assert.equal(a.findings.length, 0);
  });

  it("a step's own file is analysed as before: its parameters unresolved", () => {
    const own = read('vars/deployTo.groovy');
    const a = analyzeText('vars/deployTo.groovy', own, context(library));
    const b = analyzeText('vars/deployTo.groovy', own, context(null));
    assert.deepEqual(a, b);
    assert.deepEqual(
      a.findings.map((f) => f.code),
      ['unresolved-reference', 'unresolved-reference'],
    );
  });

  it('the enclosing withAWS of the calling file is the caller of an aws sts assume-role inside the step', () => {
    const lib = sharedLibrary([
      {
        file: 'vars/hop.groovy',
        text: 'def call(String target) {\n    sh "aws sts assume-role --role-arn ${target} --role-session-name hop"\n}\n',
      },
    ]);
    const pipeline =
      "node {\n    withAWS(role: 'arn:aws:iam::222222222222:role/first') {\n        hop('arn:aws:iam::333333333333:role/second')\n    }\n}\n";
    const a = analyzeText('Jenkinsfile', pipeline, context(lib));
    const hop = a.usages.find((u) => u.libraryStep)!;
    assert.equal(hop.kind, 'sh-assume-role');
    assert.equal(hop.roleArn, 'arn:aws:iam::333333333333:role/second');
    // A role chain: the step runs inside the calling file's withAWS.
    assert.equal(hop.caller, 'arn:aws:iam::222222222222:role/first');
    assert.match(hop.callerOrigin ?? '', /withAWS/);
    assert.equal(lineCol(pipeline, hop.anchor.start).line, 3);
  });
});
