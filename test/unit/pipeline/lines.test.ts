import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Lines } from '../../../src/core/pipeline/lines';

const piece = fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r', '{', "'x'\n", '\n\n');
const text = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));

describe('line index (origin descriptions)', () => {
  it('numbers lines after LF, CRLF and lone CR like LineMap', () => {
    const lines = new Lines('a\nb\r\nc\rd');
    assert.deepEqual([0, 2, 5, 7].map((o) => lines.line(o)), [1, 2, 3, 4]);
    assert.equal(lines.count(), 4);
  });

  it('an index moved through an edit equals one built from the new text, for every offset', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.nat({ max: 8 }), text, (before, at, del, ins) => {
        const start = before.length === 0 ? 0 : at % (before.length + 1);
        const oldEnd = Math.min(before.length, start + del);
        const after = before.slice(0, start) + ins + before.slice(oldEnd);
        const prev = new Lines(before);
        prev.count();
        const moved = Lines.after(prev, { start, oldEnd, newEnd: start + ins.length }, after);
        const fresh = new Lines(after);
        assert.equal(moved.count(), fresh.count());
        for (let o = 0; o <= after.length; o++) assert.equal(moved.line(o), fresh.line(o), `offset ${o} of ${JSON.stringify(after)}`);
      }),
      { seed: 20261123, numRuns: 2000 },
    );
  });
});
