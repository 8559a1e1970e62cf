// A repository cannot steer the scan (issue 14 items 3, 4, 7): a `.rolecall.json` naming files outside its
// folder, a FIFO, a device, a symbolic link out, a huge file — each is refused in one line, within seconds,
// without printing a byte of the file; pipeline files found while walking that cannot be read are errors[]
// entries, paths given explicitly exit 2; symbolic links in the tree are followed once, without loops.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findPipelineFiles } from '../../../src/cli/files';
import { main } from '../../../src/cli/main';
import { INPUT_LIMITS } from '../../../src/files/read';
import type { FileError } from '../../../src/core/types';
import { recordingIo } from './helpers';

const SECRET = 'ghp_R0leCallTestSecretToken1234567890';
const PIPELINE =
  "node {\n  withAWS(role: 'arn:aws:iam::222222222222:role/deploy', duration: 900) {\n    sh 'aws s3 ls'\n  }\n}\n";

function dir(prefix = 'rolecall-hostile-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function workspace(files: Record<string, string>): string {
  const root = dir();
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

function fifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

async function run(cwd: string, ...args: string[]) {
  const io = recordingIo(cwd);
  const start = Date.now();
  const code = await main(args, io);
  return { code, out: io.out, err: io.err, ms: Date.now() - start };
}

/** One line on stderr, nothing on stdout, no secret anywhere, quick. */
function refused(r: { code: number; out: string; err: string; ms: number }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.err);
  assert.equal(r.out, '');
  assert.equal(r.err.split('\n').filter(Boolean).length, 1, r.err);
  assert.match(r.err, pattern);
  assert.ok(!r.err.includes('ghp_') && !r.err.includes('R0leCall'), `file content leaked: ${r.err}`);
  assert.ok(r.ms < 3000, `took ${r.ms} ms`);
}

describe('a hostile .rolecall.json cannot steer the scan', function () {
  this.timeout(10_000);

  it('iamSnapshots outside the config folder (absolute, ../) is refused, naming the flag that would allow it', async () => {
    const elsewhere = workspace({ 'token.txt': `${SECRET}\n` });
    for (const entry of [join(elsewhere, 'token.txt'), `../${elsewhere.split('/').pop()}/token.txt`]) {
      const root = workspace({ Jenkinsfile: PIPELINE, '.rolecall.json': JSON.stringify({ iamSnapshots: [entry] }) });
      const r = await run(root, 'scan', '.');
      refused(
        r,
        /rolecall scan: \.rolecall\.json: iamSnapshots entry '.*token\.txt' points outside the folder of the config \(\.\); a project config only names files inside its own folder — to use that file, pass --iam-snapshot /,
      );
    }
  });

  it("the same file given on the command line is the user's choice: read (and its parse error quotes nothing)", async () => {
    const elsewhere = workspace({ 'token.txt': `${SECRET}\n` });
    const root = workspace({ Jenkinsfile: PIPELINE });
    const r = await run(root, 'scan', '.', '--iam-snapshot', join(elsewhere, 'token.txt'));
    refused(r, /IAM snapshot .*token\.txt: .*not a JSON IAM snapshot \(unexpected text: expected a value\)/);
  });

  it('a symbolic link inside the folder that points outside is refused', async () => {
    const elsewhere = workspace({ 'iam.json': '{"RoleDetailList": []}' });
    const root = workspace({
      Jenkinsfile: PIPELINE,
      '.rolecall.json': JSON.stringify({ iamSnapshots: ['iam/link.json'] }),
    });
    mkdirSync(join(root, 'iam'));
    symlinkSync(join(elsewhere, 'iam.json'), join(root, 'iam', 'link.json'));
    refused(
      await run(root, 'scan', '.'),
      /iamSnapshots entry 'iam\/link\.json' is a symbolic link to a file outside the folder of the config/,
    );
    // A link that stays inside is fine.
    writeFileSync(join(root, 'iam', 'real.json'), '{"RoleDetailList": [], "AccountId": "222222222222"}');
    symlinkSync(join(root, 'iam', 'real.json'), join(root, 'iam', 'inside.json'));
    writeFileSync(join(root, '.rolecall.json'), JSON.stringify({ iamSnapshots: ['iam/inside.json'] }));
    const ok = await run(root, 'scan', '.');
    assert.equal(ok.err, '');
    assert.match(
      ok.out,
      /role-not-found: Role deploy does not exist in account 222222222222/,
      'the linked snapshot was read',
    );
  });

  it('a FIFO named as a snapshot does not hang: refused at once', async () => {
    const root = workspace({ Jenkinsfile: PIPELINE, '.rolecall.json': JSON.stringify({ iamSnapshots: ['iam.json'] }) });
    fifo(join(root, 'iam.json'));
    refused(
      await run(root, 'scan', '.'),
      /IAM snapshot iam\.json: a FIFO \(named pipe\), not a regular file: only regular files are read/,
    );
    refused(await run(root, 'snapshot', '--check', 'iam.json'), /a FIFO \(named pipe\), not a regular file/);
  });

  it('a device (/dev/zero) does not grow memory: refused at once, also through a link inside the folder', async () => {
    refused(
      await run(dir(), 'scan', '.', '--iam-snapshot', '/dev/zero'),
      /IAM snapshot \/dev\/zero: a character device, not a regular file/,
    );
    const root = workspace({
      Jenkinsfile: PIPELINE,
      '.rolecall.json': JSON.stringify({ iamSnapshots: ['zero.json'] }),
    });
    symlinkSync('/dev/zero', join(root, 'zero.json'));
    refused(await run(root, 'scan', '.'), /is a symbolic link to a file outside the folder of the config/);
  });

  it('a huge snapshot (sparse, above the limit) is refused by its size without reading it', async () => {
    const root = workspace({ Jenkinsfile: PIPELINE, '.rolecall.json': JSON.stringify({ iamSnapshots: ['iam.json'] }) });
    writeFileSync(join(root, 'iam.json'), '');
    truncateSync(join(root, 'iam.json'), INPUT_LIMITS.snapshot + 1);
    refused(
      await run(root, 'scan', '.'),
      /IAM snapshot iam\.json: 256 MB, above the 256 MB limit for this kind of file/,
    );
  });

  it('the config itself: a FIFO, a huge file, or invalid JSON whose first word is a secret', async () => {
    const asFifo = workspace({ Jenkinsfile: PIPELINE });
    fifo(join(asFifo, '.rolecall.json'));
    refused(await run(asFifo, 'scan', '.'), /config \.rolecall\.json: a FIFO \(named pipe\), not a regular file/);
    const huge = workspace({ Jenkinsfile: PIPELINE, '.rolecall.json': '' });
    truncateSync(join(huge, '.rolecall.json'), INPUT_LIMITS.config + 10);
    refused(await run(huge, 'scan', '.'), /config \.rolecall\.json: 4\.0 MB, above the 4\.0 MB limit/);
    for (const text of [`${SECRET}\n`, `{"${SECRET}" 1}`, `{"a": ${SECRET}}`]) {
      const bad = workspace({ Jenkinsfile: PIPELINE, '.rolecall.json': text });
      refused(await run(bad, 'scan', '.'), /config \.rolecall\.json is not valid JSON at 1:\d+: /);
    }
  });
});

