// Shared helpers for the syntax tests: parse, find nodes, and read spans back as source text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forEachChild, walk } from '../../../../src/core/syntax/ast';
import type { CallExpression, Node, ParseResult, Program, StringLiteral } from '../../../../src/core/syntax/ast';
import { parse } from '../../../../src/core/syntax/parser';

export function fixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

/** Parses and asserts there are no errors. */
export function parseClean(text: string): Program {
  const result = parse(text);
  assert.deepEqual(result.errors, [], `unexpected errors for:\n${text}`);
  return result.program;
}

export function nodes(root: Node, predicate: (node: Node) => boolean): Node[] {
  const found: Node[] = [];
  walk(root, (node) => {
    if (predicate(node)) found.push(node);
  });
  return found;
}

/** Name of a call's callee (`sh`, `withAWS`, `docker.image`), or '?' for other callees. */
export function calleeName(call: CallExpression): string {
  const parts: string[] = [];
  let callee = call.callee;
  for (;;) {
    if (callee.type === 'Identifier') {
      parts.unshift(callee.name);
      return parts.join('.');
    }
    if (callee.type === 'Property') {
      parts.unshift(callee.property);
      callee = callee.object;
      continue;
    }
    return '?';
  }
}

export function calls(root: Node, name?: string): CallExpression[] {
  return nodes(
    root,
    (n) => n.type === 'Call' && (name === undefined || calleeName(n as CallExpression) === name),
  ) as CallExpression[];
}

export function callNames(root: Node): string[] {
  return calls(root).map(calleeName);
}

export function strings(root: Node): StringLiteral[] {
  return nodes(root, (n) => n.type === 'String') as StringLiteral[];
}

export function src(text: string, node: { start: number; end: number }): string {
  return text.slice(node.start, node.end);
}

interface Spanned {
  type: string;
  start: number;
  end: number;
}

function isSpanned(v: unknown): v is Spanned {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Spanned).type === 'string' &&
    typeof (v as Spanned).start === 'number'
  );
}

/**
 * Every node's span is inside [0, length], ordered, and inside its parent's (iterative: deep trees are
 * fine); `forEachChild` visits exactly the node-valued fields (found by reflection), in source order;
 * every error has a known code.
 */
export function assertSpansSane(result: ParseResult, text: string): void {
  const stack: Array<[Spanned, number, number]> = [[result.program, 0, text.length]];
  while (stack.length > 0) {
    const [node, lo, hi] = stack.pop()!;
    if (!(node.start >= lo && node.start <= node.end && node.end <= hi)) {
      throw new Error(
        `${node.type} [${node.start}, ${node.end}) outside [${lo}, ${hi}) in ${JSON.stringify(text.slice(0, 200))}`,
      );
    }
    const reflected: Spanned[] = [];
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const item of value) if (isSpanned(item)) reflected.push(item);
      } else if (isSpanned(value)) {
        reflected.push(value);
      }
    }
    const visited: Spanned[] = [];
    forEachChild(node as Node, (child) => visited.push(child));
    reflected.sort((a, b) => a.start - b.start);
    if (
      visited.length !== reflected.length ||
      visited.some((v, i) => v !== reflected[i] && !(v.start === reflected[i].start && reflected.includes(v)))
    ) {
      throw new Error(
        `forEachChild of ${node.type} visits [${visited.map((v) => v.type)}], its fields hold [${reflected.map((v) => v.type)}]`,
      );
    }
    for (let i = 1; i < visited.length; i++)
      if (visited[i].start < visited[i - 1].start)
        throw new Error(`forEachChild of ${node.type} is out of source order`);
    for (const child of visited) stack.push([child, node.start, node.end]);
  }
  for (const e of result.errors) {
    if (!(e.offset >= 0 && e.length >= 0 && e.offset + e.length <= text.length))
      throw new Error(`error outside text: ${JSON.stringify(e)}`);
    assert.ok(!e.message.startsWith('Internal'), e.message);
    assert.notEqual(e.code, 'unknown', `no code for the message ${JSON.stringify(e.message)}`);
  }
}

/** Token-ish fragments the property tests build random and mutated texts from (strings, braces, GStrings, comments, BOM, non-ASCII). */
export const PIECES = [
  "'",
  '"',
  '"""',
  "'''",
  '${',
  '$x',
  '$x.y',
  '}',
  '{',
  '(',
  ')',
  '[',
  ']',
  '/',
  '$/',
  '/$',
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '\\',
  '\\n',
  '\\u00',
  'sh',
  'withAWS',
  'node',
  ':',
  ',',
  '->',
  'def',
  'x',
  '=',
  '==',
  '?.',
  '?',
  '?:',
  '*.',
  '.&',
  '..',
  '..<',
  '//',
  '/*',
  '*/',
  '@',
  '@Library',
  '1.5',
  '0x',
  '10L',
  'if',
  'else',
  'case',
  'default',
  'switch',
  'try',
  'catch',
  'finally',
  'class',
  'enum',
  'for',
  'in',
  'while',
  'return',
  'new',
  'as',
  'String',
  'Map<',
  '<',
  '>',
  '>>',
  '-',
  '+',
  '!',
  '~',
  '*',
  '**',
  ';',
  '.',
  '🚀',
  '\uFEFF',
  '#!',
  'é',
  'role:',
  "'r'",
  '"a ${b} c"',
  "sh '''x'''",
  'import',
  'package',
  '_',
];

/** Freezes every object reachable from `o` (a later write to any of them throws: modules are strict). */
export function deepFreeze<T>(o: T): T {
  const stack: unknown[] = [o];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return o;
}
