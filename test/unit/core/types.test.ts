import { strict as assert } from 'node:assert';
import { LineMap, FINDING_CODES, severityOf } from '../../../src/core/types';
import { configFrom } from '../../../src/core/config';

describe('LineMap', () => {
  it('counts LF, CRLF and CR line ends, columns in UTF-16 units', () => {
    const text = 'ab\r\ncd\ne\rf😀g';
    const map = new LineMap(text);
    assert.deepEqual(map.position(0), { line: 1, column: 1 });
    assert.deepEqual(map.position(4), { line: 2, column: 1 });
    assert.deepEqual(map.position(7), { line: 3, column: 1 });
    assert.deepEqual(map.position(9), { line: 4, column: 1 });
    assert.deepEqual(map.position(text.indexOf('g')), { line: 4, column: 4 });
    assert.equal(map.offset(2, 2), 5);
  });
});

describe('finding codes', () => {
  it('fix the contract severities', () => {
    assert.equal(severityOf('external-id-unused'), 'warning');
    assert.equal(severityOf('unresolved-reference'), 'info');
    assert.equal(Object.keys(FINDING_CODES).length, 22);
    assert.equal(severityOf('role-option-without-role'), 'warning');
    assert.equal(severityOf('trust-policy-drift'), 'info');
    // A method reading a variable it cannot see fails the build: an error, not an info.
    assert.equal(severityOf('out-of-scope-variable'), 'error');
  });
});

describe('configFrom', () => {
  it('keeps well-typed settings and reports the rest', () => {
    const { config, problems } = configFrom({
      callers: { controller: 'arn:aws:iam::111111111111:role/c', agents: { a: 'x', b: 3 } },
      accounts: 5,
      bogus: 1,
    });
    assert.equal(config.callers.controller, 'arn:aws:iam::111111111111:role/c');
    assert.deepEqual(config.callers.agents, { a: 'x', b: '3' });
    assert.deepEqual(problems.map((p) => p.path).sort(), ['accounts', 'bogus']);
  });
  it('rejects a non-object', () => {
    assert.equal(configFrom([1, 2]).problems[0].path, '$');
  });
});
