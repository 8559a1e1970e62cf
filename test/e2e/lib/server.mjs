/* global AbortSignal */
// Starts code-server the way the notes say works here: its own user-data, extensions, config,
// TMPDIR and XDG_* dirs, under setsid (its own process group) on a free loopback port, and stops it
// by killing that whole group — also when the test run fails, times out or is interrupted.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
  readdirSync,
  existsSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { node24Env, toolPaths } from '../../../scripts/setup-e2e.mjs';

export const repoRoot = toolPaths().repoRoot;
/** Scratch space for servers (git-ignored); pid files here let the runner reap strays. */
export const workDir = path.join(repoRoot, 'test', 'e2e', '.work');
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'e2e');
const pidDir = path.join(workDir, 'pids');

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Settings that keep the workbench quiet and deterministic for a test (or a person's demo). */
export function quietSettings(extra = {}) {
  return {
    'chat.disableAIFeatures': true,
    'workbench.startupEditor': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.secondarySideBar.showLabels': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'never',
    'security.workspace.trust.emptyWindow': true,
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'editor.minimap.enabled': false,
    'editor.hover.delay': 150,
    'editor.lightbulb.enabled': 'off',
    'files.autoSave': 'off',
    'window.restoreWindows': 'none',
    'workbench.editor.enablePreview': false,
    'problems.defaultViewMode': 'table',
    'terminal.integrated.enablePersistentSessions': false,
    'terminal.integrated.shellIntegration.enabled': false,
    'notebook.experimental.generate': false,
    ...extra,
  };
}

/** Copies the example workspace to a fresh temp dir, so tests may edit files. */
export function copyExamples(root) {
  const dest = path.join(root, 'workspace');
  cpSync(path.join(repoRoot, 'examples'), dest, { recursive: true });
  return dest;
}

/** Installs a .vsix into an extensions dir with code-server's own CLI. */
export function installVsix(vsix, extensionsDir) {
  const t = toolPaths();
  mkdirSync(extensionsDir, { recursive: true });
  const res = spawnSync(
    t.nodeBin,
    [t.codeServerBin, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'],
    {
      env: isolatedEnv(path.dirname(extensionsDir), node24Env()),
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (res.status !== 0)
    throw new Error(`installing ${vsix} failed (${res.status ?? res.signal}):\n${res.stdout}${res.stderr}`);
  const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('rolecall.'));
  if (installed.length === 0)
    throw new Error(`installing ${vsix} left no rolecall.* folder in ${extensionsDir}:\n${res.stdout}`);
  return installed;
}

function isolatedEnv(root, base) {
  const dirs = {
    // A private HOME too: the extension may write ~/.aws files, which must not touch the real ones.
    HOME: path.join(root, 'home'),
    TMPDIR: path.join(root, 'tmp'),
    XDG_CONFIG_HOME: path.join(root, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(root, 'xdg', 'cache'),
    XDG_STATE_HOME: path.join(root, 'xdg', 'state'),
    XDG_RUNTIME_DIR: path.join(root, 'xdg', 'runtime'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
  const env = { ...base, ...dirs };
  // A developer's own AWS setup must not leak into a test, nor the parent's code-server session.
  for (const k of Object.keys(env)) {
    if (/^(AWS_|VSCODE_|CODE_SERVER_)/.test(k) || k === 'PASSWORD' || k === 'HASHED_PASSWORD' || k === 'PORT')
      delete env[k];
  }
  return env;
}

const live = new Set();

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * Kills process groups left by runs that died (crashed, SIGKILLed). A group whose owner (the
 * process that started it) is still alive belongs to a live run or `npm run editor`: left alone.
 */
export function reapStrays() {
  if (!existsSync(pidDir)) return 0;
  let n = 0;
  for (const f of readdirSync(pidDir)) {
    const pid = Number(f);
    const file = path.join(pidDir, f);
    let owner;
    try {
      owner = Number(readFileSync(file, 'utf8').split(' ')[0]);
    } catch {
      continue;
    }
    if (owner && processAlive(owner)) continue;
    if (Number.isInteger(pid) && pid > 1 && killGroup(pid, 'SIGKILL')) n++;
    rmSync(file, { force: true });
  }
  return n;
}

/**
 * One e2e run at a time per working tree (they share test-artifacts/e2e and dist/rolecall.vsix):
 * waits for a live holder of the lock, takes over a dead one's. Returns a release function.
 */
export async function acquireRunLock(waitMs = 15 * 60_000, say = () => {}) {
  mkdirSync(workDir, { recursive: true });
  const lock = path.join(workDir, 'run.lock');
  const deadline = Date.now() + waitMs;
  let told = false;
  while (true) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      const release = () => {
        try {
          if (readFileSync(lock, 'utf8') === String(process.pid)) rmSync(lock, { force: true });
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let holder;
    try {
      holder = Number(readFileSync(lock, 'utf8'));
    } catch {
      continue;
    }
    if (!holder || !processAlive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(`another e2e run (pid ${holder}) has held ${lock} for over ${waitMs / 60_000} min`);
    if (!told) {
      say(`another e2e run (pid ${holder}) is using this tree; waiting for it to finish`);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = () => {
    for (const s of live) {
      killGroup(s.pid, 'SIGKILL');
      rmSync(path.join(pidDir, String(s.pid)), { force: true });
    }
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAll();
      process.exit(128 + (os.constants.signals[sig] ?? 1));
    });
  }
}

/**
 * Starts code-server on a free port with a private profile.
 * opts: { workspace, extensionsDir, settings, env, vscodeOptions: string[], name, port, host, preinstall(extensionsDir) }
 */
export async function startCodeServer(opts) {
  installExitHooks();
  const t = toolPaths();
  const name = opts.name ?? 'server';
  mkdirSync(workDir, { recursive: true });
  const root = mkdtempSync(path.join(workDir, `${name}-`));
  const userData = path.join(root, 'user-data');
  const extensionsDir = opts.extensionsDir ?? path.join(root, 'extensions');
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  if (opts.preinstall) opts.preinstall(extensionsDir);
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(quietSettings(opts.settings), null, 2));
  const config = path.join(root, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n', { mode: 0o600 });
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort());
  const args = [
    t.codeServerBin,
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensionsDir,
    '--config',
    config,
    '--ignore-last-opened',
  ];
  for (const o of opts.vscodeOptions ?? []) args.push('--vscode-option', o);
  if (opts.workspace) args.push(opts.workspace);
  const logFile = path.join(root, 'code-server.log');
  const fd = openSync(logFile, 'a');
  const env = { ...isolatedEnv(root, node24Env()), ...(opts.env ?? {}) };
  // setsid gives the server (and the extension hosts, ptys and watchers it forks) a process group
  // of its own, so one kill stops them all and nothing reaches our terminal's signals.
  const child = spawn('setsid', [t.nodeBin, ...args], { env, stdio: ['ignore', fd, fd], detached: false, cwd: root });
  closeSync(fd);
  const server = {
    pid: child.pid,
    port,
    host,
    url: `http://${host}:${port}/`,
    root,
    userData,
    extensionsDir,
    logFile,
    workspace: opts.workspace,
    exited: null,
    stop: () => stopServer(server),
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
  };
  child.on('exit', (code, signal) => {
    server.exited = { code, signal };
  });
  live.add(server);
  mkdirSync(pidDir, { recursive: true });
  writeFileSync(path.join(pidDir, String(child.pid)), `${process.pid} ${name} ${root}\n`);
  try {
    await waitForHttp(server, opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    await stopServer(server);
    throw err;
  }
  return server;
}

async function waitForHttp(server, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (server.exited)
      throw new Error(
        `code-server exited early (${JSON.stringify(server.exited)}); log:\n${server.log().slice(-3000)}`,
      );
    try {
      const res = await fetch(`${server.url}healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = String(err?.cause?.code ?? err?.message ?? err);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `code-server did not answer on ${server.url} within ${timeoutMs} ms (${last}); log:\n${server.log().slice(-3000)}`,
  );
}

/** Kills the server's process group (TERM, then KILL) and waits until it is gone. */
export async function stopServer(server) {
  if (!live.has(server)) return;
  live.delete(server);
  killGroup(server.pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (groupAlive(server.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(server.pid)) killGroup(server.pid, 'SIGKILL');
  rmSync(path.join(pidDir, String(server.pid)), { force: true });
}

/** Copies a server's own log and the editor's logs (extension Output channels included) into the artifacts. */
export function saveServerLog(server, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const dest = path.join(artifactsDir, `${name}.code-server.log`);
  writeFileSync(dest, server.log());
  const logs = path.join(server.userData, 'logs');
  if (existsSync(logs)) cpSync(logs, path.join(artifactsDir, `${name}.editor-logs`), { recursive: true });
  return dest;
}
