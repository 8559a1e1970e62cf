// The peer of bench/measure/process.mjs: tree-sitter-groovy's parse of one file as a whole Node process
// (start-up, WASM load and parse), the way `rolecall scan FILE` is timed as a whole process.
//   node bench/peers/tree-sitter-parse.mjs FILE
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'));
const { Parser, Language } = await import(require.resolve('web-tree-sitter'));
await Parser.init();
const language = await Language.load(join(require.resolve('tree-sitter-groovy/package.json'), '..', 'tree-sitter-groovy.wasm'));
const parser = new Parser();
parser.setLanguage(language);
const tree = parser.parse(readFileSync(process.argv[2], 'utf8'));
process.stdout.write(`${tree.rootNode.descendantCount} nodes\n`);
