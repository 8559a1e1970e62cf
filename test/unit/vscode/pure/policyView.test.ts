import { strict as assert } from 'node:assert';
import { describeStatement, findStatement, policyView, statementsOf } from '../../../../src/vscode/pure/policyView';

const policy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Hub',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'secret-ish' } },
    },
    { Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com'] }, Action: 'sts:AssumeRole' },
  ],
});

describe('vscode helpers: trust policy view', () => {
  it('pretty-prints and locates each statement', () => {
    const view = policyView(policy);
    assert.equal(view.parseError, null);
    assert.deepEqual(JSON.parse(view.text), JSON.parse(policy));
    assert.equal(view.statements.length, 2);
    for (const s of view.statements) {
      const stmt: unknown = JSON.parse(view.text.slice(s.start, s.end));
      assert.deepEqual(stmt, (JSON.parse(policy) as { Statement: unknown[] }).Statement[s.index]);
    }
  });
  it('handles a single statement object', () => {
    const view = policyView(
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}',
    );
    assert.equal(view.statements.length, 1);
    assert.deepEqual(JSON.parse(view.text.slice(view.statements[0].start, view.statements[0].end)).Principal, '*');
  });
  it('shows invalid JSON raw with the error', () => {
    const view = policyView('{"Statement": [ {"Effect":"Allow",}, ]}');
    assert.notEqual(view.parseError, null);
    assert.equal(view.statements.length, 0);
  });
  it('finds statements by Sid or index', () => {
    const view = policyView(policy);
    assert.equal(findStatement(view, 'Hub')?.index, 0);
    assert.equal(findStatement(view, '1')?.index, 1);
    assert.equal(findStatement(view, '0')?.index, 0);
    assert.equal(findStatement(view, '7'), null);
    assert.equal(findStatement(view, 'nope'), null);
  });
  it('describes statements without ExternalId values', () => {
    const [first, second] = statementsOf(policy);
    const d = describeStatement(first);
    assert.equal(d.label, 'Hub: Allow');
    assert.deepEqual(d.principals, ['AWS: arn:aws:iam::111111111111:root']);
    assert.equal(d.conditions.length, 1);
    assert.ok(!d.conditions[0].includes('secret-ish'));
    assert.deepEqual(describeStatement(second).principals, ['Service: ec2.amazonaws.com']);
  });
});
