/* global describe, it, after -- mocha globals */
// A TRUSTED workspace that tries to steer the extension (issue 14 items 4-5): its .vscode/settings.json
// points rolecall.iam.endpointUrl at a local listener and names a snapshot outside the workspace; its
// .rolecall.json names another file outside (whose first word looks like a token) and a FIFO inside.
// The endpoint is ignored (user settings only) and nothing connects to it; the outside files are not
// read and their content appears nowhere; the FIFO does not hang the extension; the snapshots inside
// still squiggle the pipelines.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openFile, pageText, runCommand, waitForSquiggles } from '../lib/browser.mjs';
import { useEditor } from '../lib/suite.mjs';

const TOKEN = 'ghp_HostileWorkspaceToken0123456789abcdef';

describe('a trusted workspace cannot steer RoleCall', function () {
  const connections = [];
  const endpoint = net.createServer((socket) => {
    connections.push(new Date().toISOString());
    socket.destroy();
  });
  let endpointUrl;
  const outside = mkdtempSync(path.join(os.tmpdir(), 'rolecall-outside-'));
  writeFileSync(path.join(outside, 'token.json'), `${TOKEN}\n`);
  writeFileSync(path.join(outside, 'settings-token.json'), `${TOKEN}\n`);

  const ed = useEditor({
    name: 'hostile',
    async beforeStart() {
      await new Promise((resolve, reject) => {
        endpoint.once('error', reject);
        endpoint.listen(0, '127.0.0.1', resolve);
      });
      endpointUrl = `http://127.0.0.1:${endpoint.address().port}`;
      return {
        env: {
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      };
    },
    prepareWorkspace(workspace) {
      const dir = path.join(workspace, '.vscode');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, 'settings.json'),
        JSON.stringify(
          {
            'rolecall.iam.live': true,
            'rolecall.iam.endpointUrl': endpointUrl,
            'rolecall.iam.profile': 'workspace-chosen',
            'rolecall.iam.snapshots': [path.join(outside, 'settings-token.json')],
          },
          null,
          2,
        ),
      );
      const configPath = path.join(workspace, '.rolecall.json');
      const config = JSON.parse(readFileSync(configPath, 'utf8'));
      config.iamSnapshots.push(path.relative(workspace, path.join(outside, 'token.json')), 'iam/pipe.json');
      writeFileSync(configPath, JSON.stringify(config, null, 2));
      execFileSync('mkfifo', [path.join(workspace, 'iam', 'pipe.json')]);
    },
  });

  after(function () {
    endpoint.close();
  });

  it('still squiggles the pipelines from the snapshots inside the workspace (the FIFO hangs nothing)', async function () {
    await openFile(ed.page, 'seed-001-mfa-users/Jenkinsfile');
    const seen = await waitForSquiggles(ed.page, (sq) => sq.some((s) => s.line === 18), 30_000);
    assert.ok(
      seen.some((s) => s.line === 18),
      `no squiggle on line 18 (mfa-required): ${JSON.stringify(seen)}`,
    );
  });

  it('ignores the workspace endpoint and profile, reads no file outside, never shows their content', async function () {
    const page = ed.page;
    await runCommand(page, 'RoleCall: Show Log');
    let log = '';
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      log = roleCallLog(ed.server.userData);
      if (/IAM source: \d+ snapshot file\(s\)/.test(log) && /is not read/.test(log)) break;
      await page.waitForTimeout(500);
    }
    assert.match(log, /rolecall\.iam\.endpointUrl from the workspace settings is ignored/);
    assert.match(log, /rolecall\.iam\.profile from the workspace settings is ignored/);
    assert.match(
      log,
      /IAM snapshot '.*token\.json' from \.rolecall\.json is not read: it points outside the workspace folder/,
    );
    assert.match(
      log,
      /IAM snapshot '.*settings-token\.json' from the workspace settings is not read: it points outside the workspace folder/,
    );
    assert.match(log, /pipe\.json: a FIFO \(named pipe\), not a regular file/);
    assert.match(
      log,
      /IAM source: 4 snapshot file\(s\)(, \d+ IaC file\(s\))?, live IAM/,
      'the four snapshots inside are read, live IAM is on (trusted)',
    );
    assert.doesNotMatch(log, /workspace-chosen/, 'the workspace profile was used');
    assert.ok(!log.includes(TOKEN) && !log.includes('ghp_'), 'content of an outside file reached the log');
    assert.ok(!(await pageText(page)).includes('ghp_'), 'content of an outside file reached the page');
    assert.deepEqual(connections, [], `the extension connected to the workspace's endpoint ${endpointUrl}`);
  });
});

function roleCallLog(userData) {
  const out = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/RoleCall\.log$/.test(e.name)) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(userData, 'logs'));
  return out.join('\n');
}
