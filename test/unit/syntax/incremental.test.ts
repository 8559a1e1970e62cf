// Incremental re-parsing: typical edits stay local (one block re-parsed) and every result equals a
// full parse of the same text.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { computeChange, parseIncremental, updateParse } from '../../../src/core/syntax/incremental';
import type { IncrementalParse, UpdatedParse } from '../../../src/core/syntax/incremental';
import { parse } from '../../../src/core/syntax/parser';
import { fixture } from './helpers';

function assertSameAsFull(p: IncrementalParse): void {
  const expected = parse(p.text);
  assert.deepStrictEqual(p.errors, expected.errors);
  assert.deepStrictEqual(p.program, expected.program);
}

/** Inserts `inserted` at `at` (replacing `length` chars), updates with the change given, checks the result. */
function edit(p: IncrementalParse, at: number, length: number, inserted: string, withChange = true): UpdatedParse {
  const text = p.text.slice(0, at) + inserted + p.text.slice(at + length);
  const updated = updateParse(p, text, withChange ? { start: at, oldEnd: at + length, newEnd: at + inserted.length } : undefined);
  assert.equal(updated.text, text);
  assertSameAsFull(updated);
  return updated;
}

function assertRegion(p: UpdatedParse): { oldStart: number; oldEnd: number; newStart: number; newEnd: number } {
  assert.notEqual(p.reparsed, 'full', `fell back to a full parse: ${p.fallback}`);
  return p.reparsed as Exclude<UpdatedParse['reparsed'], 'full'>;
}

const pipeline = [
  "@Library('lib') _",
  'pipeline {',
  '    agent any',
  '    stages {',
  "        stage('Build') {",
  '            steps {',
  "                sh 'make'",
  "                withAWS(role: 'deploy', roleAccount: '111111111111') {",
  '                    sh "aws s3 ls ${env.BUCKET}"',
  '                }',
  '            }',
  '        }',
  "        stage('Test') {",
  '            steps {',
  "                echo 'test'",
  '            }',
  '        }',
  '    }',
  '}',
  '',
].join('\n');

