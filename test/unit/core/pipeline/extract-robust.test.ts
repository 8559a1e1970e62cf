// Extraction must never throw, whatever the parser hands it, and must stay fast.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from '../../../../src/core/syntax/parser';
import { extractUsages } from '../../../../src/core/pipeline/extract';
import { staticRules } from '../../../../src/core/rules/static';
import { ctx, extract } from './helpers';
import { childrenOf } from '../../../../src/core/pipeline/children';
import { forEachChild, type Node } from '../../../../src/core/syntax/ast';

const dir = join(__dirname, 'fixtures');
const fixtures = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));

function run(text: string): void {
  const { program } = parse(text);
  const { usages } = extractUsages(
    program,
    text,
    'Jenkinsfile',
    ctx({ params: { role_account: '222222222222' }, credentials: { ExternalId: 'abc' } }),
  );
  for (const u of usages) {
    staticRules(u);
    assert.ok(
      u.anchor.start >= 0 && u.anchor.end <= text.length && u.anchor.start <= u.anchor.end,
      'anchor inside the text',
    );
  }
}

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  "'",
  '"',
  '"""',
  "'''",
  '${',
  '$',
  '\\',
  '\n',
  '\r\n',
  ',',
  ':',
  'withAWS(',
  'sh ',
  'aws sts assume-role ',
  '--role-arn ',
  'withCredentials([',
  'node {',
  '/*',
  '//',
  '=',
  'def x = ',
];

/** childrenOf (typed, per node kind) lists exactly what ast.ts's generic forEachChild lists, everywhere in the tree. */
function assertChildrenAsGeneric(root: Node): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const typed: Node[] = [];
    childrenOf(node, typed);
    const generic: Node[] = [];
    forEachChild(node, (c) => generic.push(c));
    assert.deepEqual(typed, generic, `children of ${node.type} at ${node.start}`);
    stack.push(...generic);
  }
}

describe('extraction robustness', () => {
  it('never throws on mutated fixtures (deletions, insertions, truncation)', function () {
    this.timeout(60000);
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...TOKENS), fc.boolean()), {
          minLength: 1,
          maxLength: 6,
        }),
        (base, edits) => {
          let text = base;
          for (const [at, len, token, insert] of edits) {
            const p = at % (text.length + 1);
            text = insert ? text.slice(0, p) + token + text.slice(p) : text.slice(0, p) + text.slice(p + len);
          }
          run(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => run(s)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((a) => a.join('')),
        (s) => run(s),
      ),
      { numRuns: 300 },
    );
  });

  it('finds every key a direct regex scan of the string finds (the whole-text pre-scan misses none)', () => {
    // The pre-scan only tries the key patterns where their leading literals occur; adjacent and
    // overlapping candidates must give the same matches as scanning the string itself.
    const patterns = [
      /\b(?:AKIA|ABIA|ACCA)[0-9A-Z]{16}\b/g,
      /(AWS_SECRET_ACCESS_KEY|aws_secret_access_key|secretKey|secret_key)\s*[=:]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/g,
      /(AWS_SESSION_TOKEN|aws_session_token)\s*[=:]\s*["']?([A-Za-z0-9/+=]{100,})/g,
    ];
    const pieces = [
      'AKIA',
      'ABIA',
      'ACCA',
      'ABCDEFGHIJKLMNOP',
      'AKIAABCDEFGHIJKLMNOP',
      'AWS_SECRET_ACCESS_KEY',
      'aws_secret_access_key',
      'secretKey',
      'secret_key',
      'AWS_SESSION_TOKEN',
      'aws_session_token',
      '=',
      ':',
      ' ',
      '"',
      'A'.repeat(40),
      'b+/'.repeat(14),
      'Zz9='.repeat(26),
      'x',
      '_',
      '-',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 12 }), (list) => {
        const body = list.join('');
        const text = `echo 'x'\necho '${body}'\n`;
        const { findings } = extract(text);
        const found = findings.filter((f) => f.code === 'static-credentials' || f.code === 'hardcoded-secret').length;
        const expected = body.length < 16 ? 0 : patterns.reduce((n, re) => n + [...body.matchAll(re)].length, 0);
        assert.equal(found, expected, body);
      }),
      { numRuns: 400 },
    );
  });

  it("the typed child iteration visits exactly what ast.ts's forEachChild visits", () => {
    assert.ok(
      fixtures.some((f) => f.includes('switch (cfg.env)')),
      'the constructs fixture is included',
    );
    for (const text of fixtures) {
      assertChildrenAsGeneric(parse(text).program);
    }
  });

  it('the typed child iteration keeps source order on damaged code too (mutated fixtures)', () => {
    // childrenOf trusts the parser's left-to-right lists (statements, string parts, elements) to be in
    // source order; tolerant parses of broken code must keep that true.
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(
          fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...TOKENS, '@Field ', '@NonCPS\n'), fc.boolean()),
          { minLength: 1, maxLength: 6 },
        ),
        (base, edits) => {
          let text = base;
          for (const [at, len, token, insert] of edits) {
            const p = at % (text.length + 1);
            text = insert ? text.slice(0, p) + token + text.slice(p) : text.slice(0, p) + text.slice(p + len);
          }
          assertChildrenAsGeneric(parse(text).program);
        },
      ),
      { numRuns: 200 },
    );
  });
});
