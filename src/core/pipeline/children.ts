// Direct children of a syntax node in source order, by node type: the generic `forEachChild` of ast.ts
// inspects every key and sorts, which is the hot spot of a 5,000-line walk.
import { forEachChild, type Node } from '../syntax/ast';

function push(out: Node[], n: Node | null | undefined): void {
  if (n) out.push(n);
}

/** Appends the direct children of `node` to `out`, in source order. */
export function childrenOf(node: Node, out: Node[]): void {
  const start = out.length;
  const annotations = (node as { annotations?: Node[] }).annotations;
  if (annotations) for (const a of annotations) out.push(a);
  // Lists the parser fills left to right (statements, string parts, elements) are in source order by
  // construction; without annotations in front they skip the order check below, its main cost.
  const inOrder = annotations === undefined;
  switch (node.type) {
    case 'Program':
    case 'Block':
      for (const s of node.body) out.push(s);
      if (inOrder) return;
      break;
    case 'ExpressionStatement':
      out.push(node.expression);
      break;
    case 'VarDecl':
      push(out, node.init);
      break;
    case 'Call':
      out.push(node.callee);
      for (const a of node.args) out.push(a);
      for (const c of node.closures) out.push(c);
      break;
    case 'NamedArg':
      out.push(node.value);
      break;
    case 'String':
      for (const p of node.parts) out.push(p);
      if (inOrder) return;
      break;
    case 'Interpolation':
      push(out, node.expression);
      break;
    case 'Text':
    case 'Identifier':
    case 'Number':
    case 'Boolean':
    case 'Null':
    case 'Error':
    case 'ErrorStatement':
    case 'Import':
    case 'Package':
    case 'Break':
    case 'Continue':
      break;
    case 'Closure':
      for (const p of node.params) out.push(p);
      for (const s of node.body) out.push(s);
      if (inOrder) return;
      break;
    case 'List':
      for (const e of node.elements) out.push(e);
      if (inOrder) return;
      break;
    case 'Map':
      for (const e of node.entries) out.push(e);
      if (inOrder) return;
      break;
    case 'MapEntry':
      out.push(node.key, node.value);
      break;
    case 'Property':
      out.push(node.object);
      break;
    case 'Index':
      out.push(node.object, node.index);
      break;
    case 'Binary':
      out.push(node.left, node.right);
      break;
    case 'Assign':
      out.push(node.target, node.value);
      break;
    case 'Paren':
      out.push(node.expression);
      break;
    case 'If':
      out.push(node.test, node.consequent);
      push(out, node.alternate);
      break;
    case 'Ternary':
      out.push(node.test);
      push(out, node.consequent);
      out.push(node.alternate);
      break;
    case 'Unary':
      out.push(node.argument);
      break;
    case 'Cast':
      out.push(node.expression);
      break;
    case 'Return':
      push(out, node.argument);
      break;
    case 'MethodDecl':
      for (const p of node.params) out.push(p);
      push(out, node.body);
      break;
    case 'Parameter':
      push(out, node.defaultValue);
      break;
    case 'Try':
      out.push(node.block);
      for (const h of node.handlers) out.push(h);
      push(out, node.finalizer);
      break;
    case 'Catch':
      out.push(node.body);
      break;
    case 'While':
      out.push(node.test, node.body);
      break;
    default:
      // Rarer nodes (statements with several parts, casts, ternaries...): the generic walk is exact.
      forEachChild(node, (c) => out.push(c));
      return;
  }
  // Annotations and oddly ordered fields: keep source order when a tolerant parse mixed them.
  for (let i = start + 1; i < out.length; i++) {
    if (out[i].start < out[i - 1].start) {
      const part = out.splice(start).sort((a, b) => a.start - b.start);
      out.push(...part);
      return;
    }
  }
}
