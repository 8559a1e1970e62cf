/* global describe, it, before, after -- mocha globals */
// Workspace trust as a person meets it: a folder opened in Restricted Mode whose own
// .vscode/settings.json asks for live IAM at an endpoint. Snapshot checks still squiggle the
// pipelines, minting is refused with a notification (no MFA prompt), and no AWS call is attempted:
// the endpoint is a local listener that counts connections, and the RoleCall log shows no STS/IAM line.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { openFile, runCommand, waitForNotification, waitForSquiggles } from '../lib/browser.mjs';
import { cliScan, findingsOf } from '../lib/oracle.mjs';
import { useEditor } from '../lib/suite.mjs';

const SEED_001 = 'seed-001-mfa-users/Jenkinsfile';
// Lines whose findings need the IAM snapshots (trust policies of 222222222222), not just the syntax.
const FROM_SNAPSHOTS = [
  [11, 'invalid-principal'],
  [18, 'mfa-required'],
  [25, 'duration-exceeds-max'],
];

describe('an untrusted workspace', function () {
  // Any connection here would be the extension trying STS or IAM at the workspace's endpoint.
  const connections = [];
  const endpoint = net.createServer((socket) => {
    connections.push(new Date().toISOString());
    socket.destroy();
  });
  let endpointUrl;

  const ed = useEditor({
    name: 'untrusted',
    trusted: false,
    settings: {
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.untrustedFiles': 'open',
      'security.workspace.trust.banner': 'never',
      'security.workspace.trust.emptyWindow': false,
    },
    async beforeStart() {
      await new Promise((resolve, reject) => {
        endpoint.once('error', reject);
        endpoint.listen(0, '127.0.0.1', resolve);
      });
      endpointUrl = `http://127.0.0.1:${endpoint.address().port}`;
      // Fake credentials, so a call (if one were made) would really go out rather than stop at "no credentials".
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
      // The workspace itself tries to switch on live AWS: restricted settings must not apply.
      const dir = path.join(workspace, '.vscode');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, 'settings.json'),
        JSON.stringify(
          { 'rolecall.iam.live': true, 'rolecall.iam.endpointUrl': endpointUrl, 'rolecall.iam.region': 'us-east-1' },
          null,
          2,
        ),
      );
    },
  });

  after(function () {
    endpoint.close();
  });

  let scan;
  before(function () {
    scan = cliScan(ed.workspace);
  });

  it('opens in Restricted Mode', async function () {
    const bar = ed.page.locator('.statusbar');
    // The status bar's workspace-trust item is what tells a person the folder is not trusted.
    await bar
      .filter({ hasText: /Restricted Mode/i })
      .first()
      .waitFor({ state: 'visible', timeout: 20_000 });
    assert.match(await bar.innerText(), /Restricted Mode/i);
  });

  it(`still squiggles ${SEED_001} from the IAM snapshots`, async function () {
    const cli = findingsOf(scan, SEED_001);
    for (const [line, code] of FROM_SNAPSHOTS) {
      assert.ok(
        cli.some((f) => f.line === line && f.code === code),
        `the CLI reports no ${code} on line ${line}: ${JSON.stringify(cli.map((f) => [f.line, f.code]))}`,
      );
    }
    await openFile(ed.page, SEED_001);
    const lines = FROM_SNAPSHOTS.map(([l]) => l);
    const seen = await waitForSquiggles(ed.page, (sq) => lines.every((l) => sq.some((s) => s.line === l)), 30_000);
    for (const l of lines)
      assert.ok(
        seen.some((s) => s.line === l),
        `no squiggle on line ${l}: ${JSON.stringify(seen.map((s) => [s.line, s.severity]))}`,
      );
  });

  it('refuses to mint: a notification, and no MFA prompt', async function () {
    const page = ed.page;
    await runCommand(page, 'RoleCall: Mint Credentials for Pipeline Role');
    const note = await waitForNotification(page, 'RoleCall: minting credentials needs a trusted workspace.');
    assert.match(note, /Manage Workspace Trust/, `the refusal offers no way to trust the workspace: ${note}`);
    // Give a prompt that would follow a moment to appear: none may (no role pick, no MFA code box).
    await page.waitForTimeout(2000);
    const widget = page.locator('.quick-input-widget');
    const open = await widget.isVisible().catch(() => false);
    const title = open
      ? (
          await page
            .locator('.quick-input-widget .quick-input-title')
            .innerText()
            .catch(() => '')
        ).trim()
      : '';
    assert.ok(!open, `a quick input opened after the refusal (title "${title}")`);
  });

  it('makes no STS or IAM call, and the log says so', async function () {
    const page = ed.page;
    await runCommand(page, 'RoleCall: Show Log');
    // The Output channel is flushed to the editor's logs; wait for the IAM source line.
    let log = '';
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      log = roleCallLog(ed.server.userData);
      if (/IAM source: \d+ snapshot file\(s\)/.test(log)) break;
      await page.waitForTimeout(500);
    }
    const source = log.split('\n').filter((l) => l.includes('IAM source:'));
    assert.ok(source.length > 0, `the RoleCall log has no "IAM source:" line:\n${log.slice(-2000)}`);
    for (const l of source) {
      assert.match(l, /IAM source: 4 snapshot file\(s\)/, `the snapshots are not all loaded: ${l}`);
      assert.doesNotMatch(l, /live IAM/, `live IAM is on in an untrusted workspace: ${l}`);
    }
    const forbidden = [
      /sts:AssumeRole/,
      /sts:GetSessionToken/,
      /cannot reach/i,
      /minting credentials for/i,
      /mint failed/,
      /default credentials are/,
    ];
    for (const re of forbidden) assert.doesNotMatch(log, re, `the RoleCall log shows an AWS call attempt (${re})`);
    // The only allowed mention of live IAM is the extension's own "off in an untrusted workspace".
    const liveLines = log
      .split('\n')
      .filter(
        (l) => /live IAM/.test(l) && !/IAM source:/.test(l) && !/live IAM is off in an untrusted workspace/.test(l),
      );
    assert.deepEqual(liveLines, [], 'live IAM lines in the RoleCall log');
    assert.deepEqual(connections, [], `the extension connected to the workspace's endpoint ${endpointUrl}`);
  });
});

/** Text of every RoleCall Output-channel file the editor wrote under its logs folder. */
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
