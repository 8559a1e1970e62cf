// "The finding names the fix": when the pipeline itself can turn a refusal into an allow (pass MFA, pass the
// ExternalId, use an accepted session name), the finding is that fix — mfa-required / external-id-* — and not a
// bare trust-principal-mismatch; the fix is found by evaluating the call again with each candidate change.
import { strict as assert } from 'node:assert';
import { parseSnapshot, SnapshotIamReader } from '../../../../src/core/iam/snapshot';
import { iamRules } from '../../../../src/core/rules/trust';
import type { Finding } from '../../../../src/core/types';
import { defaultConfig } from '../../../../src/core/config';
import { analysisContext, usage } from './helpers';

const ACCOUNT = '222222222222';
const SECRET = 'ext-Zq81mm3PdPx0a';

function role(name: string, statements: unknown[]) {
  return {
    Path: '/',
    RoleName: name,
    RoleId: `AROA${name
      .toUpperCase()
      .replace(/[^A-Z]/g, '')
      .padEnd(16, 'X')
      .slice(0, 16)}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements },
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: [],
  };
}

const allowAssume = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};
const denyWithoutMfa = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
    {
      Sid: 'NoMfaNoRoles',
      Effect: 'Deny',
      Action: 'sts:AssumeRole',
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
};

function user(name: string, policy: unknown, path = '/') {
  return {
    Path: path,
    UserName: name,
    UserId: `AIDA${name.toUpperCase().padEnd(16, 'X').slice(0, 16)}`,
    Arn: `arn:aws:iam::111111111111:user${path}${name}`,
    UserPolicyList: [{ PolicyName: `${name}-policy`, PolicyDocument: policy }],
    GroupList: [],
    AttachedManagedPolicies: [],
    Tags: [],
    MFADevices: [],
  };
}

const SNAPSHOTS = {
  'iam/222.json': {
    RoleDetailList: [
      role('deny-no-mfa', [
        { Sid: 'Hub', Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' },
        {
          Sid: 'DenyWithoutMFA',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sts:AssumeRole',
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ]),
      role('ext-and-mfa', [
        {
          Sid: 'Partner',
          Effect: 'Allow',
          Principal: { AWS: '111111111111' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': SECRET }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ]),
      role('ext-deny', [
        { Sid: 'Hub', Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' },
        {
          Sid: 'OnlyWithExternalId',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRole',
          Condition: { StringNotEquals: { 'sts:ExternalId': SECRET } },
        },
      ]),
      role('ext-or-mfa', [
        {
          Sid: 'WithExternalId',
          Effect: 'Allow',
          Principal: { AWS: '111111111111' },
          Action: 'sts:AssumeRole',
          Condition: { StringLike: { 'sts:ExternalId': 'ci-*' } },
        },
        {
          Sid: 'WithMFA',
          Effect: 'Allow',
          Principal: { AWS: '111111111111' },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ]),
      role('own-session', [
        {
          Sid: 'OwnName',
          Effect: 'Allow',
          Principal: { AWS: '111111111111' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:RoleSessionName': '${aws:username}' } },
        },
      ]),
      role('agents-only', [
        {
          Sid: 'Agents',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:role/linux-agent' },
          Action: 'sts:AssumeRole',
        },
      ]),
      role('people-alice-only', [
        {
          Sid: 'Alice',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:user/people/alice' },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ]),
    ],
    UserDetailList: [],
  },
  'iam/111.json': {
    RoleDetailList: [],
    UserDetailList: [
      user('bob', allowAssume),
      user('alice', allowAssume, '/people/'),
      user('alice', allowAssume),
      user('strict', denyWithoutMfa),
    ],
  },
};

function reader(): SnapshotIamReader {
  return new SnapshotIamReader(
    Object.entries(SNAPSHOTS).map(([file, json]) => {
      const r = parseSnapshot(file, JSON.stringify(json));
      if (!r.snapshot) throw new Error(r.error);
      return r.snapshot;
    }),
  );
}

const ctx = analysisContext();
const codes = (fs: Finding[]) => fs.map((f) => f.code).sort();

function call(roleName: string, caller: string, over: Partial<Parameters<typeof usage>[0]> = {}) {
  return usage({
    text: `withAWS(role:'${roleName}', roleAccount:'${ACCOUNT}')`,
    role: roleName,
    roleAccount: ACCOUNT,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
    caller,
    roleSessionName: 'build-1',
    ...over,
  });
}

describe('rules/trust: the finding names the smallest pipeline-side fix', () => {
  it('a Deny "BoolIfExists aws:MultiFactorAuthPresent false" in the trust policy: mfa-required naming that Deny', async () => {
    const findings = await iamRules(call('deny-no-mfa', 'arn:aws:iam::111111111111:user/bob'), reader(), ctx);
    assert.deepEqual(codes(findings), ['mfa-required']);
    assert.match(
      findings[0].message,
      /^The trust policy of deny-no-mfa denies sts:AssumeRole without MFA \(statement 'DenyWithoutMFA'\); this call does not pass an MFA code — add iamMfaToken:/,
    );
    assert.equal(findings[0].related?.[0].statement, 'DenyWithoutMFA');
    assert.deepEqual(
      await iamRules(call('deny-no-mfa', 'arn:aws:iam::111111111111:user/bob', { mfa: true }), reader(), ctx),
      [],
      'with MFA it passes',
    );
  });

  it('a Deny without MFA in the caller’s own identity policy: mfa-required saying so', async () => {
    const findings = await iamRules(
      call('ext-or-mfa', 'arn:aws:iam::111111111111:user/strict', {
        externalId: { value: 'ci-7', source: 'credential' },
      }),
      reader(),
      ctx,
    );
    assert.deepEqual(codes(findings), ['mfa-required']);
    assert.match(
      findings[0].message,
      /^The identity policy strict-policy of arn:aws:iam::111111111111:user\/strict denies sts:AssumeRole without MFA \(statement 'NoMfaNoRoles'\)/,
    );
  });

  it('ExternalId and MFA both needed: both findings, not a mismatch', async () => {
    const findings = await iamRules(call('ext-and-mfa', 'arn:aws:iam::111111111111:user/bob'), reader(), ctx);
    assert.deepEqual(codes(findings), ['external-id-missing', 'mfa-required']);
    assert.ok(!JSON.stringify(findings).includes(SECRET), 'the ExternalId the policy expects is never printed');
    // With the wrong ExternalId and MFA: only the ExternalId is left to fix.
    const wrong = await iamRules(
      call('ext-and-mfa', 'arn:aws:iam::111111111111:user/bob', {
        mfa: true,
        externalId: { value: 'wrong-one', source: 'credential' },
      }),
      reader(),
      ctx,
    );
    assert.deepEqual(codes(wrong), ['external-id-mismatch']);
    assert.ok(!JSON.stringify(wrong).includes(SECRET) && !JSON.stringify(wrong).includes('wrong-one'));
  });

  it('a Deny "StringNotEquals sts:ExternalId": external-id-missing, not trust-principal-mismatch', async () => {
    const findings = await iamRules(call('ext-deny', 'arn:aws:iam::111111111111:user/bob'), reader(), ctx);
    assert.deepEqual(codes(findings), ['external-id-missing']);
    assert.match(findings[0].message, /statement 'OnlyWithExternalId'/);
    assert.deepEqual(
      codes(
        await iamRules(
          call('ext-deny', 'arn:aws:iam::111111111111:user/bob', {
            externalId: { value: 'nope', source: 'credential' },
          }),
          reader(),
          ctx,
        ),
      ),
      ['external-id-mismatch'],
    );
    assert.deepEqual(
      await iamRules(
        call('ext-deny', 'arn:aws:iam::111111111111:user/bob', { externalId: { value: SECRET, source: 'credential' } }),
        reader(),
        ctx,
      ),
      [],
    );
  });

  it('two ways in (ExternalId or MFA): one change suffices, the first that works is named', async () => {
    const findings = await iamRules(call('ext-or-mfa', 'arn:aws:iam::111111111111:user/bob'), reader(), ctx);
    assert.equal(findings.length, 1);
    assert.deepEqual(codes(findings), ['mfa-required']);
  });

  it('a session name condition with ${aws:username}: the fix names the session name that works', async () => {
    const findings = await iamRules(call('own-session', 'arn:aws:iam::111111111111:user/bob'), reader(), ctx);
    assert.deepEqual(codes(findings), ['trust-principal-mismatch']);
    assert.match(
      findings[0].message,
      /needs StringEquals sts:RoleSessionName "\$\{aws:username\}", and roleSessionName 'build-1' does not meet it — set roleSessionName to e\.g\. 'bob'/,
    );
    assert.deepEqual(
      await iamRules(
        call('own-session', 'arn:aws:iam::111111111111:user/bob', { roleSessionName: 'bob' }),
        reader(),
        ctx,
      ),
      [],
    );
  });

  it('when no change of the call helps (the caller is not trusted), it stays trust-principal-mismatch', async () => {
    // user/alice is not user/people/alice: MFA would not let it in.
    const findings = await iamRules(call('people-alice-only', 'arn:aws:iam::111111111111:user/alice'), reader(), ctx);
    assert.deepEqual(codes(findings), ['trust-principal-mismatch']);
    assert.match(findings[0].message, /names only arn:aws:iam::111111111111:user\/people\/alice/);
    // The right user without MFA: mfa-required.
    assert.deepEqual(
      codes(await iamRules(call('people-alice-only', 'arn:aws:iam::111111111111:user/people/alice'), reader(), ctx)),
      ['mfa-required'],
    );
  });

  it('the caller is a pipeline-side change too: withAWS on the controller, where the agent (useNode: true) is trusted', async () => {
    const config = defaultConfig();
    config.callers.controller = 'arn:aws:iam::111111111111:role/controller';
    config.callers.agents = { linux: 'arn:aws:iam::111111111111:role/linux-agent' };
    const withConfig = analysisContext({ config });
    const u = {
      ...call('agents-only', config.callers.controller),
      callerOrigin: 'Jenkins controller (.rolecall.json callers.controller)',
      agentLabel: 'linux',
    };
    const findings = await iamRules(u, reader(), withConfig);
    assert.deepEqual(codes(findings), ['trust-principal-mismatch']);
    assert.match(
      findings[0].message,
      /or, from the pipeline's side: add useNode: true to the withAWS call — it then calls STS as arn:aws:iam::111111111111:role\/linux-agent \(agent label linux \(\.rolecall\.json callers\.agents\), useNode: true\), which agents-only lets in\.$/,
    );
    // An agent whose principal is not trusted either: no such hint.
    config.callers.agents = { linux: 'arn:aws:iam::111111111111:role/other-agent' };
    const none = await iamRules(u, reader(), analysisContext({ config }));
    assert.deepEqual(codes(none), ['trust-principal-mismatch']);
    assert.doesNotMatch(none[0].message, /useNode/);
  });
});

describe('rules/trust: a role session whose role path is not known', () => {
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CiRoles',
        Effect: 'Allow',
        Principal: { AWS: '333333333333' },
        Action: 'sts:AssumeRole',
        Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::333333333333:role/ci/*' } },
      },
    ],
  };
  const snap = (withCaller: boolean) =>
    new SnapshotIamReader([
      parseSnapshot(
        'iam/222.json',
        JSON.stringify({ RoleDetailList: [role('ci-only', trust.Statement)], UserDetailList: [] }),
      ).snapshot!,
      ...(withCaller
        ? [
            parseSnapshot(
              'iam/333.json',
              JSON.stringify({
                RoleDetailList: [
                  {
                    ...role('builder', []),
                    Path: '/ci/',
                    Arn: 'arn:aws:iam::333333333333:role/ci/builder',
                    RolePolicyList: [{ PolicyName: 'assume', PolicyDocument: allowAssume }],
                  },
                  {
                    ...role('deployer', []),
                    Path: '/ops/',
                    Arn: 'arn:aws:iam::333333333333:role/ops/deployer',
                    RolePolicyList: [{ PolicyName: 'assume', PolicyDocument: allowAssume }],
                  },
                ],
                UserDetailList: [],
              }),
            ).snapshot!,
          ]
        : []),
    ]);
  const session = 'arn:aws:sts::333333333333:assumed-role/builder/i-0abc';

  it('a condition on aws:PrincipalArn is not claimed to fail when the path cannot be known (no IAM data for the caller)', async () => {
    assert.deepEqual(await iamRules(call('ci-only', session), snap(false), ctx), []);
  });

  it("with the role's record the real aws:PrincipalArn (path included) decides", async () => {
    assert.deepEqual(await iamRules(call('ci-only', session), snap(true), ctx), []);
    // A session of role/ops/deployer: its real aws:PrincipalArn is not under role/ci/.
    assert.deepEqual(
      codes(await iamRules(call('ci-only', 'arn:aws:sts::333333333333:assumed-role/deployer/x'), snap(true), ctx)),
      ['trust-principal-mismatch'],
    );
  });
});
