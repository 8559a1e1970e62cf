// Credentials files are precious (issue 14 items 8-12): long-term keys are never replaced without force
// (and then backed up), a symbolic link is written through, parallel writers all keep their profiles,
// `~` is expanded as the SDK does, and a writer killed mid-write leaves the old file whole and nothing
// for others to read; the next writer removes what it left.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import {
  credentialsFilePath,
  CredentialsFileError,
  holdsLongTermKeys,
  removeStaleTempFiles,
  writeCredentialsProfile,
} from '../../../../src/core/credentials/credentialsFile';
import { parseIni, sectionEntries, sectionNames } from '../../../../src/core/credentials/ini';
import type { TemporaryCredentials } from '../../../../src/core/ports';

const CREDS: TemporaryCredentials = {
  accessKeyId: 'ASIANEW',
  secretAccessKey: 'newsecret',
  sessionToken: 'newtoken',
  expiration: new Date('2030-01-01T00:00:00Z'),
};
const LONG_TERM =
  '[work]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\n[other]\naws_access_key_id = ASIAOTHER\naws_secret_access_key = s\naws_session_token = t\n';
// The worker runs as plain JavaScript (bundled once): ten tsx start-ups would take seconds each on a busy machine.
const WORKER_SOURCE = join(__dirname, 'workers', 'writeProfile.ts');
let worker = '';
/** A pid that is certainly not running: a child that has exited. */
const WRITERS = 20;
const DEAD_PID = spawnSync(process.execPath, ['-e', '0']).pid as number;

