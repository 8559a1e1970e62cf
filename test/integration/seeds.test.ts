// The seeds' IAM (examples/iam/*.json) replayed into moto, then checked end to end through the CLI:
// (b) `scan --live` against moto finds exactly what `scan --iam-snapshot` finds;
// (c) `rolecall snapshot` against moto round-trips into a snapshot the snapshot reader accepts;
// (d) `rolecall mint` for each seed's role, then GetCallerIdentity with the minted credentials.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { parseSnapshot } from '../../src/core/iam/snapshot';
import { credentialsFor, iamIn, writeProfiles } from './accounts';
import type { StaticCredentials } from './accounts';
import { REGION, startMoto } from './moto';
import { startFaultProxy } from './faultProxy';
import type { Moto } from './moto';
import { documentText, replaySnapshot } from './replay';
import type { ReplayReport } from './replay';

const root = join(__dirname, '..', '..');
const SNAPSHOTS = readdirSync(join(root, 'examples', 'iam'))
  .filter((f) => /^\d{12}\.json$/.test(f))
  .sort();
const ACCOUNTS = SNAPSHOTS.map((f) => f.slice(0, 12));
const profileOf = (account: string) => `acct${account}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source (no build step to go stale) with the given environment. */
function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_')) base[k] = v;
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], {
      cwd: root,
      env: { ...base, AWS_EC2_METADATA_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  code: string;
  severity: string;
  roleArn: string | null;
  message: string;
}

function parseScan(run: Run, label: string): { usages: unknown[]; findings: JsonFinding[]; errors: unknown[] } {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`${label}: scan printed no JSON (exit ${run.code}); stderr: ${run.stderr.slice(0, 800)}`);
  }
}

describe('seeds end to end against moto (live scan, snapshot, mint)', function () {
  this.timeout(120_000);
  let moto: Moto;
  let work: string;
  let env: Record<string, string>;
  const reports: ReplayReport[] = [];
  const creds: Record<string, StaticCredentials> = {};

  before(async () => {
    assert.ok(SNAPSHOTS.length >= 4, 'examples/iam has the four account snapshots');
    moto = await startMoto();
    for (const file of SNAPSHOTS) {
      const account = file.slice(0, 12);
      const iam = await iamIn(moto.url, account);
      try {
        reports.push(await replaySnapshot(iam, join(root, 'examples', 'iam', file)));
      } finally {
        iam.destroy();
      }
      creds[account] = await credentialsFor(moto.url, account);
    }
    const profiles = writeProfiles(Object.fromEntries(ACCOUNTS.map((a) => [profileOf(a), creds[a]])));
    work = profiles.dir;
    env = { AWS_SHARED_CREDENTIALS_FILE: profiles.credentialsFile, AWS_CONFIG_FILE: profiles.configFile };
  });
  after(async () => {
    await moto?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('replays every role of the example snapshots into moto', () => {
    const roles = reports.flatMap((r) => r.roles);
    assert.ok(roles.includes('arn:aws:iam::222222222222:role/jenkins'));
    assert.ok(roles.includes('arn:aws:iam::333333333333:role/deploy-role'));
    assert.ok(roles.includes('arn:aws:iam::444444444444:role/jenkins-ecr-push-role'));
    // Only permissions policies IAM itself would refuse may be missing (seed 000's trailing comma).
    for (const refused of reports.flatMap((r) => r.refused))
      assert.match(refused, /policy .*Malformed|attachment .*not created/);
  });

  it('(b) scan --live against moto reports the same findings as the snapshot scan', async () => {
    // The example config without its snapshot list, so the live run really reads IAM.
    const config = JSON.parse(readFileSync(join(root, 'examples', '.rolecall.json'), 'utf8'));
    delete config.iamSnapshots;
    delete config.$schema;
    // Roles defined as code would answer instead of IAM (and their paths are relative to examples/).
    delete config.iac;
    // Its JCasC paths are relative to examples/ too: pass them as flags (who runs each agent label).
    const casc = ((config.jenkinsCasc as string[] | undefined) ?? []).flatMap((f) => [
      '--jenkins-casc',
      `examples/${f}`,
    ]);
    delete config.jenkinsCasc;
    const configFile = join(work, 'rolecall.json');
    writeFileSync(configFile, JSON.stringify(config));
    const common = [
      'scan',
      'examples',
      '--format',
      'json',
      '--config',
      configFile,
      '--credentials-file',
      'examples/jenkins-credentials.example.json',
      ...casc,
    ];

    const offline = await cli([...common, ...SNAPSHOTS.flatMap((f) => ['--iam-snapshot', `examples/iam/${f}`])], env);
    const live = await cli(
      [
        ...common,
        '--live',
        '--endpoint-url',
        moto.url,
        '--region',
        REGION,
        '--profile',
        profileOf('111111111111'),
        ...ACCOUNTS.filter((a) => a !== '111111111111').flatMap((a) => ['--account-profile', `${a}=${profileOf(a)}`]),
      ],
      env,
    );
    const a = parseScan(offline, 'snapshot scan');
    const b = parseScan(live, 'live scan');
    assert.ok(a.findings.length >= 10, `the snapshot scan finds the seeds' mistakes (got ${a.findings.length})`);
    assert.equal(live.code, offline.code, `exit status (live stderr: ${live.stderr.slice(0, 400)})`);
    assert.deepEqual(
      b.findings.filter((f) => f.code === 'iam-unavailable'),
      [],
      'live IAM answered every lookup',
    );
    // Findings anchored in the pipelines (snapshot scans may also report at the snapshot file itself).
    const key = (f: JsonFinding) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.roleArn ?? '-'}`;
    const inPipelines = (list: JsonFinding[]) =>
      list
        .filter((f) => !f.file.startsWith('examples/iam/'))
        .map(key)
        .sort();
    assert.deepEqual(inPipelines(b.findings), inPipelines(a.findings));
    assert.deepEqual(b.usages, a.usages);
  });

  it('(e) scan --live when IAM refuses: iam-unavailable with the reason wherever a trust check was due, never a pass', async () => {
    const config = JSON.parse(readFileSync(join(root, 'examples', '.rolecall.json'), 'utf8'));
    delete config.iamSnapshots;
    delete config.$schema;
    // Roles defined as code would answer instead of IAM (and their paths are relative to examples/).
    delete config.iac;
    // Its JCasC paths are relative to examples/ too: pass them as flags (who runs each agent label).
    const casc = ((config.jenkinsCasc as string[] | undefined) ?? []).flatMap((f) => [
      '--jenkins-casc',
      `examples/${f}`,
    ]);
    delete config.jenkinsCasc;
    const configFile = join(work, 'rolecall-faults.json');
    writeFileSync(configFile, JSON.stringify(config));
    const proxy = await startFaultProxy(moto.url);
    try {
      proxy.setRules([{ action: 'GetRole', fault: { kind: 'access-denied' } }]);
      const common = [
        'scan',
        'examples',
        '--format',
        'json',
        '--config',
        configFile,
        '--credentials-file',
        'examples/jenkins-credentials.example.json',
        ...casc,
      ];
      const offline = parseScan(
        await cli([...common, ...SNAPSHOTS.flatMap((f) => ['--iam-snapshot', `examples/iam/${f}`])], env),
        'snapshot scan',
      );
      const run = await cli(
        [
          ...common,
          '--live',
          '--endpoint-url',
          proxy.url,
          '--region',
          REGION,
          '--profile',
          profileOf('111111111111'),
          ...ACCOUNTS.filter((a) => a !== '111111111111').flatMap((a) => ['--account-profile', `${a}=${profileOf(a)}`]),
        ],
        env,
      );
      const faulted = parseScan(run, 'faulted live scan');
      const unavailable = faulted.findings.filter((f) => f.code === 'iam-unavailable');
      assert.ok(unavailable.length > 0, `no iam-unavailable (stderr: ${run.stderr.slice(0, 300)})`);
      for (const f of unavailable) assert.match(f.message, /AccessDenied/);
      const trustCodes = new Set([
        'role-not-found',
        'trust-principal-mismatch',
        'external-id-missing',
        'external-id-mismatch',
        'external-id-unused',
        'mfa-required',
        'duration-exceeds-max',
      ]);
      assert.deepEqual(
        faulted.findings.filter((f) => trustCodes.has(f.code)),
        [],
        'no trust verdict without IAM data',
      );
      // Each usage with a trust verdict offline must carry an iam-unavailable finding now.
      type U = { file: string; line: number; column: number; endLine: number; endColumn: number };
      const within = (f: JsonFinding, u: U) =>
        f.file === u.file &&
        (f.line > u.line || (f.line === u.line && f.column >= u.column)) &&
        (f.line < u.endLine || (f.line === u.endLine && f.column <= u.endColumn));
      const usages = faulted.usages as U[];
      let checked = 0;
      for (const u of usages) {
        if (!offline.findings.some((f) => trustCodes.has(f.code) && within(f, u))) continue;
        checked++;
        assert.ok(
          unavailable.some((f) => within(f, u)),
          `usage ${u.file}:${u.line}:${u.column} had a trust verdict offline but no iam-unavailable when IAM refuses`,
        );
      }
      assert.ok(checked >= 5, `checked ${checked} usages`);
    } finally {
      await proxy.close();
    }
  });

  it('(c) rolecall snapshot against moto round-trips into an accepted snapshot', async () => {
    for (const account of ['222222222222', '333333333333']) {
      const out = join(work, `snap-${account}.json`);
      const run = await cli(
        ['snapshot', '--out', out, '--endpoint-url', moto.url, '--region', REGION, '--profile', profileOf(account)],
        env,
      );
      assert.equal(run.code, 0, run.stderr);
      const text = readFileSync(out, 'utf8');
      const parsed = parseSnapshot(out, text);
      assert.equal(parsed.error, null, String(parsed.error));
      const snapshot = parsed.snapshot;
      assert.ok(snapshot);
      const example = JSON.parse(readFileSync(join(root, 'examples', 'iam', `${account}.json`), 'utf8'));
      const expected = new Map<string, { trust: unknown; max: number }>();
      for (const r of example.RoleDetailList)
        expected.set(r.Arn, {
          trust: JSON.parse(documentText(r.AssumeRolePolicyDocument)),
          max: r.MaxSessionDuration ?? 3600,
        });
      const got = new Map(
        snapshot.roles.map((r) => [r.arn, { trust: JSON.parse(r.trustPolicy.text), max: r.maxSessionDuration }]),
      );
      assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort());
      for (const [arn, want] of expected) assert.deepEqual(got.get(arn), want, arn);
      // No secrets in a snapshot, but never a half-written one: the temp file is gone.
      assert.deepEqual(
        readdirSync(work).filter((f) => f.endsWith('.tmp')),
        [],
      );
      assert.ok(statSync(out).size > 0);
    }
  });

  it('(c) rolecall snapshot reports an unreachable endpoint in one line, exit 1', async () => {
    const run = await cli(
      [
        'snapshot',
        '--out',
        join(work, 'never.json'),
        '--endpoint-url',
        'http://127.0.0.1:9',
        '--profile',
        profileOf('222222222222'),
      ],
      env,
    );
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^rolecall snapshot: .*ECONNREFUSED.*next: check the network/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  describe('(d) mint', () => {
    async function identity(c: {
      AccessKeyId: string;
      SecretAccessKey: string;
      SessionToken: string;
    }): Promise<string> {
      const sts = new STSClient({
        region: REGION,
        endpoint: moto.url,
        credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
      });
      try {
        return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
      } finally {
        sts.destroy();
      }
    }

    const cases = [
      {
        seed: '000',
        role: 'arn:aws:iam::222222222222:role/jenkins',
        from: '111111111111',
        extra: ['--external-id', '7KAXZ44tHx8mKsPxZnCi2X6Yz', '--duration', '900', '--session-name', 'jenkins-session'],
        session: 'jenkins-session',
      },
      {
        seed: '001',
        role: 'arn:aws:iam::222222222222:role/admin',
        from: '111111111111',
        extra: [
          '--serial-number',
          'arn:aws:iam::111111111111:mfa/alice',
          '--token-code',
          '123456',
          '--session-name',
          'alice',
        ],
        session: 'alice',
      },
      {
        seed: '002',
        role: 'arn:aws:iam::444444444444:role/jenkins-ecr-push-role',
        from: '111111111111',
        extra: ['--session-name', 'vault-jenkins-ecr-push'],
        session: 'vault-jenkins-ecr-push',
      },
      {
        seed: '003',
        role: 'arn:aws:iam::333333333333:role/deploy-role',
        from: '111111111111',
        extra: ['--duration', '3600', '--session-name', 'deploy'],
        session: 'deploy',
      },
    ];
    for (const c of cases) {
      it(`seed ${c.seed}: AssumeRole ${c.role} and use the credentials`, async () => {
        const run = await cli(
          [
            'mint',
            '--role-arn',
            c.role,
            ...c.extra,
            '--profile',
            profileOf(c.from),
            '--endpoint-url',
            moto.url,
            '--region',
            REGION,
            '--format',
            'json',
          ],
          env,
        );
        assert.equal(run.code, 0, run.stderr);
        const out = JSON.parse(run.stdout);
        assert.equal(out.Version, 1);
        assert.ok(out.AccessKeyId && out.SecretAccessKey && out.SessionToken);
        assert.ok(!Number.isNaN(Date.parse(out.Expiration)));
        const [, account, name] = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(c.role) ?? [];
        assert.equal(await identity(out), `arn:aws:sts::${account}:assumed-role/${name}/${c.session}`);
        // Nothing secret on stderr.
        assert.ok(
          !run.stderr.includes(out.SecretAccessKey) &&
            !run.stderr.includes('7KAXZ44tHx8mKsPxZnCi2X6Yz') &&
            !run.stderr.includes('123456'),
        );
      });
    }

    it('seed 004: GetSessionToken with serial + code, env format exports usable credentials', async () => {
      const run = await cli(
        [
          'mint',
          '--duration',
          '900',
          '--serial-number',
          'arn:aws:iam::444444444444:mfa/ken',
          '--token-code',
          '654321',
          '--profile',
          profileOf('444444444444'),
          '--endpoint-url',
          moto.url,
          '--region',
          REGION,
          '--format',
          'env',
        ],
        env,
      );
      assert.equal(run.code, 0, run.stderr);
      const vars = Object.fromEntries(
        [...run.stdout.matchAll(/^export (AWS_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2].replace(/^'(.*)'$/, '$1')]),
      );
      assert.deepEqual(Object.keys(vars).sort(), [
        'AWS_ACCESS_KEY_ID',
        'AWS_REGION',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_SESSION_TOKEN',
      ]);
      assert.match(
        await identity({
          AccessKeyId: vars.AWS_ACCESS_KEY_ID,
          SecretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
          SessionToken: vars.AWS_SESSION_TOKEN,
        }),
        /^arn:aws:(sts|iam)::\d{12}:/,
      );
    });

    it("seed 004 with --token-code only: the MFA device comes from the profile's mfa_serial", async () => {
      const configFile = join(work, 'config-with-mfa');
      writeFileSync(
        configFile,
        `${readFileSync(env.AWS_CONFIG_FILE, 'utf8')}\n[profile ken-mfa]\nregion = ${REGION}\nmfa_serial = arn:aws:iam::444444444444:mfa/ken\n`,
      );
      const credentialsFile = join(work, 'credentials-with-mfa');
      writeFileSync(
        credentialsFile,
        `${readFileSync(env.AWS_SHARED_CREDENTIALS_FILE, 'utf8')}\n[ken-mfa]\naws_access_key_id = ${creds['444444444444'].accessKeyId}\naws_secret_access_key = ${creds['444444444444'].secretAccessKey}\naws_session_token = ${creds['444444444444'].sessionToken}\n`,
        { mode: 0o600 },
      );
      const run = await cli(
        [
          'mint',
          '--token-code',
          '135790',
          '--duration',
          '900',
          '--profile',
          'ken-mfa',
          '--endpoint-url',
          moto.url,
          '--format',
          'json',
        ],
        { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /using MFA device arn:aws:iam::444444444444:mfa\/ken \(from the profile's mfa_serial\)/);
      assert.ok(!run.stderr.includes('135790'));
      assert.equal(JSON.parse(run.stdout).Version, 1);

      const none = await cli(
        ['mint', '--token-code', '135790', '--profile', profileOf('444444444444'), '--endpoint-url', moto.url],
        env,
      );
      assert.equal(none.code, 2, none.stderr);
      assert.match(none.stderr, /--token-code needs --serial-number .*no MFA device was found/);
    });

    it('bad input exits 2 with one line; a refusal exits 1 with the next step', async () => {
      const bad = await cli(
        [
          'mint',
          '--role-arn',
          'arn:aws:iam::222222222222:role/jenkins',
          '--serial-number',
          'arn:aws:iam::111111111111:mfa/alice',
          '--token-code',
          '12345',
          '--endpoint-url',
          moto.url,
        ],
        env,
      );
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^rolecall mint: --token-code must be exactly 6 digits/);
      assert.equal(bad.stderr.trim().split('\n').length, 1);

      const refused = await cli(
        [
          'mint',
          '--role-arn',
          'arn:aws:iam::222222222222:role/jenkins',
          '--profile',
          'no-such-profile-rolecall',
          '--endpoint-url',
          moto.url,
        ],
        env,
      );
      assert.equal(refused.code, 1);
      assert.match(
        refused.stderr,
        /^rolecall mint: no AWS credentials found for profile no-such-profile-rolecall .*next: configure credentials/,
      );
      assert.equal(refused.stderr.trim().split('\n').length, 1);
    });

    it('an AccessDenied names the trust statement that refuses (read with the same credentials), never the ExternalId', async () => {
      const proxy = await startFaultProxy(moto.url);
      try {
        proxy.setRules([{ action: 'AssumeRole', fault: { kind: 'access-denied' } }]);
        const run = await cli(
          [
            'mint',
            '--role-arn',
            'arn:aws:iam::222222222222:role/jenkins',
            '--external-id',
            'wrong-external-id-42',
            '--session-name',
            'denied',
            '--profile',
            profileOf('222222222222'),
            '--endpoint-url',
            proxy.url,
            '--region',
            REGION,
          ],
          env,
        );
        assert.equal(run.code, 1);
        assert.equal(run.stdout, '');
        assert.match(
          run.stderr,
          /^rolecall mint: AccessDenied: .*next: trust policy of arn:aws:iam::222222222222:role\/jenkins: statement /,
        );
        assert.equal(run.stderr.trim().split('\n').length, 1);
        assert.ok(!run.stderr.includes('wrong-external-id-42') && !run.stderr.includes('7KAXZ44tHx8mKsPxZnCi2X6Yz'));
      } finally {
        await proxy.close();
      }
    });

    it('--write-profile writes a 0600 credentials profile that the SDK can use', async () => {
      const run = await cli(
        [
          'mint',
          '--role-arn',
          'arn:aws:iam::333333333333:role/deploy-role',
          '--session-name',
          'written',
          '--profile',
          profileOf('111111111111'),
          '--endpoint-url',
          moto.url,
          '--write-profile',
          'rolecall-deploy',
          '--format',
          'ini',
        ],
        env,
      );
      assert.equal(run.code, 0, run.stderr);
      // --write-profile writes where AWS_SHARED_CREDENTIALS_FILE points: the test's profiles file.
      const text = readFileSync(env.AWS_SHARED_CREDENTIALS_FILE, 'utf8');
      assert.match(text, /\[rolecall-deploy\]\naws_access_key_id = /);
      assert.match(text, new RegExp(`\\[${profileOf('111111111111')}\\]`), 'other profiles kept');
      assert.equal(statSync(env.AWS_SHARED_CREDENTIALS_FILE).mode & 0o777, 0o600);
      const section =
        /\[rolecall-deploy\]\naws_access_key_id = (\S+)\naws_secret_access_key = (\S+)\naws_session_token = (\S+)/.exec(
          text,
        );
      assert.ok(section);
      assert.equal(
        await identity({ AccessKeyId: section[1], SecretAccessKey: section[2], SessionToken: section[3] }),
        'arn:aws:sts::333333333333:assumed-role/deploy-role/written',
      );
    });
  });
});
