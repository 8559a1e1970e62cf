// role-not-found, iam-unavailable, duration-exceeds-max, role-chaining-duration.
import { strict as assert } from 'node:assert';
import { iamRules } from '../../../../src/core/rules/trust';
import { roleChainingRule } from '../../../../src/core/rules/duration-max';
import { CompositeIamReader } from '../../../../src/core/iam/composite';
import type { IamReader } from '../../../../src/core/ports';
import { defaultConfig } from '../../../../src/core/config';
import { analysisContext, applyEdits, reader, SLAVE, usage } from './helpers';

/** What analyzeFile runs for a usage: role chaining (needs no IAM data, so it runs in every scan) plus the trust checks. */
async function allChecks(...args: Parameters<typeof iamRules>) {
  return [...roleChainingRule(args[0], args[2]), ...(await iamRules(...args))];
}

const ctx = analysisContext();

describe('rules/trust: role lookup', () => {
  it('role-not-found with a preferred fix to the nearest role name', async () => {
    const text = "withAWS(role:'jenkns', roleAccount:'222222222222', externalId: \"$external_id\")";
    const u = usage({
      text,
      role: 'jenkns',
      roleAccount: '222222222222',
      roleArn: 'arn:aws:iam::222222222222:role/jenkns',
      caller: SLAVE,
    });
    const findings = await iamRules(u, reader(), ctx);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['role-not-found'],
    );
    const f = findings[0];
    assert.equal(f.severity, 'error');
    assert.match(f.message, /Role jenkns does not exist in account 222222222222.*Did you mean jenkins\?/);
    assert.equal(f.fixes?.[0].isPreferred, true);
    assert.equal(
      applyEdits(text, f.fixes![0].edits),
      "withAWS(role:'jenkins', roleAccount:'222222222222', externalId: \"$external_id\")",
    );
  });

  it('role-not-found for a full role ARN keeps the ARN and fixes only the name', async () => {
    const text = "withAWS(role:'arn:aws:iam::333333333333:role/deploy-rol')";
    const u = usage({
      text,
      role: 'arn:aws:iam::333333333333:role/deploy-rol',
      roleArn: 'arn:aws:iam::333333333333:role/deploy-rol',
      caller: SLAVE,
    });
    const [f] = await iamRules(u, reader(), ctx);
    assert.equal(f.code, 'role-not-found');
    assert.equal(applyEdits(text, f.fixes![0].edits), "withAWS(role:'arn:aws:iam::333333333333:role/deploy-role')");
  });

  it('role-not-found without a near name lists the roles and offers the nearest, not preferred', async () => {
    const text = "withAWS(role:'zzzzzzzzzzzz')";
    const u = usage({
      text,
      role: 'zzzzzzzzzzzz',
      roleArn: 'arn:aws:iam::333333333333:role/zzzzzzzzzzzz',
      caller: SLAVE,
    });
    const [f] = await iamRules(u, reader(), ctx);
    assert.equal(f.code, 'role-not-found');
    assert.match(f.message, /Roles in that account: deploy-role/);
    assert.equal(f.fixes?.length, 1);
    assert.equal(f.fixes?.[0].isPreferred, false);
    assert.equal(applyEdits(text, f.fixes![0].edits), "withAWS(role:'deploy-role')");
  });

  it('role-not-found from an expression (no plain value to edit) offers no fix', async () => {
    const u = usage({
      text: 'withAWS(role:"${params.ROLE}x")',
      role: 'jenkns',
      roleArn: 'arn:aws:iam::222222222222:role/jenkns',
      caller: SLAVE,
    });
    u.args.role = { start: 13, end: 29 };
    const [f] = await iamRules(u, reader(), ctx);
    assert.equal(f.code, 'role-not-found');
    assert.equal(f.fixes, undefined);
  });

  it('iam-unavailable for an uncovered account, with a typo fix when a covered account is 1-2 edits away', async () => {
    const text = "withAWS(role:'jenkins', roleAccount:'222222222223')";
    const u = usage({
      text,
      role: 'jenkins',
      roleAccount: '222222222223',
      roleArn: 'arn:aws:iam::222222222223:role/jenkins',
      caller: SLAVE,
    });
    const findings = await iamRules(u, reader(), ctx);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['iam-unavailable'],
    );
    const f = findings[0];
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /No IAM data for account 222222222223/);
    assert.match(f.message, /close to 222222222222/);
    assert.match(f.message, /--iam-snapshot/);
    assert.match(f.message, /--account-profile 222222222223=PROFILE/);
    assert.match(f.message, /\.rolecall\.json/);
    assert.equal(applyEdits(text, f.fixes![0].edits), "withAWS(role:'jenkins', roleAccount:'222222222222')");
  });

  it('iam-unavailable names the account and offers no fix when nothing is near', async () => {
    const u = usage({
      text: "withAWS(role:'arn:aws:iam::987654321098:role/x')",
      role: 'arn:aws:iam::987654321098:role/x',
      roleArn: 'arn:aws:iam::987654321098:role/x',
      caller: SLAVE,
    });
    const [f] = await iamRules(u, reader(), ctx);
    assert.equal(f.code, 'iam-unavailable');
    assert.match(f.message, /987654321098/);
    assert.equal(f.fixes, undefined);
  });

  it('iam-unavailable carries a live reader’s reason and next step; never passes silently', async () => {
    const live: IamReader = {
      coversAccount: (a) => a === '555555555555',
      accounts: () => ['555555555555'],
      getRole: async () => ({
        status: 'unavailable',
        reason: 'AccessDenied: iam:GetRole not allowed for profile ci',
        next: 'grant iam:GetRole to profile ci or use --iam-snapshot',
      }),
      getUser: async () => ({ status: 'unavailable', reason: 'x', next: 'y' }),
      listRoles: async () => ({ status: 'unavailable', reason: 'x', next: 'y' }),
    };
    const u = usage({
      text: "withAWS(role:'r')",
      role: 'r',
      roleArn: 'arn:aws:iam::555555555555:role/r',
      caller: SLAVE,
    });
    const findings = await iamRules(u, new CompositeIamReader([reader(), live]), ctx);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['iam-unavailable'],
    );
    assert.match(findings[0].message, /AccessDenied: iam:GetRole not allowed.*grant iam:GetRole/);
  });

  it('a reader that throws still gives iam-unavailable', async () => {
    const broken: IamReader = {
      coversAccount: () => true,
      accounts: () => ['555555555555'],
      getRole: async () => {
        throw new Error('socket hang up');
      },
      getUser: async () => ({ status: 'not-found', knownNames: [] }),
      listRoles: async () => ({ status: 'found', value: [] }),
    };
    const u = usage({
      text: "withAWS(role:'r')",
      role: 'r',
      roleArn: 'arn:aws:iam::555555555555:role/r',
      caller: SLAVE,
    });
    const findings = await iamRules(u, broken, ctx);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['iam-unavailable'],
    );
    assert.match(findings[0].message, /socket hang up/);
  });

  it('an internal failure becomes an iam-unavailable finding, never a pass or a crash', async () => {
    const weird: IamReader = {
      coversAccount: () => {
        throw new Error('boom');
      },
      accounts: () => [],
      getRole: async () => ({ status: 'not-found', knownNames: [] }),
      getUser: async () => ({ status: 'not-found', knownNames: [] }),
      listRoles: async () => ({ status: 'found', value: [] }),
    };
    const findings = await iamRules(
      usage({ text: "withAWS(role:'r')", roleArn: 'arn:aws:iam::555555555555:role/r', caller: SLAVE }),
      weird,
      ctx,
    );
    assert.deepEqual(
      findings.map((f) => f.code),
      ['iam-unavailable'],
    );
    assert.match(findings[0].message, /internal error: boom/);
  });

  it('usages without a role ARN or with get-session-token get no trust findings', async () => {
    assert.deepEqual(await iamRules(usage({ text: 'x', roleArn: null }), reader(), ctx), []);
    assert.deepEqual(
      await iamRules(usage({ text: 'x', roleArn: null, kind: 'sh-get-session-token', duration: 900 }), reader(), ctx),
      [],
    );
  });
});

