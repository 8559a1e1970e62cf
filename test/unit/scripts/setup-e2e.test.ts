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