describe('syntax/incremental', () => {
  it('parseIncremental equals a full parse', () => {
    const p = parseIncremental(pipeline);
    assert.equal(p.text, pipeline);
    assertSameAsFull(p);
  });

  it('re-parses only the enclosing block for an edit inside a stage', () => {
    let p: IncrementalParse = parseIncremental(pipeline);
    const at = pipeline.indexOf("sh 'make'") + 4;
    const u = edit(p, at, 0, 'x');
    const region = assertRegion(u);
    // The innermost block around `sh 'make'` is the `steps { }` closure.
    const stepsOpen = pipeline.indexOf('steps {') + 6;
    assert.equal(region.oldStart, stepsOpen);
    assert.equal(region.newEnd - region.oldEnd, 1);
    p = u;
    // Typing a call with a closure inside the withAWS block.
    let inner = p.text.indexOf('sh "aws');
    let q: IncrementalParse = p;
    for (const ch of "echo 'hi'\n                    ") {
      const typed = edit(q, inner++, 0, ch);
      assertRegion(typed);
      q = typed;
    }
    assert.ok(q.text.includes("echo 'hi'\n                    sh \"aws"));
  });

  it('keeps an unterminated string typed inside a block local', () => {
    let p: IncrementalParse = parseIncremental(pipeline);
    let at = pipeline.indexOf("echo 'test'") + "echo 'test'".length;
    for (const ch of "\n                sh 'oops") {
      const u = edit(p, at, 0, ch);
      assertRegion(u);
      p = u;
      at++;
    }
    assert.ok(p.errors.some((e) => e.message === 'Unterminated string'));
    // And a missing `)` in a call.
    const u = edit(p, at, 0, '\n                withAWS(role: "x" {\n                }');
    assertSameAsFull(u);
  });

  it('stays correct when a `}` is deleted or added', () => {
    let p: IncrementalParse = parseIncremental(pipeline);
    const close = pipeline.indexOf('                }\n            }') + 16;
    assert.equal(pipeline[close], '}');
    p = edit(p, close, 1, '');
    p = edit(p, close, 0, '}');
    assert.equal(p.text, pipeline);
    p = edit(p, pipeline.indexOf("echo 'test'"), 0, '{');
    p = edit(p, pipeline.indexOf("echo 'test'"), 1, '');
    assert.equal(p.text, pipeline);
    assert.deepEqual(p.errors, []);
  });

  it('handles CRLF text', () => {
    const crlf = pipeline.replace(/\n/g, '\r\n');
    let p: IncrementalParse = parseIncremental(crlf);
    const at = crlf.indexOf("sh 'make'");
    const u = edit(p, at, 0, "sh 'one'\r\n                ");
    assertRegion(u);
    p = u;
    p = edit(p, p.text.indexOf("echo 'test'") + 11, 0, '\r\n');
    p = edit(p, p.text.indexOf("echo 'test'") + 11, 0, '\r');
    p = edit(p, p.text.indexOf("echo 'test'") + 12, 0, '\n');
    assert.ok(p.text.includes("echo 'test'\r\n\r\n\r\n"));
  });

  it('handles edits at offset 0 and at the end of the text', () => {
    let p: IncrementalParse = parseIncremental(pipeline);
    p = edit(p, 0, 0, '// header\n');
    assert.equal((p as UpdatedParse).reparsed, 'full');
    p = edit(p, 0, 3, '');
    p = edit(p, p.text.length, 0, '\nnode { }');
    p = edit(p, p.text.length, 0, '\n');
    p = edit(p, p.text.length - 4, 4, '');
    p = edit(p, 0, p.text.length, '');
    assert.equal(p.text, '');
    p = edit(p, 0, 0, pipeline);
    assert.equal(p.text, pipeline);
  });

  it('inserts newlines inside blocks without a full parse', () => {
    let p: IncrementalParse = parseIncremental(pipeline);
    for (const needle of ["sh 'make'", 'sh "aws', "echo 'test'"]) {
      const u = edit(p, p.text.indexOf(needle), 0, '\n');
      assertRegion(u);
      p = u;
    }
  });

  it('blanks typed between statements (also at top level) only move positions', () => {
    const script = [
      "def x = 'a'",
      "sh 'unterminated",
      'node {',
      "    echo 'in'",
      '    if (x) { echo x }   ',
      '}',
      'y = 1 ?',
      '',
      'z = 2',
      '',
    ].join('\n');
    let p: IncrementalParse = parseIncremental(script);
    const lineEnd = (needle: string): number => p.text.indexOf('\n', p.text.indexOf(needle));
    // Enter at the end of statement lines (after an unterminated string, after a damaged ternary).
    for (const needle of ['def x', "sh 'unterminated", "echo 'in'", '} else']) {
      if (needle === '} else') {
        // `y = 1 ?` reads on into the next line: not a gap between statements, but still exact.
        p = edit(p, lineEnd('y = 1 ?'), 0, '\n');
        continue;
      }
      const u = edit(p, lineEnd(needle), 0, '\n');
      assert.notEqual(u.reparsed, 'full', needle);
      p = u;
    }
    // A blank line deleted, trailing blanks typed and deleted, a line break typed before a statement.
    p = edit(p, p.text.indexOf('\n\nz'), 1, '');
    p = edit(p, p.text.indexOf('{ echo x }') + 10, 0, '  \t');
    p = edit(p, p.text.indexOf('{ echo x }') + 10, 3, '');
    p = edit(p, p.text.indexOf('z = 2'), 0, '\n\n');
    // Blanks that do change the parse: in a line's indentation, inside a string, splitting a statement.
    p = edit(p, p.text.indexOf("    echo 'in'"), 0, ' ');
    p = edit(p, p.text.indexOf("'in'") + 2, 0, ' ');
    p = edit(p, p.text.indexOf('= 2'), 0, '\n');
    p = edit(p, p.text.indexOf("sh 'unterminated") + 3, 0, '\n');
  });

  it('computes the change from the texts when none is given', () => {
    assert.deepEqual(computeChange('abcdef', 'abXYef'), { start: 2, oldEnd: 4, newEnd: 4 });
    assert.deepEqual(computeChange('aaaa', 'aaaaa'), { start: 4, oldEnd: 4, newEnd: 5 });
    assert.deepEqual(computeChange('', 'x'), { start: 0, oldEnd: 0, newEnd: 1 });
    assert.deepEqual(computeChange('same', 'same'), { start: 4, oldEnd: 4, newEnd: 4 });
    const long = 'x'.repeat(10000) + 'a' + 'y'.repeat(9000);
    assert.deepEqual(computeChange(long, long.replace('a', 'bb')), { start: 10000, oldEnd: 10001, newEnd: 10002 });
    let p: IncrementalParse = parseIncremental(pipeline);
    const at = pipeline.indexOf("echo 'test'");
    const u = edit(p, at, 0, 'x', false);
    assertRegion(u);
    p = u;
    p = edit(p, at, 1, '', false);
    assert.equal(p.text, pipeline);
  });

  it('an unchanged text keeps the tree', () => {
    const p = parseIncremental(pipeline);
    const u = updateParse(p, pipeline);
    assert.equal(u.program, p.program);
    assertSameAsFull(u);
  });

  it('a stale handle (already updated) gets a full parse, not a corrupted tree', () => {
    const p = parseIncremental(pipeline);
    const at = pipeline.indexOf("sh 'make'");
    updateParse(p, pipeline.slice(0, at) + ' ' + pipeline.slice(at));
    const again = updateParse(p, pipeline.slice(0, at) + '  ' + pipeline.slice(at));
    assert.equal(again.reparsed, 'full');
    assertSameAsFull(again);
  });

  it('a session of 500 edits on a generated pipeline stays equal to a full parse', async () => {
    const gen: any = await import(join(__dirname, '..', '..', '..', 'bench', 'generate.mjs'));
    const base: string = gen.generateJenkinsfile(300);
    let p: IncrementalParse = parseIncremental(base);
    let seed = 99;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const typed = ["sh 'x'", '\n', ' ', '}', '{', '"${a}"', "'", '(', ')', 'withAWS(role: "r") {', '// c', '/*', '*/', 'x', 'é'];
    let local = 0;
    for (let i = 0; i < 500; i++) {
      const text = p.text;
      const at = random(text.length + 1);
      const kind = random(4);
      const length = kind === 0 ? Math.min(random(12), text.length - at) : 0;
      const inserted = kind === 0 ? '' : typed[random(typed.length)];
      const next = text.slice(0, at) + inserted + text.slice(at + length);
      const u = updateParse(p, next, i % 2 === 0 ? { start: at, oldEnd: at + length, newEnd: at + inserted.length } : undefined);
      assert.equal(u.text, next);
      if (u.reparsed !== 'full') local++;
      if (i % 25 === 24) assertSameAsFull(u);
      p = u;
    }
    assertSameAsFull(p);
    assert.ok(local > 200, `only ${local} of 500 edits were re-parsed locally`);
  });

  it('the fixtures survive a deletion and re-insertion of every line of a block', () => {
    const text = fixture('declarative-large.groovy');
    let p: IncrementalParse = parseIncremental(text);
    const lines = text.split('\n');
    let offset = 0;
    for (let i = 0; i < Math.min(lines.length, 120); i++) {
      const line = lines[i];
      p = edit(p, offset, line.length, '');
      p = edit(p, offset, 0, line);
      offset += line.length + 1;
    }
    assert.equal(p.text, text);
  });
});
