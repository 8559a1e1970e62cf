// A scan's exit status is about the scanned pipelines (issue 13 item 11, issue 14 item 2): `--fail-on`
// picks the lowest severity that fails; problems of IAM data about roles no usage refers to never change
// the status (`snapshot --check` reports them); the summary says how many usages IAM did not decide.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { fails, parseFailOn } from '../../../src/cli/failOn';
import { UsageError } from '../../../src/cli/io';
import { recordingIo } from './helpers';

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rolecall-exit-'));
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

const TRUST_OK = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/agent' }, Action: 'sts:AssumeRole' },
  ],
};

/** A snapshot of account 222222222222: `deploy` (clean trust) and `legacy`, whose trust policy is given. */
function snapshot(legacyTrust: unknown): string {
  return JSON.stringify(
    {
      RoleDetailList: [
        {
          RoleName: 'deploy',
          Path: '/',
          Arn: 'arn:aws:iam::222222222222:role/deploy',
          AssumeRolePolicyDocument: TRUST_OK,
          RolePolicyList: [],
          AttachedManagedPolicies: [],
        },
        {
          RoleName: 'legacy',
          Path: '/',
          Arn: 'arn:aws:iam::222222222222:role/legacy',
          AssumeRolePolicyDocument: legacyTrust,
          RolePolicyList: [],
          AttachedManagedPolicies: [],
        },
      ],
      UserDetailList: [],
      Policies: [],
    },
    null,
    2,
  );
}
const BROKEN_TRUST =
  '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole",}]}';
const CALLER = ['--caller', 'arn:aws:iam::111111111111:role/agent'];

const pipeline = (role: string) =>
  `node {\n  withAWS(role: 'arn:aws:iam::222222222222:role/${role}', duration: 900) {\n    sh 'aws s3 ls'\n  }\n}\n`;

describe('--fail-on', () => {
  it('parses the four levels and nothing else', () => {
    assert.equal(parseFailOn(undefined), 'error');
    for (const level of ['error', 'warning', 'info', 'never'] as const) assert.equal(parseFailOn(level), level);
    assert.throws(
      () => parseFailOn('errors'),
      (e: unknown) =>
        e instanceof UsageError && /--fail-on must be error, warning, info or never \(got 'errors'\)/.test(e.message),
    );
    assert.equal(fails('warning', 'error'), false);
    assert.equal(fails('warning', 'warning'), true);
    assert.equal(fails('info', 'warning'), false);
    assert.equal(fails('info', 'info'), true);
    assert.equal(fails('error', 'never'), false);
  });

  it('a usage IAM could not decide is a warning: exit 0 by default, 1 with --fail-on warning', async () => {
    // The snapshot covers 222222222222 only: the role in 333333333333 gets iam-unavailable.
    const root = workspace({
      Jenkinsfile: pipeline('deploy').replace('222222222222', '333333333333'),
      'iam.json': snapshot(TRUST_OK),
    });
    const base = ['scan', '.', '--iam-snapshot', 'iam.json', ...CALLER];
    const byDefault = await run(root, ...base);
    assert.match(byDefault.out, /warning iam-unavailable/);
    assert.equal(byDefault.code, 0);
    assert.equal((await run(root, ...base, '--fail-on', 'warning')).code, 1);
    assert.equal((await run(root, ...base, '--fail-on', 'info')).code, 1);
    const bad = await run(root, ...base, '--fail-on', 'loud');
    assert.equal(bad.code, 2);
    assert.equal(bad.out, '');
    assert.equal(bad.err, "rolecall scan: --fail-on must be error, warning, info or never (got 'loud')\n");
  });

  it('--fail-on never exits 0 even with errors, and still prints them', async () => {
    const root = workspace({
      Jenkinsfile:
        "node {\n  withAWS(role: 'arn:aws:iam::222222222222:role/deploy', duration: 99999) { sh 'true' }\n}\n",
    });
    const strict = await run(root, 'scan', '.');
    assert.equal(strict.code, 1);
    const never = await run(root, 'scan', '.', '--fail-on', 'never');
    assert.match(never.out, /error duration-out-of-range/);
    assert.equal(never.code, 0);
  });

  it('the summary says how many role usages were not checked against IAM', async () => {
    const root = workspace({
      'a/Jenkinsfile': pipeline('deploy'),
      'b/Jenkinsfile': pipeline('deploy').replace('222222222222', '333333333333'),
      'iam.json': snapshot(TRUST_OK),
    });
    const some = await run(root, 'scan', '.', '--iam-snapshot', 'iam.json', ...CALLER);
    assert.match(some.out, /2 AWS credential usages in 2 files; .*; 1 of 2 role usages not checked against IAM\n$/);
    const none = await run(root, 'scan', '.', ...CALLER);
    assert.match(
      none.out,
      /; 2 of 2 role usages not checked against IAM\n$/,
      'without IAM data nothing is checked against IAM',
    );
    const all = await run(root, 'scan', 'a', '--iam-snapshot', 'iam.json', ...CALLER);
    assert.match(all.out, /; every role checked against IAM\n$/);
  });
});

