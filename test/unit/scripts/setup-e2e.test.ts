// The e2e setup installs code-server with Node 24 from inside `npm test` (Node 20). npm reads npm_config_*
// from the environment as config, so the inner install must not inherit the outer npm's variables: with
// npm_config_user_agent "node/v20" code-server's postinstall refuses to install (seen on a fresh clone).
import { strict as assert } from 'node:assert';
import { delimiter } from 'node:path';

describe('setup-e2e: the environment of the Node 24 install', () => {
  it('drops the enclosing npm run-script variables and puts Node 24 first on PATH', async () => {
    const { node24Env, toolPaths } = await import('../../../scripts/setup-e2e.mjs');
    const env = node24Env({
      PATH: '/usr/bin',
      HOME: '/root',
      npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64 workspaces/false',
      npm_node_execpath: '/usr/bin/node',
      npm_lifecycle_event: 'test:e2e',
      NPM_CONFIG_NODEDIR: '/usr',
    });
    assert.equal(env.npm_config_user_agent, undefined);
    assert.equal(env.npm_node_execpath, undefined);
    assert.equal(env.npm_lifecycle_event, undefined);
    assert.equal(env.NPM_CONFIG_NODEDIR, undefined);
    assert.equal(env.HOME, '/root');
    assert.equal(env.npm_config_nodedir, toolPaths().nodeRoot);
    assert.ok(env.PATH.startsWith(toolPaths().nodeBin.replace(/\/node$/, '') + delimiter), env.PATH);
  });
});

describe('setup-e2e: one setup at a time per tools folder', () => {
  it('a second setup waits until the first releases the lock, then runs', async () => {
    const { withToolsLock } = await import('../../../scripts/setup-e2e.mjs');
    const { mkdtempSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-tools-'));
    const order: string[] = [];
    const waits: string[] = [];
    let release!: () => void;
    const first = withToolsLock(dir, async () => {
      order.push('first in');
      await new Promise<void>((r) => (release = r));
      order.push('first out');
    });
    await new Promise((r) => setTimeout(r, 20));
    const second = withToolsLock(dir, () => order.push('second'), { pollMs: 10, onWait: (m: string) => waits.push(m) });
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(order, ['first in'], 'the second setup ran while the first held the lock');
    assert.equal(waits.length, 1);
    assert.match(waits[0], new RegExp(`pid ${process.pid}`));
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first in', 'first out', 'second']);
    assert.equal(existsSync(join(dir, '.setup.lock')), false, 'the lock is removed after use');
  });

  it('takes over a lock whose process is gone, and fails naming a live holder after the wait', async () => {
    const { withToolsLock } = await import('../../../scripts/setup-e2e.mjs');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { spawnSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-tools-'));
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // exited: its pid names no live process
    writeFileSync(join(dir, '.setup.lock'), String(dead));
    assert.equal(await withToolsLock(dir, () => 'ran', { pollMs: 10, onWait: () => {} }), 'ran');
    writeFileSync(join(dir, '.setup.lock'), String(process.pid)); // a live holder that never releases
    await assert.rejects(
      withToolsLock(dir, () => 'ran', { waitMs: 50, pollMs: 10, onWait: () => {} }),
      new RegExp(`pid ${process.pid}.*delete that file`),
    );
  });
});
