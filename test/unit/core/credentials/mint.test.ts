import { strict as assert } from 'node:assert';
import {
  defaultSessionName,
  isValidSessionName,
  isValidTokenCode,
  mint,
  validateMintRequest,
} from '../../../../src/core/credentials/mint';
import type { MintPorts } from '../../../../src/core/credentials/mint';
import { StsError } from '../../../../src/core/ports';
import type {
  AssumeRoleRequest,
  Log,
  MfaPrompt,
  SessionTokenRequest,
  StsClient,
  TemporaryCredentials,
} from '../../../../src/core/ports';

const ROLE = 'arn:aws:iam::222222222222:role/jenkins';
const SECRET_EXTERNAL_ID = '7KAXZ44tHx8mKsPxZnCi2X6Yz';
const CREDS: TemporaryCredentials = {
  accessKeyId: 'ASIAEXAMPLEKEY000001',
  secretAccessKey: 'secret/EXAMPLE+key=0000000000000000000000',
  sessionToken: 'token/EXAMPLE+session==',
  expiration: new Date('2030-01-01T00:00:00Z'),
};

class FakeSts implements StsClient {
  assumed: AssumeRoleRequest[] = [];
  sessions: SessionTokenRequest[] = [];
  identityCalls = 0;
  constructor(
    private readonly callerArn = 'arn:aws:iam::111111111111:user/alice',
    private readonly fail?: StsError,
  ) {}
  async assumeRole(request: AssumeRoleRequest): Promise<TemporaryCredentials> {
    this.assumed.push(request);
    if (this.fail) throw this.fail;
    return { ...CREDS, arn: `arn:aws:sts::222222222222:assumed-role/jenkins/${request.roleSessionName}` };
  }
  async getSessionToken(request: SessionTokenRequest): Promise<TemporaryCredentials> {
    this.sessions.push(request);
    if (this.fail) throw this.fail;
    return { ...CREDS };
  }
  async getCallerIdentity() {
    this.identityCalls++;
    return { arn: this.callerArn, account: '111111111111', userId: 'AIDA' };
  }
}

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

const clock = { now: () => new Date('2026-11-23T09:15:30.123Z') };

