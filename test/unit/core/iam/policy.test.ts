import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonTree } from '../../../../src/core/iam/json';
import { parsePolicy, percentDecode, splitOperator } from '../../../../src/core/iam/policy';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('iam/json (positioned parser)', () => {
  it('parses values with positions', () => {
    const { root, errors } = parseJsonTree('{"a": [1, "x", true, null], "b": {"c": -2.5e1}}');
    assert.deepEqual(errors, []);
    assert.equal(root?.type, 'object');
    if (root?.type !== 'object') return;
    assert.equal(root.properties[0].key, 'a');
    assert.equal(root.properties[0].keyOffset, 1);
    assert.equal(root.offset, 0);
    assert.equal(root.length, 47);
  });

  it('never throws, and reports each mistake with its offset', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['{"a": 1,}', /trailing comma/, 7],
      ['[1, 2,]', /trailing comma/, 5],
      ['{"a": 1 "b": 2}', /"," or "}" expected/, 8],
      ['{"a" 1}', /":" expected/, 5],
      ['{a: 1}', /property name in double quotes/, 1],
      ['{"a": tru}', /unexpected "tru"/, 6],
      ['{"a": "x', /unterminated string/, 6],
      ['// c\n{}', /comments are not allowed/, 0],
      ['{} x', /after the end of the document/, 3],
      ['{"a": "\\q"}', /invalid escape/, 7],
      ['', /empty document/, 0],
      ['{', /unexpected end of text/, 1],
    ];
    for (const [text, message, offset] of cases) {
      const { errors } = parseJsonTree(text);
      assert.ok(errors.length > 0, text);
      assert.match(errors[0].message, message, text);
      assert.equal(errors[0].offset, offset, text);
    }
  });

  it('survives deep nesting and garbage', () => {
    assert.doesNotThrow(() => parseJsonTree('['.repeat(5000)));
    assert.doesNotThrow(() => parseJsonTree('}}]]::,,"\u0000'));
  });
});

