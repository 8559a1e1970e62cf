import { strict as assert } from 'node:assert';
import { staticRules, sanitizeSessionName, externalIdProblem } from '../../../../src/core/rules/static';
import { checkRoleArn } from '../../../../src/core/pipeline/role-arn';
import type { Origin, Usage } from '../../../../src/core/types';

function usage(patch: Partial<Usage> = {}): Usage {
  return {
    file: 'Jenkinsfile',
    kind: 'withAWS',
    assumesRole: true,
    range: { start: 0, end: 100 },
    anchor: { start: 0, end: 7 },
    role: 'arn:aws:iam::222222222222:role/jenkins',
    roleAccount: '222222222222',
    roleArn: 'arn:aws:iam::222222222222:role/jenkins',
    externalId: { present: false, resolved: null },
    duration: 900,
    durationDefaulted: false,
    roleSessionName: 'jenkins-session',
    mfa: false,
    mfaSerial: null,
    region: null,
    caller: null,
    callerOrigin: null,
    agentLabel: null,
    credentialsId: null,
    args: {},
    origins: {},
    unresolved: [],
    secrets: [],
    ...patch,
  };
}

const literal = (start: number, end: number): Origin => ({
  source: 'literal',
  reference: null,
  description: 'literal on line 1',
  range: { start, end },
});

function codes(u: Usage): string[] {
  return staticRules(u).map((f) => f.code);
}

