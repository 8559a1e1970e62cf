// Data-driven parser tests (rust-analyzer's test_data/parser): every `data/ok/NAME.groovy` and
// `data/err/NAME.groovy` is parsed and its tree and errors, dumped as text, must equal `NAME.tree`
// next to it. Files in ok/ must parse without errors, files in err/ with at least one. ok/ is also the
// corpus of valid Groovy: `npm run check:groovy-corpus` checks every file there compiles with Groovy
// 2.4 (what Jenkins runs). lenient/ holds inputs the parser accepts without errors though Groovy 2.4
// rejects them (Groovy 3 forms, an unresolvable @Grab). A new construct
// is a new pair of files: write the .groovy, run with UPDATE_EXPECT=1 to (re)write the .tree files,
// read the dump and commit both.
//
//   UPDATE_EXPECT=1 npx mocha --config .mocharc.json test/unit/core/syntax/data.test.ts
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParseResult } from '../../../../src/core/syntax/ast';
import { parse } from '../../../../src/core/syntax/parser';
import { assertSpansSane } from './helpers';

const DATA = join(__dirname, 'data');
const update = process.env.UPDATE_EXPECT === '1';

type Obj = Record<string, unknown>;

function isNode(v: unknown): v is Obj {
  return (
    typeof v === 'object' && v !== null && typeof (v as Obj).type === 'string' && typeof (v as Obj).start === 'number'
  );
}

function isSpan(v: unknown): v is { start: number; end: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as Obj).start === 'number' &&
    (v as Obj).type === undefined
  );
}

function scalar(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(scalar).join(', ')}]`;
  if (isSpan(v)) return `${v.start}..${v.end}`;
  return String(v);
}

/** One line per node: `field: Type start..end key=value ...`, children indented under it. */
export function dump(result: ParseResult): string {
  const lines: string[] = [];
  const visit = (node: Obj, label: string, indent: string): void => {
    const attrs: string[] = [];
    const children: Array<[string, Obj]> = [];
    for (const [key, value] of Object.entries(node)) {
      if (key === 'type' || key === 'start' || key === 'end') continue;
      if (isNode(value)) children.push([key, value]);
      else if (Array.isArray(value) && value.some(isNode)) for (const item of value) children.push([key, item as Obj]);
      else attrs.push(`${key}=${scalar(value)}`);
    }
    lines.push(
      `${indent}${label}${node.type} ${node.start}..${node.end}${attrs.length > 0 ? ' ' + attrs.join(' ') : ''}`,
    );
    children.sort((a, b) => (a[1].start as number) - (b[1].start as number));
    for (const [key, child] of children) visit(child, `${key}: `, indent + '  ');
  };
  visit(result.program as unknown as Obj, '', '');
  for (const e of result.errors) lines.push(`error ${e.offset}..${e.offset + e.length} ${e.code}: ${e.message}`);
  return lines.join('\n') + '\n';
}

for (const kind of ['ok', 'lenient', 'err'] as const) {
  describe(`syntax/parser data: ${kind}/`, () => {
    const dir = join(DATA, kind);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.groovy'))
      .sort();
    it('has test files', () => assert.ok(files.length > 0));
    for (const file of files) {
      it(file.replace(/\.groovy$/, ''), () => {
        const text = readFileSync(join(dir, file), 'utf8');
        const result = parse(text);
        assertSpansSane(result, text);
        if (kind !== 'err')
          assert.deepEqual(
            result.errors.map((e) => `${e.offset}: ${e.message}`),
            [],
            `files in ${kind}/ parse without errors`,
          );
        else assert.ok(result.errors.length > 0, 'files in err/ have at least one error');
        const actual = dump(result);
        const treeFile = join(dir, file.replace(/\.groovy$/, '.tree'));
        if (update) {
          writeFileSync(treeFile, actual);
          return;
        }
        assert.ok(existsSync(treeFile), `${treeFile} is missing: run with UPDATE_EXPECT=1 to write it, then read it`);
        assert.equal(actual, readFileSync(treeFile, 'utf8'));
      });
    }
  });
}
