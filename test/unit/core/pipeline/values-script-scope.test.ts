// A script-level `def` (or typed) declaration is a local variable of the script body (Groovy 2.4 compiles it
// into run()): the script's closures see it, its methods do not — Groovy throws MissingPropertyException there.
// Only @Field declarations and undeclared assignments (the binding) reach methods. Fixture:
// fixtures/values-script-scope.Jenkinsfile (compiles with Groovy 2.4; run with stub steps, deploy() and
// useTarget() throw MissingPropertyException, the other helpers print the ARNs asserted below).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../src/cli/main';
import { recordingIo } from '../../cli/helpers';
import { applyEdits } from '../../../../src/vscode/pure/edits';
import { analyzeText } from '../../../../src/core/analyze';
import { analyze, ctx, lineCol } from './helpers';

const text = readFileSync(join(__dirname, 'fixtures', 'values-script-scope.Jenkinsfile'), 'utf8');
const ROLE = 'arn:aws:iam::222222222222:role/deploy';

describe('script-level def variables are not visible in methods (Groovy 2.4 scoping)', () => {
  const { usages, findings } = analyze(text);
  const lineOf = (offset: number): number => lineCol(text, offset).line;
  const at = (line: number) => usages.filter((u) => lineOf(u.anchor.start) === line);
  const failing = (line: number) =>
    findings.filter((f) => f.code === 'out-of-scope-variable' && lineOf(f.range.start) === line);

  it('a method reading the script body’s def gets an error naming the declaration and the fix', () => {
    const [u] = at(12);
    assert.equal(u.roleArn, null, 'never resolved to the script variable');
    const [f] = failing(12);
    assert.equal(f.severity, 'error');
    assert.equal(
      f.message,
      'role: `ROLE` is a local variable of the script body (declared with def on line 3); methods cannot see it, so this build fails with MissingPropertyException when deploy() runs — annotate it @Field (import groovy.transform.Field) or drop def.',
    );
    assert.equal(text.slice(f.range.start, f.range.end), 'ROLE');
    assert.ok(!findings.some((x) => x.code === 'unresolved-reference' && lineOf(x.range.start) === 12));
  });

  it('a typed declaration, a map variable, a reassigned def, a closure and a shell step in the method fail too', () => {
    assert.match(
      failing(13)[0].message,
      /`TYPED` is a local variable of the script body \(declared with String on line 4\)/,
    );
    assert.match(failing(13)[0].message, /drop String\.$/);
    assert.match(
      failing(16)[0].message,
      /`cfg` is a local variable of the script body \(declared with def on line 7\)/,
    );
    assert.match(failing(17)[0].message, /`ROLE` is a local variable of the script body/);
    assert.match(
      failing(18)[0].message,
      /`LATER` is a local variable of the script body \(declared with def on line 8\)/,
    );
    for (const line of [13, 16, 17, 18]) assert.equal(at(line)[0].roleArn, null, `line ${line}`);
    const shell = usages.find((u) => u.kind === 'sh-assume-role' && lineOf(u.anchor.start) === 19);
    assert.ok(shell, 'the shell step is a usage');
    assert.equal(shell.roleArn, null);
    assert.equal(failing(19).length, 1);
  });

  it('@Field and undeclared assignments (the binding) do reach methods', () => {
    assert.equal(at(14)[0].roleArn, 'arn:aws:iam::222222222222:role/field');
    assert.equal(at(15)[0].roleArn, 'arn:aws:iam::222222222222:role/bound');
    assert.deepEqual(failing(14), []);
    assert.deepEqual(failing(15), []);
  });

  it('closures of the script body see it; parameters, own locals and arguments keep working', () => {
    assert.equal(at(45)[0].roleArn, ROLE, 'node { } at script level');
    assert.deepEqual(
      at(23).map((u) => u.roleArn),
      ['arn:aws:iam::444444444444:role/arg'],
      'a parameter shadows the script variable',
    );
    assert.deepEqual(
      at(28).map((u) => u.roleArn),
      ['arn:aws:iam::333333333333:role/own'],
    );
    assert.deepEqual(
      at(32).map((u) => u.roleArn),
      [ROLE],
      'passed(ROLE) is evaluated at the call, in the script body',
    );
  });

  it("another method's local is not visible either", () => {
    assert.equal(at(41)[0].roleArn, null);
    assert.equal(
      failing(41)[0].message,
      'role: `TARGET` is a local variable of makeTarget() (declared with def on line 36); useTarget() cannot see it, so this build fails with MissingPropertyException — pass it to useTarget() as an argument.',
    );
  });

  it('the declarative example: a helper called from script { } inside pipeline { }', () => {
    const t = [
      "def ROLE = 'arn:aws:iam::222222222222:role/deploy'",
      'def deploy() {',
      "  withAWS(role: ROLE) { sh 'make' }",
      '}',
      "pipeline { agent any; stages { stage('a') { steps { script { deploy(); withAWS(role: ROLE) { sh 'x' } } } } } }",
      '',
    ].join('\n');
    const r = analyze(t);
    assert.deepEqual(
      r.usages.map((u) => u.roleArn),
      [null, ROLE],
      'the script {} block sees ROLE, the method does not',
    );
    assert.deepEqual(
      r.findings.map((f) => [f.code, lineCol(t, f.range.start).line]),
      [['out-of-scope-variable', 3]],
    );
  });

  it("a shared-library step's call() does not see its file's def; @Field it does", () => {
    const step = (decl: string) =>
      analyze(
        `${decl}\ndef call(Map args = [:]) {\n  withAWS(role: ROLE, region: args.region) { sh 'make' }\n}\n`,
        ctx(),
      );
    const plain = step("def ROLE = 'arn:aws:iam::222222222222:role/lib'");
    assert.equal(plain.usages[0].roleArn, null);
    assert.deepEqual(
      plain.findings.filter((f) => f.code === 'out-of-scope-variable').map((f) => f.message),
      [
        'role: `ROLE` is a local variable of the script body (declared with def on line 1); methods cannot see it, so this build fails with MissingPropertyException when call() runs — annotate it @Field (import groovy.transform.Field) or drop def.',
      ],
    );
    const field = step("import groovy.transform.Field\n@Field def ROLE = 'arn:aws:iam::222222222222:role/lib'");
    assert.equal(field.usages[0].roleArn, 'arn:aws:iam::222222222222:role/lib');
    assert.ok(!field.findings.some((f) => f.code === 'out-of-scope-variable'));
  });

  it('a name the build gives another way (a parameter, withEnv at the call) is not reported as failing', () => {
    const t = [
      "properties([parameters([string(name: 'ROLE', defaultValue: 'arn:aws:iam::222222222222:role/param')])])",
      "def ROLE = 'arn:aws:iam::222222222222:role/deploy'",
      "def deploy() { withAWS(role: ROLE) { sh 'make' } }",
      'node { deploy() }',
      '',
    ].join('\n');
    assert.ok(!analyze(t).findings.some((f) => f.code === 'out-of-scope-variable'));
    const viaEnv = [
      "def ROLE = 'arn:aws:iam::222222222222:role/deploy'",
      "def deploy() { withAWS(role: ROLE) { sh 'make' } }",
      "node { withEnv(['ROLE=arn:aws:iam::222222222222:role/env']) { deploy() } }",
      '',
    ].join('\n');
    const r = analyze(viaEnv);
    assert.ok(!r.findings.some((f) => f.code === 'out-of-scope-variable'));
    assert.equal(r.usages[0].roleArn, 'arn:aws:iam::222222222222:role/env');
  });

  it('the whole analysis reports it once per place, as an error that fails the scan', () => {
    const analysis = analyzeText('Jenkinsfile', text, { ...ctx(), iam: null });
    const codes = analysis.findings.filter((f) => f.code === 'out-of-scope-variable');
    assert.deepEqual(
      codes.map((f) => lineOf(f.range.start)),
      [12, 13, 16, 17, 18, 19, 41],
    );
    assert.ok(codes.every((f) => f.severity === 'error'));
  });
});

