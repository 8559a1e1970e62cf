// Differential property test for reparse(): after every edit of a random sequence, the result must be
// identical (tree, every offset, errors) to a full parse of the same text, and the previous result
// must be left exactly as it was (every tree handed to reparse is deep-frozen: any write throws).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { ParseResult } from '../../../../src/core/syntax/ast';
import { braceCount, parse, parseMeta } from '../../../../src/core/syntax/parser';
import { reparse, type ReparseOptions } from '../../../../src/core/syntax/reparse';
import { deepFreeze, fixture, PIECES } from './helpers';

// The property tests' shared vocabulary (helpers.ts) plus whole lines of pipeline code.
const pieces = [
  ...PIECES,
  "\n    sh 'make'\n",
  '\n    withAWS(role: "r") {\n      sh "x"\n    }\n',
  '{ it -> it }',
  'x ->',
  '"${ {-> 1} }"',
  '"""${ {-> 1} }"""',
  'abc',
  "'",
  ' ',
];

type Edit =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; length: number; text: string };

const snippet = fc.oneof(
  fc.constantFrom(...pieces),
  fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 4 }).map((p) => p.join('')),
  fc.string({ minLength: 1, maxLength: 1 }),
);

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: snippet }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 40 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 400 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      at: fc.nat(),
      length: fc.nat({ max: 20 }),
      text: snippet,
    }),
  },
  // Blanks (the common keystrokes: Enter, indentation), letters (typing), short deletions.
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.constantFrom(' ', '\n', '\t', '\r\n', '\n    ', '  ', '\r', 'a', 'Z', '1', '-'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 2 }) }),
  },
);

/** Applies an edit; returns the new text and the change in old-text coordinates. */
function applyEdit(text: string, e: Edit): { text: string; change: { start: number; oldEnd: number; newEnd: number } } {
  const at = e.at % (text.length + 1);
  const length = e.kind === 'insert' ? 0 : Math.min(e.length, text.length - at);
  const inserted = e.kind === 'delete' ? '' : e.text;
  return {
    text: text.slice(0, at) + inserted + text.slice(at + length),
    change: { start: at, oldEnd: at + length, newEnd: at + inserted.length },
  };
}

/** The result equals a full parse of its text. */
function assertSameAsFull(p: ParseResult, text: string, context: string): void {
  assert.equal(p.text, text);
  const expected = parse(text);
  try {
    assert.deepStrictEqual(p.errors, expected.errors);
    assert.deepStrictEqual(p.program, expected.program);
    // The brace count reparse carried over (derived from the previous one around the edit) is the text's.
    const braces = parseMeta.get(p)?.braces;
    if (braces !== undefined) assert.deepStrictEqual(braces, braceCount(text));
  } catch (e) {
    throw new Error(`${context}: ${(e as Error).message.slice(0, 3000)}`, { cause: e });
  }
}

const exampleFiles = [
  'seed-000-external-id/Jenkinsfile',
  'seed-000-external-id/Jenkinsfile.wip',
  'seed-001-mfa-users/Jenkinsfile',
  'seed-002-vault/Jenkinsfile',
  'seed-002-vault/vars/ecrLogin.groovy',
  'seed-003-ecs-agents/Jenkinsfile',
  'seed-004-session-token/Jenkinsfile',
  'seed-004-session-token/vars/getTempCreds.groovy',
];

// For longer local runs: REPARSE_SCALE=20 REPARSE_SEED=7 npx mocha ... (defaults keep the suite fast).
const scale = Number(process.env.REPARSE_SCALE ?? 1);
const seedOffset = Number(process.env.REPARSE_SEED ?? 0);

describe('syntax/reparse: identical to a full parse after random edit sequences, previous tree untouched', function () {
  this.timeout(60_000 * Number(process.env.REPARSE_SCALE ?? 1));
  const texts: string[] = [];
  const stats = { steps: 0, token: 0, block: 0, statements: 0, full: 0, none: 0 };
  const reasons = new Map<string, number>();

  before(async () => {
    for (const name of [
      'seed-000-external-id.groovy',
      'seed-001-mfa-users.groovy',
      'seed-002-vault.groovy',
      'seed-003-ecs-agents.groovy',
      'seed-004-session-token.groovy',
      'declarative-large.groovy',
    ])
      texts.push(fixture(name));
    for (const name of exampleFiles)
      texts.push(readFileSync(join(__dirname, '..', '..', '..', '..', 'examples', name), 'utf8'));
    const gen: any = await import(join(__dirname, '..', '..', '..', '..', 'bench', 'generate.mjs'));
    texts.push(gen.generateJenkinsfile(400));
    texts.push(fixture('seed-002-vault.groovy').replace(/\n/g, '\r\n'));
  });

  after(() => {
    // Visible in the spec output so a regression to "always full" is noticed.
    console.log(
      `      ${stats.steps} edits checked: ${stats.token} one token, ${stats.block} one block, ${stats.statements} some statements of a block, ${stats.none} no change, ${stats.full} full parses (${[...reasons].map(([why, n]) => `${why}: ${n}`).join(', ')})`,
    );
  });

  function run(which: number, edits: Edit[], withChange: boolean, options: ReparseOptions = {}): void {
    let text = texts[which % texts.length];
    let p: ParseResult = deepFreeze(parse(text));
    for (let i = 0; i < edits.length; i++) {
      const next = applyEdit(text, edits[i]);
      const updated = reparse(p, next.text, withChange ? next.change : undefined, options);
      stats.steps++;
      stats[updated.reparsed.kind]++;
      if (updated.reparsed.kind === 'full')
        reasons.set(updated.reparsed.why, (reasons.get(updated.reparsed.why) ?? 0) + 1);
      assertSameAsFull(updated, next.text, `text ${which % texts.length}, edit ${i} ${JSON.stringify(edits[i])}`);
      p = deepFreeze(updated);
      text = next.text;
    }
  }

  it('with the change given', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 12 }), (which, edits) => run(which, edits, true)),
      { numRuns: 220 * scale, seed: 20261123 + seedOffset },
    );
  });

  // Blocks of any size re-parsed by statements first (by default only long ones are), so that path meets
  // every construct of the corpus.
  it('with the change given, every block re-parsed by statements first', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 12 }), (which, edits) =>
        run(which, edits, true, { statementsMin: 0 }),
      ),
      { numRuns: 220 * scale, seed: 777 + seedOffset },
    );
  });

  it('with the change computed from the texts, every block re-parsed by statements first', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 12 }), (which, edits) =>
        run(which, edits, false, { statementsMin: 0 }),
      ),
      { numRuns: 120 * scale, seed: 9191 + seedOffset },
    );
  });

  it('with the change computed from the texts', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 12 }), (which, edits) =>
        run(which, edits, false),
      ),
      { numRuns: 120 * scale, seed: 4242 + seedOffset },
    );
  });
});
