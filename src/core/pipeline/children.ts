// Direct children of a syntax node in source order. A thin wrapper over the syntax tree's own
// `forEachChild` (syntax/ast.ts), kept for the extractor's callers until they use it directly.
import { forEachChild, type Node } from '../syntax/ast';

let target: Node[] = [];
const pushChild = (child: Node): void => {
  target.push(child);
};

/** Appends the direct children of `node` to `out`, in source order. */
export function childrenOf(node: Node, out: Node[]): void {
  const saved = target;
  target = out;
  try {
    forEachChild(node, pushChild);
  } finally {
    target = saved;
  }
}
