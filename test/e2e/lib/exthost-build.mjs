// Bundles the extension-host tests (test/e2e/exthost/*.test.ts and the index that runs them) to
// CommonJS the editor's extension host can `require`. `vscode` is the host's own module and mocha
// resolves from the repository's node_modules (the bundle sits inside the repository).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, workDir } from './server.mjs';

export const exthostSrc = path.join(repoRoot, 'test', 'e2e', 'exthost');

/** Returns { dir, index, files } of the bundle. */
export async function buildExthostTests(outdir = path.join(workDir, 'exthost-bundle')) {
  rmSync(outdir, { recursive: true, force: true });
  const tests = readdirSync(exthostSrc)
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
  await build({
    entryPoints: [path.join(exthostSrc, 'index.ts'), ...tests.map((f) => path.join(exthostSrc, f))],
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return {
    dir: outdir,
    index: path.join(outdir, 'index.js'),
    files: tests.map((f) => path.join(outdir, f.replace(/\.ts$/, '.js'))),
  };
}
