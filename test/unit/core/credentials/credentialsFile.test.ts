import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseIni,
  removeSection,
  replaceSection,
  sectionEntries,
  sectionNames,
  stringifyIni,
} from '../../../../src/core/credentials/ini';
import {
  isValidProfileName,
  removeCredentialsProfile,
  writeCredentialsProfile,
  writeFileAtomic,
} from '../../../../src/core/credentials/credentialsFile';
import {
  awsConfigPath,
  awsCredentialsPath,
  effectiveProfile,
  mfaSerialFromConfig,
  profileFromConfigText,
} from '../../../../src/core/credentials/awsConfig';
import type { TemporaryCredentials } from '../../../../src/core/ports';

const CREDS: TemporaryCredentials = {
  accessKeyId: 'ASIANEW',
  secretAccessKey: 'newsecret',
  sessionToken: 'newtoken',
  expiration: new Date('2030-01-01T00:00:00Z'),
};

const EXISTING = `# my AWS keys — keep this comment
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = defaultsecret

[rolecall-jenkins]
# minted last week
aws_access_key_id = ASIAOLD
aws_secret_access_key = oldsecret
aws_session_token = oldtoken

[other]
aws_access_key_id = AKIAOTHER ; inline
aws_secret_access_key = othersecret
`;

describe('ini files', () => {
  it('round-trips text byte for byte', () => {
    assert.equal(stringifyIni(parseIni(EXISTING)), EXISTING);
    const crlf = EXISTING.replace(/\n/g, '\r\n');
    assert.equal(stringifyIni(parseIni(crlf)), crlf);
  });

  it('replaces one section, keeping comments, other sections and their order', () => {
    const doc = replaceSection(parseIni(EXISTING), 'rolecall-jenkins', [
      ['aws_access_key_id', 'ASIANEW'],
      ['aws_secret_access_key', 'newsecret'],
    ]);
    const text = stringifyIni(doc);
    assert.deepEqual(sectionNames(doc), ['default', 'rolecall-jenkins', 'other']);
    assert.ok(text.startsWith('# my AWS keys — keep this comment\n[default]\naws_access_key_id = AKIADEFAULT\n'));
    assert.ok(text.includes('# minted last week'));
    assert.ok(!text.includes('ASIAOLD') && !text.includes('oldtoken'));
    assert.deepEqual(sectionEntries(doc, 'rolecall-jenkins'), {
      aws_access_key_id: 'ASIANEW',
      aws_secret_access_key: 'newsecret',
    });
    assert.equal(sectionEntries(doc, 'other')?.aws_secret_access_key, 'othersecret');
  });

  it('appends a new section after a blank line, and drops a duplicate section', () => {
    const appended = stringifyIni(replaceSection(parseIni('[a]\nk = 1\n'), 'b', [['k', '2']]));
    assert.equal(appended, '[a]\nk = 1\n\n[b]\nk = 2\n');
    const dup = replaceSection(parseIni('[b]\nk = 1\n[c]\nx = 1\n[b]\nk = 3\n'), 'b', [['k', '9']]);
    assert.equal(stringifyIni(dup), '[b]\nk = 9\n[c]\nx = 1\n');
    assert.equal(stringifyIni(removeSection(parseIni('[a]\nk = 1\n[b]\nk = 2\n'), 'a')), '[b]\nk = 2\n');
  });
});

