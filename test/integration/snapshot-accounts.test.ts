// `rolecall snapshot --out-dir DIR`: one snapshot per account through the profile mapped to it (flags
// or the config's "accounts"), against moto's multi-account IAM; a profile that reads another account
// than its mapping says is refused and nothing is written for it, while the others are.
import assert from 'node:assert/strict';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { recordingIo } from '../unit/cli/helpers';
import { credentialsFor, iamIn, writeProfiles } from './accounts';
import { FAKE_CREDENTIALS, REGION, startMoto, type Moto } from './moto';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'sts:AssumeRole' }],
});

describe('rolecall snapshot --out-dir (several accounts)', function () {
  this.timeout(120_000);
  let moto: Moto;
  let dir: string;
  let profiles: ReturnType<typeof writeProfiles>;
  const saved = { c: process.env.AWS_SHARED_CREDENTIALS_FILE, f: process.env.AWS_CONFIG_FILE };

  before(async function () {
    moto = await startMoto();
    for (const [account, role] of [
      ['222222222222', 'deployer'],
      ['333333333333', 'reader'],
    ]) {
      const iam = await iamIn(moto.url, account);
      await iam.send(
        new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: TRUST, MaxSessionDuration: 7200 }),
      );
      iam.destroy();
    }
    profiles = writeProfiles({
      base: { ...FAKE_CREDENTIALS },
      p222: await credentialsFor(moto.url, '222222222222'),
      p333: await credentialsFor(moto.url, '333333333333'),
    });
    process.env.AWS_SHARED_CREDENTIALS_FILE = profiles.credentialsFile;
    process.env.AWS_CONFIG_FILE = profiles.configFile;
    dir = mkdtempSync(path.join(tmpdir(), 'rolecall-snapshots-'));
  });

  after(async function () {
    if (saved.c === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    else process.env.AWS_SHARED_CREDENTIALS_FILE = saved.c;
    if (saved.f === undefined) delete process.env.AWS_CONFIG_FILE;
    else process.env.AWS_CONFIG_FILE = saved.f;
    rmSync(profiles.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    await moto?.stop();
  });

  it('writes DIR/ACCOUNT.json for each mapped account, each a snapshot scan and --check read', async function () {
    const io = recordingIo(dir);
    const status = await main(
      [
        'snapshot',
        '--out-dir',
        'iam',
        '--account-profile',
        '222222222222=p222',
        '--account-profile',
        '333333333333=p333',
        '--endpoint-url',
        moto.url,
        '--region',
        REGION,
      ],
      io,
    );
    assert.equal(status, 0, io.err);
    assert.match(io.err, /^rolecall snapshot: 222222222222: wrote \d+ roles?, .* to iam\/222222222222\.json$/m);
    assert.match(io.err, /^rolecall snapshot: 333333333333: wrote \d+ roles?, .* to iam\/333333333333\.json$/m);
    const roles = (account: string) =>
      JSON.parse(readFileSync(path.join(dir, 'iam', `${account}.json`), 'utf8')).RoleDetailList.map(
        (r: { Arn: string }) => r.Arn,
      );
    assert.ok(roles('222222222222').includes('arn:aws:iam::222222222222:role/deployer'));
    assert.ok(!roles('222222222222').some((a: string) => a.includes('333333333333')));
    assert.ok(roles('333333333333').includes('arn:aws:iam::333333333333:role/reader'));
    const check = recordingIo(dir);
    assert.equal(
      await main(['snapshot', '--check', 'iam/222222222222.json', 'iam/333333333333.json'], check),
      0,
      check.err + check.out,
    );
  });

  it('takes the accounts from .rolecall.json, refuses a profile of the wrong account and still writes the others', async function () {
    rmSync(path.join(dir, 'iam'), { recursive: true, force: true });
    writeFileSync(
      path.join(dir, '.rolecall.json'),
      JSON.stringify({ accounts: { '222222222222': 'p222', '444444444444': 'p333' } }),
    );
    const io = recordingIo(dir);
    const status = await main(['snapshot', '--out-dir', 'iam', '--endpoint-url', moto.url, '--region', REGION], io);
    assert.equal(status, 1, io.err);
    assert.ok(existsSync(path.join(dir, 'iam', '222222222222.json')));
    assert.ok(!existsSync(path.join(dir, 'iam', '444444444444.json')), 'nothing written for the mismatched account');
    assert.match(
      io.err,
      /^rolecall snapshot: 444444444444 \(profile p333\): the profile reads account 333333333333, not 444444444444; nothing written for 444444444444; next: /m,
    );
    assert.match(io.err, /^rolecall snapshot: 1 of 2 accounts written$/m);
  });

  it('reads other accounts through one reader role per account (--account, --assume-role-template)', async function () {
    rmSync(path.join(dir, '.rolecall.json'), { force: true });
    const io = recordingIo(dir);
    // The base credentials (profile base) are moto's default account's; p222 is mapped explicitly.
    const status = await main(
      [
        'snapshot',
        '--out-dir',
        'org',
        '--profile',
        'base',
        '--account-profile',
        '222222222222=p222',
        '--account',
        '222222222222',
        '--account',
        '333333333333',
        '--assume-role-template',
        'arn:aws:iam::{account}:role/rolecall-reader',
        '--endpoint-url',
        moto.url,
        '--region',
        REGION,
      ],
      io,
    );
    assert.equal(status, 0, io.err);
    assert.match(
      io.err,
      /^rolecall snapshot: 222222222222: wrote .* to org\/222222222222\.json$/m,
      'the mapped profile wins',
    );
    assert.match(io.err, /^rolecall snapshot: 333333333333: wrote .* to org\/333333333333\.json$/m);
    const roles = JSON.parse(readFileSync(path.join(dir, 'org', '333333333333.json'), 'utf8')).RoleDetailList.map(
      (r: { Arn: string }) => r.Arn,
    );
    assert.ok(roles.includes('arn:aws:iam::333333333333:role/reader'), JSON.stringify(roles));
    for (const args of [
      ['--account', '333333333333'],
      ['--account', '333', '--assume-role-template', 'arn:aws:iam::{account}:role/r'],
      ['--account', '333333333333', '--assume-role-template', 'arn:aws:iam::333333333333:role/r'],
    ]) {
      const bad = recordingIo(dir);
      assert.equal(await main(['snapshot', '--out-dir', 'x', ...args], bad), 2, bad.err);
      assert.equal(bad.err.trim().split('\n').length, 1, bad.err);
    }
  });

  it('reads the reader roles of .rolecall.json as scan does: "*" for --account, an account\'s own assumeRole without it', async function () {
    writeFileSync(
      path.join(dir, '.rolecall.json'),
      JSON.stringify({
        accounts: {
          '*': { assumeRole: 'arn:aws:iam::{account}:role/rolecall-reader' },
          '222222222222': 'p222',
        },
      }),
    );
    try {
      const io = recordingIo(dir);
      const status = await main(
        [
          'snapshot',
          '--out-dir',
          'star',
          '--profile',
          'base',
          '--account',
          '333333333333',
          '--endpoint-url',
          moto.url,
          '--region',
          REGION,
        ],
        io,
      );
      assert.equal(status, 0, io.err);
      assert.match(io.err, /^rolecall snapshot: 222222222222: wrote .* to star\/222222222222\.json$/m);
      assert.match(io.err, /^rolecall snapshot: 333333333333: wrote .* to star\/333333333333\.json$/m);
      const roles = JSON.parse(readFileSync(path.join(dir, 'star', '333333333333.json'), 'utf8')).RoleDetailList.map(
        (r: { Arn: string }) => r.Arn,
      );
      assert.ok(roles.includes('arn:aws:iam::333333333333:role/reader'), JSON.stringify(roles));

      writeFileSync(
        path.join(dir, '.rolecall.json'),
        JSON.stringify({
          accounts: { '333333333333': { assumeRole: 'arn:aws:iam::333333333333:role/rolecall-reader' } },
        }),
      );
      const own = recordingIo(dir);
      assert.equal(
        await main(
          ['snapshot', '--out-dir', 'own', '--profile', 'base', '--endpoint-url', moto.url, '--region', REGION],
          own,
        ),
        0,
        own.err,
      );
      assert.match(own.err, /^rolecall snapshot: 333333333333: wrote .* to own\/333333333333\.json$/m);
    } finally {
      rmSync(path.join(dir, '.rolecall.json'), { force: true });
    }
  });

  it('a profile that cannot reach IAM is one line with a next step; bad usage is exit 2', async function () {
    const io = recordingIo(dir);
    const status = await main(
      [
        'snapshot',
        '--out-dir',
        'iam2',
        '--account-profile',
        '222222222222=p222',
        '--endpoint-url',
        'http://127.0.0.1:9',
        '--region',
        REGION,
      ],
      io,
    );
    assert.equal(status, 1);
    assert.match(
      io.err,
      /^rolecall snapshot: 222222222222 \(profile p222\): iam:GetAccountAuthorizationDetails failed .*; next: check the network/m,
    );
    for (const args of [
      ['--out-dir', 'x', '--account-profile', '22=p'],
      ['--out', 'a.json', '--out-dir', 'x'],
      ['--out', 'a.json', '--account-profile', '222222222222=p'],
    ]) {
      const bad = recordingIo(dir);
      assert.equal(await main(['snapshot', ...args], bad), 2, bad.err);
      assert.equal(bad.err.trim().split('\n').length, 1, bad.err);
    }
  });
});
