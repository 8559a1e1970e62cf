// Every condition operator, its IfExists and set-operator forms, and IAM's missing-key rules.
import { strict as assert } from 'node:assert';
import { cidrMatcher, compileCondition, F, T, U, type Tri } from '../../../../src/core/iam/conditions';
import { splitOperator, type ConditionClause } from '../../../../src/core/iam/policy';

function clause(operator: string, key: string, values: string[]): ConditionClause {
  const parts = splitOperator(operator);
  if (!parts) throw new Error(`bad operator ${operator}`);
  return {
    operator,
    baseOperator: parts.base,
    setOperator: parts.set,
    ifExists: parts.ifExists,
    key,
    values,
    range: { start: 0, end: 0 },
  };
}

function check(
  operator: string,
  policyValues: string[],
  context: Record<string, string | string[]>,
  key = 'k',
  unknown: string[] = [],
  variables = true,
): Tri {
  const test = compileCondition(clause(operator, key, policyValues), variables);
  const values = new Map<string, string[]>();
  for (const [k, v] of Object.entries(context)) values.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  return test({ values, isUnknown: (k) => unknown.includes(k) });
}

const cases: Array<[string, string[], string | string[] | undefined, Tri]> = [
  // String
  ['StringEquals', ['abc'], 'abc', T],
  ['StringEquals', ['abc'], 'ABC', F],
  ['StringEquals', ['a', 'b'], 'b', T],
  ['StringEquals', [], 'b', F],
  ['StringEquals', ['abc'], undefined, F],
  ['StringNotEquals', ['abc'], 'abc', F],
  ['StringNotEquals', ['abc'], 'xyz', T],
  ['StringNotEquals', ['a', 'b'], 'b', F],
  ['StringNotEquals', ['abc'], undefined, T],
  ['StringEqualsIgnoreCase', ['AbC'], 'aBc', T],
  ['StringNotEqualsIgnoreCase', ['AbC'], 'aBc', F],
  ['StringNotEqualsIgnoreCase', ['AbC'], 'x', T],
  ['StringLike', ['a*c'], 'abbbc', T],
  ['StringLike', ['a?c'], 'abc', T],
  ['StringLike', ['a?c'], 'abbc', F],
  ['StringLike', ['*'], '', T],
  ['StringLike', ['A*'], 'abc', F],
  ['StringLike', ['a.c'], 'abc', F],
  ['StringNotLike', ['a*'], 'abc', F],
  ['StringNotLike', ['a*'], 'xbc', T],
  ['StringNotLike', ['a*'], undefined, T],
  // Numeric
  ['NumericEquals', ['10'], '10', T],
  ['NumericEquals', ['10'], '10.0', T],
  ['NumericEquals', ['10'], 'ten', F],
  ['NumericNotEquals', ['10'], '11', T],
  ['NumericLessThan', ['3600'], '100', T],
  ['NumericLessThan', ['3600'], '3600', F],
  ['NumericLessThanEquals', ['3600'], '3600', T],
  ['NumericGreaterThan', ['5'], '6', T],
  ['NumericGreaterThanEquals', ['5'], '5', T],
  ['NumericGreaterThanEquals', ['5'], '4', F],
  ['NumericLessThan', ['abc'], '1', F],
  // Date (ISO and epoch)
  ['DateEquals', ['2024-01-01T00:00:00Z'], '2024-01-01T00:00:00Z', T],
  ['DateEquals', ['2024-01-01T00:00:00Z'], '1704067200', T],
  ['DateNotEquals', ['2024-01-01T00:00:00Z'], '2024-01-02T00:00:00Z', T],
  ['DateLessThan', ['2024-01-01T00:00:00Z'], '2023-12-31T23:59:59Z', T],
  ['DateLessThanEquals', ['2024-01-01T00:00:00Z'], '2024-01-01T00:00:00Z', T],
  ['DateGreaterThan', ['2024-01-01'], '2024-06-01T00:00:00Z', T],
  ['DateGreaterThanEquals', ['2024-01-01T00:00:00Z'], '2023-01-01T00:00:00Z', F],
  ['DateLessThan', ['not a date'], '2023-01-01T00:00:00Z', F],
  // Bool, binary
  ['Bool', ['true'], 'true', T],
  ['Bool', ['true'], 'TRUE', T],
  ['Bool', ['true'], 'false', F],
  ['Bool', ['true'], undefined, F],
  ['Bool', ['false'], 'false', T],
  ['BinaryEquals', ['QmluYXJ5'], 'QmluYXJ5', T],
  ['BinaryEquals', ['QmluYXJ5'], 'QmluYXJ6', F],
  // IP (v4, v6, bare address)
  ['IpAddress', ['10.0.0.0/8'], '10.1.2.3', T],
  ['IpAddress', ['10.0.0.0/8'], '11.1.2.3', F],
  ['IpAddress', ['192.0.2.7'], '192.0.2.7', T],
  ['IpAddress', ['192.0.2.0/25'], '192.0.2.200', F],
  ['IpAddress', ['2001:db8::/32'], '2001:db8:1::5', T],
  ['IpAddress', ['2001:db8::/32'], '2001:db9::5', F],
  ['IpAddress', ['10.0.0.0/8'], '2001:db8::1', F],
  ['IpAddress', ['10.0.0.0/33'], '10.0.0.1', F],
  ['NotIpAddress', ['10.0.0.0/8'], '11.1.2.3', T],
  ['NotIpAddress', ['10.0.0.0/8'], '10.1.2.3', F],
  ['NotIpAddress', ['10.0.0.0/8'], undefined, T],
  // ARN
  ['ArnEquals', ['arn:aws:iam::111111111111:role/a'], 'arn:aws:iam::111111111111:role/a', T],
  ['ArnLike', ['arn:aws:iam::*:role/jenkins-*'], 'arn:aws:iam::111111111111:role/jenkins-slave', T],
  ['ArnLike', ['arn:aws:iam::*:role/jenkins-*'], 'arn:aws:iam::111111111111:user/jenkins-slave', F],
  ['ArnLike', ['arn:aws:iam::1111111111?1:role/*'], 'arn:aws:iam::111111111111:role/x', T],
  ['ArnLike', ['arn:aws:iam::*:role/x'], 'not-an-arn', F],
  ['ArnNotEquals', ['arn:aws:iam::111111111111:role/a'], 'arn:aws:iam::111111111111:role/b', T],
  ['ArnNotLike', ['arn:aws:iam::*:role/a*'], 'arn:aws:iam::111111111111:role/abc', F],
  ['ArnNotLike', ['arn:aws:iam::*:role/a*'], undefined, T],
  // Null
  ['Null', ['true'], undefined, T],
  ['Null', ['true'], 'x', F],
  ['Null', ['false'], 'x', T],
  ['Null', ['false'], undefined, F],
  // IfExists
  ['StringEqualsIfExists', ['abc'], undefined, T],
  ['StringEqualsIfExists', ['abc'], 'abd', F],
  ['BoolIfExists', ['true'], undefined, T],
  ['BoolIfExists', ['true'], 'false', F],
  ['NumericLessThanIfExists', ['5'], undefined, T],
  ['IpAddressIfExists', ['10.0.0.0/8'], undefined, T],
  ['ArnLikeIfExists', ['arn:*'], undefined, T],
  ['DateLessThanIfExists', ['2024-01-01T00:00:00Z'], undefined, T],
  ['StringNotEqualsIfExists', ['abc'], 'abc', F],
  // Set operators
  ['ForAnyValue:StringEquals', ['a', 'b'], ['x', 'b'], T],
  ['ForAnyValue:StringEquals', ['a', 'b'], ['x', 'y'], F],
  ['ForAnyValue:StringEquals', ['a'], undefined, F],
  ['ForAnyValue:StringEquals', ['a'], [], F],
  ['ForAnyValue:StringEqualsIfExists', ['a'], undefined, F],
  ['ForAnyValue:StringEqualsIfExists', ['a'], ['a'], T],
  ['ForAllValues:StringEqualsIfExists', ['a'], undefined, T],
  ['ForAnyValue:StringNotEquals', ['a'], ['a', 'b'], T],
  ['ForAnyValue:StringNotEquals', ['a'], ['a'], F],
  ['ForAllValues:StringEquals', ['a', 'b'], ['a', 'b'], T],
  ['ForAllValues:StringEquals', ['a', 'b'], ['a', 'c'], F],
  ['ForAllValues:StringEquals', ['a'], undefined, T],
  ['ForAllValues:StringEquals', ['a'], [], T],
  ['ForAllValues:StringLike', ['team-*'], ['team-a', 'team-b'], T],
  ['ForAllValues:StringNotEquals', ['a'], ['b', 'c'], T],
  ['ForAllValues:StringNotEquals', ['a'], ['b', 'a'], F],
  // Several values for the key without a set operator: AWS (single-valued vs. multivalued context keys):
  // "Multivalued context keys require a condition set operator" — no match, negated or not, IfExists or not.
  ['StringEquals', ['a'], ['x', 'a'], F],
  ['StringNotEquals', ['a'], ['x', 'a'], F],
  ['StringNotEquals', ['z'], ['x', 'a'], F],
  ['StringEqualsIfExists', ['a'], ['a', 'a'], F],
  // Dates: W3C ISO 8601 profiles (time zone required with a time) or epoch seconds; anything else is no date.
  ['DateLessThan', ['2030'], '1970-01-01T00:30:00Z', T], // digits alone are epoch seconds, not a year
  ['DateLessThan', ['2030-01'], '2030-01-01T00:00:00Z', F],
  ['DateEquals', ['2030-01-01'], '2030-01-01T00:00:00Z', T],
  ['DateEquals', ['2030-01-01T10:00+02:00'], '2030-01-01T08:00:00Z', T],
  ['DateEquals', ['2030-01-01T08:00:00.000Z'], '1893484800', T],
  ['DateGreaterThan', ['2020-01-01T00:00:00Z'], '1795424400', T],
  ['DateLessThan', ['2030-01-01T10:00:00'], '2020-01-01T00:00:00Z', F],
  ['DateLessThan', ['2030-01-01 10:00:00Z'], '2020-01-01T00:00:00Z', F],
  ['DateLessThan', ['January 1, 2030'], '2020-01-01T00:00:00Z', F],
  ['DateNotEquals', ['not a date'], '2020-01-01T00:00:00Z', T],
  // Bool: only true/false are booleans.
  ['Bool', ['yes'], 'yes', F],
  ['Bool', ['TRUE'], 'true', T],
];

