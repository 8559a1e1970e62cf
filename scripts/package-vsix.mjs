#!/usr/bin/env node
// `npm run package`: production bundles, then the .vsix with vsce — the .vscodeignore allowlist, the
// extension's own README (docs/extension-readme.md) with its screenshots (docs/media) linked into the
// repository named in package.json, as the Marketplace and Open VSX need absolute image URLs.
// Options: --out FILE (default dist/rolecall.vsix).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist/rolecall.vsix' } }, strict: true });
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const repository = String(manifest.repository?.url ?? manifest.repository ?? '')
  .replace(/^git\+/, '')
  .replace(/\.git$/, '');
if (!/^https:\/\//.test(repository)) {
  process.stderr.write(`package: package.json "repository" must be an https URL (got '${repository}')\n`);
  process.exit(2);
}
const run = (args) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
let status = run([path.join(root, 'scripts', 'build.mjs'), '--production']);
if (status === 0) {
  status = run([
    path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'),
    'package',
    '--no-dependencies',
    '--readme-path',
    'docs/extension-readme.md',
    '--baseContentUrl',
    `${repository}/blob/HEAD/docs`,
    '--baseImagesUrl',
    `${repository}/raw/HEAD/docs`,
    '-o',
    values.out,
  ]);
}
process.exit(status);
