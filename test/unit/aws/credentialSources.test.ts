// A profile (--profile, or AWS_PROFILE) given while AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are in the
// environment: the AWS SDK uses the profile and, having no logger of ours, used to print a nine-line
// warning to the console. The CLI now prints one line of its own saying which one wins, once.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentialSourceNote } from '../../../src/aws/clients';
import { main } from '../../../src/cli/main';
import { recordingIo } from '../cli/helpers';
import { startFakeAws, type FakeAws } from './fakeAws';

const KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
];

describe('aws: a profile next to environment keys', function () {
  this.timeout(20_000);
  let fake: FakeAws;
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  let warned: string[];
  const originalWarn = console.warn;

  before(async () => {
    fake = await startFakeAws();
  });
  after(() => fake.close());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolecall-credsrc-'));
    for (const k of KEYS) saved[k] = process.env[k];
    writeFileSync(
      join(dir, 'credentials'),
      '[ci]\naws_access_key_id = AKIAPROFILEEXAMPLE01\naws_secret_access_key = profile-secret-example\n',
    );
    writeFileSync(join(dir, 'config'), '');
    writeFileSync(
      join(dir, 'Jenkinsfile'),
      "withAWS(role: 'arn:aws:iam::123456789012:role/deploy', duration: 900) { sh 'make' }\n",
    );
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_ACCESS_KEY_ID = 'AKIAENVIRONMENTEX01';
    process.env.AWS_SECRET_ACCESS_KEY = 'environment-secret-example';
    delete process.env.AWS_PROFILE;
    warned = [];
    console.warn = (...args: unknown[]) => void warned.push(args.map(String).join(' '));
  });
  afterEach(() => {
    console.warn = originalWarn;
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('says in one line that the profile wins, and the SDK prints nothing', async () => {
    const io = recordingIo(dir);
    const code = await main(
      ['scan', 'Jenkinsfile', '--live', '--profile', 'ci', '--endpoint-url', fake.url, '--format', 'json'],
      io,
    );
    assert.ok(code === 0 || code === 1, io.err);
    assert.deepEqual(warned, [], 'nothing on the console from the SDK');
    const notes = io.err.split('\n').filter((l) => l.includes('AWS_ACCESS_KEY_ID'));
    assert.deepEqual(notes, [
      'rolecall: note: profile ci is used; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment are ignored (the AWS SDK prefers the profile)',
    ]);
    assert.doesNotMatch(io.err, /AKIA|secret-example/, 'no key material');
    assert.ok(fake.calls.GetCallerIdentity >= 1, 'the SDK did sign requests (with the profile)');
  });

  it('names AWS_PROFILE when the profile comes from the environment', () => {
    assert.equal(
      credentialSourceNote(undefined, { AWS_PROFILE: 'team' }),
      'profile team (AWS_PROFILE) is used; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment are ignored (the AWS SDK prefers the profile)',
    );
  });
});