describe('static rules', () => {
  it('a correct usage has no findings', () => {
    assert.deepEqual(staticRules(usage()), []);
  });

  describe('invalid-role-arn', () => {
    it('names an 11-digit account id typo in roleAccount', () => {
      const [f] = staticRules(
        usage({
          role: 'jenkins',
          roleAccount: '22222222222',
          roleArn: null,
          args: { roleAccount: { start: 20, end: 33 } },
        }),
      );
      assert.equal(f.code, 'invalid-role-arn');
      assert.equal(f.severity, 'error');
      assert.match(f.message, /"22222222222" has 11 digits; AWS account ids have exactly 12/);
      assert.deepEqual(f.range, { start: 20, end: 33 });
    });

    it('explains malformed ARNs', () => {
      const cases: Array<[string, RegExp]> = [
        ['arn:aws:iam::<account id>:role/<role>', /placeholder/],
        ['arn:aws:iam::1234:role/x', /4 digits/],
        ['arn:aws:iam::222222222222:user/bob', /"user", not "role\/"/],
        ['arn:aws:s3:::bucket', /service is "s3"/],
        ['arn:aws:iam::222222222222', /colons/],
        ['arn:aws:iam:us-east-1:222222222222:role/x', /no region/],
        ['arn:aws:iam::222222222222:role/', /role name is empty/],
      ];
      for (const [arn, re] of cases) {
        const fs = staticRules(usage({ role: arn, roleArn: null }));
        assert.equal(fs.length, 1, arn);
        assert.equal(fs[0].code, 'invalid-role-arn');
        assert.match(fs[0].message, re, arn);
      }
    });

    it('offers the role ARN for an assumed-role session ARN written literally', () => {
      const arn = 'arn:aws:sts::222222222222:assumed-role/jenkins/build-1';
      const [f] = staticRules(usage({ role: arn, roleArn: null, origins: { role: literal(10, 10 + arn.length) } }));
      assert.equal(f.code, 'invalid-role-arn');
      assert.deepEqual(f.fixes?.[0].edits, [
        { offset: 10, length: arn.length, content: 'arn:aws:iam::222222222222:role/jenkins' },
      ]);
    });

    it('stays quiet for unresolved roles (that is unresolved-reference)', () => {
      const u = usage({
        role: '${role_account}',
        roleAccount: '$role_account',
        roleArn: null,
        unresolved: [
          {
            arg: 'roleAccount',
            reference: 'role_account',
            message: 'roleAccount: parameter role_account has no default value.',
            range: { start: 1, end: 2 },
          },
        ],
      });
      assert.deepEqual(codes(u), ['unresolved-reference']);
    });

    it('accepts role paths and GovCloud/China partitions', () => {
      assert.equal(checkRoleArn('arn:aws:iam::222222222222:role/team/app/deployer').ok, true);
      assert.equal(checkRoleArn('arn:aws-cn:iam::222222222222:role/x').ok, true);
      assert.equal(checkRoleArn('arn:aws-us-gov:iam::222222222222:role/x').ok, true);
    });
  });

  describe('invalid-session-name', () => {
    it('reports a space and fixes it when the name is a literal', () => {
      const [f] = staticRules(
        usage({
          roleSessionName: 'bob admin',
          args: { roleSessionName: { start: 49, end: 60 } },
          origins: { roleSessionName: literal(50, 59) },
        }),
      );
      assert.equal(f.code, 'invalid-session-name');
      assert.match(f.message, /"bob admin": it contains a space/);
      assert.match(f.message, /2-64 characters/);
      assert.deepEqual(f.fixes?.[0].edits, [{ offset: 50, length: 9, content: 'bob-admin' }]);
      assert.deepEqual(f.range, { start: 49, end: 60 });
    });

    it('reports too long and too short names', () => {
      assert.match(
        staticRules(usage({ roleSessionName: 'x'.repeat(65) }))[0].message,
        /65 characters long; at most 64/,
      );
      assert.match(staticRules(usage({ roleSessionName: 'x' }))[0].message, /at least 2/);
    });

    it('treats Jenkins placeholders as valid but checks the literal parts', () => {
      assert.deepEqual(codes(usage({ roleSessionName: 'alice-${BUILD_NUMBER}' })), []);
      assert.deepEqual(codes(usage({ roleSessionName: '${JOB_NAME}' })), []);
      const [f] = staticRules(usage({ roleSessionName: 'deploy of ${JOB_NAME}' }));
      assert.equal(f.code, 'invalid-session-name');
      assert.equal(f.fixes, undefined, 'no mechanical fix when part of the name is only known at run time');
      assert.match(
        staticRules(usage({ roleSessionName: 'a'.repeat(64) + '${BUILD_NUMBER}' }))[0].message,
        /at least 65 characters/,
      );
    });

    it('sanitizes names for the fix', () => {
      assert.equal(sanitizeSessionName('bob admin/ü'), 'bob-admin--');
      assert.equal(sanitizeSessionName('y'.repeat(80)).length, 64);
      assert.equal(sanitizeSessionName('x').length >= 2, true);
    });
  });

  describe('duration-out-of-range', () => {
    it('clamps a literal duration for AssumeRole', () => {
      const [low] = staticRules(
        usage({ duration: 600, args: { duration: { start: 5, end: 8 } }, origins: { duration: literal(5, 8) } }),
      );
      assert.equal(low.code, 'duration-out-of-range');
      assert.match(low.message, /600 seconds is below the minimum of 900/);
      assert.deepEqual(low.fixes?.[0].edits, [{ offset: 5, length: 3, content: '900' }]);
      const [high] = staticRules(usage({ duration: 50000, origins: { duration: literal(5, 10) } }));
      assert.match(high.message, /above the maximum of 43200/);
      assert.equal(high.fixes?.[0].edits[0].content, '43200');
    });

    it('uses GetSessionToken bounds for get-session-token', () => {
      const base = {
        kind: 'sh-get-session-token' as const,
        role: null,
        roleArn: null,
        roleAccount: null,
        roleSessionName: null,
      };
      assert.deepEqual(codes(usage({ ...base, duration: 129600 })), []);
      assert.match(staticRules(usage({ ...base, duration: 600 }))[0].message, /GetSessionToken/);
      assert.deepEqual(codes(usage({ ...base, duration: 129601 })), ['duration-out-of-range']);
    });

    it('ignores the defaulted and the unset duration', () => {
      assert.deepEqual(codes(usage({ duration: null })), []);
      assert.deepEqual(codes(usage({ duration: 3600, durationDefaulted: true })), []);
    });
  });

  describe('invalid-external-id', () => {
    const secretValue = 'bad value!';
    it('says what is wrong without printing a credential value', () => {
      const [f] = staticRules(
        usage({
          externalId: {
            present: true,
            resolved: {
              value: secretValue,
              raw: '"$external_id"',
              secret: true,
              origin: { source: 'credential', reference: 'ExternalId', description: "credential 'ExternalId'" },
            },
          },
        }),
      );
      assert.equal(f.code, 'invalid-external-id');
      assert.ok(!f.message.includes(secretValue));
      assert.match(f.message, /credential 'ExternalId'/);
      assert.match(f.message, /whitespace/);
    });

    it('flags an empty credential, length bounds and characters', () => {
      assert.match(externalIdProblem('')!, /empty/);
      assert.match(externalIdProblem('a')!, /at least 2/);
      assert.match(externalIdProblem('a'.repeat(1225))!, /1225 characters/);
      assert.match(externalIdProblem('a#b')!, /outside/);
      assert.equal(externalIdProblem('7KAXZ44tHx8mKsPxZnCi2X6Yz'), null);
      assert.equal(externalIdProblem('a:b/c=d,e.f@g-h+i_j'), null);
    });
  });

  describe('hardcoded-secret and static-credentials', () => {
    it('reports a literal ExternalId without its value, and moves it into a withCredentials binding', () => {
      const value = '7KAXZ44tHx8mKsPxZnCi2X6Yz';
      const [f] = staticRules(
        usage({
          externalId: {
            present: true,
            resolved: { value, raw: `'${value}'`, secret: false, origin: literal(40, 40 + value.length) },
          },
          secrets: [
            {
              kind: 'external-id',
              range: { start: 39, end: 41 + value.length },
              replacement: 'env.EXTERNAL_ID',
              statement: { start: 4, end: 200 },
              indent: '    ',
            },
          ],
        }),
      );
      assert.equal(f.code, 'hardcoded-secret');
      assert.equal(f.severity, 'error');
      assert.ok(!f.message.includes(value));
      assert.match(f.message, /withCredentials\(\[string\(credentialsId:/);
      const edits = f.fixes![0].edits;
      assert.equal(edits.length, 3);
      assert.match(
        edits[0].content,
        /^withCredentials\(\[string\(credentialsId: 'external-id', variable: 'EXTERNAL_ID'\)\]\) \{/,
      );
      assert.equal(edits[0].offset, 4);
      assert.deepEqual(edits[1], { offset: 39, length: value.length + 2, content: 'env.EXTERNAL_ID' });
      assert.deepEqual(edits[2], { offset: 200, length: 0, content: '\n    }' });
    });

    it('reports secret keys and session tokens as hardcoded-secret, access keys as static-credentials', () => {
      const fs = staticRules(
        usage({
          secrets: [
            { kind: 'secret-key', range: { start: 1, end: 41 } },
            { kind: 'access-key', range: { start: 50, end: 70 } },
            { kind: 'session-token', range: { start: 80, end: 300 } },
          ],
        }),
      );
      assert.deepEqual(
        fs.map((f) => [f.code, f.severity]),
        [
          ['hardcoded-secret', 'error'],
          ['static-credentials', 'warning'],
          ['hardcoded-secret', 'error'],
        ],
      );
    });
  });

  describe('unresolved-reference', () => {
    it('gives one info per unresolved value with its message', () => {
      const u = usage({
        unresolved: [
          {
            arg: 'roleAccount',
            reference: 'role_account',
            message:
              'roleAccount: parameter role_account has no default value; give it with --param role_account=VALUE',
            range: { start: 3, end: 9 },
          },
          {
            arg: 'externalId',
            reference: 'ExternalId',
            message: 'externalId: the value of credential ...',
            range: { start: 12, end: 20 },
          },
        ],
      });
      const fs = staticRules(u);
      assert.deepEqual(
        fs.map((f) => [f.code, f.severity, f.range.start]),
        [
          ['unresolved-reference', 'info', 3],
          ['unresolved-reference', 'info', 12],
        ],
      );
      assert.match(fs[0].message, /--param role_account=VALUE/);
    });
  });
});
