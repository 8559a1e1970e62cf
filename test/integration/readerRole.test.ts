// Every account through one reader role (`--assume-role-template`), against moto behind the fault proxy
// (which counts the requests that really leave): the seeds' three target accounts read by assuming
// arn:aws:iam::{account}:role/rolecall-reader from the hub profile give the same findings as one profile
// per account, with exactly one AssumeRole per account; a refused AssumeRole is iam-unavailable naming
// the role.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { credentialsFor, iamIn, writeProfiles, type StaticCredentials } from './accounts';
import { startFaultProxy, type FaultProxy } from './faultProxy';
import { REGION, startMoto, type Moto } from './moto';
import { replaySnapshot } from './replay';

const root = join(__dirname, '..', '..');
const SNAPSHOTS = readdirSync(join(root, 'examples', 'iam'))
  .filter((f) => /^\d{12}\.json$/.test(f))
  .sort();
const HUB = '111111111111';
const TARGETS = SNAPSHOTS.map((f) => f.slice(0, 12)).filter((a) => a !== HUB);
const profileOf = (account: string) => `acct${account}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI from source, in a child process with only the given AWS environment. */
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
  roleArn: string | null;
  message: string;
}

function findingsOf(run: Run, label: string): JsonFinding[] {
  try {
    return (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
  } catch {
    throw new Error(`${label}: no JSON (exit ${run.code}); stderr: ${run.stderr.slice(0, 400)}`);
  }
}

describe('every account through one reader role (--assume-role-template) against moto', function () {
  this.timeout(120_000);
  let moto: Moto;
  let proxy: FaultProxy;
  let work: string;
  let env: Record<string, string>;
  let common: string[];

  before(async () => {
    moto = await startMoto();
    const creds: Record<string, StaticCredentials> = {};
    for (const file of SNAPSHOTS) {
      const account = file.slice(0, 12);
      const iam = await iamIn(moto.url, account);
      try {
        await replaySnapshot(iam, join(root, 'examples', 'iam', file));
        if (account !== HUB) {
          const trust = {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${HUB}:root` }, Action: 'sts:AssumeRole' }],
          };
          await iam.send(
            new CreateRoleCommand({ RoleName: 'rolecall-reader', AssumeRolePolicyDocument: JSON.stringify(trust) }),
          );
        }
      } finally {
        iam.destroy();
      }
      creds[account] = await credentialsFor(moto.url, account);
    }
    const profiles = writeProfiles(Object.fromEntries(Object.entries(creds).map(([a, c]) => [profileOf(a), c])));
    work = profiles.dir;
    env = { AWS_SHARED_CREDENTIALS_FILE: profiles.credentialsFile, AWS_CONFIG_FILE: profiles.configFile };
    proxy = await startFaultProxy(moto.url);
    // The example config without snapshots and IaC, so that every role is read live.
    const config = JSON.parse(readFileSync(join(root, 'examples', '.rolecall.json'), 'utf8'));
    delete config.iamSnapshots;
    delete config.iac;
    // Its JCasC paths are relative to examples/ too: pass them as flags (who runs each agent label).
    const casc = ((config.jenkinsCasc as string[] | undefined) ?? []).flatMap((f) => [
      '--jenkins-casc',
      `examples/${f}`,
    ]);
    delete config.jenkinsCasc;
    delete config.$schema;
    const configFile = join(work, 'rolecall.json');
    writeFileSync(configFile, JSON.stringify(config));
    common = [
      'scan',
      'examples',
      '--format',
      'json',
      '--config',
      configFile,
      '--credentials-file',
      'examples/jenkins-credentials.example.json',
      ...casc,
      '--live',
      '--endpoint-url',
      proxy.url,
      '--region',
      REGION,
      '--profile',
      profileOf(HUB),
    ];
  });
  after(async () => {
    await proxy?.close();
    await moto?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('gives the findings of one profile per account, with one AssumeRole per account', async () => {
    proxy.clear();
    const perProfile = await cli(
      [...common, ...TARGETS.flatMap((a) => ['--account-profile', `${a}=${profileOf(a)}`])],
      env,
    );
    const a = findingsOf(perProfile, 'profile per account');
    assert.equal(proxy.seen.AssumeRole ?? 0, 0, 'profiles need no AssumeRole');

    proxy.clear();
    const viaRole = await cli(
      [...common, '--assume-role-template', 'arn:aws:iam::{account}:role/rolecall-reader'],
      env,
    );
    const b = findingsOf(viaRole, 'reader role');
    assert.equal(
      proxy.seen.AssumeRole,
      TARGETS.length,
      `one AssumeRole per target account (${TARGETS.join(', ')}); seen: ${JSON.stringify(proxy.seen)}`,
    );
    assert.ok((proxy.seen.GetRole ?? 0) > TARGETS.length, 'the roles were read through the assumed sessions');

    assert.ok(a.length >= 10, `the scan finds the seeds' mistakes (got ${a.length})`);
    assert.deepEqual(
      b.filter((f) => f.code === 'iam-unavailable'),
      [],
      'every account was read',
    );
    const key = (f: JsonFinding) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.roleArn ?? '-'}`;
    assert.deepEqual(b.map(key).sort(), a.map(key).sort());
    assert.equal(viaRole.code, perProfile.code);
  });

  it('the config\'s "accounts": {"*": {"assumeRole": ...}} does the same', async () => {
    const config = JSON.parse(readFileSync(join(work, 'rolecall.json'), 'utf8'));
    config.accounts = { '*': { assumeRole: 'arn:aws:iam::{account}:role/rolecall-reader' } };
    const configFile = join(work, 'rolecall-star.json');
    writeFileSync(configFile, JSON.stringify(config));
    proxy.clear();
    const args = [...common];
    args[args.indexOf('--config') + 1] = configFile;
    const run = await cli(args, env);
    const findings = findingsOf(run, 'config "*"');
    assert.equal(proxy.seen.AssumeRole, TARGETS.length);
    assert.deepEqual(
      findings.filter((f) => f.code === 'iam-unavailable'),
      [],
    );
  });

  it('a refused AssumeRole is iam-unavailable naming the reader role, never a pass', async () => {
    proxy.clear();
    proxy.setRules([{ action: 'AssumeRole', fault: { kind: 'access-denied' } }]);
    try {
      const run = await cli([...common, '--assume-role-template', 'arn:aws:iam::{account}:role/rolecall-reader'], env);
      const findings = findingsOf(run, 'refused reader role');
      const unavailable = findings.filter((f) => f.code === 'iam-unavailable');
      assert.ok(unavailable.length > 0, `no iam-unavailable (stderr: ${run.stderr.slice(0, 300)})`);
      for (const f of unavailable) assert.match(f.message, /reader role arn:aws:iam::\d{12}:role\/rolecall-reader/);
      // Failures are cached like lookups: one attempt per account, not one per usage.
      assert.ok((proxy.seen.AssumeRole ?? 0) <= TARGETS.length * 4, `AssumeRole attempts: ${proxy.seen.AssumeRole}`);
      assert.equal(
        findings.filter(
          (f) => f.roleArn?.includes(':333333333333:') && /^(trust-principal-mismatch|role-not-found)$/.test(f.code),
        ).length,
        0,
        'no verdict without IAM data',
      );
    } finally {
      proxy.setRules([]);
    }
  });
});
