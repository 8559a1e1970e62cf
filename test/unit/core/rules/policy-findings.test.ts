// Role-level checks in isolation (unsatisfiable conditions, invalid principals) and trust policies that IAM
// refuses, through a tiny in-memory reader.
import { strict as assert } from 'node:assert';
import { parsePolicy } from '../../../../src/core/iam/policy';
import { roleProblems, unsatisfiableReason } from '../../../../src/core/rules/policy-findings';
import { iamRules } from '../../../../src/core/rules/trust';
import type { IamReader, RoleRecord } from '../../../../src/core/ports';
import { analysisContext, usage } from './helpers';

function statement(condition: Record<string, unknown>) {
  const parsed = parsePolicy(
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Condition: condition }],
    },
    'trust',
  );
  assert.deepEqual(parsed.errors, []);
  return parsed.policy!.statements[0];
}

function roleWith(trust: unknown, name = 'r'): RoleRecord {
  return {
    arn: `arn:aws:iam::222222222222:role/${name}`,
    accountId: '222222222222',
    roleName: name,
    path: '/',
    roleId: 'AROAUNIQUEROLEID0001',
    trustPolicy: {
      name: `trust policy of ${name}`,
      text: typeof trust === 'string' ? trust : JSON.stringify(trust),
      origin: { kind: 'live', profile: 'p' },
    },
    maxSessionDuration: 3600,
    identityPolicies: [],
    tags: {},
    origin: { kind: 'live', profile: 'p' },
  };
}

function memoryReader(roles: RoleRecord[]): IamReader {
  return {
    coversAccount: (a) => a === '222222222222' || a === '111111111111',
    accounts: () => ['111111111111', '222222222222'],
    getRole: async (arn) => {
      const r = roles.find((x) => x.arn === arn || arn.endsWith(`/${x.roleName}`));
      return r ? { status: 'found', value: r } : { status: 'not-found', knownNames: roles.map((x) => x.roleName) };
    },
    getUser: async () => ({ status: 'not-found', knownNames: [] }),
    listRoles: async () => ({ status: 'found', value: roles }),
  };
}

describe('rules/trust: unsatisfiable conditions', () => {
  const cases: Array<[Record<string, unknown>, RegExp | null]> = [
    [{ StringEquals: { 'aws:username': [] } }, /empty list of values/],
    [{ 'ForAnyValue:StringLike': { 'aws:PrincipalTag/team': [] } }, /empty list/],
    [{ StringEqualsIfExists: { 'aws:username': [] } }, null],
    [{ 'ForAllValues:StringEquals': { 'aws:PrincipalTag/team': [] } }, null],
    [{ StringNotEquals: { 'aws:username': [] } }, null],
    [
      { Null: { 'sts:ExternalId': 'true' }, StringEquals: { 'sts:ExternalId': 'x' } },
      /Null requires sts:ExternalId to be absent/,
    ],
    [{ Null: { 'sts:ExternalId': 'true' }, StringEqualsIfExists: { 'sts:ExternalId': 'x' } }, null],
    [
      { StringEquals: { 'sts:ExternalId': 'a' }, StringNotEquals: { 'sts:ExternalId': ['a', 'b'] } },
      /exclude each other/,
    ],
    [{ StringEquals: { 'sts:ExternalId': ['a', 'c'] }, StringNotEquals: { 'sts:ExternalId': 'a' } }, null],
    [{ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, null],
    // Values the operator cannot compare never match (AWS condition operators: Bool true/false, numbers,
    // W3C ISO 8601 dates or epoch time, CIDR blocks).
    [{ Bool: { 'aws:MultiFactorAuthPresent': 'yes' } }, /"yes", which is no boolean/],
    [{ NumericLessThan: { 'aws:MultiFactorAuthAge': 'one hour' } }, /no number/],
    [{ DateLessThan: { 'aws:CurrentTime': '2030-01-01 10:00' } }, /no date/],
    [{ DateLessThan: { 'aws:CurrentTime': ['2030-01-01 10:00', '2030-01-01T10:00:00Z'] } }, null],
    [{ IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }, /no IP address or CIDR block/],
    [{ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'yes' } }, null],
    [{ NotIpAddress: { 'aws:SourceIp': 'x' } }, null],
  ];
  for (const [condition, expected] of cases) {
    it(`${JSON.stringify(condition)} → ${expected ? 'unsatisfiable' : 'satisfiable'}`, () => {
      const why = unsatisfiableReason(statement(condition));
      if (expected) assert.match(why ?? '', expected);
      else assert.equal(why, null);
    });
  }
});

