#!/usr/bin/env node
// `npm run test:e2e`: the extension in a real VS Code (code-server) in a real browser (Chromium).
// 1. installs what is missing (scripts/setup-e2e.mjs) — a failure here fails the run, never skips;
// 2. packages the .vsix (`npm run package`) and installs it into a fresh extensions dir;
// 3. bundles the extension-host tests (test/e2e/exthost) with esbuild;
// 4. runs the specs in test/e2e/specs with mocha; each spec starts its own code-server(s) and
//    stops them by process group, also on failure, timeout or Ctrl+C.
//
// Options: --grep PATTERN (mocha grep), --spec FILE (repeatable), --skip-package (reuse dist/rolecall.vsix)
// Env:     ROLECALL_E2E_TIMEOUT_S (whole run, default 900)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setupE2e } from '../../scripts/setup-e2e.mjs';
import { acquireRunLock, artifactsDir, installVsix, reapStrays, repoRoot, workDir } from './lib/server.mjs';
import { buildExthostTests } from './lib/exthost-build.mjs';

const t0 = Date.now();
const secs = (from) => ((Date.now() - from) / 1000).toFixed(1);
const say = (m) => process.stdout.write(`[e2e] ${m}\n`);
function fail(message) {
  process.stderr.write(`[e2e] FAILED: ${message}\n`);
  process.stdout.write('\ne2e: 0 passed, 1 failed\n');
  process.exit(1);
}

const { values: opts } = parseArgs({
  options: {
    grep: { type: 'string' },
    spec: { type: 'string', multiple: true },
    'skip-package': { type: 'boolean', default: false },
  },
  strict: true,
});

try {
  await acquireRunLock(15 * 60_000, say);
} catch (err) {
  fail(err.message);
}
const strays = reapStrays();
if (strays) say(`stopped ${strays} code-server process group(s) left by an earlier run`);

// 1. Tools.
const tSetup = Date.now();
try {
  await setupE2e();
} catch (err) {
  fail(`setup: ${err.message}`);
}
// The minting spec runs an STS emulator (moto) whose venv the AWS helper's script installs.
{
  const moto = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'setup-moto.mjs')], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (moto.status !== 0) fail(`setup-moto: ${(moto.stdout + moto.stderr).trim()}`);
}
const setupSeconds = secs(tSetup);

// 2. The .vsix, installed as a user would.
const vsix = path.join(repoRoot, 'dist', 'rolecall.vsix');
const tPkg = Date.now();
if (!opts['skip-package'] || !existsSync(vsix)) {
  rmSync(vsix, { force: true });
  const res = spawnSync('npm', ['run', '--silent', 'package'], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (res.status !== 0 || !existsSync(vsix)) {
    fail(
      `npm run package exited ${res.status}; no ${path.relative(repoRoot, vsix)}:\n${(res.stdout + res.stderr).trim().split('\n').slice(-30).join('\n')}`,
    );
  }
}
const extensionsSeed = path.join(workDir, 'extensions-seed');
rmSync(extensionsSeed, { recursive: true, force: true });
let installed;
try {
  installed = installVsix(vsix, extensionsSeed);
} catch (err) {
  fail(err.message);
}
const packageSeconds = secs(tPkg);
say(
  `packaged and installed ${installed.join(', ')} (${(statSync(vsix).size / 1024).toFixed(0)} KiB) in ${packageSeconds}s`,
);

// 3. Extension-host tests, bundled to JS the editor can load.
const tBuild = Date.now();
let exthost;
try {
  exthost = await buildExthostTests();
} catch (err) {
  fail(`bundling test/e2e/exthost: ${err.message}`);
}
say(`bundled ${exthost.files.length} extension-host test file(s) in ${secs(tBuild)}s`);

// 4. Specs.
rmSync(artifactsDir, { recursive: true, force: true });
mkdirSync(artifactsDir, { recursive: true });
const specDir = path.join(repoRoot, 'test', 'e2e', 'specs');
const specs = opts.spec?.length
  ? opts.spec
  : readdirSync(specDir)
      .filter((f) => f.endsWith('.spec.mjs'))
      .sort()
      .map((f) => path.join(specDir, f));
const summaryFile = path.join(workDir, 'summary.json');
rmSync(summaryFile, { force: true });
const mochaArgs = [
  path.join(repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'),
  '--config',
  path.join(repoRoot, 'test', 'e2e', '.mocharc.json'),
];
if (opts.grep) mochaArgs.push('--grep', opts.grep);
mochaArgs.push(...specs);
const env = {
  ...process.env,
  ROLECALL_E2E_EXTENSIONS_SEED: extensionsSeed,
  ROLECALL_E2E_EXTHOST_INDEX: exthost.index,
  ROLECALL_E2E_EXTHOST_FILES: JSON.stringify(exthost.files),
  ROLECALL_E2E_SUMMARY: summaryFile,
};
const tSpecs = Date.now();
// Mocha stays in our process group so Ctrl+C reaches it; its servers are in their own groups and
// are killed by its exit hooks, and by reapStrays() below if it dies hard.
const child = spawn(process.execPath, mochaArgs, { cwd: repoRoot, env, stdio: 'inherit' });
const limit = Number(process.env.ROLECALL_E2E_TIMEOUT_S ?? 900) * 1000;
const watchdog = setTimeout(() => {
  process.stderr.write(`[e2e] whole run exceeded ${limit / 1000}s: stopping\n`);
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
}, limit);
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    interrupted = true;
    child.kill(sig);
  });
}
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 128 : 1))));
clearTimeout(watchdog);
const reaped = reapStrays();
if (reaped) say(`stopped ${reaped} leftover code-server process group(s)`);

let summary = null;
try {
  summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
} catch {
  /* mocha died before writing it */
}
say(`timings: setup ${setupSeconds}s, package+install ${packageSeconds}s, specs ${secs(tSpecs)}s, total ${secs(t0)}s`);
say(`artifacts: ${path.relative(repoRoot, artifactsDir)}/`);
if (interrupted) process.exit(130);
if (!summary) fail(`mocha exited ${code} without a summary`);
if (summary.stats.tests === 0) fail('no e2e test ran');
process.exit(code === 0 && summary.stats.failures === 0 ? 0 : 1);
