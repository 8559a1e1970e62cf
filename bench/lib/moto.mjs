// A local moto IAM/STS emulator for the scan benchmark, plus a counting proxy in front of it.
// moto keeps every account in one server and picks the account from the `x-moto-account-id` header; the
// proxy sets that header from the request's access key id (one fake key per account, as if each account
// had its own profile) and counts every API operation per account — an outside count, independent of
// the reader's own bookkeeping.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { ROOT } from './engine.mjs';
import { run, tail } from './proc.mjs';

/** A fake access key id that the proxy maps to `account` (never a real credential). */
export const fakeKeyFor = (account) => `AKIA${account}BNCH`;
export const FAKE_SECRET = 'bench-fake-secret-not-a-credential';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Finds or installs moto (through the project's own scripts/setup-moto.mjs); returns the binary or a reason. */
export async function findMoto() {
  const candidates = ['.venv-moto/bin/moto_server', '.venv-moto/Scripts/moto_server.exe'].map((p) => join(ROOT, p));
  let found = candidates.find((p) => existsSync(p));
  if (found) return { bin: found };
  const setup = join(ROOT, 'scripts', 'setup-moto.mjs');
  if (!existsSync(setup)) return { reason: 'moto unavailable: scripts/setup-moto.mjs is not in the tree' };
  const r = await run(process.execPath, [setup], { cwd: ROOT, timeoutMs: 300_000 });
  found = candidates.find((p) => existsSync(p));
  if (found) return { bin: found };
  return { reason: `moto unavailable: scripts/setup-moto.mjs failed (exit ${r.code}): ${tail(r.stderr + r.stdout)}` };
}

async function waitForPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

/** Starts moto_server on a free loopback port. Returns { port, stop }. */
export async function startMoto(bin) {
  const port = await freePort();
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const up = await waitForPort(port, 30_000);
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  if (!up) {
    stop();
    throw new Error(`moto_server did not listen on ${port} within 30 s: ${tail(stderr)}`);
  }
  return { port, stop };
}

function operationOf(req, body) {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.split('.').pop();
  const m = /(?:^|&)Action=([A-Za-z]+)/.exec(body);
  return m ? m[1] : 'unknown';
}

/** A loopback proxy to moto that maps access keys to accounts and counts operations per account. */
export async function startCountingProxy(motoPort, accounts) {
  const byKey = new Map(accounts.map((a) => [fakeKeyFor(a), a]));
  const counts = {};
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const auth = String(req.headers.authorization ?? '');
      const key = /Credential=([A-Z0-9]+)\//.exec(auth)?.[1] ?? '';
      const account = byKey.get(key) ?? 'unmapped';
      const op = operationOf(req, body.toString('utf8'));
      counts[account] ??= {};
      counts[account][op] = (counts[account][op] ?? 0) + 1;
      const headers = { ...req.headers, host: `127.0.0.1:${motoPort}` };
      if (account !== 'unmapped') headers['x-moto-account-id'] = account;
      const upstream = http.request(
        { host: '127.0.0.1', port: motoPort, method: req.method, path: req.url, headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      upstream.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    counts,
    reset: () => {
      for (const k of Object.keys(counts)) delete counts[k];
    },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Creates the roles in moto, each in its own account, straight to moto (not through the counter). */
export async function seedRoles(motoPort, roles) {
  const { IAMClient, CreateRoleCommand } = await import('@aws-sdk/client-iam');
  const clients = new Map();
  const clientFor = (account) => {
    if (!clients.has(account)) {
      const client = new IAMClient({
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${motoPort}`,
        credentials: { accessKeyId: fakeKeyFor(account), secretAccessKey: FAKE_SECRET },
      });
      client.middlewareStack.add(
        (next) => (args) => {
          args.request.headers['x-moto-account-id'] = account;
          return next(args);
        },
        { step: 'build', name: 'benchMotoAccount' },
      );
      clients.set(account, client);
    }
    return clients.get(account);
  };
  for (let i = 0; i < roles.length; i += 20) {
    await Promise.all(
      roles.slice(i, i + 20).map((role) =>
        clientFor(role.account).send(
          new CreateRoleCommand({
            RoleName: role.name,
            AssumeRolePolicyDocument: JSON.stringify(role.trustPolicy),
            MaxSessionDuration: role.maxSessionDuration,
          }),
        ),
      ),
    );
  }
  for (const c of clients.values()) c.destroy();
}
