// dist/aws.js and dist/cli.js (or dist/extension.js) each bundle their own copy of src/core/ports.ts.
// An StsError thrown by one copy must still be an StsError to the other, or the CLI reports a refused
// STS call as an internal error and the extension as an unknown failure.
import assert from 'node:assert/strict';
import { StsError } from '../../../src/core/ports';

function secondCopyOfPorts(): typeof import('../../../src/core/ports') {
  const id = require.resolve('../../../src/core/ports');
  const cached = require.cache[id];
  delete require.cache[id];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id);
  } finally {
    if (cached) require.cache[id] = cached;
  }
}

describe('StsError across bundles', function () {
  it('an StsError built by another copy of the module is an StsError here, and the reverse', function () {
    const other = secondCopyOfPorts();
    assert.notEqual(other.StsError, StsError, 'the test needs a second evaluation of the module');
    const foreign = new other.StsError(
      'access-denied',
      'not authorized to perform sts:AssumeRole',
      'ask the role owner',
    );
    assert.ok(foreign instanceof StsError);
    assert.ok(new StsError('network', 'ECONNREFUSED', 'check the network') instanceof other.StsError);
    assert.equal(foreign.kind, 'access-denied');
  });

  it('other errors are not StsErrors', function () {
    assert.ok(!(new Error('x') instanceof StsError));
    assert.ok(!(Object.assign(new Error('x'), { name: 'StsError' }) instanceof StsError));
    assert.ok(!((null as unknown) instanceof StsError));
  });
});
