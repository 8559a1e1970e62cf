// Child-process helpers for the benchmark: run a command with a timeout, capture its output, never prompt.
import { spawn } from 'node:child_process';

/** Runs cmd with args; resolves { code, stdout, stderr, ms, timedOut }. stdin is closed so nothing can prompt. */
export function run(cmd, args, { cwd, env, timeoutMs = 300_000, onStderr } = {}) {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (onStderr) onStderr(String(d));
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(error), ms: performance.now() - start, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - start, timedOut });
    });
  });
}

/** The first error lines of a tool's output (else its last lines), for one-line notes. */
export function tail(text, n = 3) {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('npm warn') && !l.startsWith('>'));
  const errors = lines.filter((l) => /\berror\b|✘|ERR!/i.test(l) && !/^at /.test(l));
  return (errors.length ? errors.slice(0, n) : lines.slice(-n)).join(' | ').slice(0, 400);
}
