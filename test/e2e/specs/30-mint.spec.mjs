/* global describe, it, after -- mocha globals */
// Minting through the real input boxes against an STS emulator (moto): pick the pipeline step, see a
// 5-digit MFA code rejected and a 6-digit one accepted, get the credentials as a 0600 profile that
// really works against the emulator — and find no secret in the page, the logs or the artifacts.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clickDialogButton, pageText, quickInput, runCommand, waitForNotification } from '../lib/browser.mjs';
import { findSecrets, knownSecrets } from '../lib/secrets.mjs';
import { useEditor } from '../lib/suite.mjs';

// Through require(): tsx then gives moto.ts the right __dirname (an ESM import here does not).
const { startMoto } = createRequire(import.meta.url)('../../integration/moto.ts');

const MFA_BAD = '12345';
const MFA_GOOD = '123456';
// The code alone, not inside a longer number (moto's account id 123456789012 is no secret).
knownSecrets.add(new RegExp(`(?<![0-9])${MFA_GOOD}(?![0-9])`));

describe('minting credentials', function () {
  let moto;
  const ed = useEditor({
    name: 'mint',
    async beforeStart() {
      moto = await startMoto();
      return {
        settings: { 'rolecall.iam.endpointUrl': moto.url, 'rolecall.iam.region': 'us-east-1' },
        // Fake static credentials for the emulator: the "source identity" the pipeline would have.
        env: {
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      };
    },
  });
  let credentialsFile;

  after(async function () {
    await moto?.stop();
  });

  it('mints through the input boxes, validating the MFA code', async function () {
    const page = ed.page;
    await runCommand(page, 'RoleCall: Mint Credentials for Pipeline Role');
    // 1. Role pick: the MFA-protected admin step of seed 001 (line 25).
    let q = await quickInput(page, { title: /Mint Credentials/ });
    await q.type('seed-001-mfa-users/Jenkinsfile:25');
    await q.pick(/seed-001-mfa-users\/Jenkinsfile:25/);
    // The emulator is not an AWS endpoint: RoleCall asks before it sends an MFA code or ExternalId there.
    const question = await clickDialogButton(page, 'Send to this endpoint');
    assert.match(question, /not an AWS endpoint/);
    assert.ok(question.includes(new URL(moto.url).origin), `the question names the endpoint: ${question}`);
    // 2. Duration: the pipeline asks 10800 s, the role allows 7200: the box proposes the allowed maximum.
    q = await quickInput(page, { title: /session duration/ });
    assert.equal(await q.value(), '7200');
    await q.accept();
    // 3. Session name from the pipeline.
    q = await quickInput(page, { title: /role session name/ });
    assert.equal(await q.value(), 'bob-admin');
    await q.accept();
    // 4. MFA code: 5 digits are refused with a message, 6 are accepted.
    q = await quickInput(page, { title: /MFA code/ });
    assert.match(
      await q.prompt(),
      /arn:aws:iam::111111111111:mfa\/bob/,
      'the MFA prompt names the device from .rolecall.json',
    );
    await q.type(MFA_BAD);
    const refusal = await q.validation();
    assert.match(refusal, /6|six/i, `no validation message for "${MFA_BAD}": ${refusal}`);
    await q.accept();
    assert.ok(await q.stillOpen(), 'a 5-digit MFA code must not be accepted');
    await q.type(MFA_GOOD);
    assert.equal(await q.validation(), '', 'a 6-digit code is valid');
    await q.accept();
    // 5. Where the credentials go: a profile in ~/.aws/credentials (the server's private HOME).
    q = await quickInput(page, { title: /credentials for admin/ });
    await q.pick(/Write a profile/);
    q = await quickInput(page, { title: /profile name/ });
    assert.equal(await q.value(), 'rolecall-admin');
    await q.accept();
    const note = await waitForNotification(page, /wrote profile \[rolecall-admin\]/, 30_000);
    assert.match(note, /0600/);
    credentialsFile = path.join(ed.server.root, 'home', '.aws', 'credentials');
    const mode = statSync(credentialsFile).mode & 0o777;
    assert.equal(mode.toString(8), '600', 'the credentials file is private');
    const text = await pageText(page);
    assert.deepEqual(findSecrets(text, secretsIn(credentialsFile)), [], 'a secret is visible on the page');
  });

  it('the minted credentials are a session of the admin role (checked against the emulator)', async function () {
    const creds = parseProfile(readFileSync(credentialsFile, 'utf8'), 'rolecall-admin');
    assert.match(creds.aws_access_key_id ?? '', /^ASIA/, 'temporary credentials have an ASIA key id');
    assert.ok(creds.aws_session_token, 'the profile has a session token');
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint: moto.url,
      credentials: {
        accessKeyId: creds.aws_access_key_id,
        secretAccessKey: creds.aws_secret_access_key,
        sessionToken: creds.aws_session_token,
      },
    });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    assert.match(
      who.Arn ?? '',
      /:assumed-role\/admin\/bob-admin$/,
      `GetCallerIdentity with the minted keys: ${who.Arn}`,
    );
  });

  it('shows no secret in the page text or the extension logs', async function () {
    const secrets = secretsIn(credentialsFile);
    const text = await pageText(ed.page);
    assert.deepEqual(findSecrets(text, secrets), [], 'secret on the page');
    // The Output channel ("RoleCall: Show Log") is what a person would paste into an issue.
    await runCommand(ed.page, 'RoleCall: Show Log');
    await ed.page.waitForTimeout(1000);
    const withLog = await pageText(ed.page);
    assert.match(withLog, /mint|assum|RoleCall/i, 'the RoleCall log is shown');
    assert.deepEqual(findSecrets(withLog, secrets), [], 'secret in the RoleCall log');
    // Later, 99-artifacts scans every saved log and page text for the same values.
    for (const s of secrets) knownSecrets.add(s);
  });
});

function parseProfile(ini, name) {
  const out = {};
  let inside = false;
  for (const line of ini.split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) inside = header[1] === name;
    else if (inside) {
      const kv = /^\s*([\w]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (kv) out[kv[1]] = kv[2];
    }
  }
  return out;
}

function secretsIn(file) {
  try {
    const p = parseProfile(readFileSync(file, 'utf8'), 'rolecall-admin');
    return [p.aws_access_key_id, p.aws_secret_access_key, p.aws_session_token].filter(Boolean);
  } catch {
    return [];
  }
}
