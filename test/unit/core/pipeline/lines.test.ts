import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { Lines } from '../../../../src/core/pipeline/lines';
import { LineMap } from '../../../../src/core/types';

const piece = fc.constantFrom('a', 'bc', ' ', '\n', '\r\n', '\r', '{', "'x'\n", '\n\n');
const text = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));

describe('line index (origin descriptions)', () => {
  it('numbers lines after LF, CRLF and lone CR like LineMap', () => {
    const lines = new Lines('a\nb\r\nc\rd');
    assert.deepEqual(
      [0, 2, 5, 7].map((o) => lines.line(o)),
      [1, 2, 3, 4],
    );
  });

  it('numbers every offset of any text like LineMap', () => {
    fc.assert(
      fc.property(text, (t) => {
        const lines = new Lines(t);
        const map = new LineMap(t);
        for (let o = 0; o <= t.length; o++)
          assert.equal(lines.line(o), map.position(o).line, `offset ${o} of ${JSON.stringify(t)}`);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
