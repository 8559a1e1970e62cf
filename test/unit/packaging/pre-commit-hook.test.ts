// The pre-commit hook (.pre-commit-hooks.yaml) run the way the pre-commit framework runs it: the files a
// commit stages, filtered by the hook's `files`/`exclude` patterns, passed after `entry` and `args` to
// the command that `language: node` installs — here the packed npm package, installed as a user gets it.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { isPipelineFileName } from '../../../src/cli/files';
import { packedOnce, repoRoot, type Packed } from '../../../scripts/pack.mjs';
import { sarifErrors } from './sarif';

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  exclude?: string;
  pass_filenames?: boolean;
}

const hooks = parse(readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((h) => h.id === 'rolecall')!;

/** pre-commit's selection: `re.search(files)` and not `re.search(exclude)` on repository-relative paths. */
function selected(paths: string[]): string[] {
  const files = new RegExp(hook.files);
  const exclude = hook.exclude ? new RegExp(hook.exclude) : null;
  return paths.filter((p) => files.test(p) && !(exclude && exclude.test(p)));
}

describe('the pre-commit hook', function () {
  this.timeout(120_000);
  let p: Packed;
  let repo: string;

  function git(...args: string[]): string {
    return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
      cwd: repo,
      encoding: 'utf8',
    });
  }

  /** Runs the hook on what is staged, as pre-commit would; returns null when it selects no file. */
  function runHook(args: string[] = []) {
    const staged = git('diff', '--cached', '--name-only', '-z').split('\0').filter(Boolean);
    const files = selected(staged);
    if (files.length === 0) return null;
    const [command, ...entryArgs] = hook.entry.split(' ');
    const bin = path.join(p.prefix, 'node_modules', '.bin');
    const env = { PATH: [bin, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter), HOME: p.dir };
    return { files, ...spawnSync(command, [...entryArgs, ...args, ...files], { cwd: repo, env, encoding: 'utf8' }) };
  }

  before(function () {
    p = packedOnce();
    repo = path.join(p.dir, 'work-precommit');
    cpSync(path.join(repoRoot, 'examples'), repo, { recursive: true });
    chmodSync(path.join(repo, 'jenkins-credentials.example.json'), 0o600);
    execFileSync('git', ['init', '-q', repo]);
  });

  it('is a node hook that gets the changed files', function () {
    assert.equal(hook.language, 'node');
    assert.notEqual(hook.pass_filenames, false);
    assert.match(hook.entry, /^rolecall scan\b/);
  });

  it('selects exactly the files rolecall scan calls pipeline files, outside node_modules', function () {
    const names = [
      'Jenkinsfile',
      'ci/Jenkinsfile',
      'Jenkinsfile.prod',
      'a/b/deploy.jenkinsfile',
      'x.Jenkinsfile',
      'vars/deploy.groovy',
      'src/org/x/Y.groovy',
      'README.md',
      'Jenkinsfile/notes.txt',
      'ci/Jenkinsfile-old',
      'iam/111111111111.json',
      'groovy.txt',
      'MyJenkinsfile',
    ];
    for (const name of names) {
      assert.equal(selected([name]).length === 1, isPipelineFileName(path.posix.basename(name)), name);
    }
    assert.deepEqual(selected(['node_modules/lib/vars/x.groovy', 'web/node_modules/a/Jenkinsfile']), []);
  });

  it('stops a commit with error findings and reports what a scan of the repository reports for those files', function () {
    git('add', '-A');
    const run = runHook(['--credentials-file', 'jenkins-credentials.example.json', '--format', 'json']);
    assert.ok(run, 'the examples have pipeline files');
    assert.equal(run.status, 1, run.stderr);
    const whole = spawnSync(
      path.join(p.prefix, 'node_modules', '.bin', 'rolecall'),
      ['scan', '.', '--credentials-file', 'jenkins-credentials.example.json', '--format', 'json'],
      { cwd: repo, encoding: 'utf8' },
    );
    const expected = JSON.parse(whole.stdout).findings.filter((f: { file: string }) => run.files.includes(f.file));
    assert.ok(expected.length > 10);
    const found = JSON.parse(run.stdout).findings as { file: string }[];
    assert.deepEqual(
      found.filter((f) => run.files.includes(f.file)),
      expected,
      'the hook finds the config at the repository root and uses its snapshots',
    );
    // Anything else it reports is about the IAM data those pipelines depend on (snapshots, IaC), no other pipeline.
    const elsewhere = [...new Set(found.filter((f) => !run.files.includes(f.file)).map((f) => f.file))];
    assert.deepEqual(
      elsewhere.filter((f) => isPipelineFileName(path.posix.basename(f))),
      [],
    );
  });

  it('lets a commit through when the changed pipelines are fine, and skips commits without pipeline files', function () {
    git('commit', '-q', '-m', 'examples');
    mkdirSync(path.join(repo, 'clean'));
    writeFileSync(
      path.join(repo, 'clean', 'Jenkinsfile'),
      "pipeline {\n  agent any\n  stages {\n    stage('build') {\n      steps { sh 'make' }\n    }\n  }\n}\n",
    );
    git('add', 'clean/Jenkinsfile');
    const run = runHook();
    assert.ok(run);
    assert.deepEqual(run.files, ['clean/Jenkinsfile']);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    git('commit', '-q', '-m', 'clean');
    writeFileSync(path.join(repo, 'README.md'), 'changed\n');
    git('add', 'README.md');
    assert.equal(runHook(), null);
  });

  it('writes valid SARIF when asked to', function () {
    writeFileSync(path.join(repo, 'seed-000-external-id', 'Jenkinsfile'), '// touched\n', { flag: 'a' });
    git('add', '-A');
    const run = runHook(['--format', 'sarif']);
    assert.ok(run);
    assert.equal(run.status, 1, run.stderr);
    const sarif = JSON.parse(run.stdout);
    assert.deepEqual(sarifErrors(sarif), []);
    assert.ok(sarif.runs[0].results.length > 0);
  });
});
