#!/usr/bin/env node
// Entry of the desktop VS Code runner (not part of `npm test`): builds the extension, bundles the
// extension-host tests and hands over to runTest.ts (@vscode/test-electron) under tsx.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExthostTests } from '../lib/exthost-build.mjs';
import { workDir } from '../lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..');
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) {
  process.stderr.write('electron: npm run build failed\n');
  process.exit(1);
}
const bundle = await buildExthostTests(path.join(workDir, 'exthost-bundle-electron'));
const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'runTest.ts')], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, ROLECALL_EXTHOST_INDEX: bundle.index },
});
process.exit(res.status ?? 1);