describe('rules/trust: trust policies IAM refuses or never matches', () => {
  it('NotPrincipal with Allow: trust-principal-mismatch with the reason', async () => {
    const role = roleWith({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: '333333333333' }, Action: 'sts:AssumeRole' }],
    });
    const findings = await iamRules(
      usage({ text: "withAWS(role:'r')", roleArn: role.arn, caller: 'arn:aws:iam::111111111111:user/alice' }),
      memoryReader([role]),
      analysisContext(),
    );
    assert.deepEqual(findings.map((f) => f.code).sort(), ['invalid-principal', 'trust-principal-mismatch']);
    const mismatch = findings.find((f) => f.code === 'trust-principal-mismatch')!;
    assert.match(
      mismatch.message,
      /cannot let anyone in: NotPrincipal \(here with "Effect": "Allow"\) cannot be used in a role trust policy/,
    );
    const invalid = findings.find((f) => f.code === 'invalid-principal')!;
    assert.equal(invalid.severity, 'warning');
    assert.match(
      invalid.message,
      /statement #0: NotPrincipal \(with "Effect": "Allow"\) cannot be used in a role trust policy; IAM refuses the document/,
    );
  });

  it('NotPrincipal with Deny is refused too (AWS: NotPrincipal cannot be used in a role trust policy)', async () => {
    const role = roleWith({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' },
        {
          Sid: 'OnlyAlice',
          Effect: 'Deny',
          NotPrincipal: { AWS: 'arn:aws:iam::111111111111:user/alice' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const findings = await iamRules(
      usage({ text: "withAWS(role:'r')", roleArn: role.arn, caller: 'arn:aws:iam::111111111111:user/alice' }),
      memoryReader([role]),
      analysisContext(),
    );
    assert.deepEqual(findings.map((f) => f.code).sort(), ['invalid-principal', 'trust-principal-mismatch']);
    assert.match(
      findings.find((f) => f.code === 'invalid-principal')!.message,
      /statement 'OnlyAlice': NotPrincipal \(with "Effect": "Deny"\)/,
    );
  });

  it('a grammar error (Effect "allow") is a policy-parse-error; a live role has no file to point at', async () => {
    const role = roleWith(
      '{"Version":"2012-10-17","Statement":[{"Effect":"allow","Principal":"*","Action":"sts:AssumeRole"}]}',
    );
    const findings = await iamRules(
      usage({ text: "withAWS(role:'r')", roleArn: role.arn, caller: 'arn:aws:iam::111111111111:user/alice' }),
      memoryReader([role]),
      analysisContext(),
    );
    assert.deepEqual(
      findings.map((f) => f.code),
      ['policy-parse-error'],
    );
    assert.match(findings[0].message, /Effect must be "Allow" or "Deny".*line 1, column 48/);
    assert.equal(findings[0].related?.[0].file, undefined);
  });

  it('invalid principals of every kind are listed once per role', () => {
    const role = roleWith({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'S',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam:::root', 'jenkins', 'arn:aws:iam::*:role/x'], Service: 'ec2' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    const problems = roleProblems(role);
    assert.equal(problems.filter((p) => p.code === 'invalid-principal').length, 4);
    assert.equal(roleProblems(role), problems, 'cached per role');
  });

  it('a unique id in a trust policy (a deleted principal) is an invalid-principal warning', () => {
    const role = roleWith({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Old', Effect: 'Allow', Principal: { AWS: 'AROADELETEDROLE00001' }, Action: 'sts:AssumeRole' },
      ],
    });
    const problems = roleProblems(role);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['invalid-principal'],
    );
    assert.match(
      problems[0].message,
      /AROADELETEDROLE00001 is a unique id — IAM writes one when the role or user the policy named was deleted/,
    );
  });

  it('a trust policy naming the caller role by unique id matches through the caller record', async () => {
    const target = roleWith(
      {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: 'AROACALLERROLE000001' }, Action: 'sts:AssumeRole' }],
      },
      'target',
    );
    const caller: RoleRecord = {
      ...roleWith({ Version: '2012-10-17', Statement: [] }, 'caller'),
      roleId: 'AROACALLERROLE000001',
    };
    const reader = memoryReader([target, caller]);
    const ok = await iamRules(
      usage({
        text: "withAWS(role:'target')",
        roleArn: target.arn,
        caller: 'arn:aws:sts::222222222222:assumed-role/caller/s',
      }),
      reader,
      analysisContext(),
    );
    assert.deepEqual(
      ok.map((f) => f.code),
      ['invalid-principal'],
      'allowed, with the unique-id warning',
    );
    const other: RoleRecord = {
      ...roleWith({ Version: '2012-10-17', Statement: [] }, 'other'),
      roleId: 'AROAOTHERROLE0000001',
    };
    const no = await iamRules(
      usage({
        text: "withAWS(role:'target')",
        roleArn: target.arn,
        caller: 'arn:aws:sts::222222222222:assumed-role/other/s',
      }),
      memoryReader([target, other]),
      analysisContext(),
    );
    assert.deepEqual(no.map((f) => f.code).sort(), ['invalid-principal', 'trust-principal-mismatch']);
  });
});
