// Shared helpers for the syntax tests: parse, find nodes, and read spans back as source text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { walk } from '../../../src/core/syntax/ast';
import type { CallExpression, Node, ParseResult, Program, StringLiteral } from '../../../src/core/syntax/ast';
import { parse } from '../../../src/core/syntax/parser';

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
  return nodes(root, (n) => n.type === 'Call' && (name === undefined || calleeName(n as CallExpression) === name)) as CallExpression[];
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

/** Every node's span is inside [0, length], ordered, and inside its parent's span. */
export function assertSpansSane(result: ParseResult, text: string): void {
  walk(result.program, (node, ancestors) => {
    assert.ok(node.start >= 0 && node.end <= text.length && node.start <= node.end, `bad span ${node.type} [${node.start}, ${node.end})`);
    const parent = ancestors[ancestors.length - 1];
    if (parent !== undefined) {
      assert.ok(node.start >= parent.start && node.end <= parent.end, `${node.type} [${node.start}, ${node.end}) outside ${parent.type} [${parent.start}, ${parent.end})`);
    }
  });
  for (const e of result.errors) {
    assert.ok(e.offset >= 0 && e.length >= 0 && e.offset + e.length <= text.length, `bad error span ${JSON.stringify(e)}`);
  }
}
