import { strict as assert } from 'node:assert';
import { isPipelinePath, looksLikePipeline, shouldAnalyze } from '../../../../src/vscode/pure/files';

describe('vscode helpers: pipeline files', () => {
  it('recognises pipeline file names', () => {
    for (const p of [
      '/a/Jenkinsfile',
      'C:\\x\\Jenkinsfile.deploy',
      '/a/release.jenkinsfile',
      '/a/build.Jenkinsfile',
      '/lib/vars/deploy.groovy',
    ]) {
      assert.equal(isPipelinePath(p), true, p);
    }
    for (const p of [
      '/a/Jenkinsfile-old',
      '/a/.jenkinsfile',
      '/lib/src/org/Foo.groovy',
      '/a/build.gradle',
      '/a/jenkinsfile.txt',
    ]) {
      assert.equal(isPipelinePath(p), false, p);
    }
  });
  it('sniffs pipeline content', () => {
    assert.equal(looksLikePipeline('pipeline {\n agent any\n}'), true);
    assert.equal(looksLikePipeline("withAWS(role: 'x') { sh 'ls' }"), true);
    assert.equal(looksLikePipeline('class Foo { int x }'), false);
  });
  it('decides by language id, path and content', () => {
    assert.equal(
      shouldAnalyze('jenkinsfile', '/x/anything', 'file', () => ''),
      true,
    );
    assert.equal(
      shouldAnalyze('groovy', '/x/Jenkinsfile', 'file', () => ''),
      true,
    );
    assert.equal(
      shouldAnalyze('groovy', '/x/build.groovy', 'file', () => 'node { withAWS(role: "r") {} }'),
      true,
    );
    assert.equal(
      shouldAnalyze('groovy', '/x/Util.groovy', 'file', () => 'class Util {}'),
      false,
    );
    assert.equal(
      shouldAnalyze('plaintext', '/x/Jenkinsfile', 'file', () => ''),
      false,
    );
    assert.equal(
      shouldAnalyze('jenkinsfile', '/x/Jenkinsfile', 'git', () => ''),
      false,
    );
  });
});
