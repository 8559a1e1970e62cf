#!/usr/bin/env node
// Installs the IAM/STS emulator for the integration tests into .venv-moto/ (idempotent, quiet).
// A fresh machine needs only python3 (with venv; installed with apt-get when missing and allowed).
// Exit 0 when `moto_server` is ready; 1 with a one-line reason and what to do otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Pinned: the version the integration tests were written and run against here.
export const MOTO_VERSION = '5.2.5';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.venv-moto');
const venvPython = join(venv, 'bin', 'python');
const quiet = !process.argv.includes('--verbose');

function run(cmd, args, options = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 15 * 60_000, ...options });
}

function fail(message, detail) {
  process.stderr.write(`setup-moto: ${message}\n`);
  if (detail) {
    const lines = detail.trim().split('\n');
    process.stderr.write(`${lines.slice(-15).join('\n')}\n`);
  }
  process.exit(1);
}

function installedVersion() {
  if (!existsSync(venvPython)) return null;
  const check = run(venvPython, ['-c', 'import moto, moto.server, flask, werkzeug; print(moto.__version__)']);
  return check.status === 0 ? check.stdout.trim() : null;
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    const probe = run(candidate, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
    if (probe.status === 0) {
      const [major, minor] = probe.stdout.trim().split('.').map(Number);
      if (major === 3 && minor >= 9) return candidate;
    }
  }
  return null;
}

function ensureVenvModule(python) {
  if (run(python, ['-c', 'import venv, ensurepip']).status === 0) return;
  // Debian/Ubuntu split venv+ensurepip into python3-venv.
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || run('apt-get', ['--version']).status !== 0) {
    fail(
      `${python} has no venv/ensurepip module`,
      'install it (Debian/Ubuntu: apt-get install -y python3-venv) and run npm run test:integration again',
    );
  }
  if (!quiet) process.stdout.write('setup-moto: installing python3-venv with apt-get\n');
  const update = run('apt-get', ['update', '-qq']);
  if (update.status !== 0) fail('apt-get update failed', update.stderr);
  const install = run('apt-get', ['install', '-y', '-qq', 'python3-venv'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (install.status !== 0) fail('apt-get install python3-venv failed', install.stderr);
}

const have = installedVersion();
if (have === MOTO_VERSION) {
  if (!quiet) process.stdout.write(`setup-moto: moto ${have} already in .venv-moto\n`);
  process.exit(0);
}

const python = findPython();
if (!python)
  fail('python3 (3.9 or newer) not found', 'install Python 3 (Debian/Ubuntu: apt-get install -y python3 python3-venv)');
ensureVenvModule(python);

if (have === null && existsSync(venv)) rmSync(venv, { recursive: true, force: true });
if (!existsSync(venvPython)) {
  const made = run(python, ['-m', 'venv', venv]);
  if (made.status !== 0) fail(`'${python} -m venv .venv-moto' failed`, made.stderr || made.stdout);
}
process.stdout.write(`setup-moto: installing moto[server]==${MOTO_VERSION} into .venv-moto (once)\n`);
const pip = run(venvPython, [
  '-m',
  'pip',
  'install',
  '--disable-pip-version-check',
  ...(quiet ? ['-q'] : []),
  `moto[server]==${MOTO_VERSION}`,
]);
if (pip.status !== 0) {
  fail(
    `pip could not install moto[server]==${MOTO_VERSION} (is the Python package index reachable?)`,
    pip.stderr || pip.stdout,
  );
}
const now = installedVersion();
if (now !== MOTO_VERSION)
  fail(
    `moto installed but not importable (got ${now ?? 'nothing'})`,
    run(venvPython, ['-c', 'import moto.server']).stderr,
  );
process.stdout.write(`setup-moto: moto ${now} ready\n`);