describe('iam/conditions', () => {
  for (const [operator, policyValues, contextValue, expected] of cases) {
    it(`${operator} ${JSON.stringify(policyValues)} vs ${JSON.stringify(contextValue)} → ${expected === T ? 'true' : 'false'}`, () => {
      assert.equal(check(operator, policyValues, contextValue === undefined ? {} : { k: contextValue }), expected);
    });
  }

  it('compares keys case-insensitively', () => {
    assert.equal(check('StringEquals', ['x'], { 'STS:EXTERNALID': 'x' }, 'sts:ExternalId'), T);
  });

  it('substitutes policy variables, with escapes and defaults', () => {
    assert.equal(check('StringEquals', ['${aws:username}'], { k: 'bob', 'aws:username': 'bob' }), T);
    assert.equal(check('StringEquals', ['${aws:username}'], { k: 'bob', 'aws:username': 'alice' }), F);
    assert.equal(check('StringEquals', ['${aws:username}'], { k: 'bob' }), F, 'a missing variable matches nothing');
    assert.equal(check('StringEquals', ["${aws:username, 'bob'}"], { k: 'bob' }), T, 'default value');
    assert.equal(
      check('StringLike', ['team-${aws:PrincipalTag/team}-*'], { k: 'team-red-1', 'aws:principaltag/team': 'red' }),
      T,
    );
    assert.equal(
      check('StringLike', ['team-${aws:PrincipalTag/team}'], { k: 'team-r.d', 'aws:principaltag/team': 'r*d' }),
      F,
      'substituted text is literal',
    );
    assert.equal(check('StringLike', ['a${*}'], { k: 'a*' }), T, '${*} is a literal star');
    assert.equal(check('StringLike', ['a${*}'], { k: 'ab' }), F);
    assert.equal(check('StringLike', ['a${?}'], { k: 'a?' }), T);
    assert.equal(check('StringEquals', ['${$}x'], { k: '$x' }), T);
    assert.equal(
      check('ArnLike', ['arn:aws:iam::*:user/${aws:username}'], {
        k: 'arn:aws:iam::111111111111:user/bob',
        'aws:username': 'bob',
      }),
      T,
    );
    assert.equal(
      check('StringEquals', ['${aws:username}'], { k: '${aws:username}' }, 'k', [], false),
      T,
      'Version 2008-10-17 has no variables',
    );
  });

  it('a variable for a key the request does not carry makes the condition fail, also under negated operators', () => {
    // AWS, policy variables (principal key values): a key that is "not present" means "any attempt to match it
    // fails and causes the statement to be invalid". So "is not ${aws:username}" cannot hold without aws:username.
    assert.equal(check('StringNotEquals', ['${aws:username}'], { k: 'build-1' }), F);
    assert.equal(
      check('StringNotEquals', ['${aws:username}'], { k: 'build-1', 'aws:username': 'bob' }),
      T,
      'with the key present it compares',
    );
    assert.equal(check('StringNotEquals', ['${aws:username}'], { k: 'bob', 'aws:username': 'bob' }), F);
    assert.equal(check('StringNotLike', ['${aws:username}-*'], { k: 'x' }), F);
    assert.equal(
      check('StringNotEqualsIfExists', ['${aws:username}'], { k: 'x' }),
      F,
      'IfExists is about the condition key, not the variable',
    );
    assert.equal(
      check('ArnNotLike', ['arn:aws:iam::*:user/${aws:username}'], { k: 'arn:aws:iam::111111111111:role/r' }),
      F,
    );
    assert.equal(check('ForAllValues:StringNotEquals', ['${aws:PrincipalTag/team}'], { k: ['a', 'b'] }), F);
    assert.equal(check('ForAnyValue:StringNotEquals', ['${aws:PrincipalTag/team}'], { k: ['a'] }), F);
    // Under a positive operator the variable's value matches nothing; the other values still may.
    assert.equal(check('StringEquals', ['${aws:username}', 'ci'], { k: 'ci' }), T);
    assert.equal(check('StringEquals', ['${aws:username}', 'ci'], { k: 'x' }), F);
    // The condition key itself absent: a negated operator is true whatever the variable (nothing to compare).
    assert.equal(check('StringNotEquals', ['${aws:username}'], {}), T);
    // A default value makes the variable resolvable.
    assert.equal(check('StringNotEquals', ["${aws:username, 'ci'}"], { k: 'build' }), T);
    assert.equal(check('StringNotEquals', ["${aws:username, 'ci'}"], { k: 'ci' }), F);
  });

  it('ARN operators match each of the six components on its own, with variables too (AWS: ARN condition operators)', () => {
    const role = 'arn:aws:iam::111111111111:role/ci/builder';
    assert.equal(check('ArnLike', ['arn:aws:iam::*:role/ci/*'], { k: role }), T);
    assert.equal(
      check('ArnLike', ['arn:aws:iam::*:role/*'], { k: role }),
      T,
      'a wildcard in the resource part spans its slashes',
    );
    assert.equal(
      check('ArnLike', ['arn:aws:*:role/ci/builder'], { k: role }),
      F,
      'fewer than six components: a "*" does not stand for several of them',
    );
    assert.equal(check('ArnLike', ['arn:*:iam::111111111111:role/ci/builder'], { k: role }), T);
    assert.equal(check('ArnLike', ['*'], { k: role }), F, 'not an ARN pattern');
    assert.equal(
      check('ArnEquals', ['arn:aws:iam::111111111111:role/ci/builder'], {
        k: 'arn:aws:iam::111111111111:role/ci/builder/x',
      }),
      F,
    );
    assert.equal(check('ArnLike', ['arn:aws:iam::111111111111:role/ci/builder'], { k: 'not-an-arn' }), F);
    // Variables: resolved within their component; a colon inside ${...} separates nothing.
    const vars = { 'aws:principalaccount': '111111111111', 'aws:username': 'bob' };
    assert.equal(check('ArnLike', ['arn:aws:iam::${aws:PrincipalAccount}:role/ci/*'], { k: role, ...vars }), T);
    assert.equal(
      check('ArnLike', ['arn:aws:iam::${aws:PrincipalAccount}:role/ci/*'], {
        k: 'arn:aws:iam::222222222222:role/ci/builder',
        ...vars,
      }),
      F,
    );
    assert.equal(
      check('ArnLike', ['arn:aws:iam::*:user/${aws:username}'], { k: 'arn:aws:iam::111111111111:user/bob', ...vars }),
      T,
    );
    assert.equal(
      check('ArnLike', ['arn:aws:iam::*:user/${aws:username}'], { k: 'arn:aws:iam::111111111111:user/bobby', ...vars }),
      F,
      "a variable's value is literal",
    );
    assert.equal(
      check('ArnNotLike', ['arn:aws:iam::${aws:PrincipalAccount}:*'], { k: role }),
      F,
      'a variable without a value: the negated condition fails',
    );
  });

  it('is three-valued: a key the analysis cannot know gives unknown', () => {
    assert.equal(check('IpAddress', ['10.0.0.0/8'], {}, 'aws:SourceIp', ['aws:sourceip']), U);
    assert.equal(check('Null', ['true'], {}, 'aws:SourceIp', ['aws:sourceip']), U);
    assert.equal(check('StringEquals', ['${aws:username}'], { k: 'x' }, 'k', ['aws:username']), U);
    assert.equal(
      check('StringEquals', ['a', '${aws:username}'], { k: 'a' }, 'k', ['aws:username']),
      T,
      'a static value that matches decides',
    );
  });

  it('matches CIDRs exactly at the prefix boundary', () => {
    const m = cidrMatcher('172.16.0.0/12');
    assert.ok(m);
    assert.equal(m('172.31.255.255'), true);
    assert.equal(m('172.32.0.0'), false);
    assert.equal(cidrMatcher('::/0')?.('2001:db8::1'), true);
    assert.equal(cidrMatcher('::ffff:10.0.0.0/104')?.('::ffff:10.1.2.3'), true);
    assert.equal(cidrMatcher('nonsense'), null);
  });
});