describe('exit status is about the scanned pipelines', () => {
  it("a broken trust policy of a role no usage refers to: the clean pipeline's scan exits 0 and says where to look", async () => {
    const root = workspace({ Jenkinsfile: pipeline('deploy'), 'iam.json': snapshot(BROKEN_TRUST) });
    const text = await run(root, 'scan', '.', '--iam-snapshot', 'iam.json', ...CALLER);
    assert.equal(text.code, 0, text.out);
    assert.doesNotMatch(text.out, /policy-parse-error/);
    assert.match(
      text.out,
      /1 problem in the IAM data about roles no usage refers to \(rolecall snapshot --check FILE\)/,
    );
    const json = JSON.parse(
      (await run(root, 'scan', '.', '--iam-snapshot', 'iam.json', '--format', 'json', ...CALLER)).out,
    );
    assert.deepEqual(json.findings, []);
    // --fail-on info does not bring it back either: it is not about these pipelines.
    assert.equal((await run(root, 'scan', '.', '--iam-snapshot', 'iam.json', '--fail-on', 'info', ...CALLER)).code, 0);
  });

  it('the same broken policy on the role the pipeline assumes: reported (at the usage and in the snapshot), exit 1', async () => {
    const root = workspace({ Jenkinsfile: pipeline('legacy'), 'iam.json': snapshot(BROKEN_TRUST) });
    const r = await run(root, 'scan', '.', '--iam-snapshot', 'iam.json', '--format', 'json', ...CALLER);
    const json = JSON.parse(r.out);
    const files = json.findings
      .filter((f: { code: string }) => f.code === 'policy-parse-error')
      .map((f: { file: string }) => f.file)
      .sort();
    assert.deepEqual(files, ['Jenkinsfile', 'iam.json']);
    assert.equal(r.code, 1);
  });

  it('snapshot --check reports every role, exits 1 on an error, 0 when clean; text, JSON and --fail-on', async () => {
    const root = workspace({ 'bad.json': snapshot(BROKEN_TRUST), 'good.json': snapshot(TRUST_OK) });
    const bad = await run(root, 'snapshot', '--check', 'bad.json');
    assert.equal(bad.code, 1);
    assert.match(
      bad.out,
      /^bad\.json:\d+:\d+: error policy-parse-error: The trust policy of arn:aws:iam::222222222222:role\/legacy is not valid policy JSON: trailing comma/m,
    );
    assert.match(bad.out, /1 snapshot file, 2 roles checked; 1 error, 0 warnings, 0 info\n$/);
    const json = JSON.parse((await run(root, 'snapshot', '--check', 'bad.json', '--format', 'json')).out);
    assert.deepEqual(
      json.findings.map((f: { code: string; roleArn: string }) => [f.code, f.roleArn]),
      [['policy-parse-error', 'arn:aws:iam::222222222222:role/legacy']],
    );
    assert.equal((await run(root, 'snapshot', '--check', 'bad.json', '--fail-on', 'never')).code, 0);
    const good = await run(root, 'snapshot', '--check', 'good.json', 'bad.json');
    assert.equal(good.code, 1, 'several files: any of them fails');
    assert.equal((await run(root, 'snapshot', '--check', 'good.json')).code, 0);
  });

  it('snapshot --check places invalid principals and unsatisfiable conditions at the statement (warnings)', async () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Broken',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam:::root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:username': [] } },
        },
      ],
    };
    const root = workspace({ 'iam.json': snapshot(trust) });
    const r = await run(root, 'snapshot', '--check', 'iam.json', '--format', 'json');
    const json = JSON.parse(r.out);
    const codes = json.findings.map((f: { code: string }) => f.code).sort();
    assert.deepEqual(codes, ['invalid-principal', 'unsatisfiable-condition']);
    const text = snapshot(trust);
    const principalLine = text.split('\n').findIndex((l: string) => l.includes('arn:aws:iam:::root')) + 1;
    assert.equal(json.findings.find((f: { code: string }) => f.code === 'invalid-principal').line, principalLine);
    assert.equal(r.code, 0, 'warnings only');
    assert.equal((await run(root, 'snapshot', '--check', 'iam.json', '--fail-on', 'warning')).code, 1);
  });

  it('snapshot --check of a missing or non-snapshot file: exit 2, one line', async () => {
    const root = workspace({ 'x.json': '[1, 2]', 'notjson.json': '{ ghp_abcdefSECRET' });
    for (const [file, pattern] of [
      ['missing.json', /IAM snapshot missing\.json: no such file/],
      ['x.json', /not an IAM snapshot/],
      ['notjson.json', /not a JSON IAM snapshot/],
    ] as const) {
      const r = await run(root, 'snapshot', '--check', file);
      assert.equal(r.code, 2, file);
      assert.match(r.err, pattern);
      assert.equal(r.err.split('\n').filter(Boolean).length, 1);
      assert.ok(!r.err.includes('ghp_'), r.err);
    }
  });
});

describe('scan flags checked before anything is read', () => {
  it('--account-profile needs a 12-digit account and a profile: one line, exit 2', async () => {
    const root = workspace({ Jenkinsfile: pipeline('deploy') });
    for (const [arg, message] of [
      ['22222=x', /'22222' is not a 12-digit AWS account id/],
      ['2222222222222=x', /not a 12-digit/],
      ['abcdefghijkl=x', /not a 12-digit/],
      ['222222222222=', /the profile name is empty/],
      ['x', /expects NAME=VALUE/],
    ] as const) {
      const r = await run(root, 'scan', '.', '--live', '--account-profile', arg);
      assert.equal(r.code, 2, arg);
      assert.equal(r.out, '');
      assert.match(r.err, message);
      assert.equal(r.err.split('\n').filter(Boolean).length, 1);
    }
  });
});
