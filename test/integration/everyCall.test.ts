// Issue 14 item 1: a fault on ANY call the live reader makes — the caller's side included (GetUser, its
// policies, groups, attached managed policies; a caller role's policies) — gives iam-unavailable with the
// reason for the usage, never "assumed to allow"; `--fail-on warning` then fails the scan and the summary
// says the usage was not checked. Without the fault the same scan reports the real refusal. Plus: a
// repeated pagination marker stops; STS's throttling message counts the real attempts; a profile write
// that fails after minting exits 3 with the credentials printed.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { createLiveIamReader, createStsClient } from '../../src/aws';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { mint } from '../../src/core/credentials/mint';
import { StsError } from '../../src/core/ports';
import { startFaultProxy } from './faultProxy';
import type { Fault, FaultProxy } from './faultProxy';
import { FAKE_CREDENTIALS, MOTO_DEFAULT_ACCOUNT as ACCOUNT, REGION, startMoto } from './moto';
import type { Moto } from './moto';

const TARGET = `arn:aws:iam::${ACCOUNT}:role/target`;
const CAROL = `arn:aws:iam::${ACCOUNT}:user/carol`;
const AGENT_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/agent/i-0123`;
// The trust names only the account: the caller's own policies decide, and none of them allows it.
const TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Account', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' },
  ],
};
const S3 = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const PIPELINE = `node {\n  withAWS(role: '${TARGET}', duration: 900) {\n    sh 'aws s3 ls'\n  }\n}\n`;

describe('live IAM: a fault on every call the reader makes is iam-unavailable, never a pass', function () {
  this.timeout(120_000);
  let moto: Moto;
  let proxy: FaultProxy;
  let root: string;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    moto = await startMoto();
    proxy = await startFaultProxy(moto.url);
    const iam = new IAMClient({ region: REGION, endpoint: moto.url, credentials: FAKE_CREDENTIALS });
    const policy = async (name: string, action: string) =>
      (await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: S3(action) }))).Policy?.Arn as string;
    await iam.send(new CreateRoleCommand({ RoleName: 'target', AssumeRolePolicyDocument: JSON.stringify(TRUST) }));
    await iam.send(new CreateUserCommand({ UserName: 'carol' }));
    await iam.send(
      new PutUserPolicyCommand({ UserName: 'carol', PolicyName: 'carol-inline', PolicyDocument: S3('s3:GetObject') }),
    );
    await iam.send(
      new AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: await policy('CarolManaged', 's3:PutObject') }),
    );
    await iam.send(new CreateGroupCommand({ GroupName: 'devs' }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'devs', UserName: 'carol' }));
    await iam.send(
      new PutGroupPolicyCommand({ GroupName: 'devs', PolicyName: 'devs-inline', PolicyDocument: S3('s3:ListBucket') }),
    );
    await iam.send(
      new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: await policy('DevsManaged', 's3:DeleteObject') }),
    );
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'agent',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'agent', PolicyName: 'agent-inline', PolicyDocument: S3('s3:GetObject') }),
    );
    await iam.send(
      new AttachRolePolicyCommand({ RoleName: 'agent', PolicyArn: await policy('AgentManaged', 's3:PutObject') }),
    );
    iam.destroy();
    root = mkdtempSync(join(tmpdir(), 'rolecall-every-call-'));
    writeFileSync(join(root, 'Jenkinsfile'), PIPELINE);
    // The CLI reads IAM with the SDK's default chain: the fake keys, moto's default account.
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      saved[key] = process.env[key];
    process.env.AWS_ACCESS_KEY_ID = FAKE_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = FAKE_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  after(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await proxy?.close();
    await moto?.stop();
  });
  beforeEach(() => proxy.clear());

  async function scan(
    caller: string,
    ...extra: string[]
  ): Promise<{ code: number; out: string; err: string; findings: Array<{ code: string; message: string }> }> {
    const io: CliIo & { out: string; err: string } = {
      out: '',
      err: '',
      cwd: root,
      env: {},
      stdout: (t) => void (io.out += t),
      stderr: (t) => void (io.err += t),
    };
    const code = await main(
      ['scan', '.', '--live', '--endpoint-url', proxy.url, '--region', REGION, '--caller', caller, ...extra],
      io,
    );
    const findings = extra.includes('json') ? JSON.parse(io.out).findings : [];
    return { code, out: io.out, err: io.err, findings };
  }

  const userCalls = [
    'GetUser',
    'ListUserPolicies',
    'GetUserPolicy',
    'ListAttachedUserPolicies',
    'ListGroupsForUser',
    'ListGroupPolicies',
    'GetGroupPolicy',
    'ListAttachedGroupPolicies',
    'GetPolicy',
    'GetPolicyVersion',
  ];
  const roleCalls = ['ListRolePolicies', 'GetRolePolicy', 'ListAttachedRolePolicies', 'GetPolicy', 'GetPolicyVersion'];

  it('without faults: the caller user and the caller role are refused (trust-principal-mismatch), exit 1; each call above is made', async () => {
    for (const caller of [CAROL, AGENT_SESSION]) {
      proxy.clear();
      const r = await scan(caller, '--format', 'json');
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ['trust-principal-mismatch'],
        r.out,
      );
      assert.equal(r.code, 1);
      for (const call of caller === CAROL ? userCalls : ['GetRole', ...roleCalls])
        assert.ok((proxy.seen[call] ?? 0) > 0, `${call} was not called for ${caller}`);
      assert.ok(proxy.seen.GetCallerIdentity > 0);
    }
  });

  const cases: Array<{ caller: string; action: string; service?: string; after?: number }> = [
    { caller: CAROL, action: 'GetCallerIdentity', service: 'sts' },
    { caller: CAROL, action: 'GetRole' },
    ...userCalls.map((action) => ({ caller: CAROL, action })),
    // The first GetRole is the target's; the second the caller role's.
    { caller: AGENT_SESSION, action: 'GetRole', after: 1 },
    ...roleCalls.map((action) => ({ caller: AGENT_SESSION, action })),
  ];
  for (const { caller, action, service = 'iam', after } of cases) {
    it(`AccessDenied on ${action}${after ? " (the caller role's)" : ''} for ${caller.includes(':user/') ? 'a user' : 'a role session'}: iam-unavailable naming ${service}:${action}; --fail-on warning exits 1`, async () => {
      proxy.setRules([{ action, fault: { kind: 'access-denied' }, ...(after ? { after } : {}) }]);
      const r = await scan(caller, '--format', 'json');
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ['iam-unavailable'],
        r.out,
      );
      assert.match(r.findings[0].message, new RegExp(`may not call ${service}:${action}`));
      assert.doesNotMatch(r.findings[0].message, /assumed to allow/);
      assert.ok(proxy.injected[action] > 0, 'the fault was hit');
      assert.equal(r.code, 0, 'a warning: not an error by default');
      proxy.clear();
      proxy.setRules([{ action, fault: { kind: 'access-denied' }, ...(after ? { after } : {}) }]);
      const gate = await scan(caller, '--fail-on', 'warning');
      assert.equal(gate.code, 1);
      assert.match(gate.out, /; 1 of 1 role usage not checked against IAM\n$/);
    });
  }

  it('throttled past the retries on the caller side (ListGroupsForUser, ListAttachedRolePolicies): iam-unavailable with the real attempt count', async () => {
    for (const [caller, action] of [
      [CAROL, 'ListGroupsForUser'],
      [AGENT_SESSION, 'ListAttachedRolePolicies'],
    ] as const) {
      proxy.clear();
      proxy.setRules([{ action, fault: { kind: 'throttle' } }]);
      const r = await scan(caller, '--format', 'json');
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ['iam-unavailable'],
      );
      assert.match(r.findings[0].message, /throttled by IAM after 4 attempts/);
      assert.equal(proxy.seen[action], 4);
    }
  });

  it('5xx, resets and malformed answers on the caller side are unavailable too', async () => {
    const faults: Fault[] = [{ kind: 'server-error', status: 500 }, { kind: 'reset' }, { kind: 'malformed' }];
    for (const fault of faults) {
      proxy.clear();
      proxy.setRules([{ action: 'GetUserPolicy', fault }]);
      const r = await scan(CAROL, '--format', 'json');
      assert.deepEqual(
        r.findings.map((f) => f.code),
        ['iam-unavailable'],
        `${fault.kind}: ${r.out}`,
      );
    }
  });

  it('ListMFADevices only feeds hints: refused, the decision stands (still the real refusal)', async () => {
    proxy.setRules([{ action: 'ListMFADevices', fault: { kind: 'access-denied' } }]);
    const r = await scan(CAROL, '--format', 'json');
    assert.equal(proxy.injected.ListMFADevices, 1);
    assert.deepEqual(
      r.findings.map((f) => f.code),
      ['trust-principal-mismatch'],
    );
  });

  it('iam:ListRoles (for "did you mean") failing in any way: still role-not-found, only without the suggestion; no stack trace', async () => {
    const typo = PIPELINE.replace('role/target', 'role/targte');
    writeFileSync(join(root, 'Jenkinsfile'), typo);
    try {
      const plain = await scan(CAROL, '--format', 'json');
      assert.deepEqual(
        plain.findings.map((f) => f.code),
        ['role-not-found'],
        plain.out,
      );
      assert.match(plain.findings[0].message, /Did you mean target\?/);
      const faults: Fault[] = [
        { kind: 'access-denied' },
        { kind: 'throttle' },
        { kind: 'server-error', status: 503 },
        { kind: 'reset' },
        { kind: 'malformed' },
      ];
      for (const fault of faults) {
        proxy.clear();
        proxy.setRules([{ action: 'ListRoles', fault }]);
        const r = await scan(CAROL, '--format', 'json');
        assert.ok(proxy.injected.ListRoles > 0, `${fault.kind}: ListRoles was asked`);
        assert.deepEqual(
          r.findings.map((f) => f.code),
          ['role-not-found'],
          `${fault.kind}: ${r.out}`,
        );
        assert.match(
          r.findings[0].message,
          /^Role targte does not exist in account \d{12} \(per the IAM data for that account\)\. Fix/,
        );
        assert.equal(r.code, 1, fault.kind);
        assert.doesNotMatch(r.err, /\n\s+at |Error:/, `${fault.kind}: no stack trace`);
      }
    } finally {
      writeFileSync(join(root, 'Jenkinsfile'), PIPELINE);
    }
  });

  it('mint --token-code without --serial-number: a failing sts:GetCallerIdentity or iam:ListMFADevices is one line naming the call, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-mint-mfa-'));
    const mintWith = async (rules: Parameters<FaultProxy['setRules']>[0]) => {
      proxy.clear();
      proxy.setRules(rules);
      const io: CliIo & { out: string; err: string } = {
        out: '',
        err: '',
        cwd: dir,
        // No AWS config: the device can only come from iam:ListMFADevices.
        env: { HOME: dir, AWS_CONFIG_FILE: join(dir, 'no-config') },
        stdout: (t) => void (io.out += t),
        stderr: (t) => void (io.err += t),
      };
      const code = await main(
        [
          'mint',
          '--role-arn',
          TARGET,
          '--session-name',
          'mfa-lookup',
          '--token-code',
          '123456',
          '--endpoint-url',
          proxy.url,
          '--region',
          REGION,
        ],
        io,
      );
      return { code, ...io };
    };
    for (const [action, fault, says] of [
      ['GetCallerIdentity', { kind: 'access-denied' }, /sts:GetCallerIdentity/],
      ['ListMFADevices', { kind: 'access-denied' }, /iam:ListMFADevices/],
      ['ListMFADevices', { kind: 'throttle' }, /throttled/],
      ['GetCallerIdentity', { kind: 'server-error', status: 500 }, /sts:GetCallerIdentity/],
    ] as const) {
      const r = await mintWith([{ action, fault }]);
      assert.ok(proxy.injected[action] > 0, `${action} ${fault.kind} was hit`);
      assert.equal(r.code, 1, `${action} ${fault.kind}: ${r.err}`);
      assert.equal(r.out, '', 'no credentials');
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.match(r.err, /^rolecall mint: the MFA device for --token-code could not be looked up — /);
      assert.match(r.err, says);
      assert.match(r.err, /; next: .*pass --serial-number MFA_ARN/);
      assert.equal(proxy.seen.AssumeRole ?? 0, 0, 'the single-use code is not sent without its device');
    }
  });

  it('a page whose Marker repeats stops the listing: unavailable, not a partial (or endless) answer', async () => {
    const page = `<ListRolePoliciesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolePoliciesResult><PolicyNames><member>agent-inline</member></PolicyNames><IsTruncated>true</IsTruncated><Marker>same-marker</Marker></ListRolePoliciesResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></ListRolePoliciesResponse>`;
    proxy.setRules([{ action: 'ListRolePolicies', fault: { kind: 'respond', body: page } }]);
    const reader = await createLiveIamReader({
      endpointUrl: proxy.url,
      region: REGION,
      credentials: FAKE_CREDENTIALS,
      sleep: async () => undefined,
    });
    try {
      const got = await reader.getRole(`arn:aws:iam::${ACCOUNT}:role/agent`);
      assert.equal(got.status, 'unavailable');
      if (got.status === 'unavailable')
        assert.match(
          got.reason,
          /iam:ListRolePolicies on role agent did not finish: IAM returned the same pagination marker twice \(page 2\)/,
        );
      assert.equal(proxy.seen.ListRolePolicies, 2);
    } finally {
      reader.dispose();
    }
  });

  it('STS: a throttled single-use MFA call says how many attempts were really made', async () => {
    const sts = createStsClient({
      endpointUrl: proxy.url,
      region: REGION,
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 3,
      sleep: async () => undefined,
    });
    try {
      for (const [action, request] of [
        [
          'AssumeRole',
          {
            roleArn: TARGET,
            roleSessionName: 'throttled',
            mfaSerial: `arn:aws:iam::${ACCOUNT}:mfa/carol`,
            tokenCode: '123456',
          },
        ],
        ['GetSessionToken', { roleArn: null, mfaSerial: `arn:aws:iam::${ACCOUNT}:mfa/carol`, tokenCode: '123456' }],
      ] as const) {
        proxy.clear();
        proxy.setRules([{ action, fault: { kind: 'throttle' } }]);
        await assert.rejects(
          mint(request, { sts }),
          (e: unknown) => e instanceof StsError && e.kind === 'throttled' && /after 3 attempts/.test(e.message),
          action,
        );
        assert.equal(proxy.seen[action], 3);
      }
    } finally {
      sts.dispose();
    }
  });

  it('mint --write-profile that cannot write after minting: exit 3, the credentials printed, the reason on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rolecall-exit3-'));
    writeFileSync(join(dir, 'not-a-folder'), '');
    const io: CliIo & { out: string; err: string } = {
      out: '',
      err: '',
      cwd: dir,
      env: { HOME: dir, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'not-a-folder', 'credentials') },
      stdout: (t) => void (io.out += t),
      stderr: (t) => void (io.err += t),
    };
    const code = await main(
      [
        'mint',
        '--role-arn',
        TARGET,
        '--session-name',
        'exit3',
        '--endpoint-url',
        moto.url,
        '--region',
        REGION,
        '--write-profile',
        'rolecall-target',
      ],
      io,
    );
    assert.equal(code, 3, io.err);
    assert.match(io.out, /^export AWS_ACCESS_KEY_ID=/m);
    assert.match(
      io.err,
      /^rolecall mint: minted \(the credentials were printed above\), but profile \[rolecall-target\] was not written: /m,
    );
    assert.doesNotMatch(io.err, /internal error/);
  });
});