describe('credentials file safety', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => {
    worker = join(mkdtempSync(join(tmpdir(), 'rolecall-worker-')), 'writeProfile.js');
    buildSync({
      entryPoints: [WORKER_SOURCE],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: worker,
      logLevel: 'silent',
    });
  });
  after(() => rmSync(join(worker, '..'), { recursive: true, force: true }));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolecall-safety-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tells long-term keys (AKIA…, or keys without a session token) from temporary ones', () => {
    assert.equal(holdsLongTermKeys({ aws_access_key_id: 'AKIAX', aws_secret_access_key: 's' }), true);
    assert.equal(
      holdsLongTermKeys({ aws_access_key_id: 'AKIAX', aws_secret_access_key: 's', aws_session_token: 'odd' }),
      true,
    );
    assert.equal(
      holdsLongTermKeys({ aws_access_key_id: 'ASIAX', aws_secret_access_key: 's' }),
      true,
      'keys without a session token cannot be temporary',
    );
    assert.equal(
      holdsLongTermKeys({ aws_access_key_id: 'ASIAX', aws_secret_access_key: 's', aws_session_token: 't' }),
      false,
    );
    assert.equal(holdsLongTermKeys({ region: 'eu-west-1' }), false);
    assert.equal(holdsLongTermKeys(null), false);
  });

  it('refuses to replace long-term keys; forced, it replaces them and keeps the old file as a 0600 backup', () => {
    const path = join(dir, 'credentials');
    writeFileSync(path, LONG_TERM, { mode: 0o600 });
    assert.throws(
      () => writeCredentialsProfile('work', CREDS, { path }),
      (e: unknown) =>
        e instanceof CredentialsFileError &&
        e.kind === 'long-term-keys' &&
        /profile \[work\] .* holds long-term access keys; refusing to replace them/.test(e.message) &&
        !e.message.includes('AKIAIOSFODNN7EXAMPLE'),
    );
    assert.equal(readFileSync(path, 'utf8'), LONG_TERM, 'untouched');
    // Another profile name is fine, and the keys stay.
    writeCredentialsProfile('rolecall-work', CREDS, { path });
    assert.equal(
      sectionEntries(parseIni(readFileSync(path, 'utf8')), 'work')?.aws_access_key_id,
      'AKIAIOSFODNN7EXAMPLE',
    );
    const before = readFileSync(path, 'utf8');
    const forced = writeCredentialsProfile('work', CREDS, {
      path,
      force: true,
      now: () => new Date('2026-12-07T18:00:00Z'),
    });
    assert.equal(sectionEntries(parseIni(readFileSync(path, 'utf8')), 'work')?.aws_access_key_id, 'ASIANEW');
    assert.equal(forced.backup, `${path}.rolecall-backup-2026-12-07T18-00-00-000Z`);
    assert.equal(readFileSync(forced.backup, 'utf8'), before);
    assert.equal(statSync(forced.backup).mode & 0o777, 0o600);
    // Temporary credentials are replaced without ceremony (no backup).
    assert.equal(writeCredentialsProfile('work', CREDS, { path }).backup, undefined);
  });

  it('writes through a symbolic link (also a chain, also dangling); the link stays a link', () => {
    const real = join(dir, 'dotfiles', 'aws-credentials');
    mkdirSync(join(dir, 'dotfiles'));
    writeFileSync(real, '[keep]\naws_access_key_id = ASIAK\naws_secret_access_key = s\naws_session_token = t\n');
    mkdirSync(join(dir, '.aws'));
    const link = join(dir, '.aws', 'credentials');
    symlinkSync('../dotfiles/aws-credentials', link);
    const result = writeCredentialsProfile('p', CREDS, { path: link });
    assert.ok(lstatSync(link).isSymbolicLink(), 'still a link');
    assert.equal(readlinkSync(link), '../dotfiles/aws-credentials');
    assert.equal(result.path, real);
    assert.deepEqual(sectionNames(parseIni(readFileSync(real, 'utf8'))), ['keep', 'p']);
    assert.equal(statSync(real).mode & 0o777, 0o600);
    // A chain of links ending at a file that does not exist yet: the file is created at the end of the chain.
    const chain = join(dir, 'chain');
    symlinkSync(join(dir, 'hop'), chain);
    symlinkSync(join(dir, 'dotfiles', 'new-credentials'), join(dir, 'hop'));
    writeCredentialsProfile('q', CREDS, { path: chain });
    assert.ok(lstatSync(chain).isSymbolicLink() && lstatSync(join(dir, 'hop')).isSymbolicLink());
    assert.deepEqual(sectionNames(parseIni(readFileSync(join(dir, 'dotfiles', 'new-credentials'), 'utf8'))), ['q']);
    // A loop is an error, not a hang.
    symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
    symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
    assert.throws(() => writeCredentialsProfile('r', CREDS, { path: join(dir, 'loop-a') }), /symbolic link loop/);
  });

  it("AWS_SHARED_CREDENTIALS_FILE='~/…' is HOME's, as the SDK reads it — never a './~' folder", () => {
    const home = join(dir, 'home');
    const env = { HOME: home, AWS_SHARED_CREDENTIALS_FILE: '~/.aws/credentials' };
    assert.equal(credentialsFilePath({ env }), join(home, '.aws', 'credentials'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      writeCredentialsProfile('p', CREDS, { env });
    } finally {
      process.chdir(cwd);
    }
    assert.deepEqual(sectionNames(parseIni(readFileSync(join(home, '.aws', 'credentials'), 'utf8'))), ['p']);
    assert.ok(!readdirSync(dir).includes('~'), 'no literal ~ folder');
    // Without the variable: HOME/.aws/credentials (the SDK's HOME before the OS's home folder).
    assert.equal(credentialsFilePath({ env: { HOME: home } }), join(home, '.aws', 'credentials'));
    assert.equal(credentialsFilePath({ env: { HOME: home, AWS_SHARED_CREDENTIALS_FILE: '/etc/x' } }), '/etc/x');
  });

  // Twenty one-shot writers: each exits right after releasing the lock, which is what made a waiting writer
  // take the next writer's fresh lock for the dead one's and remove it (a profile was lost under load).
  it('twenty parallel writers (separate processes) all keep their profiles', async () => {
    const path = join(dir, 'credentials');
    writeFileSync(path, LONG_TERM, { mode: 0o600 });
    const runs = Array.from({ length: WRITERS }, (_, i) => runWorker(path, `parallel-${i}`));
    const codes = await Promise.all(runs.map((r) => r.done));
    assert.deepEqual(codes, Array(WRITERS).fill(0));
    const names = sectionNames(parseIni(readFileSync(path, 'utf8')));
    assert.deepEqual(
      names.sort(),
      ['other', 'work', ...Array.from({ length: WRITERS }, (_, i) => `parallel-${i}`)].sort(),
    );
    assert.deepEqual(readdirSync(dir), ['credentials'], 'no lock or temp file left');
  });

  it('a writer killed mid-write: the file stays whole, and the next writer cleans up after it', async () => {
    const path = join(dir, 'credentials');
    writeFileSync(path, LONG_TERM, { mode: 0o600 });
    // A writer that keeps rewriting a large file; killed at some point in its loop.
    const busy = runWorker(path, 'busy', 100000);
    // Once it is writing (its first profile is in the file), kill it at some point of its loop.
    const start = Date.now();
    while (!readFileSync(path, 'utf8').includes('[busy-0]') && Date.now() - start < 10_000)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 200)));
    busy.child.kill('SIGKILL');
    await busy.done;
    // Whatever it was doing, the file is one of its complete versions: both original profiles intact.
    const text = readFileSync(path, 'utf8');
    assert.equal(sectionEntries(parseIni(text), 'work')?.aws_access_key_id, 'AKIAIOSFODNN7EXAMPLE');
    assert.equal(sectionEntries(parseIni(text), 'other')?.aws_session_token, 't');
    for (const name of readdirSync(dir).filter((n) => n !== 'credentials')) {
      // What it may have left (a temp file, its lock) is readable by its owner only.
      assert.equal(statSync(join(dir, name)).mode & 0o077, 0, `${name} is readable by others`);
    }
    // Even left-overs of a crash, as they would be: a temp file and a lock of a process that is gone.
    writeFileSync(join(dir, `.credentials.${DEAD_PID}.0123456789ab.tmp`), LONG_TERM, { mode: 0o600 });
    writeFileSync(join(dir, 'credentials.lock'), `${DEAD_PID}\n`, { mode: 0o600 });
    const next = writeCredentialsProfile('after', CREDS, { path, lockTimeoutMs: 2000 });
    assert.ok(next.cleaned.includes(`.credentials.${DEAD_PID}.0123456789ab.tmp`));
    assert.deepEqual(readdirSync(dir), ['credentials'], 'temp files and the stale lock are gone');
    assert.ok(sectionNames(parseIni(readFileSync(path, 'utf8'))).includes('after'));
  });

  it("a dead writer's lock is removed only under the breaker; a breaker left by a killed writer expires", () => {
    const path = join(dir, 'credentials');
    writeFileSync(join(dir, 'credentials.lock'), `${DEAD_PID}\n`, { mode: 0o600 });
    // Another writer is breaking the lock right now: wait for it, never remove the lock beside it.
    writeFileSync(join(dir, 'credentials.lock.break'), '', { mode: 0o600 });
    assert.throws(
      () => writeCredentialsProfile('p', CREDS, { path, lockTimeoutMs: 300 }),
      (e: unknown) => e instanceof CredentialsFileError && e.kind === 'locked',
    );
    assert.ok(readdirSync(dir).includes('credentials.lock'), 'the lock is left to the breaker');
    // A breaker this old was left by a killed writer: it is removed, then the dead writer's lock.
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'credentials.lock.break'), old, old);
    writeCredentialsProfile('p', CREDS, { path, lockTimeoutMs: 2000 });
    assert.deepEqual(readdirSync(dir), ['credentials']);
    assert.deepEqual(sectionNames(parseIni(readFileSync(path, 'utf8'))), ['p']);
  });

  it('a lock held by a live process is waited for, then reported (never broken)', () => {
    const path = join(dir, 'credentials');
    writeFileSync(join(dir, 'credentials.lock'), `${process.pid}\n`);
    const start = Date.now();
    assert.throws(
      () => writeCredentialsProfile('p', CREDS, { path, lockTimeoutMs: 300 }),
      (e: unknown) =>
        e instanceof CredentialsFileError && e.kind === 'locked' && /locked by another writer/.test(e.message),
    );
    assert.ok(Date.now() - start >= 300);
    assert.ok(readdirSync(dir).includes('credentials.lock'), "another process's lock is left alone");
    assert.deepEqual(removeStaleTempFiles(path), []);
  });
});

function runWorker(
  path: string,
  profile: string,
  loops = 1,
): { child: ReturnType<typeof spawn>; done: Promise<number> } {
  const child = spawn(process.execPath, [worker, path, profile, String(loops)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<number>((resolve) => {
    child.on('close', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') process.stderr.write(stderr);
      resolve(code ?? -1);
    });
  });
  return { child, done };
}