describe('iam/policy', () => {
  it("reports seed 000's jenkins-policy.json trailing comma at its position", () => {
    const text = fixture('seed000-jenkins-policy.json');
    const parsed = parsePolicy(text, 'identity');
    assert.equal(parsed.errors.length, 1);
    const e = parsed.errors[0];
    assert.match(e.message, /trailing comma/);
    assert.equal(text.slice(e.offset, e.offset + 1), ',');
    assert.equal(text.slice(e.offset - 14, e.offset), '"iam:PassRole"');
    // Still a best-effort model for the explorer.
    assert.deepEqual(parsed.policy?.statements[0].action, ['ec2:*', 'iam:ListInstanceProfilesForRole', 'iam:PassRole']);
  });

  it('accepts an object, JSON text and URL-encoded text, with statement positions', () => {
    const text = fixture('seed000-jenkins-trust.json');
    for (const input of [text, JSON.parse(text), encodeURIComponent(text)]) {
      const parsed = parsePolicy(input, 'trust');
      assert.deepEqual(parsed.errors, []);
      const st = parsed.policy?.statements[0];
      assert.equal(st?.effect, 'Allow');
      assert.equal(st?.label, '0', 'an empty Sid gives the index');
      assert.equal(st?.principal?.[0].kind, 'account-root');
      assert.equal(st?.conditions[0].key, 'sts:ExternalId');
      assert.equal(parsed.text.slice(st!.range.start, st!.range.start + 1), '{');
      assert.equal(parsed.text.slice(st!.range.end - 1, st!.range.end), '}');
    }
  });

  it('maps errors in URL-encoded text back to the encoded offsets', () => {
    const text = fixture('seed000-jenkins-policy.json');
    const encoded = encodeURIComponent(text);
    const parsed = parsePolicy(encoded, 'identity');
    assert.equal(parsed.decoded, true);
    const e = parsed.errors[0];
    assert.equal(parsed.text[e.offset], ',');
    assert.equal(encoded.slice(parsed.toSource(e.offset), parsed.toSource(e.offset) + 3), '%2C');
  });

  it('percent-decodes multi-byte characters with an offset map', () => {
    const d = percentDecode('%7B%22%C3%A9%22%7D');
    assert.equal(d?.text, '{"é"}');
    assert.equal(d?.map[2], 6);
    assert.equal(percentDecode('%ZZ'), null);
    assert.equal(parsePolicy('%7Bbad%').errors[0].message.includes('percent'), true);
  });

  it('validates the grammar IAM enforces, with positions', () => {
    const bad = (doc: string, kind: 'trust' | 'identity' | 'any', message: RegExp) => {
      const parsed = parsePolicy(doc, kind);
      const hit = parsed.errors.find((e) => message.test(e.message));
      assert.ok(hit, `${doc}: expected ${message}, got ${JSON.stringify(parsed.errors)}`);
      assert.ok(hit.offset >= 0 && hit.offset <= doc.length);
    };
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"allow","Principal":"*","Action":"sts:AssumeRole"}]}',
      'trust',
      /Effect must be "Allow" or "Deny"/,
    );
    bad('{"Version":"2012-10-17","Statement":[{"Principal":"*","Action":"sts:AssumeRole"}]}', 'trust', /has no Effect/);
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}',
      'trust',
      /has no Principal/,
    );
    bad('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*"}]}', 'trust', /has no Action/);
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","NotAction":"s3:*"}]}',
      'trust',
      /both Action and NotAction/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","NotPrincipal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}',
      'trust',
      /both Principal and NotPrincipal/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}]}',
      'trust',
      /prohibited field Resource/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}',
      'identity',
      /cannot have a Principal/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}',
      'identity',
      /has no Resource/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"sts:AssumeRole"}]}',
      'trust',
      /Principal must be "\*" or an object/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Aws":"*"},"Action":"sts:AssumeRole"}]}',
      'trust',
      /unknown principal type/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEqual":{"a":"b"}}}]}',
      'trust',
      /unknown condition operator "StringEqual"/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"NullIfExists":{"a":"true"}}}]}',
      'trust',
      /unknown condition operator/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":"x"}}]}',
      'trust',
      /must map condition keys/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"a":{"b":1}}}}]}',
      'trust',
      /condition values must be/,
    );
    bad('{"Version":"2012-10-18","Statement":[]}', 'any', /Version must be/);
    bad('{"Version":"2012-10-17"}', 'any', /has no Statement/);
    bad('{"Version":"2012-10-17","Statement":[],"Foo":1}', 'any', /unknown top-level field "Foo"/);
    bad(
      '{"Version":"2012-10-17","Statement":[{"effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}',
      'trust',
      /case-sensitive/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Sid":"A","Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}]}',
      'trust',
      /duplicate Sid/,
    );
    bad(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"AssumeRole"}]}',
      'trust',
      /is not an action/,
    );
    bad('[1]', 'any', /must be a JSON object/);
  });

  it('accepts a single Statement object, scalar condition values and every operator form', () => {
    const parsed = parsePolicy(
      {
        Version: '2012-10-17',
        Statement: {
          Sid: 'One',
          Effect: 'Deny',
          NotPrincipal: { AWS: ['111111111111'] },
          NotAction: 'iam:*',
          Condition: {
            'ForAnyValue:StringLikeIfExists': { 'aws:PrincipalTag/team': ['a*', 'b?'] },
            NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
            Bool: { 'aws:MultiFactorAuthPresent': true },
          },
        },
      },
      'trust',
    );
    assert.deepEqual(parsed.errors, []);
    const st = parsed.policy!.statements[0];
    assert.equal(st.label, 'One');
    assert.equal(st.notPrincipal?.[0].kind, 'account-id');
    assert.deepEqual(
      st.conditions.map((c) => [c.baseOperator, c.setOperator, c.ifExists, c.values]),
      [
        ['StringLike', 'ForAnyValue', true, ['a*', 'b?']],
        ['NumericLessThan', null, false, ['3600']],
        ['Bool', null, false, ['true']],
      ],
    );
  });

  it('splits operators case-insensitively like IAM', () => {
    assert.deepEqual(splitOperator('ForAllValues:StringEqualsIgnoreCaseIfExists'), {
      base: 'StringEqualsIgnoreCase',
      set: 'ForAllValues',
      ifExists: true,
    });
    assert.deepEqual(splitOperator('stringequals'), { base: 'StringEquals', set: null, ifExists: false });
    assert.equal(splitOperator('ForSome:StringEquals'), null);
    assert.equal(splitOperator('NullIfExists'), null);
  });

  it('keeps seed 001 empty username list as a clause with no values (not a parse error)', () => {
    const parsed = parsePolicy(fixture('seed001-force-mfa-trust.json'), 'trust');
    assert.deepEqual(parsed.errors, []);
    const st = parsed.policy!.statements[0];
    assert.equal(st.principal?.[0].kind, 'invalid');
    assert.deepEqual(st.conditions[0].values, []);
    assert.deepEqual(st.conditions[1].values, ['true']);
  });
});
