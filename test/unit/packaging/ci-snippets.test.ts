// The GitHub Actions and GitLab CI snippets in integrations/, run for real: their shell lines in a
// checkout of the examples, with the packed npm package standing in for `rolecall@^0.1` from the
// registry (the only substitution), and the SARIF they leave validated against the SARIF 2.1.0 schema.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { packedOnce, repoRoot, type Packed } from '../../../scripts/pack.mjs';
import { sarifErrors } from './sarif';

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  return spawnSync('bash', ['-e', '-c', script], { cwd, env, encoding: 'utf8' });
}

describe('the CI snippets', function () {
  this.timeout(120_000);
  let p: Packed;
  let env: NodeJS.ProcessEnv;

  function checkout(name: string): string {
    const dir = path.join(p.dir, name);
    cpSync(path.join(repoRoot, 'examples'), dir, { recursive: true });
    chmodSync(path.join(dir, 'jenkins-credentials.example.json'), 0o600);
    return dir;
  }

  before(function () {
    p = packedOnce();
    env = {
      PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
      HOME: p.dir,
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
    };
  });

  it('GitHub Actions: the scan step records the status, the SARIF is valid, the last step fails the job', function () {
    const workflow = parse(readFileSync(path.join(repoRoot, 'integrations', 'github', 'rolecall.yml'), 'utf8'));
    assert.ok(workflow.permissions['security-events'] === 'write', 'upload-sarif needs security-events: write');
    const steps = workflow.jobs.rolecall.steps as {
      id?: string;
      name?: string;
      run?: string;
      uses?: string;
      if?: string;
      with?: Record<string, string>;
    }[];
    const scan = steps.find((s) => s.id === 'scan')!;
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!;
    const gate = steps.find((s) => s.name === 'Fail on findings')!;
    assert.equal(upload.with?.sarif_file, 'rolecall.sarif');
    const dir = checkout('work-github');
    const output = path.join(dir, 'github-output');
    writeFileSync(output, '');
    // The registry's package → the packed one; everything else as written.
    const script = scan.run!.replace('npx --yes rolecall@^0.1', `${p.bin}`);
    assert.notEqual(script, scan.run, 'the step installs rolecall with npx');
    const res = bash(script, dir, { ...env, GITHUB_OUTPUT: output });
    assert.equal(res.status, 0, `the scan step itself must not fail the job: ${res.stderr}`);
    assert.equal(readFileSync(output, 'utf8'), 'status=1\n', 'the examples have error findings');
    assert.deepEqual(sarifErrors(JSON.parse(readFileSync(path.join(dir, 'rolecall.sarif'), 'utf8'))), []);
    assert.match(upload.if!, /status == '1'/);
    const failing = bash(gate.run!.replace('${{ steps.scan.outputs.status }}', '1'), dir, env);
    assert.equal(failing.status, 1);
  });

  it('GitLab CI: the job fails on error findings, lists them in the log and keeps a valid SARIF', function () {
    const pipeline = parse(
      readFileSync(path.join(repoRoot, 'integrations', 'gitlab', 'rolecall.gitlab-ci.yml'), 'utf8'),
    );
    const job = pipeline.rolecall as { script: string[]; artifacts: { paths: string[]; when: string } };
    assert.deepEqual(job.artifacts.paths, ['rolecall.sarif']);
    assert.equal(job.artifacts.when, 'always');
    const dir = checkout('work-gitlab');
    const prefix = path.join(p.dir, 'gitlab-cli');
    mkdirSync(prefix);
    const script = job.script
      .map((line) => line.replace('rolecall@^0.1', p.tarball).replaceAll('/tmp/rolecall-cli', prefix))
      .join('\n');
    const res = bash(script, dir, env);
    assert.equal(res.status, 1, `the job fails on the examples' errors: ${res.stderr}`);
    assert.match(
      res.stdout,
      /seed-000-external-id\/Jenkinsfile\.prod:15:13: error /,
      'the findings are in the job log',
    );
    assert.deepEqual(sarifErrors(JSON.parse(readFileSync(path.join(dir, 'rolecall.sarif'), 'utf8'))), []);
  });
});
