// trust-principal-mismatch, external-id-*, mfa-required, and the role-level findings at usages and snapshots.
import { strict as assert } from 'node:assert';
import { iamRules, snapshotFindings } from '../../../../src/core/rules/trust';
import { CompositeIamReader } from '../../../../src/core/iam/composite';
import { parseSnapshot, SnapshotIamReader, unresolvedPolicies } from '../../../../src/core/iam/snapshot';
import type { Finding } from '../../../../src/core/types';
import { analysisContext, reader, SECRET_EXTERNAL_ID, SLAVE, SNAPSHOT_TEXTS, snapshots, usage } from './helpers';

const ctx = analysisContext();
const JENKINS = 'arn:aws:iam::222222222222:role/jenkins';
const JENKINS_CALL =
  'withAWS(role:\'jenkins\', roleAccount:"$role_account", externalId: "$external_id", duration: 900, roleSessionName: \'jenkins-session\')';
const codes = (fs: Finding[]) => fs.map((f) => f.code).sort();

function jenkinsUsage(over: Parameters<typeof usage>[0] extends infer T ? Partial<T> : never = {}) {
  return usage({
    text: JENKINS_CALL,
    role: 'jenkins',
    roleAccount: '222222222222',
    roleArn: JENKINS,
    caller: SLAVE,
    duration: 900,
    roleSessionName: 'jenkins-session',
    externalId: { value: SECRET_EXTERNAL_ID, source: 'credential', reference: 'ExternalId' },
    ...over,
  });
}

function noSecret(findings: Finding[]) {
  const text = JSON.stringify(findings);
  assert.ok(!text.includes(SECRET_EXTERNAL_ID), 'the ExternalId must never be printed');
  assert.ok(!text.includes('wrong-external-id'), 'the passed ExternalId must never be printed');
}