describe('pipeline files that cannot be read', function () {
  this.timeout(10_000);

  it('found while walking: a FIFO, a dangling link, a huge file are errors[] entries; the rest is scanned', async () => {
    const root = workspace({ 'ok/Jenkinsfile': PIPELINE, 'big/Jenkinsfile': '' });
    mkdirSync(join(root, 'pipe'));
    fifo(join(root, 'pipe', 'Jenkinsfile'));
    mkdirSync(join(root, 'dangling'));
    symlinkSync(join(root, 'nowhere'), join(root, 'dangling', 'Jenkinsfile'));
    truncateSync(join(root, 'big', 'Jenkinsfile'), INPUT_LIMITS.pipeline + 1);
    const r = await run(root, 'scan', '.', '--format', 'json');
    assert.ok(r.ms < 3000, `took ${r.ms} ms`);
    const json = JSON.parse(r.out);
    assert.deepEqual(
      json.errors.map((e: FileError) => [e.file, e.message]),
      [
        ['big/Jenkinsfile', '8.0 MB, above the 8.0 MB limit for this kind of file; skipped'],
        ['dangling/Jenkinsfile', 'a symbolic link that cannot be followed (no such file or directory); skipped'],
        ['pipe/Jenkinsfile', 'a FIFO (named pipe), not a regular file; skipped'],
      ].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
    assert.deepEqual(
      json.usages.map((u: { file: string }) => u.file),
      ['ok/Jenkinsfile'],
    );
    assert.equal(r.code, 0);
    const text = await run(root, 'scan', '.');
    assert.match(text.out, /; 3 files not fully analysed/);
  });

  it('given explicitly: a FIFO, a device, a huge file exit 2 with the path and the reason', async () => {
    const root = workspace({ Jenkinsfile: '' });
    fifo(join(root, 'Jenkinsfile.pipe'));
    truncateSync(join(root, 'Jenkinsfile'), INPUT_LIMITS.pipeline + 1);
    refused(
      await run(root, 'scan', 'Jenkinsfile.pipe'),
      /^rolecall scan: Jenkinsfile\.pipe: a FIFO \(named pipe\), not a regular file or directory: only those are scanned\n$/,
    );
    refused(
      await run(root, 'scan', '/dev/zero'),
      /^rolecall scan: \/dev\/zero: a character device, not a regular file or directory/,
    );
    refused(
      await run(root, 'scan', 'Jenkinsfile'),
      /^rolecall scan: Jenkinsfile: 8\.0 MB, above the 8\.0 MB limit for this kind of file\n$/,
    );
  });

  it('symbolic links in the tree are followed once: linked files and folders are scanned, loops end', () => {
    const root = workspace({ 'real/Jenkinsfile': PIPELINE, 'shared/vars/deploy.groovy': PIPELINE });
    symlinkSync(join(root, 'real', 'Jenkinsfile'), join(root, 'Jenkinsfile'));
    mkdirSync(join(root, 'ci'));
    symlinkSync(join(root, 'shared'), join(root, 'ci', 'lib'));
    symlinkSync(root, join(root, 'real', 'loop')); // back to the top
    symlinkSync(join(root, 'ci'), join(root, 'ci', 'self'));
    const at = (p: string) => resolve(root, p);
    const errors: FileError[] = [];
    const files = findPipelineFiles(['.'], at, errors);
    // Each real file once: under its shortest name, or its folder's real place when both are met at once.
    assert.deepEqual(files, ['Jenkinsfile', 'shared/vars/deploy.groovy']);
    assert.deepEqual(errors, []);
    // A linked Jenkinsfile on its own is found too (was skipped in silence).
    const alone = workspace({ 'target/pipeline.txt': PIPELINE });
    symlinkSync(join(alone, 'target', 'pipeline.txt'), join(alone, 'Jenkinsfile'));
    assert.deepEqual(
      findPipelineFiles(['.'], (p) => resolve(alone, p)),
      ['Jenkinsfile'],
    );
  });
});