describe('rules/trust: durations', () => {
  it('duration-exceeds-max clamps to the role maximum', async () => {
    const text = "withAWS(role:'admin', roleAccount:'222222222222', duration: 43200, iamMfaToken: code)";
    const u = usage({
      text,
      role: 'admin',
      roleArn: 'arn:aws:iam::222222222222:role/admin',
      caller: 'arn:aws:iam::111111111111:user/alice',
      duration: 43200,
      mfa: true,
    });
    const findings = await iamRules(u, reader(), ctx);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['duration-exceeds-max'],
    );
    assert.match(findings[0].message, /Duration 43200 s exceeds the MaxSessionDuration of admin \(7200 s\)/);
    assert.equal(
      applyEdits(text, findings[0].fixes![0].edits),
      "withAWS(role:'admin', roleAccount:'222222222222', duration: 7200, iamMfaToken: code)",
    );
  });

  it('a duration within the role maximum is fine; an unset duration is never over', async () => {
    const u = usage({
      text: "withAWS(role:'admin', duration: 7200)",
      role: 'admin',
      roleArn: 'arn:aws:iam::222222222222:role/admin',
      caller: 'arn:aws:iam::111111111111:user/alice',
      duration: 7200,
      mfa: true,
    });
    assert.deepEqual(await iamRules(u, reader(), ctx), []);
    const binding = usage({
      text: 'aws(credentialsId: "x")',
      roleArn: 'arn:aws:iam::222222222222:role/admin',
      caller: 'arn:aws:iam::111111111111:user/alice',
      duration: null,
      mfa: true,
      kind: 'credentials-binding',
    });
    assert.deepEqual(
      (await iamRules(binding, reader(), ctx)).map((f) => f.code),
      [],
    );
  });

  it('role-chaining-duration when the caller is a role session (seed 003: 43200 allowed by the role)', async () => {
    const text = "withAWS(role:'arn:aws:iam::333333333333:role/deploy-role', duration: 43200)";
    const u = usage({
      text,
      role: 'arn:aws:iam::333333333333:role/deploy-role',
      roleArn: 'arn:aws:iam::333333333333:role/deploy-role',
      caller: 'arn:aws:sts::111111111111:assumed-role/deploy-role-agent-account-x/task-1',
      duration: 43200,
    });
    const findings = await allChecks(u, reader(), ctx);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['role-chaining-duration'],
    );
    assert.match(findings[0].message, /role session.*3600 seconds/);
    assert.equal(
      applyEdits(text, findings[0].fixes![0].edits),
      "withAWS(role:'arn:aws:iam::333333333333:role/deploy-role', duration: 3600)",
    );
  });

  it('role-chaining-duration for a chained credential, and not for a user caller', async () => {
    const config = defaultConfig();
    config.awsCredentials['chained'] = { roleArn: 'arn:aws:iam::111111111111:role/jenkins-slave' };
    const base = {
      text: "withAWS(role:'arn:aws:iam::333333333333:role/deploy-role', duration: 7200)",
      roleArn: 'arn:aws:iam::333333333333:role/deploy-role',
      duration: 7200,
    };
    const chained = await allChecks(
      usage({ ...base, caller: 'arn:aws:iam::111111111111:user/alice', credentialsId: 'chained' }),
      reader(),
      analysisContext({ config }),
    );
    assert.ok(chained.some((f) => f.code === 'role-chaining-duration' && /credential 'chained'/.test(f.message)));
    const user = await allChecks(usage({ ...base, caller: 'arn:aws:iam::111111111111:user/alice' }), reader(), ctx);
    assert.ok(!user.some((f) => f.code === 'role-chaining-duration'));
  });

  it('role-chaining-duration is reported even when the role account has no IAM data', async () => {
    const u = usage({
      text: "withAWS(role:'arn:aws:iam::987654321098:role/x', duration: 7200)",
      roleArn: 'arn:aws:iam::987654321098:role/x',
      caller: SLAVE,
      duration: 7200,
    });
    assert.deepEqual((await allChecks(u, reader(), ctx)).map((f) => f.code).sort(), [
      'iam-unavailable',
      'role-chaining-duration',
    ]);
  });
});
