import { strict as assert } from 'node:assert';
import { copyPlain } from '../../../src/vscode/pure/copy';

describe('copies of published results', () => {
  it('copies every object and array, so moving the original in place leaves the copy as it was', () => {
    const range = { start: 4, end: 9 };
    const original = { usages: [{ range, args: { role: range }, origins: { role: { description: 'literal on line 2', range } } }], findings: [{ anchor: range, fixes: [{ edits: [{ offset: 4, length: 5, content: 'x' }] }] }], n: null as null };
    const copy = copyPlain(original);
    assert.deepEqual(copy, original);
    range.start += 3;
    range.end += 3;
    original.usages[0].origins.role.description = 'literal on line 3';
    original.findings[0].fixes[0].edits[0].offset += 3;
    assert.deepEqual(copy.usages[0].range, { start: 4, end: 9 });
    assert.deepEqual(copy.findings[0].anchor, { start: 4, end: 9 });
    assert.equal(copy.usages[0].origins.role.description, 'literal on line 2');
    assert.equal(copy.findings[0].fixes[0].edits[0].offset, 4);
    assert.equal(copy.n, null);
  });
});
