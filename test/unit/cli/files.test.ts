import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findPipelineFiles, isPipelineFileName } from '../../../src/cli/files';
import { UsageError } from '../../../src/cli/io';

describe('pipeline file discovery', () => {
  it('recognises the contract file names', () => {
    for (const name of [
      'Jenkinsfile',
      'Jenkinsfile.prod',
      'deploy.Jenkinsfile',
      'x.jenkinsfile',
      'getTempCreds.groovy',
    ])
      assert.ok(isPipelineFileName(name), name);
    for (const name of ['jenkinsfile.txt', 'README.md', 'Jenkinsfile-old', 'policy.json'])
      assert.ok(!isPipelineFileName(name), name);
  });

  it('walks directories, skips node_modules and .git, keeps relative paths with / separators', () => {
    const root = mkdtempSync(join(tmpdir(), 'rolecall-files-'));
    for (const dir of ['ci', 'vars', 'node_modules/x', '.git/hooks', 'src/org/acme'])
      mkdirSync(join(root, dir), { recursive: true });
    for (const file of [
      'Jenkinsfile',
      'ci/Jenkinsfile.release',
      'vars/deploy.groovy',
      'node_modules/x/Jenkinsfile',
      '.git/hooks/a.groovy',
      'src/org/acme/Util.groovy',
      'notes.md',
    ]) {
      writeFileSync(join(root, file), '');
    }
    const at = (p: string) => resolve(root, p);
    assert.deepEqual(findPipelineFiles(['.'], at), [
      'Jenkinsfile',
      'ci/Jenkinsfile.release',
      'src/org/acme/Util.groovy',
      'vars/deploy.groovy',
    ]);
    assert.deepEqual(findPipelineFiles(['ci'], at), ['ci/Jenkinsfile.release']);
    assert.deepEqual(
      findPipelineFiles(['notes.md'], at),
      ['notes.md'],
      'a file given by name is scanned whatever its name',
    );
  });

  it('reports a missing path as a usage error', () => {
    assert.throws(() => findPipelineFiles(['does-not-exist'], (p) => resolve('/nonexistent-root', p)), UsageError);
  });
});
