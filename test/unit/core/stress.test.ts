// Issue 7's extreme inputs through the whole engine (parser, extraction, static rules): a 100k-line
// pipeline, a 2 MB one-line string, and a single 2 MB line of operators. Never a throw, every offset in
// range, and the calls around the monsters still found. Time is the bench's business, not asserted here.
import { strict as assert } from 'node:assert';
import { analyzeText } from '../../../src/core/analyze';
import { defaultConfig } from '../../../src/core/config';
import { parse } from '../../../src/core/syntax/parser';
import { walk } from '../../../src/core/syntax/ast';

const ctx = { config: defaultConfig(), caller: null, params: {}, credentials: {}, iam: null };
const CALL =
  "withAWS(role: 'arn:aws:iam::222222222222:role/deploy', duration: 900, roleSessionName: 'ci') { sh 'make' }";

function spansInRange(text: string): void {
  const { program, errors } = parse(text);
  walk(program, (node) => {
    assert.ok(
      node.start >= 0 && node.start <= node.end && node.end <= text.length,
      `${node.type} [${node.start}, ${node.end})`,
    );
  });
  for (const e of errors) assert.ok(e.offset >= 0 && e.offset + e.length <= text.length);
}

describe('stress inputs (issue 7)', function () {
  this.timeout(60000);

  it('a 100,000-line pipeline: every call found', () => {
    const lines = ['node {'];
    for (let i = 0; lines.length < 100_000; i++)
      lines.push(i % 50 === 0 ? `  ${CALL}` : `  echo "step ${i} of \${env.JOB_NAME}" // comment ${i}`);
    lines.push('}');
    const text = lines.join('\n');
    const analysis = analyzeText('Jenkinsfile', text, ctx);
    assert.equal(analysis.usages.length, 2000);
    assert.deepEqual(analysis.parseErrors, []);
    const last = analysis.usages[analysis.usages.length - 1];
    assert.equal(text.slice(last.anchor.start, last.anchor.end), 'withAWS');
  });

  it('a 2 MB one-line string, closed and unclosed, between two calls', () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    for (const text of [
      `${CALL}\ndef s = '${big}'\n${CALL}\n`,
      `${CALL}\ndef s = "${big}\n${CALL}\n`,
      `${CALL}\ndef s = '''${big}`,
    ]) {
      spansInRange(text);
      const analysis = analyzeText('Jenkinsfile', text, ctx);
      assert.ok(analysis.usages.length >= 1, 'the call before the monster is found');
      for (const u of analysis.usages) assert.ok(u.range.end <= text.length);
    }
    const closed = analyzeText('Jenkinsfile', `${CALL}\ndef s = '${big}'\n${CALL}\n`, ctx);
    assert.equal(closed.usages.length, 2, 'and the call after a closed one too');
  });

  it('a 2 MB line of operators and brackets neither throws nor loses the call after it', () => {
    const noise = '+-*/%(){}[]<>=!?:.,;&|^~@$#\\'.repeat(75_000);
    const text = `${CALL}\n${noise}\n${CALL}\n`;
    spansInRange(text);
    const analysis = analyzeText('Jenkinsfile', text, ctx);
    assert.ok(analysis.usages.length >= 1);
    assert.ok(analysis.parseErrors.length > 0, 'the noise is reported');
  });

  it('trees deeper than any call stack (long operator, property and call chains) are walked without overflow', () => {
    // Left-associative chains are built by loops in the parser, so their depth is not capped there:
    // extraction must not recurse once per level. The usage inside the deepest operand is still found.
    const n = 200_000;
    const chains = [
      `def x = ${'a + '.repeat(n)}"${'${'}withAWS(role: 'arn:aws:iam::222222222222:role/deep', duration: 900) { 1 }}"`,
      `def y = a${'.b'.repeat(n)}`,
      `def z = f${'()'.repeat(n)}`,
    ];
    for (const chain of chains) {
      const text = `${CALL}\n${chain}\n${CALL}\n`;
      const analysis = analyzeText('Jenkinsfile', text, ctx);
      assert.ok(analysis.usages.length >= 2, 'the calls around the chain are found');
      assert.equal(text.slice(analysis.usages[analysis.usages.length - 1].anchor.start).slice(0, 7), 'withAWS');
    }
    const deep = analyzeText('Jenkinsfile', chains[0], ctx);
    assert.ok(
      deep.usages.some((u) => u.role === 'arn:aws:iam::222222222222:role/deep'),
      'the withAWS inside the deepest operand is found',
    );
  });
});
