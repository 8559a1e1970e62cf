// Property tests of the positioned JSON parser against JSON.parse (fixed seeds: same cases every run).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { nodeValue, parseJsonTree } from '../../../../src/core/iam/json';
import { parsePolicy } from '../../../../src/core/iam/policy';

const settings = { seed: 20261123, numRuns: 400 };

describe('iam/json properties', () => {
  it('reads every JSON document exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const { root, errors } = parseJsonTree(text);
        assert.deepEqual(errors, []);
        // -0 and 0 print alike; compare through JSON text.
        assert.equal(JSON.stringify(nodeValue(root)), JSON.stringify(JSON.parse(text)));
      }),
      settings,
    );
  });

  it('never throws on arbitrary text, rejects what JSON.parse rejects, and keeps offsets in range', () => {
    const alphabet = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ':',
      ',',
      '"',
      '\\',
      ' ',
      '\n',
      'a',
      '1',
      '-',
      '.',
      'e',
      't',
      'r',
      'u',
      'n',
      'l',
      '/',
      '*',
      'x',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')),
        (text) => {
          const { errors } = parseJsonTree(text);
          let valid = true;
          try {
            JSON.parse(text);
          } catch {
            valid = false;
          }
          assert.equal(errors.length === 0, valid, `${JSON.stringify(text)}: ${JSON.stringify(errors)}`);
          for (const e of errors) assert.ok(e.offset >= 0 && e.offset + e.length <= text.length, JSON.stringify(e));
        },
      ),
      settings,
    );
  });

  it('parsePolicy never throws, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue(),
          fc.jsonValue().map((v) => encodeURIComponent(JSON.stringify(v))),
        ),
        (input) => {
          const parsed = parsePolicy(input, 'trust');
          assert.ok(Array.isArray(parsed.errors));
        },
      ),
      settings,
    );
  });
});
