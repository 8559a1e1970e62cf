// Bundles the CLI and the extension with esbuild. `--production` minifies (used for the .vsix).
import { build } from 'esbuild';
import { chmodSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // ESM-only dependencies (if any) read import.meta.url; give the CommonJS bundle one.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};
await Promise.all([
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node\n' + common.banner.js } }),
  // The extension loads dist/aws.js (the AWS SDK) only on first live IAM use, keeping activation cheap.
  build({ ...common, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', './aws.js'] }),
  build({ ...common, entryPoints: ['src/aws/index.ts'], outfile: 'dist/aws.js' }),
]);
chmodSync('dist/cli.js', 0o755);
