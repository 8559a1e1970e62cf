// Which .rolecall.json a scan uses when none is given: the nearest one from the scanned path up to the
// working directory (a pre-commit hook passes `ci/Jenkinsfile` with the config at the repository root),
// never one above the working directory.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { recordingIo } from './helpers';

// seed 000's 11-digit account: an invalid-role-arn the config's parameter turns into a valid ARN.
const PIPELINE =
  "pipeline {\n  agent any\n  stages {\n    stage('d') {\n      steps {\n        withAWS(role: 'deploy', roleAccount: params.ACCOUNT) { sh 'true' }\n      }\n    }\n  }\n}\n";

describe('the config a scan finds', function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), 'rolecall-config-'));
    mkdirSync(path.join(dir, 'repo', 'ci', 'deep'), { recursive: true });
    writeFileSync(path.join(dir, 'repo', 'ci', 'deep', 'Jenkinsfile'), PIPELINE);
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  async function roleArnScanning(cwd: string, target: string): Promise<string | null> {
    const io = recordingIo(cwd);
    const status = await main(['scan', target, '--format', 'json'], io);
    assert.ok(status === 0 || status === 1, io.err);
    return JSON.parse(io.out).usages[0].roleArn;
  }

  it('walks up from a file or folder to the working directory', async function () {
    writeFileSync(
      path.join(dir, 'repo', '.rolecall.json'),
      JSON.stringify({ parameters: { ACCOUNT: '222222222222' } }),
    );
    const repo = path.join(dir, 'repo');
    assert.equal(await roleArnScanning(repo, 'ci/deep/Jenkinsfile'), 'arn:aws:iam::222222222222:role/deploy');
    assert.equal(await roleArnScanning(repo, 'ci'), 'arn:aws:iam::222222222222:role/deploy');
    // A nearer config wins.
    writeFileSync(
      path.join(dir, 'repo', 'ci', '.rolecall.json'),
      JSON.stringify({ parameters: { ACCOUNT: '333333333333' } }),
    );
    assert.equal(await roleArnScanning(repo, 'ci/deep/Jenkinsfile'), 'arn:aws:iam::333333333333:role/deploy');
  });

  it('never reads a config above the working directory', async function () {
    writeFileSync(path.join(dir, '.rolecall.json'), JSON.stringify({ parameters: { ACCOUNT: '222222222222' } }));
    assert.equal(await roleArnScanning(path.join(dir, 'repo'), 'ci/deep/Jenkinsfile'), null);
  });
});
