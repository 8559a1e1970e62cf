import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compilePolicy,
  evaluateAssumeRole,
  explainAssumeRole,
  type RequestContext,
} from '../../../../src/core/iam/evaluate';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const ROLE = 'arn:aws:iam::222222222222:role/target';

function trust(principal: unknown, extra: Record<string, unknown> = {}, effect = 'Allow') {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: effect, Principal: principal, Action: 'sts:AssumeRole', ...extra }],
  };
}
const allowAssume = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
};
const allowOther = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::222222222222:role/other' }],
};

function decide(
  trustPolicy: unknown,
  principal: string,
  opts: { identity?: unknown[]; context?: RequestContext; role?: string } = {},
) {
  return explainAssumeRole({
    trustPolicy,
    principal,
    roleArn: opts.role ?? ROLE,
    context: opts.context ?? {},
    identityPolicies: opts.identity?.map((document, i) => ({ name: `p${i}`, document })),
  });
}

describe('iam/evaluate', () => {
  describe('principal forms', () => {
    const cases: Array<[string, unknown, string, 'allow' | 'deny']> = [
      ['"*" matches anyone', '*', 'arn:aws:iam::999999999999:user/x', 'allow'],
      ['AWS "*" matches anyone', { AWS: '*' }, 'arn:aws:iam::999999999999:user/x', 'allow'],
      [
        'account root matches a user of that account',
        { AWS: 'arn:aws:iam::111111111111:root' },
        'arn:aws:iam::111111111111:user/bob',
        'allow',
      ],
      [
        'bare account id works like the root ARN',
        { AWS: '111111111111' },
        'arn:aws:sts::111111111111:assumed-role/r/s',
        'allow',
      ],
      [
        'account root does not match another account',
        { AWS: 'arn:aws:iam::111111111111:root' },
        'arn:aws:iam::333333333333:user/bob',
        'deny',
      ],
      [
        'role ARN matches the role',
        { AWS: 'arn:aws:iam::111111111111:role/jenkins-slave' },
        'arn:aws:iam::111111111111:role/jenkins-slave',
        'allow',
      ],
      [
        'role ARN matches its sessions',
        { AWS: 'arn:aws:iam::111111111111:role/jenkins-slave' },
        'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-0abc',
        'allow',
      ],
      [
        'role ARN does not match another role',
        { AWS: 'arn:aws:iam::111111111111:role/jenkins-slave' },
        'arn:aws:iam::111111111111:role/other',
        'deny',
      ],
      [
        'role path must agree when known',
        { AWS: 'arn:aws:iam::111111111111:role/ci/jenkins' },
        'arn:aws:iam::111111111111:role/jenkins',
        'deny',
      ],
      [
        'user ARN matches the user',
        { AWS: 'arn:aws:iam::111111111111:user/bob' },
        'arn:aws:iam::111111111111:user/bob',
        'allow',
      ],
      [
        'user ARN does not match a role of the same name',
        { AWS: 'arn:aws:iam::111111111111:user/bob' },
        'arn:aws:iam::111111111111:role/bob',
        'deny',
      ],
      [
        'session ARN matches exactly that session',
        { AWS: 'arn:aws:sts::111111111111:assumed-role/r/s1' },
        'arn:aws:sts::111111111111:assumed-role/r/s1',
        'allow',
      ],
      [
        'session ARN does not match another session',
        { AWS: 'arn:aws:sts::111111111111:assumed-role/r/s1' },
        'arn:aws:sts::111111111111:assumed-role/r/s2',
        'deny',
      ],
      [
        'federated user ARN',
        { AWS: 'arn:aws:sts::111111111111:federated-user/fed' },
        'arn:aws:sts::111111111111:federated-user/fed',
        'allow',
      ],
      [
        'service principal never matches an IAM caller',
        { Service: 'ec2.amazonaws.com' },
        'arn:aws:iam::111111111111:role/x',
        'deny',
      ],
      [
        'federated provider never matches AssumeRole',
        { Federated: 'arn:aws:iam::111111111111:saml-provider/okta' },
        'arn:aws:iam::111111111111:user/x',
        'deny',
      ],
      [
        'invalid arn:aws:iam:::root matches nobody',
        { AWS: 'arn:aws:iam:::root' },
        'arn:aws:iam::111111111111:user/x',
        'deny',
      ],
      [
        'list of principals: any may match',
        { AWS: ['arn:aws:iam::333333333333:root', '111111111111'] },
        'arn:aws:iam::111111111111:user/x',
        'allow',
      ],
    ];
    for (const [name, principal, caller, expected] of cases) {
      it(name, () => assert.equal(decide(trust(principal), caller, { identity: [allowAssume] }).decision, expected));
    }

    it('an :root caller is denied by default, and read as "a principal of its account" only when asked to', () => {
      // AWS, "Comparing the AWS STS API operations": AssumeRole is called with an IAM user's or a role session's
      // credentials; STS answers a root user "Roles may not be assumed by root accounts".
      const e = decide(trust({ AWS: '111111111111' }), 'arn:aws:iam::111111111111:root', { identity: [allowAssume] });
      assert.equal(e.decision, 'deny');
      assert.equal(e.denyKind, 'root-caller');
      const asAccount = (t: unknown, identity: unknown) =>
        evaluateAssumeRole({
          trustPolicy: compilePolicy(t, 'trust'),
          roleArn: ROLE,
          principal: 'arn:aws:iam::111111111111:root',
          identityPolicies: [compilePolicy(identity, 'identity')],
          context: {},
          rootUserCannotAssume: false,
        }).decision;
      assert.equal(asAccount(trust({ AWS: '111111111111' }), allowAssume), 'allow');
      assert.equal(asAccount(trust({ AWS: '111111111111' }), allowOther), 'deny');
      assert.equal(asAccount(trust({ AWS: 'arn:aws:iam::111111111111:user/bob' }), allowAssume), 'deny');
    });

    it('for real calls the root user may never assume a role (STS: "Roles may not be assumed by root accounts")', () => {
      const e = evaluateAssumeRole({
        trustPolicy: compilePolicy(trust({ AWS: '111111111111' }), 'trust'),
        roleArn: ROLE,
        principal: 'arn:aws:iam::111111111111:root',
        identityPolicies: null,
        context: {},
        rootUserCannotAssume: true,
      });
      assert.equal(e.decision, 'deny');
      assert.equal(e.denyKind, 'root-caller');
      assert.match(e.reasons[0].detail, /root user/);
    });

    it('unique ids match through aws:userid', () => {
      assert.equal(
        decide(trust({ AWS: 'AROAJENKINSTARGET001' }), 'arn:aws:sts::111111111111:assumed-role/r/s', {
          context: { 'aws:userid': 'AROAJENKINSTARGET001:s' },
          identity: [allowAssume],
        }).decision,
        'allow',
      );
      assert.equal(
        decide(trust({ AWS: 'AIDAEXAMPLEUSER00001' }), 'arn:aws:iam::111111111111:user/u', {
          context: { 'aws:userid': 'AIDAOTHERUSER0000001' },
          identity: [allowAssume],
        }).decision,
        'deny',
      );
    });
  });

  describe('principals are whole ARNs (AWS: Principal element)', () => {
    const users = (principal: string, caller: string, effect = 'Allow') =>
      decide(
        effect === 'Allow'
          ? trust({ AWS: principal })
          : {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' },
                { Effect: 'Deny', Principal: { AWS: principal }, Action: 'sts:AssumeRole' },
              ],
            },
        caller,
        { identity: [allowAssume] },
      ).decision;

    it('a user principal is its whole ARN, path included, in Allow and in Deny', () => {
      assert.equal(
        users('arn:aws:iam::111111111111:user/people/alice', 'arn:aws:iam::111111111111:user/people/alice'),
        'allow',
      );
      assert.equal(
        users('arn:aws:iam::111111111111:user/people/alice', 'arn:aws:iam::111111111111:user/alice'),
        'deny',
        'user/people/alice is not user/alice',
      );
      assert.equal(
        users('arn:aws:iam::111111111111:user/alice', 'arn:aws:iam::111111111111:user/people/alice'),
        'deny',
        'user/alice is not user/people/alice',
      );
      assert.equal(
        users('arn:aws:iam::111111111111:user/other/alice', 'arn:aws:iam::111111111111:user/people/alice'),
        'deny',
      );
      // A Deny naming user/alice does not refuse user/people/alice (the account statement lets it in) ...
      assert.equal(
        users('arn:aws:iam::111111111111:user/alice', 'arn:aws:iam::111111111111:user/people/alice', 'Deny'),
        'allow',
      );
      // ... and a Deny naming the whole ARN does.
      assert.equal(
        users('arn:aws:iam::111111111111:user/people/alice', 'arn:aws:iam::111111111111:user/people/alice', 'Deny'),
        'deny',
      );
    });

    it('the user name part is case-sensitive', () => {
      assert.equal(users('arn:aws:iam::111111111111:user/Bob', 'arn:aws:iam::111111111111:user/bob'), 'deny');
    });

    it("a role principal matches the role and its sessions; its path must be the role's own", () => {
      const role = 'arn:aws:iam::111111111111:role/ci/builder';
      const session = 'arn:aws:sts::111111111111:assumed-role/builder/bob';
      assert.equal(decide(trust({ AWS: role }), role, { identity: [allowAssume] }).decision, 'allow');
      assert.equal(
        decide(trust({ AWS: 'arn:aws:iam::111111111111:role/builder' }), role, { identity: [allowAssume] }).decision,
        'deny',
      );
      // A session ARN carries no path: the role name decides unless aws:PrincipalArn tells the role's path.
      assert.equal(decide(trust({ AWS: role }), session, { identity: [allowAssume] }).decision, 'allow');
      assert.equal(
        decide(trust({ AWS: role }), session, { identity: [allowAssume], context: { 'aws:PrincipalArn': role } })
          .decision,
        'allow',
      );
      assert.equal(
        decide(trust({ AWS: 'arn:aws:iam::111111111111:role/builder' }), session, {
          identity: [allowAssume],
          context: { 'aws:PrincipalArn': role },
        }).decision,
        'deny',
        'role/builder names no role: the role is role/ci/builder',
      );
      assert.equal(
        decide(trust({ AWS: 'arn:aws:iam::111111111111:role/other/builder' }), session, {
          identity: [allowAssume],
          context: { 'aws:PrincipalArn': role },
        }).decision,
        'deny',
      );
      // Another partition's role of the same account id and name is another role.
      assert.equal(
        decide(trust({ AWS: 'arn:aws-cn:iam::111111111111:role/ci/builder' }), role, { identity: [allowAssume] })
          .decision,
        'deny',
      );
    });

    it('a session principal names exactly that session', () => {
      const t = trust({ AWS: 'arn:aws:sts::111111111111:assumed-role/builder/bob' });
      assert.equal(
        decide(t, 'arn:aws:sts::111111111111:assumed-role/builder/bob', { identity: [allowAssume] }).decision,
        'allow',
      );
      assert.equal(
        decide(t, 'arn:aws:sts::111111111111:assumed-role/builder/alice', { identity: [allowAssume] }).decision,
        'deny',
      );
      assert.equal(
        decide(t, 'arn:aws:iam::111111111111:role/ci/builder', { identity: [allowAssume] }).decision,
        'deny',
      );
    });

    it('a principal value IAM rejects refuses the whole trust policy: deny, with the reason', () => {
      // AWS, Principal element: "You cannot use a wildcard to match part of a principal name or ARN"; IAM answers
      // "Invalid principal in policy" and keeps no such document, so nothing in it grants access.
      for (const bad of [
        'arn:aws:iam::111111111111:user/*',
        'arn:aws:iam::111111111111:role/jenkins-*',
        'arn:aws:iam:::root',
        'arn:aws:iam::1111:root',
      ]) {
        const t = {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'Bad',
              Effect: 'Allow',
              Principal: { AWS: [bad, 'arn:aws:iam::111111111111:user/bob'] },
              Action: 'sts:AssumeRole',
            },
          ],
        };
        const e = decide(t, 'arn:aws:iam::111111111111:user/bob', { identity: [allowAssume] });
        assert.equal(e.decision, 'deny', bad);
        assert.equal(e.denyKind, 'invalid-trust-policy');
        assert.equal(e.reasons[0].statement, 'Bad');
        assert.ok(e.reasons[0].detail.includes(`invalid principal ${JSON.stringify(bad)}`), e.reasons[0].detail);
      }
      // Also when the invalid value sits in a Deny statement: the document as a whole is refused.
      const inDeny = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:user/bob' }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111111111111:user/*' }, Action: 'sts:AssumeRole' },
        ],
      };
      assert.equal(decide(inDeny, 'arn:aws:iam::111111111111:user/bob', { identity: [allowAssume] }).decision, 'deny');
    });
  });

  describe('policy variables for keys the request does not carry (AWS: policy variables)', () => {
    const sessionIsUser = (operator: string) => ({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '111111111111' },
          Action: 'sts:AssumeRole',
          Condition: { [operator]: { 'sts:RoleSessionName': '${aws:username}' } },
        },
      ],
    });

    it('StringNotEquals sts:RoleSessionName "${aws:username}" fails for a role session (no aws:username): the statement cannot match', () => {
      const session = 'arn:aws:sts::111111111111:assumed-role/builder/ci';
      assert.equal(
        decide(sessionIsUser('StringNotEquals'), session, {
          identity: [allowAssume],
          context: { 'sts:RoleSessionName': 'ci' },
        }).decision,
        'deny',
      );
      // A user has aws:username: then it compares.
      assert.equal(
        decide(sessionIsUser('StringNotEquals'), 'arn:aws:iam::111111111111:user/bob', {
          identity: [allowAssume],
          context: { 'sts:RoleSessionName': 'ci' },
        }).decision,
        'allow',
      );
      assert.equal(
        decide(sessionIsUser('StringNotEquals'), 'arn:aws:iam::111111111111:user/bob', {
          identity: [allowAssume],
          context: { 'sts:RoleSessionName': 'bob' },
        }).decision,
        'deny',
      );
      assert.equal(
        decide(sessionIsUser('StringEquals'), session, {
          identity: [allowAssume],
          context: { 'sts:RoleSessionName': 'ci' },
        }).decision,
        'deny',
      );
      // The reason says why.
      assert.match(
        decide(sessionIsUser('StringNotEquals'), session, {
          identity: [allowAssume],
          context: { 'sts:RoleSessionName': 'ci' },
        }).reasons[0].detail,
        /condition StringNotEquals sts:RoleSessionName "\$\{aws:username\}": not satisfied \(\$\{aws:username\} has no value in this request, and a variable without a value matches nothing/,
      );
    });

    it('a Deny whose variable cannot be resolved does not apply', () => {
      const t = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sts:AssumeRole',
            Condition: { StringNotEquals: { 'sts:RoleSessionName': '${aws:username}' } },
          },
        ],
      };
      assert.equal(
        decide(t, 'arn:aws:sts::111111111111:assumed-role/builder/ci', {
          identity: [allowAssume],
          context: { 'sts:RoleSessionName': 'ci' },
        }).decision,
        'allow',
      );
      assert.equal(
        decide(t, 'arn:aws:iam::111111111111:user/bob', {
          identity: [allowAssume],
          context: { 'sts:RoleSessionName': 'ci' },
        }).decision,
        'deny',
        'a user whose session is not named after it is refused',
      );
    });
  });

  describe('identity policies and accounts', () => {
    it('cross-account needs the caller identity policy to allow sts:AssumeRole on the role', () => {
      const t = trust({ AWS: 'arn:aws:iam::111111111111:user/bob' });
      assert.equal(decide(t, 'arn:aws:iam::111111111111:user/bob', { identity: [allowAssume] }).decision, 'allow');
      const denied = decide(t, 'arn:aws:iam::111111111111:user/bob', { identity: [allowOther] });
      assert.equal(denied.decision, 'deny');
      assert.equal(denied.denyKind, 'identity-not-allowed');
      assert.ok(
        denied.reasons.some((r) => r.source === 'identity-policy' && !r.matched && /cross-account/.test(r.detail)),
      );
    });

    it('same account: a specific principal ARN suffices alone, the account root delegates to identity policies', () => {
      const caller = 'arn:aws:iam::222222222222:user/bob';
      assert.equal(decide(trust({ AWS: caller }), caller, { identity: [allowOther] }).decision, 'allow');
      assert.equal(decide(trust({ AWS: '222222222222' }), caller, { identity: [allowOther] }).decision, 'deny');
      assert.equal(decide(trust({ AWS: '222222222222' }), caller, { identity: [allowAssume] }).decision, 'allow');
    });

    it('without identity policies they are assumed to allow, and the reason says so', () => {
      const e = decide(trust({ AWS: '111111111111' }), 'arn:aws:iam::111111111111:user/bob');
      assert.equal(e.decision, 'allow');
      assert.ok(e.reasons.some((r) => r.source === 'identity-policy' && /assumed/.test(r.detail)));
    });

    it('an explicit Deny in an identity policy wins even in the same account', () => {
      const deny = {
        Version: '2012-10-17',
        Statement: [{ Sid: 'NoRoles', Effect: 'Deny', Action: 'sts:*', Resource: '*' }],
      };
      const caller = 'arn:aws:iam::222222222222:user/bob';
      const e = decide(trust({ AWS: caller }), caller, { identity: [allowAssume, deny] });
      assert.equal(e.decision, 'deny');
      assert.equal(e.denyKind, 'identity-explicit-deny');
      assert.ok(e.reasons.some((r) => r.statement === 'NoRoles' && r.matched && r.effect === 'Deny'));
    });

    it('identity Resource wildcards and NotResource', () => {
      const wild = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::222222222222:role/tar*' }],
      };
      const notRes = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', NotResource: 'arn:aws:iam::222222222222:role/target' },
        ],
      };
      const varRes = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::222222222222:role/${aws:username}' },
        ],
      };
      const t = trust({ AWS: '111111111111' });
      assert.equal(decide(t, 'arn:aws:iam::111111111111:user/bob', { identity: [wild] }).decision, 'allow');
      assert.equal(decide(t, 'arn:aws:iam::111111111111:user/bob', { identity: [notRes] }).decision, 'deny');
      assert.equal(decide(t, 'arn:aws:iam::111111111111:user/target', { identity: [varRes] }).decision, 'allow');
      assert.equal(decide(t, 'arn:aws:iam::111111111111:user/bob', { identity: [varRes] }).decision, 'deny');
    });
  });

  describe('actions, Deny, NotPrincipal', () => {
    it('matches action wildcards case-insensitively', () => {
      for (const action of ['sts:AssumeRole', 'STS:assumerole', 'sts:*', '*', 'sts:Assume*', 'sts:AssumeRol?']) {
        const t = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: action }] };
        assert.equal(decide(t, 'arn:aws:iam::111111111111:user/x').decision, 'allow', action);
      }
      for (const action of ['sts:AssumeRoleWithSAML', 's3:*', 'sts:TagSession']) {
        const t = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: action }] };
        assert.equal(decide(t, 'arn:aws:iam::111111111111:user/x').decision, 'deny', action);
      }
      const notAction = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', NotAction: 's3:*' }] };
      assert.equal(decide(notAction, 'arn:aws:iam::111111111111:user/x').decision, 'allow');
    });

    it('an explicit Deny in the trust policy wins over an Allow', () => {
      const t = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'sts:AssumeRole' },
          { Sid: 'NoBob', Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111111111111:user/bob' }, Action: 'sts:*' },
        ],
      };
      const e = decide(t, 'arn:aws:iam::111111111111:user/bob');
      assert.equal(e.decision, 'deny');
      assert.equal(e.denyKind, 'trust-explicit-deny');
      assert.deepEqual(
        e.reasons.filter((r) => r.source === 'trust-policy').map((r) => [r.statement, r.effect, r.matched]),
        [
          ['0', 'Allow', true],
          ['NoBob', 'Deny', true],
        ],
      );
      assert.equal(decide(t, 'arn:aws:iam::111111111111:user/alice').decision, 'allow');
    });

    it('NotPrincipal in a trust policy, with either effect, is refused: deny with the reason', () => {
      // AWS, policy elements: NotPrincipal — "You cannot use the NotPrincipal element in an IAM identity-based
      // policy nor in an IAM role trust policy."
      const deny = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
          {
            Sid: 'AllButAlice',
            Effect: 'Deny',
            NotPrincipal: { AWS: 'arn:aws:iam::111111111111:user/alice' },
            Action: 'sts:AssumeRole',
          },
        ],
      };
      for (const caller of ['arn:aws:iam::111111111111:user/alice', 'arn:aws:iam::111111111111:user/bob']) {
        const e = decide(deny, caller);
        assert.equal(e.decision, 'deny', caller);
        assert.equal(e.denyKind, 'invalid-trust-policy');
        assert.equal(e.reasons[0].statement, 'AllButAlice');
        assert.equal(e.reasons[0].effect, 'Deny');
        assert.match(
          e.reasons[0].detail,
          /NotPrincipal \(here with "Effect": "Deny"\) cannot be used in a role trust policy; IAM refuses the policy/,
        );
      }
      const allow = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: '333333333333' }, Action: 'sts:AssumeRole' }],
      };
      const e = decide(allow, 'arn:aws:iam::111111111111:user/bob');
      assert.equal(e.decision, 'deny');
      assert.match(
        e.reasons[0].detail,
        /NotPrincipal \(here with "Effect": "Allow"\) cannot be used in a role trust policy/,
      );
    });

    it('a trust policy that is not valid JSON is denied with the parse error', () => {
      const e = decide(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole",}]}',
        'arn:aws:iam::111111111111:user/bob',
      );
      assert.equal(e.decision, 'deny');
      assert.equal(e.denyKind, 'invalid-trust-policy');
      assert.match(e.reasons[0].detail, /trailing comma/);
    });
  });

  describe('conditions in context', () => {
    it('multiple keys and operators are ANDed, multiple values ORed', () => {
      const t = trust('*', {
        Condition: {
          StringEquals: { 'sts:ExternalId': ['a', 'b'], 'sts:RoleSessionName': 'ci' },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        },
      });
      const p = 'arn:aws:iam::111111111111:user/x';
      assert.equal(
        decide(t, p, {
          context: { 'sts:ExternalId': 'b', 'sts:RoleSessionName': 'ci', 'aws:MultiFactorAuthPresent': 'true' },
        }).decision,
        'allow',
      );
      assert.equal(
        decide(t, p, {
          context: { 'sts:ExternalId': 'c', 'sts:RoleSessionName': 'ci', 'aws:MultiFactorAuthPresent': 'true' },
        }).decision,
        'deny',
      );
      assert.equal(decide(t, p, { context: { 'sts:ExternalId': 'a', 'sts:RoleSessionName': 'ci' } }).decision, 'deny');
    });

    it('derives aws:PrincipalArn, aws:PrincipalAccount, aws:username and aws:PrincipalType from the caller', () => {
      const t = trust('*', {
        Condition: {
          ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/jenkins-*' },
          StringEquals: { 'aws:PrincipalAccount': '111111111111', 'aws:PrincipalType': 'AssumedRole' },
        },
      });
      assert.equal(
        decide(t, 'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-1').decision,
        'allow',
        'a session’s PrincipalArn is its role ARN',
      );
      assert.equal(decide(t, 'arn:aws:sts::111111111111:assumed-role/other/i-1').decision, 'deny');
      const u = trust('*', { Condition: { StringEquals: { 'aws:username': '${aws:username}' } } });
      assert.equal(decide(u, 'arn:aws:iam::111111111111:user/bob').decision, 'allow');
      assert.equal(
        decide(
          trust('*', { Condition: { StringEquals: { 'aws:username': 'bob' } } }),
          'arn:aws:iam::111111111111:role/bob',
        ).decision,
        'deny',
        'roles have no aws:username',
      );
      assert.equal(
        decide(
          trust('*', { Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } } }),
          'arn:aws:iam::111111111111:user/bob',
          { context: { 'aws:PrincipalAccount': '999999999999' } },
        ).decision,
        'deny',
        'given keys win',
      );
    });

    it('reasons never print an ExternalId value', () => {
      const e = decide(fixture('seed000-jenkins-trust.json'), 'arn:aws:iam::111111111111:user/bob', {
        context: { 'sts:ExternalId': 'wrong-value' },
      });
      const text = JSON.stringify(e.reasons);
      assert.ok(!text.includes('7KAXZ44tHx8mKsPxZnCi2X6Yz'));
      assert.ok(!text.includes('wrong-value'));
      assert.match(text, /value not shown/);
    });

    it('unknown keys make the decision unknown instead of guessing', () => {
      const policy = compilePolicy(trust('*', { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }), 'trust');
      const e = evaluateAssumeRole({
        trustPolicy: policy,
        roleArn: ROLE,
        principal: null,
        identityPolicies: null,
        context: {},
        unknownKeys: (k) => k === 'aws:sourceip',
      });
      assert.equal(e.decision, 'unknown');
      const known = evaluateAssumeRole({
        trustPolicy: policy,
        roleArn: ROLE,
        principal: null,
        identityPolicies: null,
        context: {},
      });
      assert.equal(known.decision, 'deny');
    });

    it('an unknown caller is matched as unknown, while ExternalId still decides', () => {
      const policy = compilePolicy(fixture('seed000-jenkins-trust.json'), 'trust');
      const noExt = evaluateAssumeRole({
        trustPolicy: policy,
        roleArn: ROLE,
        principal: null,
        identityPolicies: null,
        context: {},
      });
      assert.equal(noExt.decision, 'deny');
      const withExt = evaluateAssumeRole({
        trustPolicy: policy,
        roleArn: ROLE,
        principal: null,
        identityPolicies: null,
        context: { 'sts:ExternalId': '7KAXZ44tHx8mKsPxZnCi2X6Yz' },
      });
      assert.equal(withExt.decision, 'unknown');
    });
  });

  describe('the five seeds', () => {
    it('seed 000: the jenkins-slave session assumes jenkins in 222222222222 only with the right ExternalId', () => {
      const caller = 'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-0abc';
      const identity = [JSON.parse(fixture('seed000-jenkins-slave-policy.json'))];
      const t = fixture('seed000-jenkins-trust.json');
      assert.equal(
        decide(t, caller, {
          identity,
          role: 'arn:aws:iam::222222222222:role/jenkins',
          context: { 'sts:ExternalId': '7KAXZ44tHx8mKsPxZnCi2X6Yz' },
        }).decision,
        'allow',
      );
      assert.equal(
        decide(t, caller, {
          identity,
          role: 'arn:aws:iam::222222222222:role/jenkins',
          context: { 'sts:ExternalId': 'other' },
        }).decision,
        'deny',
      );
      assert.equal(decide(t, caller, { identity, role: 'arn:aws:iam::222222222222:role/jenkins' }).decision, 'deny');
      // The agent's own role trusts only EC2.
      assert.equal(
        decide(fixture('seed000-jenkins-slave-trust.json'), 'arn:aws:iam::111111111111:user/admin', {
          role: 'arn:aws:iam::111111111111:role/jenkins-slave',
        }).decision,
        'deny',
      );
    });

    it('seed 001: ForceMFA with arn:aws:iam:::root and an empty username list admits nobody', () => {
      const e = decide(fixture('seed001-force-mfa-trust.json'), 'arn:aws:iam::111111111111:user/alice', {
        identity: [JSON.parse(fixture('seed001-user-policy.json'))],
        context: { 'aws:MultiFactorAuthPresent': 'true' },
      });
      assert.equal(e.decision, 'deny');
      assert.equal(e.reasons[0].statement, 'ForceMFA');
      assert.equal(e.denyKind, 'invalid-trust-policy');
      assert.match(
        e.reasons[0].detail,
        /invalid principal "arn:aws:iam:::root".*IAM refuses a trust policy with an invalid principal/,
      );
      // Fixed principal: MFA and the username list still decide.
      const fixed = fixture('seed001-force-mfa-trust.json')
        .replace('arn:aws:iam:::root', 'arn:aws:iam::111111111111:root')
        .replace('[  ]', '["alice"]');
      assert.equal(
        decide(fixed, 'arn:aws:iam::111111111111:user/alice', {
          role: 'arn:aws:iam::222222222222:role/developer',
          context: { 'aws:MultiFactorAuthPresent': 'true' },
        }).decision,
        'allow',
      );
      assert.equal(
        decide(fixed, 'arn:aws:iam::111111111111:user/alice', { role: 'arn:aws:iam::222222222222:role/developer' })
          .decision,
        'deny',
      );
      assert.equal(
        decide(fixed, 'arn:aws:iam::111111111111:user/bob', {
          role: 'arn:aws:iam::222222222222:role/developer',
          context: { 'aws:MultiFactorAuthPresent': 'true' },
        }).decision,
        'deny',
      );
    });

    it('seed 002: only the Vault server role may assume jenkins-ecr-push-role, through its jenkins-* permission', () => {
      const t = fixture('seed002-ecr-push-trust.json');
      const identity = [JSON.parse(fixture('seed002-vault-server-policy.json'))];
      const role = 'arn:aws:iam::444444444444:role/jenkins-ecr-push-role';
      assert.equal(
        decide(t, 'arn:aws:sts::111111111111:assumed-role/vault-server/i-vault', { identity, role }).decision,
        'allow',
      );
      assert.equal(
        decide(t, 'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-1', { identity, role }).decision,
        'deny',
      );
      assert.equal(
        decide(t, 'arn:aws:iam::111111111111:role/vault-server', {
          identity,
          role: 'arn:aws:iam::444444444444:role/jenkins-ecr-push-role',
        }).decision,
        'allow',
      );
    });

    it('seed 003: the ECS task role assumes deploy-role (trust names the bare account id)', () => {
      const t = fixture('seed003-deploy-role-trust.json');
      const role = 'arn:aws:iam::333333333333:role/deploy-role';
      const identity = [JSON.parse(fixture('seed003-agent-policy.json'))];
      assert.equal(
        decide(t, 'arn:aws:sts::111111111111:assumed-role/deploy-role-agent-account-x/task', { identity, role })
          .decision,
        'allow',
      );
      assert.equal(
        decide(t, 'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-1', {
          identity: [JSON.parse(fixture('seed000-jenkins-slave-policy.json'))],
          role,
        }).decision,
        'deny',
      );
      assert.equal(
        decide(fixture('seed003-agent-trust.json'), 'arn:aws:iam::111111111111:user/x', {
          role: 'arn:aws:iam::111111111111:role/deploy-role-agent-account-x',
        }).decision,
        'deny',
      );
    });

    it('seed 004: secrets-reader needs ken with MFA younger than an hour', () => {
      const t = fixture('seed004-secrets-reader-trust.json');
      const role = 'arn:aws:iam::444444444444:role/secrets-reader';
      const ken = 'arn:aws:iam::444444444444:user/ken';
      assert.equal(
        decide(t, ken, { role, context: { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '120' } })
          .decision,
        'allow',
      );
      assert.equal(
        decide(t, ken, { role, context: { 'aws:MultiFactorAuthPresent': 'true', 'aws:MultiFactorAuthAge': '7200' } })
          .decision,
        'deny',
      );
      assert.equal(decide(t, ken, { role }).decision, 'deny');
      // The article's ExamplePolicy grants no sts:AssumeRole at all.
      assert.equal(
        decide(trust({ AWS: '444444444444' }), ken, {
          role,
          identity: [JSON.parse(fixture('seed004-example-policy.json'))],
        }).decision,
        'deny',
      );
    });
  });
});
