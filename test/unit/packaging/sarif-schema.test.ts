// `rolecall scan --format sarif` is SARIF 2.1.0 by the standard's own JSON schema, and the validator
// used by the CI-integration tests does reject what the schema forbids.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { recordingIo } from '../cli/helpers';
import { sarifErrors } from './sarif';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

async function examplesSarif(): Promise<any> {
  chmodSync(path.join(repoRoot, 'examples/jenkins-credentials.example.json'), 0o600);
  const io = recordingIo(repoRoot);
  const status = await main(
    ['scan', 'examples', '--credentials-file', 'examples/jenkins-credentials.example.json', '--format', 'sarif'],
    io,
  );
  assert.equal(status, 1, io.err);
  return JSON.parse(io.out);
}

describe('SARIF output against the SARIF 2.1.0 schema', function () {
  it('the scan of the examples validates, with a result per finding', async function () {
    const sarif = await examplesSarif();
    assert.deepEqual(sarifErrors(sarif), []);
    assert.ok(sarif.runs[0].results.length > 10);
  });

  it('the validator rejects a wrong level, a missing message and a bad version', async function () {
    const sarif = await examplesSarif();
    const broken = structuredClone(sarif);
    broken.runs[0].results[0].level = 'fatal';
    delete broken.runs[0].results[1].message;
    assert.equal(sarifErrors(broken).length >= 2, true, sarifErrors(broken).join('\n'));
    assert.notDeepEqual(sarifErrors({ ...sarif, version: '2.0.0' }), []);
  });
});
