import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  formatCredentials,
  parseSessionTokenString,
  shellQuote,
  toCredentialProcess,
  toEnv,
  toIniProfile,
  toSessionTokenString,
  toShellExports,
} from '../../../../src/core/credentials/formats';
import type { TemporaryCredentials } from '../../../../src/core/ports';

const CREDS: TemporaryCredentials = {
  accessKeyId: 'ASIAEXAMPLEKEY000001',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////+token==',
  expiration: new Date('2030-01-02T03:04:05.000Z'),
};

describe('credential formats', () => {
  it('env: the three variables, AWS_REGION only with a region', () => {
    assert.deepEqual(toEnv(CREDS), {
      AWS_ACCESS_KEY_ID: CREDS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey,
      AWS_SESSION_TOKEN: CREDS.sessionToken,
    });
    assert.equal(toEnv(CREDS, 'eu-west-1').AWS_REGION, 'eu-west-1');
  });

  it('shell export lines evaluate to the exact values in a real POSIX shell', () => {
    const odd: TemporaryCredentials = {
      ...CREDS,
      secretAccessKey: `it's $HOME "quoted" \`cmd\` \\ ; echo INJECTED`,
      sessionToken: 'a b\tc',
    };
    const script = `${toShellExports(odd, 'us-east-1')}printf '%s\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_REGION"`;
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', env: {} });
    assert.equal(out, `${odd.accessKeyId}\n${odd.secretAccessKey}\n${odd.sessionToken}\nus-east-1\n`);
  });

  it('shellQuote: plain values stay bare; anything else is single-quoted with quotes escaped', () => {
    assert.equal(shellQuote(CREDS.secretAccessKey), CREDS.secretAccessKey);
    assert.equal(shellQuote("a'b"), `'a'\\''b'`);
    fc.assert(
      fc.property(fc.string(), (value) => {
        const quoted = shellQuote(value);
        if (quoted.startsWith("'")) {
          // Between the outer quotes, every ' is part of the '\'' escape.
          const inner = quoted.slice(1, -1).split(`'\\''`).join('');
          return !inner.includes("'");
        }
        return /^[A-Za-z0-9_@%+=:,./-]+$/.test(quoted);
      }),
    );
  });

  it('credential_process JSON: Version 1, ISO Expiration, nothing else', () => {
    assert.deepEqual(toCredentialProcess(CREDS), {
      Version: 1,
      AccessKeyId: CREDS.accessKeyId,
      SecretAccessKey: CREDS.secretAccessKey,
      SessionToken: CREDS.sessionToken,
      Expiration: '2030-01-02T03:04:05.000Z',
    });
    assert.deepEqual(
      JSON.parse(formatCredentials(CREDS, 'json')),
      JSON.parse(formatCredentials(CREDS, 'credential-process')),
    );
    assert.ok(!('arn' in JSON.parse(formatCredentials({ ...CREDS, arn: 'arn:aws:sts::1:assumed-role/a/b' }, 'json'))));
  });

  it('ini profile text', () => {
    assert.equal(
      toIniProfile('rolecall-jenkins', CREDS, 'us-east-1'),
      `[rolecall-jenkins]\naws_access_key_id = ${CREDS.accessKeyId}\naws_secret_access_key = ${CREDS.secretAccessKey}\naws_session_token = ${CREDS.sessionToken}\nx_expiration = 2030-01-02T03:04:05.000Z\nregion = us-east-1\n`,
    );
    assert.match(formatCredentials(CREDS, 'ini'), /^\[rolecall\]\n/);
  });

  it("seed 004's SessionToken:AccessKeyId:SecretAccessKey string, and what its pipeline's split(':') gets back", () => {
    const text = toSessionTokenString(CREDS);
    assert.equal(text, `${CREDS.sessionToken}:${CREDS.accessKeyId}:${CREDS.secretAccessKey}`);
    const [token, key, secret] = text.split(':');
    assert.deepEqual([token, key, secret], [CREDS.sessionToken, CREDS.accessKeyId, CREDS.secretAccessKey]);
    assert.deepEqual(parseSessionTokenString(`${text}\n`), {
      sessionToken: CREDS.sessionToken,
      accessKeyId: CREDS.accessKeyId,
      secretAccessKey: CREDS.secretAccessKey,
    });
    assert.equal(parseSessionTokenString('a:b'), null);
    assert.equal(parseSessionTokenString('a::c'), null);
  });
});
