// `rolecall scan` of a workspace with a shared library: the vars/*.groovy steps are collected first, and a
// pipeline's calls of them are analysed with the call's arguments (findings at the call in the pipeline).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { recordingIo } from './helpers';

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rolecall-lib-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

async function run(cwd: string, ...args: string[]) {
  const io = recordingIo(cwd);
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

const STEP = [
  'def call(Map cfg) {',
  '  withAWS(role: cfg.role, roleAccount: cfg.account, duration: 3600) {',
  '    sh "aws ecs update-service --cluster ${cfg.cluster}"',
  '  }',
  '}',
  '',
].join('\n');

const PIPELINE = [
  'pipeline {',
  '  agent any',
  '  stages {',
  "    stage('deploy') {",
  '      steps {',
  "        deployTo(role: 'deploy', account: '22222222222', cluster: 'main')",
  "        deployTo(role: 'deploy', account: '333333333333', cluster: 'side')",
  '      }',
  '    }',
  '  }',
  '}',
  '',
].join('\n');

describe('rolecall scan: pipelines calling shared-library steps', () => {
  it('reports the typo passed to a vars step at the call in the Jenkinsfile, and lists one usage per call', async () => {
    const root = workspace({ Jenkinsfile: PIPELINE, 'vars/deployTo.groovy': STEP });
    const r = await run(root, 'scan', '.', '--format', 'json');
    assert.equal(r.code, 1, r.err);
    const json = JSON.parse(r.out);
    const fromStep = json.usages.filter((u: { file: string }) => u.file === 'Jenkinsfile');
    assert.deepEqual(
      fromStep.map((u: { line: number; column: number; roleAccount: string; roleArn: string | null }) => [
        u.line,
        u.column,
        u.roleAccount,
        u.roleArn,
      ]),
      [
        [6, 9, '22222222222', null],
        [7, 9, '333333333333', 'arn:aws:iam::333333333333:role/deploy'],
      ],
    );
    assert.deepEqual(fromStep[0].libraryStep, {
      name: 'deployTo',
      steps: ['deployTo'],
      file: 'vars/deployTo.groovy',
      line: 2,
      column: 3,
    });
    const invalid = json.findings.filter((f: { code: string }) => f.code === 'invalid-role-arn');
    assert.equal(invalid.length, 1);
    assert.equal(invalid[0].file, 'Jenkinsfile');
    assert.equal(invalid[0].line, 6);
    assert.match(invalid[0].message, /vars\/deployTo\.groovy:2/);
    // The step's own usage is as before: its parameters unresolved, in its file.
    const own = json.usages.filter((u: { file: string }) => u.file === 'vars/deployTo.groovy');
    assert.equal(own.length, 1);
    assert.equal(own[0].libraryStep, undefined);
    assert.deepEqual(
      json.findings
        .filter((f: { file: string }) => f.file === 'vars/deployTo.groovy')
        .map((f: { code: string }) => f.code),
      ['unresolved-reference', 'unresolved-reference'],
    );
    // Text and SARIF report it at the call too.
    const text = await run(root, 'scan', '.');
    assert.match(text.out, /^Jenkinsfile:6:9: error invalid-role-arn: .*withAWS in vars\/deployTo\.groovy:2/m);
    const sarif = JSON.parse((await run(root, 'scan', '.', '--format', 'sarif')).out);
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'invalid-role-arn');
    assert.equal(result.locations[0].physicalLocation.region.startLine, 6);
  });

  it('without the vars folder in the scan, the call is not followed', async () => {
    const root = workspace({ 'app/Jenkinsfile': PIPELINE, 'lib/vars/deployTo.groovy': STEP });
    const r = await run(root, 'scan', 'app', '--format', 'json');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).usages, []);
    // Both roots scanned: the library's steps are collected from every root first.
    const both = JSON.parse((await run(root, 'scan', 'app', 'lib', '--format', 'json')).out);
    assert.deepEqual(
      both.usages.map((u: { file: string; line: number }) => `${u.file}:${u.line}`),
      ['app/Jenkinsfile:6', 'app/Jenkinsfile:7', 'lib/vars/deployTo.groovy:2'],
    );
  });
});