describe('credentials file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolecall-cred-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes or replaces a profile atomically with mode 0600, keeping the rest', () => {
    const path = join(dir, 'credentials');
    writeFileSync(path, EXISTING, { mode: 0o644 });
    writeCredentialsProfile('rolecall-jenkins', CREDS, { path, region: 'eu-west-1' });
    const text = readFileSync(path, 'utf8');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.ok(text.includes('[default]\naws_access_key_id = AKIADEFAULT'));
    assert.ok(text.includes('[other]\naws_access_key_id = AKIAOTHER ; inline'));
    assert.deepEqual(sectionEntries(parseIni(text), 'rolecall-jenkins'), {
      aws_access_key_id: 'ASIANEW',
      aws_secret_access_key: 'newsecret',
      aws_session_token: 'newtoken',
      x_expiration: '2030-01-01T00:00:00.000Z',
      region: 'eu-west-1',
    });
    assert.deepEqual(readdirSync(dir), ['credentials'], 'no temp file left behind');
  });

  it('creates the file (and its folder) when missing', () => {
    const path = join(dir, 'nested', '.aws', 'credentials');
    writeCredentialsProfile('p1', CREDS, { path });
    assert.equal(
      readFileSync(path, 'utf8'),
      '[p1]\naws_access_key_id = ASIANEW\naws_secret_access_key = newsecret\naws_session_token = newtoken\nx_expiration = 2030-01-01T00:00:00.000Z\n',
    );
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('a failed write leaves the target untouched and no temp file', () => {
    // The target is a non-empty directory: the final rename fails after the temp file was written.
    const target = join(dir, 'credentials');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'x');
    assert.throws(() => writeFileAtomic(target, 'new content', 0o600));
    assert.deepEqual(readdirSync(dir), ['credentials']);
    assert.equal(readFileSync(join(target, 'keep'), 'utf8'), 'x');
  });

  it('refuses profile names that would break the file', () => {
    for (const bad of ['', 'a]b', 'a\nb', 'a b', 'x'.repeat(129)]) {
      assert.equal(isValidProfileName(bad), false, JSON.stringify(bad));
      assert.throws(() => writeCredentialsProfile(bad, CREDS, { path: join(dir, 'c') }), /invalid profile name/);
    }
    assert.ok(isValidProfileName('rolecall-222222222222.jenkins@x+y_z'));
  });

  it('removes a profile (clear sessions), reporting whether it was there', () => {
    const path = join(dir, 'credentials');
    writeFileSync(path, EXISTING);
    assert.equal(removeCredentialsProfile('rolecall-jenkins', { path }), true);
    assert.deepEqual(sectionNames(parseIni(readFileSync(path, 'utf8'))), ['default', 'other']);
    assert.equal(removeCredentialsProfile('rolecall-jenkins', { path }), false);
    assert.equal(removeCredentialsProfile('x', { path: join(dir, 'missing') }), false);
  });
});

describe('AWS shared config', () => {
  const CONFIG = `[default]
region = us-east-1

[profile alice]
mfa_serial = arn:aws:iam::111111111111:mfa/alice
region = eu-west-1
s3 =
  max_concurrent_requests = 20

[profile admin]
role_arn = arn:aws:iam::222222222222:role/admin
source_profile = alice
`;

  it("reads a profile's settings ([default] / [profile NAME]), ignoring nested blocks", () => {
    assert.deepEqual(profileFromConfigText(CONFIG, 'default'), { region: 'us-east-1' });
    assert.deepEqual(profileFromConfigText(CONFIG, 'alice'), {
      mfa_serial: 'arn:aws:iam::111111111111:mfa/alice',
      region: 'eu-west-1',
      s3: '',
    });
    assert.equal(profileFromConfigText(CONFIG, 'nobody'), null);
  });

  it('finds mfa_serial in the config file; null when the profile or file has none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-cfg-'));
    try {
      const path = join(dir, 'config');
      writeFileSync(path, CONFIG);
      assert.equal(mfaSerialFromConfig('alice', path), 'arn:aws:iam::111111111111:mfa/alice');
      assert.equal(mfaSerialFromConfig('admin', path), null);
      assert.equal(mfaSerialFromConfig('alice', join(dir, 'missing')), null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('paths and profile follow the AWS CLI environment variables', () => {
    assert.equal(awsConfigPath({ AWS_CONFIG_FILE: '/x/config' }, '/home/u'), '/x/config');
    assert.equal(awsConfigPath({}, '/home/u'), join('/home/u', '.aws', 'config'));
    assert.equal(awsCredentialsPath({ AWS_SHARED_CREDENTIALS_FILE: '/x/c' }, '/h'), '/x/c');
    assert.equal(awsCredentialsPath({}, '/h'), join('/h', '.aws', 'credentials'));
    assert.equal(effectiveProfile(undefined, { AWS_PROFILE: 'p' }), 'p');
    assert.equal(effectiveProfile('given', { AWS_PROFILE: 'p' }), 'given');
    assert.equal(effectiveProfile(undefined, {}), 'default');
  });
});
