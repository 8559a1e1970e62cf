// The Jenkins integration (integrations/jenkins): the shared-library step vars/rolecallScan.groovy runs
// under Debian's Groovy 2.4 with its shell commands executed for real — npm installs the packed
// tarball offline, rolecall scans, the SARIF it writes validates against the SARIF 2.1.0 schema — and
// the documented Jenkinsfiles parse as Groovy. Jenkins' own steps (recordIssues, sarif, error, pwd)
// are recorded, not run: the test checks how the step calls them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packedOnce, repoRoot, type Packed } from '../../scripts/pack.mjs';
import { groovyEnv } from '../../scripts/setup-groovy.mjs';
import { sarifErrors } from '../unit/packaging/sarif';

const harness = path.join(__dirname, 'jenkins', 'harness.groovy');
const step = path.join(repoRoot, 'integrations', 'jenkins', 'vars', 'rolecallScan.groovy');

interface Call {
  step: string;
  script?: string;
  status?: number;
  tools?: { tool: string; pattern: string; id: string }[];
  enabledForFailure?: boolean;
  message?: string;
}
interface Outcome {
  name: string;
  result: 'SUCCESS' | 'FAILURE';
  returned?: number;
  message?: string;
  calls: Call[];
}

describe('the Jenkins step rolecallScan', function () {
  this.timeout(180_000);
  let p: Packed;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  function groovy(args: string[]): unknown {
    const out = path.join(dir, `groovy-${Date.now()}.json`);
    const res = spawnSync('groovy', [harness, args[0], out, ...args.slice(1)], { env, encoding: 'utf8', cwd: dir });
    assert.equal(res.status, 0, `groovy exited ${res.status}:\n${res.stdout}\n${res.stderr}`);
    return JSON.parse(readFileSync(out, 'utf8'));
  }

  function workspace(name: string, fill: (root: string) => void): string {
    const root = path.join(dir, name);
    mkdirSync(root, { recursive: true });
    fill(root);
    return root;
  }

  before(function () {
    p = packedOnce();
    dir = path.join(p.dir, 'jenkins');
    mkdirSync(dir);
    // Only Node on the PATH, and npm kept off the network: the tarball needs nothing else.
    env = groovyEnv({
      PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
      HOME: process.env.HOME,
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
    });
  });

  it('and the documented Jenkinsfiles are valid Groovy (and a broken one is not)', function () {
    const broken = path.join(dir, 'Broken.groovy');
    writeFileSync(broken, "pipeline {\n  stages {\n    stage('x') { steps { sh 'make' }\n");
    const files = [
      step,
      ...['Jenkinsfile', 'Jenkinsfile.refresh-snapshots'].map((f) => path.join(repoRoot, 'integrations', 'jenkins', f)),
      broken,
    ];
    const results = groovy(['check', ...files]) as { file: string; ok: boolean; error?: string }[];
    assert.deepEqual(
      results.map((r) => [path.basename(r.file), r.ok]),
      [
        ['rolecallScan.groovy', true],
        ['Jenkinsfile', true],
        ['Jenkinsfile.refresh-snapshots', true],
        ['Broken.groovy', false],
      ],
      JSON.stringify(results, null, 1),
    );
  });

  it('installs the CLI, records the SARIF with Warnings NG and fails the build by --fail-on level', function () {
    const copyExamples = (root: string) => {
      cpSync(path.join(repoRoot, 'examples'), root, { recursive: true });
      chmodSync(path.join(root, 'jenkins-credentials.example.json'), 0o600);
    };
    const examples = workspace('ws-examples', copyExamples);
    const lenient = workspace('ws-lenient', copyExamples);
    const clean = workspace('ws-clean', (root) => {
      mkdirSync(path.join(root, "it's ci"));
      writeFileSync(
        path.join(root, "it's ci", 'Jenkinsfile'),
        "pipeline {\n  agent any\n  stages {\n    stage('build') {\n      steps { sh 'make' }\n    }\n  }\n}\n",
      );
    });
    const broken = workspace('ws-broken', copyExamples);
    const tmp = path.join(dir, 'workspace@tmp');
    mkdirSync(tmp);
    const credentials = ['--credentials-file', 'jenkins-credentials.example.json'];
    const scenarios = [
      { name: 'errors', workspace: examples, tmp, options: { npmPackage: p.tarball, args: credentials } },
      { name: 'never', workspace: lenient, tmp, options: { cli: p.bin, failOn: 'never', args: credentials } },
      { name: 'clean', workspace: clean, tmp, options: { cli: p.bin, failOn: 'warning', paths: ["it's ci"] } },
      {
        name: 'unreadable',
        workspace: broken,
        tmp,
        options: { cli: p.bin, args: ['--iam-snapshot', 'no-such-snapshot.json'] },
      },
      { name: 'bad level', workspace: broken, tmp, options: { cli: p.bin, failOn: 'sometimes' } },
    ];
    const file = path.join(dir, 'scenarios.json');
    writeFileSync(file, JSON.stringify(scenarios));
    const outcomes = new Map((groovy(['run', step, file]) as Outcome[]).map((o) => [o.name, o]));
    const steps = (o: Outcome) => o.calls.map((c) => (c.step === 'sh' ? `sh:${c.status}` : c.step));
    const sarifOf = (root: string) => JSON.parse(readFileSync(path.join(root, 'rolecall.sarif'), 'utf8'));

    // Error findings: installed with npm, scanned, recorded, then the build fails.
    const errors = outcomes.get('errors')!;
    assert.equal(errors.result, 'FAILURE');
    assert.match(errors.message!, /at or above 'error'/);
    assert.deepEqual(steps(errors), ['sh:0', 'sh:1', 'recordIssues', 'error']);
    assert.match(errors.calls[0].script!, /^npm install .*--prefix '.*workspace@tmp\/rolecall-cli' '.*\.tgz'$/);
    assert.match(errors.calls[1].script!, /'scan' '\.' '--format' 'sarif' '--fail-on' 'error' .* > 'rolecall\.sarif'$/);
    const record = errors.calls[2];
    assert.deepEqual(record.tools, [{ tool: 'sarif', pattern: 'rolecall.sarif', id: 'rolecall', name: 'RoleCall' }]);
    assert.equal(record.enabledForFailure, true);
    const recorded = sarifOf(examples);
    assert.deepEqual(sarifErrors(recorded), []);
    const json = spawnSync(p.bin, ['scan', '.', ...credentials, '--format', 'json'], {
      cwd: examples,
      encoding: 'utf8',
    });
    const findings = JSON.parse(json.stdout).findings as { code: string; line: number; file: string }[];
    assert.ok(findings.length > 10);
    assert.deepEqual(
      recorded.runs[0].results.map((r: any) => [
        r.locations[0].physicalLocation.artifactLocation.uri,
        r.locations[0].physicalLocation.region.startLine,
        r.ruleId,
      ]),
      findings.map((f) => [f.file, f.line, f.code]),
    );

    // failOn never: the same findings recorded, the build passes.
    const never = outcomes.get('never')!;
    assert.equal(never.result, 'SUCCESS', never.message);
    assert.equal(never.returned, 0);
    assert.deepEqual(steps(never), ['sh:0', 'recordIssues']);
    assert.equal(sarifOf(lenient).runs[0].results.length, findings.length);

    // Nothing at the level (a path with a space and a quote, shell-quoted): passes with an empty report.
    const fine = outcomes.get('clean')!;
    assert.equal(fine.result, 'SUCCESS', fine.message);
    assert.deepEqual(steps(fine), ['sh:0', 'recordIssues']);
    const empty = sarifOf(clean);
    assert.deepEqual(sarifErrors(empty), []);
    assert.deepEqual(empty.runs[0].results, []);

    // Could not scan (exit 2): fails at once and records nothing.
    const unreadable = outcomes.get('unreadable')!;
    assert.equal(unreadable.result, 'FAILURE');
    assert.match(unreadable.message!, /could not scan \(exit 2\)/);
    assert.deepEqual(steps(unreadable), ['sh:2', 'error']);

    const bad = outcomes.get('bad level')!;
    assert.equal(bad.result, 'FAILURE');
    assert.match(bad.message!, /failOn must be error, warning, info or never/);
    assert.deepEqual(steps(bad), ['error']);
  });
});
