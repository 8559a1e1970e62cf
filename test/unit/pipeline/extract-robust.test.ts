// Extraction must never throw, whatever the parser hands it, and must stay fast.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from '../../../src/core/syntax/parser';
import { extractUsages } from '../../../src/core/pipeline/extract';
import { staticRules } from '../../../src/core/rules/static';
import { ctx } from './helpers';
import { childrenOf } from '../../../src/core/pipeline/children';
import { forEachChild, type Node } from '../../../src/core/syntax/ast';

const dir = join(__dirname, 'fixtures');
const fixtures = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));

function run(text: string): void {
  const { program } = parse(text);
  const { usages } = extractUsages(program, text, 'Jenkinsfile', ctx({ params: { role_account: '222222222222' }, credentials: { ExternalId: 'abc' } }));
  for (const u of usages) {
    staticRules(u);
    assert.ok(u.anchor.start >= 0 && u.anchor.end <= text.length && u.anchor.start <= u.anchor.end, 'anchor inside the text');
  }
}

const TOKENS = ['{', '}', '(', ')', '[', ']', "'", '"', '"""', "'''", '${', '$', '\\', '\n', '\r\n', ',', ':', 'withAWS(', 'sh ', 'aws sts assume-role ', '--role-arn ', 'withCredentials([', 'node {', '/*', '//', '=', 'def x = '];

describe('extraction robustness', () => {
  it('never throws on mutated fixtures (deletions, insertions, truncation)', function () {
    this.timeout(60000);
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...TOKENS), fc.boolean()), { minLength: 1, maxLength: 6 }),
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
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => run(s)), { numRuns: 300 });
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((a) => a.join('')), (s) => run(s)), { numRuns: 300 });
  });

  it("the typed child iteration visits exactly what ast.ts's forEachChild visits", () => {
    assert.ok(fixtures.some((f) => f.includes('switch (cfg.env)')), 'the constructs fixture is included');
    for (const text of fixtures) {
      const { program } = parse(text);
      const stack: Node[] = [program];
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
  });

  it('the typed child iteration keeps source order on damaged code too (mutated fixtures)', () => {
    // childrenOf trusts the parser's left-to-right lists (statements, string parts, elements) to be in
    // source order; tolerant parses of broken code must keep that true.
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...TOKENS, '@Field ', '@NonCPS\n'), fc.boolean()), { minLength: 1, maxLength: 6 }),
        (base, edits) => {
          let text = base;
          for (const [at, len, token, insert] of edits) {
            const p = at % (text.length + 1);
            text = insert ? text.slice(0, p) + token + text.slice(p) : text.slice(0, p) + text.slice(p + len);
          }
          const stack: Node[] = [parse(text).program];
          while (stack.length > 0) {
            const node = stack.pop()!;
            const typed: Node[] = [];
            childrenOf(node, typed);
            const generic: Node[] = [];
            forEachChild(node, (c) => generic.push(c));
            assert.deepEqual(typed, generic, `children of ${node.type} at ${node.start}`);
            stack.push(...generic);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
