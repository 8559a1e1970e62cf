// Property tests: the parser never throws, always terminates, and keeps every span inside the text
// (and inside its parent), on random text and on random mutations of realistic pipelines.
import fc from 'fast-check';
import { parse } from '../../../../src/core/syntax/parser';
import { assertSpansSane, fixture, PIECES as pieces } from './helpers';

function parseChecked(text: string): void {
  assertSpansSane(parse(text), text);
}

const soup = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((parts) => parts.join(''));

const fixtures = [
  'seed-000-external-id.groovy',
  'seed-001-mfa-users.groovy',
  'seed-002-vault.groovy',
  'seed-003-ecs-agents.groovy',
  'seed-004-session-token.groovy',
  'declarative-large.groovy',
].map(fixture);

type Mutation =
  { kind: 'delete' | 'duplicate'; a: number; b: number; at: number } | { kind: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), a: fc.nat(), b: fc.nat({ max: 400 }), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), a: fc.nat(), b: fc.nat({ max: 400 }), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: soup }),
);

function mutate(text: string, mutations: Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'insert') {
      out = out.slice(0, at) + m.text + out.slice(at);
    } else {
      const a = out.length === 0 ? 0 : m.a % out.length;
      const b = Math.min(out.length, a + m.b);
      out = m.kind === 'delete' ? out.slice(0, a) + out.slice(b) : out.slice(0, at) + out.slice(a, b) + out.slice(at);
    }
  }
  return out;
}

describe('syntax/parser: properties', () => {
  it('never throws on random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), parseChecked), { numRuns: 300 });
  });

  it('never throws on random Groovy-ish token soup', () => {
    fc.assert(fc.property(soup, parseChecked), { numRuns: 600 });
  });

  it('never throws on random mutations of real pipelines', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: fixtures.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (which, mutations) => {
          parseChecked(mutate(fixtures[which], mutations));
        },
      ),
      { numRuns: 250 },
    );
  });

  it('never throws on every prefix of a real pipeline (typing from the top)', () => {
    const text = fixtures[5];
    for (let i = 0; i <= text.length; i += 7) parseChecked(text.slice(0, i));
  });
});
