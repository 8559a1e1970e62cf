// HCL (Terraform) syntax through tree-sitter-hcl (Apache-2.0, tree-sitter-grammars) on web-tree-sitter
// (MIT): a maintained grammar tested against HashiCorp's HCL spec fixtures, with exact positions (UTF-16
// offsets for a JavaScript string) for every node. Both WASM binaries are handed in as bytes by the caller
// (src/cli, src/vscode read them from dist/ or node_modules), so the engine does no I/O.
import { Language, Parser } from 'web-tree-sitter';
import type { Node } from 'web-tree-sitter';

/** A syntax node of HCL, as the reader needs it (a plain copy, independent of the WASM heap). */
export interface HclNode {
  type: string;
  start: number;
  end: number;
  /** Field name under the parent (`key`, `val`, ...), when the grammar gives one. */
  field: string | null;
  children: HclNode[];
  /** True for ERROR and MISSING nodes (the text is not valid HCL there). */
  error: boolean;
}

/** Parses HCL text. Never throws; syntax errors are `error` nodes. */
export interface HclParser {
  parse(text: string): HclNode;
}

function copy(node: Node, field: string | null): HclNode {
  const children: HclNode[] = [];
  const cursor = node.walk();
  if (cursor.gotoFirstChild()) {
    do {
      const child = cursor.currentNode;
      // Anonymous tokens (punctuation, operators) matter: `!`, `==`, `?` decide expressions.
      children.push(copy(child, cursor.currentFieldName));
    } while (cursor.gotoNextSibling());
  }
  cursor.delete();
  return {
    type: node.type,
    start: node.startIndex,
    end: node.endIndex,
    field,
    children,
    error: node.isError || node.isMissing,
  };
}

/** Loads the runtime and the HCL grammar from their WASM bytes (web-tree-sitter.wasm, tree-sitter-hcl.wasm). */
export async function createHclParser(runtimeWasm: Uint8Array, grammarWasm: Uint8Array): Promise<HclParser> {
  await Parser.init({ wasmBinary: runtimeWasm } as never);
  const language = await Language.load(grammarWasm);
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    parse(text: string): HclNode {
      const tree = parser.parse(text);
      if (!tree) return { type: 'ERROR', start: 0, end: text.length, field: null, children: [], error: true };
      try {
        return copy(tree.rootNode, null);
      } finally {
        tree.delete();
      }
    },
  };
}