describe('mint (core, through ports)', () => {
  it('AssumeRole with ExternalId, duration and session name passes them through and reports the request', async () => {
    const sts = new FakeSts();
    const result = await mint(
      { roleArn: ROLE, externalId: SECRET_EXTERNAL_ID, durationSeconds: 900, roleSessionName: 'jenkins-session' },
      { sts },
    );
    assert.deepEqual(sts.assumed, [
      { roleArn: ROLE, roleSessionName: 'jenkins-session', durationSeconds: 900, externalId: SECRET_EXTERNAL_ID },
    ]);
    assert.equal(result.operation, 'AssumeRole');
    assert.deepEqual(result.requested, {
      roleArn: ROLE,
      roleSessionName: 'jenkins-session',
      durationSeconds: 900,
      externalIdPresent: true,
      mfaSerial: null,
    });
    assert.equal(result.credentials.arn, 'arn:aws:sts::222222222222:assumed-role/jenkins/jenkins-session');
    assert.equal(sts.identityCalls, 0, 'no identity call when the duration is within an hour');
  });

  it('null role ARN ⇒ GetSessionToken (seed 004) with the MFA code given', async () => {
    const sts = new FakeSts();
    const result = await mint(
      { roleArn: null, durationSeconds: 900, mfaSerial: 'arn:aws:iam::444444444444:mfa/ken', tokenCode: '123456' },
      { sts },
    );
    assert.equal(result.operation, 'GetSessionToken');
    assert.deepEqual(sts.sessions, [
      { durationSeconds: 900, serialNumber: 'arn:aws:iam::444444444444:mfa/ken', tokenCode: '123456' },
    ]);
    assert.equal(sts.assumed.length, 0);
  });

  it('asks the MFA prompt only when MFA is needed and no code was given', async () => {
    const asked: string[] = [];
    const mfa: MfaPrompt = {
      askCode: async (serial, purpose) => {
        asked.push(`${serial} ${purpose}`);
        return ' 654321 ';
      },
    };
    const sts = new FakeSts();
    await mint({ roleArn: ROLE, roleSessionName: 'x1' }, { sts, mfa });
    assert.deepEqual(asked, []);
    await mint(
      { roleArn: ROLE, roleSessionName: 'x1', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' },
      { sts, mfa },
    );
    assert.deepEqual(asked, [`arn:aws:iam::111111111111:mfa/alice assume ${ROLE}`]);
    assert.equal(sts.assumed[1].tokenCode, '654321');
    await mint(
      { roleArn: ROLE, roleSessionName: 'x1', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice', tokenCode: '111111' },
      { sts, mfa },
    );
    assert.equal(asked.length, 1, 'a given code is not asked for again');
  });

  it('a cancelled or malformed prompt answer is refused before STS is called', async () => {
    const sts = new FakeSts();
    const serial = 'arn:aws:iam::111111111111:mfa/alice';
    await assert.rejects(
      mint({ roleArn: ROLE, mfaSerial: serial }, { sts, mfa: { askCode: async () => undefined } }),
      (e: unknown) => e instanceof StsError && e.kind === 'invalid-input' && /cancelled/.test(e.message),
    );
    await assert.rejects(
      mint({ roleArn: ROLE, mfaSerial: serial }, { sts, mfa: { askCode: async () => '12345' } }),
      (e: unknown) => e instanceof StsError && /exactly 6 digits/.test(e.message),
    );
    await assert.rejects(
      mint({ roleArn: ROLE, mfaSerial: serial }, { sts }),
      (e: unknown) => e instanceof StsError && /--token-code/.test(e.next),
    );
    assert.equal(sts.assumed.length, 0);
  });

  it('validates token code, duration bounds, session name, ExternalId and ARNs with a next step', () => {
    const problem = (r: Parameters<typeof validateMintRequest>[0]) => validateMintRequest(r).problems[0];
    assert.match(
      problem({ roleArn: ROLE, mfaSerial: 'arn:aws:iam::1:mfa/a', tokenCode: '12a456' })?.message ?? '',
      /6 digits/,
    );
    assert.match(problem({ roleArn: ROLE, durationSeconds: 899 })?.message ?? '', /outside AssumeRole's 900..43200s/);
    assert.match(problem({ roleArn: ROLE, durationSeconds: 43201 })?.message ?? '', /outside/);
    assert.equal(problem({ roleArn: ROLE, durationSeconds: 43200 }), undefined);
    assert.match(problem({ roleArn: null, durationSeconds: 600 })?.message ?? '', /GetSessionToken's 900..129600s/);
    assert.equal(problem({ roleArn: null, durationSeconds: 129600 }), undefined);
    assert.match(problem({ roleArn: ROLE, roleSessionName: 'bob admin' })?.message ?? '', /invalid role session name/);
    assert.match(problem({ roleArn: ROLE, roleSessionName: 'x' })?.message ?? '', /invalid role session name/);
    assert.match(problem({ roleArn: 'arn:aws:iam::22222222222:role/jenkins' })?.message ?? '', /not a role ARN/);
    assert.match(problem({ roleArn: ROLE, externalId: '' })?.message ?? '', /invalid ExternalId \(0 characters\)/);
    assert.match(problem({ roleArn: null, externalId: 'abc' })?.message ?? '', /only to AssumeRole/);
    assert.match(
      problem({ roleArn: ROLE, durationSeconds: 10800, maxSessionDuration: 7200 })?.message ?? '',
      /MaxSessionDuration of 7200s/,
    );
    assert.match(problem({ roleArn: null, callerIsRoleSession: true })?.message ?? '', /role-session credentials/);
    for (const p of [
      problem({ roleArn: ROLE, durationSeconds: 1 }),
      problem({ roleArn: ROLE, roleSessionName: '!' }),
    ]) {
      assert.ok(p instanceof StsError && p.kind === 'invalid-input' && p.next.length > 0);
    }
  });

  it('never lets an invalid ExternalId value into the message (only its length)', () => {
    const bad = 'has space secret';
    const p = validateMintRequest({ roleArn: ROLE, externalId: bad }).problems[0];
    assert.ok(p && !p.message.includes(bad) && !p.next.includes(bad));
  });

  it('role chaining caps the duration at 3600 with a warning (asking STS who the caller is when unknown)', async () => {
    const sts = new FakeSts('arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-0abc');
    const log = recordingLog();
    const result = await mint({ roleArn: ROLE, durationSeconds: 7200, roleSessionName: 'chain' }, { sts, log });
    assert.equal(sts.identityCalls, 1);
    assert.equal(sts.assumed[0].durationSeconds, 3600);
    assert.equal(result.requested.durationSeconds, 3600);
    assert.match(result.warnings[0], /role chaining: .* at most 3600s; asking for 3600s instead of 7200s/);
    assert.ok(log.lines.some((l) => l.includes('role chaining')));

    const user = new FakeSts('arn:aws:iam::111111111111:user/alice');
    await mint({ roleArn: ROLE, durationSeconds: 7200, roleSessionName: 'direct' }, { sts: user });
    assert.equal(user.assumed[0].durationSeconds, 7200, 'a user may ask for more than an hour');

    const known = new FakeSts();
    await mint(
      { roleArn: ROLE, durationSeconds: 7200, roleSessionName: 'known', callerIsRoleSession: true },
      { sts: known },
    );
    assert.equal(known.identityCalls, 0);
    assert.equal(known.assumed[0].durationSeconds, 3600);
  });

  it('defaults the session name from the clock, never a constant', async () => {
    const sts = new FakeSts();
    const result = await mint({ roleArn: ROLE }, { sts, clock });
    assert.equal(result.requested.roleSessionName, 'rolecall-20261123T091530Z');
    assert.ok(isValidSessionName(defaultSessionName(clock)));
    assert.notEqual(defaultSessionName(clock), defaultSessionName({ now: () => new Date('2026-11-23T09:15:31Z') }));
  });

  it('keeps every secret (MFA code, ExternalId, keys, token) out of the log', async () => {
    const log = recordingLog();
    const sts = new FakeSts();
    await mint(
      {
        roleArn: ROLE,
        externalId: SECRET_EXTERNAL_ID,
        roleSessionName: 'audit',
        mfaSerial: 'arn:aws:iam::111111111111:mfa/alice',
        tokenCode: '987654',
      },
      { sts, log },
    );
    await mint(
      { roleArn: null, mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' },
      { sts, log, mfa: { askCode: async () => '135790' } },
    );
    const all = log.lines.join('\n');
    assert.ok(log.lines.length >= 2, 'the log says what happened');
    for (const secret of [
      SECRET_EXTERNAL_ID,
      '987654',
      '135790',
      CREDS.accessKeyId,
      CREDS.secretAccessKey,
      CREDS.sessionToken,
    ]) {
      assert.ok(!all.includes(secret), `log leaks ${secret}`);
    }
  });

  it('STS errors come back as StsError; AccessDenied gets the trust statement when explainDenial knows it', async () => {
    const denied = new StsError('access-denied', 'AccessDenied: not authorized', 'check the trust policy');
    const ports: MintPorts = {
      sts: new FakeSts(undefined, denied),
      explainDenial: async (arn, req) =>
        `trust statement #0 of ${arn} requires sts:ExternalId (passed: ${req.externalIdPresent})`,
    };
    await assert.rejects(
      mint({ roleArn: ROLE, roleSessionName: 'x1' }, ports),
      (e: unknown) =>
        e instanceof StsError &&
        e.kind === 'access-denied' &&
        /^trust statement #0 .* \(passed: false\); check the trust policy$/.test(e.next),
    );
    const mfaBad = new StsError(
      'mfa-invalid',
      'MultiFactorAuthentication failed with invalid MFA one time pass code.',
      'wait for the next code',
    );
    await assert.rejects(
      mint(
        { roleArn: null, mfaSerial: 'arn:aws:iam::444444444444:mfa/ken', tokenCode: '123456' },
        { sts: new FakeSts(undefined, mfaBad) },
      ),
      (e: unknown) => e === mfaBad,
    );
    const odd = {
      ...new FakeSts(),
      assumeRole: async () => {
        throw new TypeError('boom');
      },
    } as unknown as StsClient;
    await assert.rejects(
      mint({ roleArn: ROLE, roleSessionName: 'x1' }, { sts: odd }),
      (e: unknown) => e instanceof StsError && e.kind === 'other' && /boom/.test(e.message),
    );
  });

  it('token code and session name predicates', () => {
    assert.ok(isValidTokenCode('000000'));
    for (const bad of ['12345', '1234567', '12345a', ' 123456', '']) assert.equal(isValidTokenCode(bad), false, bad);
    assert.ok(isValidSessionName('Jenkins-job_1@x.y,z+=w'));
    assert.equal(isValidSessionName('a'.repeat(65)), false);
  });
});
