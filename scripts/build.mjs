// Bundles the CLI and the extension with esbuild. `--production` minifies and writes no source maps
// (used for the .vsix and, through `prepack`, for the npm package).
//
// Every runtime library is bundled: the published package declares no `dependencies`, so
// `npm install -g rolecall` needs nothing but Node and the tarball. The AWS SDK lives in its own
// bundle, dist/aws.js, which the CLI and the extension load only when they first talk to AWS.
// test/unit/packaging/npm-package.test.ts checks that no bundle requires anything else.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });
if (production) for (const f of ['cli.js.map', 'aws.js.map', 'extension.js.map']) rmSync(`dist/${f}`, { force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  metafile: true,
  // ESM-only dependencies (if any) read import.meta.url; give the CommonJS bundle one.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

/** The CLI's `import('../aws/index')` becomes a load of the sibling bundle dist/aws.js at run time. */
const awsApart = {
  name: 'aws-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/aws\/index$/ }, () => ({ path: './aws.js', external: true }));
  },
};

const results = await Promise.all([
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node\n' + common.banner.js },
    plugins: [awsApart],
  }),
  // The extension loads dist/aws.js (the AWS SDK) only on first live IAM use, keeping activation cheap.
  build({
    ...common,
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode', './aws.js'],
  }),
  build({ ...common, entryPoints: ['src/aws/index.ts'], outfile: 'dist/aws.js' }),
]);
chmodSync('dist/cli.js', 0o755);

// What each bundle still loads at run time (Node built-ins, its sibling bundle, `vscode`): the
// packaging test checks that everything listed here is a built-in or ships in the package.
const externals = {};
for (const { metafile } of results) {
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!file.endsWith('.js')) continue;
    externals[file] = [...new Set(output.imports.filter((i) => i.external).map((i) => i.path))].sort();
  }
}
writeFileSync('dist/externals.json', JSON.stringify(externals, null, 2) + '\n');

// The HCL (Terraform) reader runs tree-sitter-hcl on web-tree-sitter: both WASM binaries ship next to
// the bundles (in the npm package's files and the .vsix), where src/cli/iac.ts and src/vscode look for them.
const require = createRequire(import.meta.url);
for (const [pkg, file] of [
  ['web-tree-sitter', 'web-tree-sitter.wasm'],
  ['@tree-sitter-grammars/tree-sitter-hcl', 'tree-sitter-hcl.wasm'],
]) {
  copyFileSync(require.resolve(`${pkg}/${file}`), join('dist', file));
}