describe('rules/trust: sts:AssumeRole decision', () => {
  it('seed 000: the agent role with the right ExternalId passes', async () => {
    assert.deepEqual(await iamRules(jenkinsUsage(), reader(), ctx), []);
  });

  it('external-id-missing names the role, the statement and the fix', async () => {
    const findings = await iamRules(jenkinsUsage({ externalId: null }), reader(), ctx);
    assert.deepEqual(codes(findings), ['external-id-missing']);
    const f = findings[0];
    assert.equal(f.severity, 'error');
    assert.match(
      f.message,
      /trust policy of jenkins requires sts:ExternalId \(statement #0\); this call passes none — add externalId:/,
    );
    assert.equal(f.roleArn, JENKINS);
    assert.equal(f.related?.[0].statement, '0');
    assert.equal(f.related?.[0].file, 'iam/222222222222.json');
    noSecret(findings);
  });

  it('external-id-mismatch for a resolved wrong value, without printing either value', async () => {
    const findings = await iamRules(
      jenkinsUsage({ externalId: { value: 'wrong-external-id', source: 'credential', reference: 'ExternalId' } }),
      reader(),
      ctx,
    );
    assert.deepEqual(codes(findings), ['external-id-mismatch']);
    assert.match(
      findings[0].message,
      /from credential 'ExternalId'\) does not match what the trust policy of jenkins expects in statement #0/,
    );
    noSecret(findings);
  });

  it('an unresolved ExternalId is not claimed to mismatch', async () => {
    const findings = await iamRules(
      jenkinsUsage({ externalId: { value: null, source: 'unresolved', reference: 'external_id' } }),
      reader(),
      ctx,
    );
    assert.deepEqual(findings, []);
  });

  it('external-id-unused when the trust policy never checks one (warning)', async () => {
    const u = usage({
      text: "withAWS(role:'arn:aws:iam::333333333333:role/deploy-role', externalId: 'abc')",
      roleArn: 'arn:aws:iam::333333333333:role/deploy-role',
      caller: 'arn:aws:sts::111111111111:assumed-role/deploy-role-agent-account-x/t',
      externalId: { value: 'abc', source: 'literal' },
    });
    const findings = await iamRules(u, reader(), ctx);
    assert.deepEqual(codes(findings), ['external-id-unused']);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /never checks sts:ExternalId/);
  });

  it('trust-principal-mismatch when no statement names the caller', async () => {
    const findings = await iamRules(jenkinsUsage({ caller: 'arn:aws:iam::333333333333:role/ci' }), reader(), ctx);
    assert.deepEqual(codes(findings), ['trust-principal-mismatch']);
    assert.match(
      findings[0].message,
      /trust policy of jenkins names only arn:aws:iam::111111111111:root, so arn:aws:iam::333333333333:role\/ci cannot assume it — add "arn:aws:iam::333333333333:role\/ci"/,
    );
    assert.equal(findings[0].related?.[0].statement, '0');
  });

  it('trust-principal-mismatch when the trust names only the account and the caller’s policies do not allow it', async () => {
    const findings = await iamRules(jenkinsUsage({ caller: 'arn:aws:iam::111111111111:user/carol' }), reader(), ctx);
    assert.deepEqual(codes(findings), ['trust-principal-mismatch']);
    assert.match(
      findings[0].message,
      /names only the account 111111111111 \(statement #0\).*no identity policy of arn:aws:iam::111111111111:user\/carol allows sts:AssumeRole on arn:aws:iam::222222222222:role\/jenkins — add a statement/,
    );
  });

  it('seed 003: the EC2 agent role has no permission for deploy-role in 333333333333', async () => {
    const u = usage({
      text: "sh 'aws sts assume-role'",
      roleArn: 'arn:aws:iam::333333333333:role/deploy-role',
      caller: 'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-1',
      duration: null,
      kind: 'sh-assume-role',
      roleSessionName: 'x1',
    });
    const findings = await iamRules(u, reader(), ctx);
    assert.deepEqual(codes(findings), ['trust-principal-mismatch']);
    assert.match(findings[0].message, /identity policy of arn:aws:sts::111111111111:assumed-role\/jenkins-slave\/i-1/);
  });

  it('trust-principal-mismatch for an explicit Deny, naming the Deny statement', async () => {
    const findings = await iamRules(
      usage({
        text: "withAWS(role:'no-bob')",
        roleArn: 'arn:aws:iam::222222222222:role/no-bob',
        caller: 'arn:aws:iam::111111111111:user/carol',
      }),
      reader(),
      ctx,
    );
    assert.deepEqual(codes(findings), ['trust-principal-mismatch']);
    assert.match(
      findings[0].message,
      /explicitly denies arn:aws:iam::111111111111:user\/carol \(statement 'NotCarol'\)/,
    );
    assert.equal(findings[0].related?.[0].statement, 'NotCarol');
    const alice = await iamRules(
      usage({
        text: "withAWS(role:'no-bob')",
        roleArn: 'arn:aws:iam::222222222222:role/no-bob',
        caller: 'arn:aws:iam::111111111111:user/alice',
      }),
      reader(),
      ctx,
    );
    assert.deepEqual(alice, []);
  });

  it('trust-principal-mismatch names an unmet condition other than ExternalId/MFA', async () => {
    const base = {
      text: "withAWS(role:'session-bound')",
      roleArn: 'arn:aws:iam::222222222222:role/session-bound',
      caller: 'arn:aws:iam::111111111111:user/alice',
    };
    const findings = await iamRules(usage({ ...base, roleSessionName: 'build-7' }), reader(), ctx);
    assert.deepEqual(codes(findings), ['trust-principal-mismatch']);
    assert.match(findings[0].message, /statement 'DeploySessions' needs StringLike sts:RoleSessionName "deploy-\*"/);
    assert.deepEqual(await iamRules(usage({ ...base, roleSessionName: 'deploy-7' }), reader(), ctx), []);
    assert.deepEqual(
      await iamRules(usage({ ...base, roleSessionName: null }), reader(), ctx),
      [],
      'a default session name is unknown: no claim',
    );
  });

  it('conditions on keys a pipeline cannot know (aws:SourceIp) are not reported', async () => {
    assert.deepEqual(
      await iamRules(
        usage({
          text: "withAWS(role:'ip-bound')",
          roleArn: 'arn:aws:iam::222222222222:role/ip-bound',
          caller: 'arn:aws:iam::111111111111:user/alice',
        }),
        reader(),
        ctx,
      ),
      [],
    );
  });

  it('mfa-required instead of a mismatch when MFA is the only unmet condition', async () => {
    const base = {
      text: "withAWS(role:'admin', credentials:'alice')",
      roleArn: 'arn:aws:iam::222222222222:role/admin',
      caller: 'arn:aws:iam::111111111111:user/alice',
    };
    const findings = await iamRules(usage(base), reader(), ctx);
    assert.deepEqual(codes(findings), ['mfa-required']);
    assert.match(
      findings[0].message,
      /trust policy of admin requires MFA \(statement 'JenkinsUsersWithMFA'\).*iamMfaToken:/,
    );
    assert.deepEqual(await iamRules(usage({ ...base, mfa: true }), reader(), ctx), []);
  });

  it('seed 004: ken needs MFA for secrets-reader; the shell fix names --serial-number with his device', async () => {
    const u = usage({
      text: "sh 'aws sts assume-role --role-arn arn:aws:iam::444444444444:role/secrets-reader'",
      roleArn: 'arn:aws:iam::444444444444:role/secrets-reader',
      caller: 'arn:aws:iam::444444444444:user/ken',
      kind: 'sh-assume-role',
      duration: null,
      roleSessionName: 'ken',
    });
    const findings = await iamRules(u, reader(), ctx);
    assert.deepEqual(codes(findings), ['mfa-required']);
    assert.match(findings[0].message, /--serial-number arn:aws:iam::444444444444:mfa\/ken --token-code CODE/);
    assert.deepEqual(await iamRules({ ...u, mfa: true }, reader(), ctx), []);
  });

  it('seed 002: Vault’s own role may assume jenkins-ecr-push-role, an agent may not', async () => {
    const base = {
      text: 'withVault(...)',
      roleArn: 'arn:aws:iam::444444444444:role/jenkins-ecr-push-role',
      kind: 'vault' as const,
      duration: null,
    };
    assert.deepEqual(
      await iamRules(usage({ ...base, caller: 'arn:aws:iam::111111111111:role/vault-server' }), reader(), ctx),
      [],
    );
    assert.deepEqual(codes(await iamRules(usage({ ...base, caller: SLAVE }), reader(), ctx)), [
      'trust-principal-mismatch',
    ]);
  });

  it('a caller whose attached policy is missing from the snapshot is not claimed to lack the permission', async () => {
    const text = JSON.stringify({
      RoleDetailList: [
        {
          RoleName: 'agent',
          Arn: 'arn:aws:iam::111111111111:role/agent',
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
          AttachedManagedPolicies: [
            { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
          ],
        },
      ],
    });
    const parsed = parseSnapshot('iam/agents.json', text);
    assert.ok(parsed.snapshot);
    assert.deepEqual(unresolvedPolicies(parsed.snapshot.roles[0]), ['arn:aws:iam::aws:policy/AdministratorAccess']);
    const withAgents = new SnapshotIamReader([
      ...snapshots().filter((x) => x.file !== 'iam/111111111111.json'),
      parsed.snapshot,
    ]);
    const findings = await iamRules(jenkinsUsage({ caller: 'arn:aws:iam::111111111111:role/agent' }), withAgents, ctx);
    assert.deepEqual(findings, []);
  });

  it('a pipeline running with root user keys cannot assume any role', async () => {
    const findings = await iamRules(jenkinsUsage({ caller: 'arn:aws:iam::111111111111:root' }), reader(), ctx);
    assert.deepEqual(codes(findings), ['trust-principal-mismatch']);
    assert.match(findings[0].message, /account root user, and STS refuses AssumeRole with root user credentials/);
  });

  it('a caller whose account has no IAM data: identity policies assumed, trust still checked', async () => {
    const ok = await iamRules(
      jenkinsUsage({ caller: 'arn:aws:iam::111111111111:role/not-in-snapshot' }),
      reader(),
      ctx,
    );
    assert.deepEqual(ok, [], 'caller role not in the snapshot: its permissions are assumed');
    const uncovered = await iamRules(
      usage({
        text: "withAWS(role:'arn:aws:iam::333333333333:role/deploy-role')",
        roleArn: 'arn:aws:iam::333333333333:role/deploy-role',
        caller: 'arn:aws:iam::987654321098:user/x',
      }),
      reader(),
      ctx,
    );
    assert.deepEqual(codes(uncovered), ['trust-principal-mismatch']);
  });

  it('a caller whose identity cannot be read (denied, throttled): iam-unavailable with the reason, never assumed to allow', async () => {
    // A reader that has the target roles but fails on the caller's side (as a live reader does when
    // GetUser, ListRolePolicies, ListGroupsForUser... are refused).
    const failing = reader();
    const unavailable = {
      status: 'unavailable' as const,
      reason: 'AccessDenied: arn:aws:iam::111111111111:user/scanner may not call iam:ListGroupsForUser',
      next: 'allow iam:ListGroupsForUser',
    };
    const callerSide = Object.assign(Object.create(failing) as SnapshotIamReader, {
      getUser: async () => unavailable,
      getRole: async (arn: string, options?: { identityPolicies?: boolean }) =>
        options?.identityPolicies === false ? failing.getRole(arn) : unavailable,
    });
    // carol is refused by her own policies (the trust names only the account): with them unreadable, no pass.
    const carol = await iamRules(jenkinsUsage({ caller: 'arn:aws:iam::111111111111:user/carol' }), callerSide, ctx);
    assert.deepEqual(codes(carol), ['iam-unavailable']);
    assert.match(
      carol[0].message,
      /^Could not read the identity policies of the caller arn:aws:iam::111111111111:user\/carol: AccessDenied: .* may not call iam:ListGroupsForUser\. Whether it may assume arn:aws:iam::222222222222:role\/jenkins was not checked — allow iam:ListGroupsForUser\.$/,
    );
    assert.equal(carol[0].severity, 'warning');
    // The agent role that would pass: also not checked (its policies could hold a Deny).
    assert.deepEqual(codes(await iamRules(jenkinsUsage(), callerSide, ctx)), ['iam-unavailable']);
    // A refusal that holds whatever the caller's policies say is still reported as such.
    const denied = await iamRules(
      usage({
        text: "withAWS(role:'no-bob')",
        roleArn: 'arn:aws:iam::222222222222:role/no-bob',
        caller: 'arn:aws:iam::111111111111:user/carol',
      }),
      callerSide,
      ctx,
    );
    assert.deepEqual(codes(denied), ['trust-principal-mismatch']);
    // A reader that throws on the caller's side is treated the same way.
    const throwing = Object.assign(Object.create(failing) as SnapshotIamReader, {
      getUser: async () => {
        throw new Error('socket closed');
      },
    });
    const thrown = await iamRules(jenkinsUsage({ caller: 'arn:aws:iam::111111111111:user/carol' }), throwing, ctx);
    assert.deepEqual(codes(thrown), ['iam-unavailable']);
    assert.match(thrown[0].message, /socket closed/);
  });

  it('an unknown caller: ExternalId is still checked, principal checks are not claimed', async () => {
    assert.deepEqual(codes(await iamRules(jenkinsUsage({ caller: null, externalId: null }), reader(), ctx)), [
      'external-id-missing',
    ]);
    assert.deepEqual(await iamRules(jenkinsUsage({ caller: null }), reader(), ctx), []);
    assert.deepEqual(
      await iamRules(
        usage({ text: "withAWS(role:'no-bob')", roleArn: 'arn:aws:iam::222222222222:role/no-bob', caller: null }),
        reader(),
        ctx,
      ),
      [],
    );
  });
});

describe('rules/trust: role-level findings', () => {
  it('seed 001 developer role: invalid-principal and unsatisfiable-condition at the usage, plus the mismatch', async () => {
    const u = usage({
      text: "withAWS(role:'developer', roleAccount:'222222222222', credentials:'alice', iamMfaToken: token)",
      roleArn: 'arn:aws:iam::222222222222:role/developer',
      caller: 'arn:aws:iam::111111111111:user/alice',
      mfa: true,
    });
    const findings = await iamRules(u, reader(), ctx);
    assert.deepEqual(codes(findings), ['invalid-principal', 'trust-principal-mismatch', 'unsatisfiable-condition']);
    const invalid = findings.find((f) => f.code === 'invalid-principal')!;
    assert.equal(invalid.severity, 'warning');
    assert.match(
      invalid.message,
      /Trust policy of developer, statement 'ForceMFA': invalid principal — "arn:aws:iam:::root" has no account id/,
    );
    const related = invalid.related![0];
    assert.equal(related.file, 'iam/222222222222.json');
    assert.equal(
      SNAPSHOT_TEXTS['iam/222222222222.json'].slice(related.range!.start, related.range!.end),
      '"arn:aws:iam:::root"',
    );
    const unsat = findings.find((f) => f.code === 'unsatisfiable-condition')!;
    assert.match(
      unsat.message,
      /statement 'ForceMFA': no request can satisfy it — StringEquals on aws:username has an empty list of values/,
    );
    const st = unsat.related![0];
    assert.equal(st.statement, 'ForceMFA');
    assert.match(
      SNAPSHOT_TEXTS['iam/222222222222.json'].slice(st.range!.start, st.range!.end),
      /^\{\s*"Sid": "ForceMFA"[\s\S]*\}$/,
    );
  });

  it('policy-parse-error for a trust policy at each usage, positioned in the snapshot', async () => {
    const u = usage({
      text: "withAWS(role:'broken')",
      roleArn: 'arn:aws:iam::222222222222:role/broken',
      caller: SLAVE,
    });
    const findings = await iamRules(u, reader(), ctx);
    assert.deepEqual(codes(findings), ['policy-parse-error']);
    assert.match(
      findings[0].message,
      /The trust policy of broken is not valid policy JSON: trailing comma.*line 1, column \d+ of the document/,
    );
    const r = findings[0].related![0];
    assert.equal(r.file, 'iam/222222222222.json');
    assert.equal(
      SNAPSHOT_TEXTS['iam/222222222222.json'].slice(r.range!.start, r.range!.end),
      '%2C',
      'the URL-encoded comma in the file',
    );
  });

  it('snapshotFindings reports every broken document once, at the snapshot file (seed 000 jenkins-policy.json)', () => {
    const findings = snapshotFindings(new CompositeIamReader([reader()]));
    assert.deepEqual(findings.map((f) => [f.code, f.file]).sort(), [
      ['policy-parse-error', 'iam/222222222222.json'],
      ['policy-parse-error', 'iam/222222222222.json'],
    ]);
    const managed = findings.find((f) => /policy\/jenkins/.test(f.message))!;
    assert.match(managed.message, /arn:aws:iam::222222222222:policy\/jenkins.*trailing comma/);
    assert.equal(SNAPSHOT_TEXTS['iam/222222222222.json'].slice(managed.range.start, managed.range.end), '%2C');
    const trust = findings.find((f) => f.roleArn === 'arn:aws:iam::222222222222:role/broken')!;
    assert.equal(SNAPSHOT_TEXTS['iam/222222222222.json'].slice(trust.range.start, trust.range.end), '%2C');
    assert.equal(snapshotFindings(snapshots()).length, 2);
  });

  it('each finding carries the contract severity and a message naming the role', async () => {
    const all: Finding[] = [];
    all.push(...(await iamRules(jenkinsUsage({ externalId: null }), reader(), ctx)));
    all.push(
      ...(await iamRules(
        usage({
          text: "withAWS(role:'admin')",
          roleArn: 'arn:aws:iam::222222222222:role/admin',
          caller: 'arn:aws:iam::111111111111:user/alice',
        }),
        reader(),
        ctx,
      )),
    );
    for (const f of all) {
      assert.ok(f.message.length > 40);
      assert.ok(/jenkins|admin/.test(f.message));
      assert.equal(f.file, 'Jenkinsfile');
    }
  });
});
