#!/usr/bin/env node
// Packs the npm package the way `npm publish` would, from a clean copy of the working tree (tracked and
// untracked-but-not-ignored files), so the repository's own dist/ is never touched; then installs the
// tarball into an empty prefix with production dependencies only, offline (the package has none: every
// runtime library is bundled by scripts/build.mjs).
//
// `node scripts/pack.mjs` prints the tarball's file list and size and where it was installed; the
// packaging test (test/unit/packaging/npm-package.test.ts) calls packAndInstall() and checks the result.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args, cwd) {
  // npm's own config (cache, registry) stays; nothing asks the network (--offline).
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
}

/**
 * Packs and installs; returns { dir, tarball, files: [{path, size}], size, unpackedSize, prefix, bin,
 * externals, seconds: {copy, pack, install} }. `dir` is a fresh temporary directory holding everything.
 */
export function packAndInstall() {
  const t0 = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'rolecall-pack-'));
  const tree = path.join(dir, 'tree');
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], repoRoot)
    .split('\0')
    .filter(Boolean);
  for (const rel of listed) {
    try {
      cpSync(path.join(repoRoot, rel), path.join(tree, rel));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error; // deleted in the working tree but not yet in git
    }
  }
  // Build tools only; the bundles must not need them at run time (checked by installing without them).
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
  const t1 = Date.now();
  const out = path.join(dir, 'out');
  mkdirSync(out);
  // `prepack` runs `scripts/build.mjs --production` inside the copy.
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out], tree));
  const t2 = Date.now();
  const tarball = path.join(out, packed.filename);
  const prefix = path.join(dir, 'prefix');
  mkdirSync(prefix);
  run('npm', ['install', '--prefix', prefix, '--omit=dev', '--offline', '--no-package-lock', tarball], dir);
  const t3 = Date.now();
  return {
    dir,
    tarball,
    files: packed.files.map((f) => ({ path: f.path, size: f.size })),
    size: packed.size,
    unpackedSize: packed.unpackedSize,
    prefix,
    bin: path.join(prefix, 'node_modules', '.bin', 'rolecall'),
    packageDir: path.join(prefix, 'node_modules', packed.name),
    externals: JSON.parse(readFileSync(path.join(tree, 'dist', 'externals.json'), 'utf8')),
    seconds: { copy: (t1 - t0) / 1000, pack: (t2 - t1) / 1000, install: (t3 - t2) / 1000 },
  };
}

let once = null;

/**
 * packAndInstall() once per process, for the tests that need the installed package (npm package,
 * Jenkins step, pre-commit hook); its directory is removed when the process exits unless
 * ROLECALL_KEEP_PACK is set.
 */
export function packedOnce() {
  if (!once) {
    once = packAndInstall();
    const dir = once.dir;
    if (!process.env.ROLECALL_KEEP_PACK) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return once;
}

/** The tarball's file list and size, as the packaging test prints it. */
export function describePack(p) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  return [
    `${path.basename(p.tarball)}: ${kb(p.size)} packed, ${kb(p.unpackedSize)} unpacked, ${p.files.length} files ` +
      `(copy ${p.seconds.copy.toFixed(1)} s, pack ${p.seconds.pack.toFixed(1)} s, install ${p.seconds.install.toFixed(1)} s)`,
    ...p.files.map((f) => `  ${kb(f.size).padStart(11)}  ${f.path}`),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const p = packAndInstall();
  process.stdout.write(`${describePack(p)}\ninstalled: ${p.bin}\ntarball:   ${p.tarball}\n`);
}