describe('script-level def in a shared-library step, followed from the pipeline that calls it', () => {
  it('the call in the Jenkinsfile gets the error too; @Field resolves through the call', async () => {
    const workspace = (decl: string): string => {
      const root = mkdtempSync(join(tmpdir(), 'rolecall-scope-'));
      mkdirSync(join(root, 'vars'));
      writeFileSync(
        join(root, 'vars', 'deployTo.groovy'),
        `${decl}\ndef call(String region) {\n  withAWS(role: ROLE, region: region) { sh 'make' }\n}\n`,
      );
      writeFileSync(join(root, 'Jenkinsfile'), "node {\n  deployTo('eu-west-1')\n}\n");
      return root;
    };
    const scan = async (root: string) => {
      const io = recordingIo(root);
      await main(['scan', '--format', 'json', '.'], io);
      return JSON.parse(io.out) as {
        usages: Array<{ file: string; roleArn: string | null }>;
        findings: Array<{ file: string; line: number; code: string }>;
      };
    };
    const plain = await scan(workspace("def ROLE = 'arn:aws:iam::222222222222:role/deploy'"));
    assert.deepEqual(
      plain.findings.filter((f) => f.code === 'out-of-scope-variable').map((f) => [f.file, f.line]),
      [
        ['Jenkinsfile', 2],
        ['vars/deployTo.groovy', 3],
      ],
    );
    assert.ok(plain.usages.every((u) => u.roleArn === null));
    const field = await scan(
      workspace("import groovy.transform.Field\n@Field def ROLE = 'arn:aws:iam::222222222222:role/deploy'"),
    );
    assert.ok(!field.findings.some((f) => f.code === 'out-of-scope-variable'));
    assert.ok(field.usages.some((u) => u.roleArn === 'arn:aws:iam::222222222222:role/deploy'));
  });
});

