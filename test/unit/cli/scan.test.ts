import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { recordingIo } from './helpers';

function workspace(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'rolecall-scan-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

async function run(cwd: string, ...args: string[]) {
  const io = recordingIo(cwd);
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

const PIPELINE =
  "node {\n  withAWS(role: 'arn:aws:iam::222222222222:role/deploy', duration: 900) {\n    sh 'aws s3 ls'\n  }\n}\n";

describe('rolecall scan: bad input', () => {
  const oneLine = (err: string) => {
    assert.equal(err.split('\n').filter(Boolean).length, 1, `expected one line on stderr, got: ${err}`);
    assert.ok(!/\n\s+at /.test(err), 'no stack trace');
  };

  it('a missing path: exit 2, one line', async () => {
    const r = await run(workspace({}), 'scan', 'nope');
    assert.equal(r.code, 2);
    assert.equal(r.err, 'rolecall scan: nope: no such file or directory\n');
    oneLine(r.err);
  });

  it('a snapshot that is not JSON: exit 2, one line naming the file', async () => {
    const root = workspace({ Jenkinsfile: PIPELINE, 'iam.json': '{ not json' });
    const r = await run(root, 'scan', '.', '--iam-snapshot', 'iam.json');
    assert.equal(r.code, 2);
    assert.match(r.err, /^rolecall scan: IAM snapshot iam\.json: /);
    oneLine(r.err);
  });

  it('a missing snapshot, a bad --format, --profile without --live, an unknown flag: exit 2', async () => {
    const root = workspace({ Jenkinsfile: PIPELINE });
    for (const args of [
      ['--iam-snapshot', 'missing.json'],
      ['--format', 'xml'],
      ['--profile', 'p'],
      ['--frobnicate'],
    ]) {
      const r = await run(root, 'scan', '.', ...args);
      assert.equal(r.code, 2, args.join(' '));
      oneLine(r.err);
      assert.equal(r.out, '');
    }
  });

  it('binary and non-UTF-8 files go to errors[] and scanning goes on', async () => {
    const root = workspace({
      'a/Jenkinsfile': Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00]),
      'b/Jenkinsfile': Buffer.from(Array.from({ length: 200 }, (_, i) => 0x80 + (i % 64))),
      'c/Jenkinsfile': PIPELINE,
      'd/Jenkinsfile': '}}}{{{ ))) withAWS(role: ',
    });
    const r = await run(root, 'scan', '.', '--format', 'json');
    const json = JSON.parse(r.out);
    assert.deepEqual(
      json.errors.map((e: { file: string }) => e.file),
      ['a/Jenkinsfile', 'b/Jenkinsfile', 'd/Jenkinsfile'],
    );
    assert.match(json.errors[0].message, /binary/);
    assert.match(json.errors[1].message, /UTF-8/);
    assert.equal(json.usages.filter((u: { file: string }) => u.file === 'c/Jenkinsfile').length, 1);
    assert.equal(r.code, 0);
  });

  it('warns about a credentials file others can read, and accepts one that is private', async () => {
    const root = workspace({ Jenkinsfile: PIPELINE, 'creds.json': '{"ExternalId": "abc-123"}' });
    chmodSync(join(root, 'creds.json'), 0o644);
    let r = await run(root, 'scan', '.', '--credentials-file', 'creds.json');
    assert.match(r.err, /readable by other users; run: chmod 600 creds\.json/);
    assert.ok(!r.err.includes('abc-123') && !r.out.includes('abc-123'));
    chmodSync(join(root, 'creds.json'), 0o600);
    r = await run(root, 'scan', '.', '--credentials-file', 'creds.json');
    assert.equal(r.err, '');
  });

  it('a credentials file that is not JSON: exit 2 with the position, never a slice of its (secret) text', async () => {
    const root = workspace({ Jenkinsfile: PIPELINE, 'creds.json': '{"ExternalId": s3cretvalue-123}' });
    chmodSync(join(root, 'creds.json'), 0o600);
    const r = await run(root, 'scan', '.', '--credentials-file', 'creds.json');
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /^rolecall scan: credentials file creds\.json is not valid JSON at 1:16 \(contents not shown: they may be secret\)$/m,
    );
    assert.ok(!/s3cret|cretval|value-123/.test(r.err), r.err);
    oneLine(r.err);
  });

  it('a malformed --credential never echoes its value', async () => {
    const r = await run(workspace({ Jenkinsfile: PIPELINE }), 'scan', '.', '--credential', 'supersecretvalue');
    assert.equal(r.code, 2);
    assert.ok(!r.err.includes('supersecretvalue'));
  });

  it('reports role chaining beyond one hour without any IAM data (the caller decides it)', async () => {
    const root = workspace({
      Jenkinsfile:
        "node('ecs') {\n  sh 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/deploy-role --role-session-name x1 --duration-seconds 7200'\n}\n",
    });
    const r = await run(root, 'scan', '.', '--format', 'json', '--caller', 'arn:aws:iam::111111111111:role/ecs-task');
    const json = JSON.parse(r.out);
    assert.deepEqual(
      json.findings.map((f: { code: string; line: number; column: number }) => [f.code, f.line, f.column]),
      [['role-chaining-duration', 2, 7]],
    );
    assert.equal(r.code, 1);
  });

  it('--help prints the usage and exits 0; an unknown command exits 2', async () => {
    const help = await run(workspace({}), '--help');
    assert.equal(help.code, 0);
    assert.match(help.out, /rolecall scan \[PATH/);
    // The overview names every flag the contract gives scan, impact and snapshot (it lacked these).
    for (const flag of ['--jenkins-casc FILE', '--iac PATH', '--assume-role-template', '--out-dir DIR'])
      assert.ok(help.out.includes(flag), `rolecall --help names ${flag}`);
    const scanHelp = await run(workspace({}), 'scan', '--help');
    assert.match(scanHelp.out, /--iam-snapshot FILE/);
    const unknown = await run(workspace({}), 'frob');
    assert.equal(unknown.code, 2);
  });
});
