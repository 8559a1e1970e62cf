import { strict as assert } from 'node:assert';
import { formatCountdown, renderStatus } from '../../../../src/vscode/pure/status';
import { mfaSerialFromConfig, validateMfaCode, validateMfaSerial } from '../../../../src/vscode/pure/mfa';
import {
  credentialKey,
  defaultSessionName,
  externalIdFingerprint,
  parseStoredSession,
  reusable,
  sessionKey,
} from '../../../../src/vscode/pure/sessions';
import { redact, validateProfileName } from '../../../../src/vscode/pure/output';

describe('vscode helpers: status bar', () => {
  it('formats countdowns', () => {
    assert.equal(formatCountdown(65_000), '01:05');
    assert.equal(formatCountdown(3_725_000), '1:02:05');
    assert.equal(formatCountdown(-5), '00:00');
  });
  it('renders each state', () => {
    assert.match(renderStatus({ kind: 'idle' }).text, /RoleCall/);
    assert.match(renderStatus({ kind: 'problems', count: 3 }).text, /3/);
    assert.equal(renderStatus({ kind: 'problems', count: 1 }).warning, true);
    assert.match(renderStatus({ kind: 'iam-unavailable', reason: 'AccessDenied' }).tooltip, /AccessDenied/);
    assert.match(renderStatus({ kind: 'expiring', roleArn: 'arn:aws:iam::1:role/r', msLeft: 90_000 }).text, /01:30/);
    assert.match(renderStatus({ kind: 'scanning', done: 2, total: 5 }).text, /2\/5/);
  });
});

describe('vscode helpers: MFA', () => {
  it('accepts exactly six digits', () => {
    assert.equal(validateMfaCode('123456'), null);
    for (const bad of ['12345', '1234567', 'abcdef', '12 456', '']) assert.notEqual(validateMfaCode(bad), null, bad);
  });
  it('validates serials', () => {
    assert.equal(validateMfaSerial('arn:aws:iam::111111111111:mfa/alice'), null);
    assert.equal(validateMfaSerial('GAHT12345678'), null);
    assert.notEqual(validateMfaSerial('arn:aws:iam::1:mfa/x'), null);
  });
  it('reads mfa_serial of a profile from ~/.aws/config', () => {
    const text =
      '[default]\nregion = us-east-1\n[profile hub]\nmfa_serial = arn:aws:iam::111111111111:mfa/bob\n[profile other]\nmfa_serial=arn:aws:iam::1:mfa/x\n';
    assert.equal(mfaSerialFromConfig(text, 'hub'), 'arn:aws:iam::111111111111:mfa/bob');
    assert.equal(mfaSerialFromConfig(text, 'default'), null);
  });
});

describe('vscode helpers: sessions', () => {
  it('a session is keyed by everything that made it: role, ExternalId, source profile, endpoint, MFA device', () => {
    const base = {
      roleArn: 'arn:aws:iam::222222222222:role/jenkins',
      externalId: 'ext-1',
      profile: 'hub',
      endpointUrl: null,
      mfaSerial: 'arn:aws:iam::111111111111:mfa/bob',
    };
    const key = sessionKey(base);
    assert.equal(sessionKey({ ...base }), key, 'the same origin finds its session');
    const variants = [
      { roleArn: 'arn:aws:iam::222222222222:role/other' },
      { externalId: 'ext-2' },
      { externalId: null },
      { profile: 'prod' },
      { profile: null },
      { endpointUrl: 'http://127.0.0.1:5000' },
      { mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' },
      { mfaSerial: null },
    ];
    const keys = new Set([key, ...variants.map((v) => sessionKey({ ...base, ...v }))]);
    assert.equal(keys.size, variants.length + 1, 'each difference gives another key');
    assert.ok(key.startsWith('rolecall.session:arn:aws:iam::222222222222:role/jenkins:'));
    assert.ok(!key.includes('ext-1') && !key.includes('hub') && !key.includes('mfa/bob'));
  });

  it('keys never contain the ExternalId', () => {
    const key = sessionKey({
      roleArn: 'arn:aws:iam::222222222222:role/jenkins',
      externalId: '7KAXZ44tHx8mKsPxZnCi2X6Yz',
      profile: null,
      endpointUrl: null,
      mfaSerial: null,
    });
    assert.ok(!key.includes('7KAXZ44tHx8mKsPxZnCi2X6Yz'));
    assert.notEqual(externalIdFingerprint('a'), externalIdFingerprint('b'));
    assert.equal(externalIdFingerprint(null), 'none');
    assert.equal(credentialKey('ExternalId'), 'rolecall.credential:ExternalId');
  });
  it('reuses a session until five minutes before expiry', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    assert.equal(reusable(new Date('2026-01-01T00:06:00Z'), now), true);
    assert.equal(reusable(new Date('2026-01-01T00:04:00Z'), now), false);
  });
  it('parses stored sessions defensively', () => {
    assert.equal(parseStoredSession('not json'), null);
    assert.equal(parseStoredSession('{"accessKeyId":1}'), null);
    const s = parseStoredSession(
      JSON.stringify({
        accessKeyId: 'ASIA',
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: '2026-01-01T00:00:00Z',
      }),
    );
    assert.equal(s?.accessKeyId, 'ASIA');
  });
  it('defaults session names like the pipeline', () => {
    assert.equal(defaultSessionName('jenkins-session', 'withAWS', 'app', 'me'), 'jenkins-session');
    assert.equal(defaultSessionName(null, 'credentials-binding', 'app', 'me'), 'Jenkins');
    assert.match(defaultSessionName(null, 'withAWS', 'my app', 'me'), /^[\w+=,.@-]{2,64}$/);
  });
});

describe('vscode helpers: outputs', () => {
  it('validates profile names', () => {
    assert.equal(validateProfileName('rolecall-jenkins'), null);
    assert.notEqual(validateProfileName('bad name]'), null);
  });
  it('redacts keys, tokens and registered secrets', () => {
    const msg = redact('key ASIAEXAMPLEEXAMPLE12 secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ext 7KAXZ44tHx8', [
      '7KAXZ44tHx8',
    ]);
    assert.ok(!msg.includes('EXAMPLEEXAMPLE12'));
    assert.ok(!msg.includes('wJalrXUtnFEMI'));
    assert.ok(!msg.includes('7KAXZ44tHx8'));
    assert.match(redact('role arn:aws:iam::222222222222:role/jenkins'), /role\/jenkins/);
  });
});
