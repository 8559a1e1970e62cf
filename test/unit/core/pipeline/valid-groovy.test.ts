// Valid Groovy that the parser once reported as broken (issue 13 item 2) also loses no usage: the
// statement after `if (...) { ... };` on the same line, and withAWS calls next to the other forms.
import assert from 'node:assert/strict';
import { analyzeText } from '../../../../src/core/analyze';
import { ctx } from './helpers';

function roles(text: string): string[] {
  const analysis = analyzeText('Jenkinsfile', text, { ...ctx(), iam: null });
  assert.deepEqual(analysis.parseErrors, [], 'valid Groovy has no syntax errors');
  return analysis.usages.map((u) => String(u.roleArn ?? u.role));
}

describe('pipeline: usages in valid Groovy the parser once rejected', () => {
  it('keeps a withAWS written after `if (...) { ... };` on the same line', () => {
    const found = roles(
      "node {\n  if (params.X) { echo 'x' }; withAWS(role: 'arn:aws:iam::222222222222:role/deploy') { sh 'make' }\n}\n",
    );
    assert.equal(found.length, 1);
    assert.match(found[0], /role\/deploy/);
  });

  it('keeps withAWS calls around command calls in ${}, array creation and def static', () => {
    const text = [
      'def static ROLE = "arn:aws:iam::222222222222:role/one"',
      'node {',
      '  def mvn = "${tool \'M3\'}/bin/mvn"',
      '  def names = new String[0]',
      '  withAWS(role: ROLE) { sh "${mvn} deploy" }',
      "  withAWS(role: 'arn:aws:iam::333333333333:role/two') { sh 'x' }",
      '}',
      '',
    ].join('\n');
    assert.equal(roles(text).length, 2);
  });
});
