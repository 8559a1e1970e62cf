// Bundles the engine modules the benchmark drives (TypeScript in src/) into node_modules/.cache/rolecall-bench/ with
// esbuild, the same bundler the product ships with, so the benchmark times the code users run.
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Under node_modules/.cache so neither git nor the linter sees the generated entry and bundles.
export const BUILD_DIR = join(ROOT, 'node_modules', '.cache', 'rolecall-bench');

/** Engine modules by the name the measurements use; a module that does not exist yet is left out. */
const MODULES = {
  analyze: 'src/core/analyze.ts',
  session: 'src/core/session.ts',
  config: 'src/core/config.ts',
  parser: 'src/core/syntax/parser.ts',
  evaluate: 'src/core/iam/evaluate.ts',
  policy: 'src/core/iam/policy.ts',
  snapshot: 'src/core/iam/snapshot.ts',
  composite: 'src/core/iam/composite.ts',
  aws: 'src/aws/index.ts',
};

/** Thrown when a module the measurement needs is missing or does not build: the measurement is broken. */
export class EngineUnavailable extends Error {}

/**
 * Bundles the named engine modules into one CommonJS file and loads it. Each measurement bundles only what
 * it drives, so a half-written module elsewhere in the tree cannot break an unrelated measurement.
 */
export async function loadEngine(names) {
  mkdirSync(BUILD_DIR, { recursive: true });
  const missing = names.filter((name) => !MODULES[name] || !existsSync(join(ROOT, MODULES[name])));
  if (missing.length)
    throw new EngineUnavailable(
      `engine module(s) not in the tree yet: ${missing.map((n) => MODULES[n] ?? n).join(', ')}`,
    );
  const tag = names.join('-');
  const entry = join(BUILD_DIR, `entry-${tag}.ts`);
  writeFileSync(
    entry,
    names
      .map(
        (name) =>
          `export * as ${name} from '${relative(BUILD_DIR, join(ROOT, MODULES[name])).split('\\').join('/').replace(/\.ts$/, '')}';`,
      )
      .join('\n') + '\n',
  );
  const outfile = join(BUILD_DIR, `engine-${tag}.cjs`);
  try {
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node18',
      format: 'cjs',
      minify: false,
      logLevel: 'silent',
      define: { 'import.meta.url': 'importMetaUrl' },
      banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
    });
  } catch (error) {
    const first = error.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new EngineUnavailable(
      `engine bundle for ${names.join(', ')} does not build: ${first?.text ?? error.message}${where}`,
    );
  }
  const require = createRequire(import.meta.url);
  return require(outfile);
}
