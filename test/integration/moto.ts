// Runs moto_server (the IAM/STS emulator installed by scripts/setup-moto.mjs) on a free loopback port
// for a test file, resets it between tests, and stops it in after(). Fails loudly when moto is missing.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// The SDK's Node-version notice would clutter every test run's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// Tests talk to loopback only: never let the SDK's credential chain fall through to the EC2 metadata address.
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const root = join(__dirname, '..', '..');
export const MOTO_PYTHON = join(root, '.venv-moto', 'bin', 'python');

/** Fake static credentials: moto accepts any; they must never be real. */
export const FAKE_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const REGION = 'us-east-1';
/** moto's default account for the fake credentials. */
export const MOTO_DEFAULT_ACCOUNT = '123456789012';

export interface Moto {
  url: string;
  port: number;
  /** Clears all emulated state (moto's reset API). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output().slice(-500)}`);
    try {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`moto_server did not answer within ${timeoutMs} ms: ${output().slice(-500)}`);
}

/** Starts moto_server on 127.0.0.1 only. Throws (failing the suite) when .venv-moto is missing. */
export async function startMoto(): Promise<Moto> {
  if (!existsSync(MOTO_PYTHON)) {
    throw new Error('moto is not installed: run `node scripts/setup-moto.mjs` (npm run test:integration does it)');
  }
  let lastError: unknown;
  for (let tries = 0; tries < 3; tries++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let log = '';
    const child = spawn(MOTO_PYTHON, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_DEFAULT_REGION: REGION,
      },
    });
    child.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    try {
      await waitUntilUp(url, child, () => log, 30_000);
    } catch (error) {
      lastError = error;
      kill(child);
      continue;
    }
    return {
      url,
      port,
      async reset() {
        const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
        if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
      },
      async stop() {
        if (child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        kill(child);
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) kill(child, 'SIGKILL');
      },
    };
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined) return;
  try {
    // Our own process group (detached), so werkzeug's reloader children go too.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}