describe('the @Field quick fix of out-of-scope-variable', () => {
  const body = [
    "String ROLE = 'arn:aws:iam::222222222222:role/deploy'",
    'def deploy() {',
    "  withAWS(role: ROLE) { sh 'make' }",
    '}',
    'node { deploy() }',
    '',
  ].join('\n');

  it('annotates the declaration and adds the import; the fixed file resolves the role in the method', () => {
    for (const [text, expected] of [
      [
        body,
        "import groovy.transform.Field\n@Field String ROLE = 'arn:aws:iam::222222222222:role/deploy'\ndef deploy() {",
      ],
      [
        `#!/usr/bin/env groovy\n${body}`,
        "#!/usr/bin/env groovy\nimport groovy.transform.Field\n@Field String ROLE = 'arn:aws:iam::222222222222:role/deploy'",
      ],
      [
        `import groovy.transform.Field\n${body}`,
        "import groovy.transform.Field\n@Field String ROLE = 'arn:aws:iam::222222222222:role/deploy'",
      ],
    ]) {
      const f = analyze(text).findings.find((x) => x.code === 'out-of-scope-variable')!;
      assert.equal(f.fixes?.length, 1);
      assert.equal(f.fixes[0].title, 'Annotate ROLE with @Field so methods see it');
      const fixed = applyEdits(text, f.fixes[0].edits);
      assert.ok(fixed.startsWith(expected), fixed);
      const again = analyze(fixed);
      assert.deepEqual(again.findings, []);
      assert.equal(again.usages[0].roleArn, 'arn:aws:iam::222222222222:role/deploy');
    }
  });

  it("no fix for another method's local (no field makes sense there)", () => {
    const text = readFileSync(join(__dirname, 'fixtures', 'values-script-scope.Jenkinsfile'), 'utf8');
    const other = analyze(text).findings.find(
      (x) => x.code === 'out-of-scope-variable' && x.message.includes('TARGET'),
    );
    assert.equal(other?.fixes, undefined);
  });
});
