import { strict as assert } from 'node:assert';
import {
  accountOf,
  classifyPrincipal,
  editDistance,
  isRoleSession,
  parseArn,
  parseCaller,
  parseRoleArn,
  partitionForRegion,
  roleArnOfSession,
} from '../../../../src/core/iam/arn';

describe('iam/arn', () => {
  it('parses ARNs in every supported partition and rejects others', () => {
    assert.equal(parseArn('arn:aws:iam::111111111111:role/x')?.account, '111111111111');
    assert.equal(parseArn('arn:aws-cn:iam::111111111111:role/x')?.partition, 'aws-cn');
    assert.equal(parseArn('arn:aws-us-gov:iam::111111111111:role/x')?.partition, 'aws-us-gov');
    assert.equal(parseArn('arn:aws-xx:iam::111111111111:role/x'), null);
    assert.equal(parseArn('arn:aws:iam::11111111111:role/x'), null, '11-digit account');
    assert.equal(parseArn('arn:aws:iam::111111111111:'), null, 'empty resource');
    assert.equal(parseArn('not an arn'), null);
    assert.equal(parseArn('arn:aws:s3:::bucket/key:with:colons')?.resource, 'bucket/key:with:colons');
  });

  it('parses role ARNs with and without paths', () => {
    assert.deepEqual(parseRoleArn('arn:aws:iam::222222222222:role/jenkins'), {
      partition: 'aws',
      account: '222222222222',
      path: '/',
      name: 'jenkins',
      arn: 'arn:aws:iam::222222222222:role/jenkins',
    });
    const withPath = parseRoleArn('arn:aws:iam::222222222222:role/service-role/ci/deployer');
    assert.equal(withPath?.path, '/service-role/ci/');
    assert.equal(withPath?.name, 'deployer');
    assert.equal(parseRoleArn('arn:aws:iam::222222222222:user/bob'), null);
    assert.equal(parseRoleArn('arn:aws:iam::222222222222:role/'), null);
    assert.equal(parseRoleArn('arn:aws:iam::222222222222:role/bad name'), null);
    assert.equal(parseRoleArn('arn:aws:iam:us-east-1:222222222222:role/x'), null, 'IAM ARNs have no region');
  });

  it('parses every caller kind and maps sessions to their role', () => {
    assert.equal(parseCaller('arn:aws:iam::111111111111:user/bob')?.kind, 'user');
    assert.equal(parseCaller('arn:aws:iam::111111111111:user/division/bob')?.name, 'bob');
    assert.equal(parseCaller('arn:aws:iam::111111111111:root')?.kind, 'root');
    const role = parseCaller('arn:aws:iam::111111111111:role/ci/jenkins-slave');
    assert.equal(role?.kind, 'role');
    assert.equal(role?.rolePathKnown, true);
    const session = parseCaller('arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-0abc123');
    assert.equal(session?.kind, 'assumed-role');
    assert.equal(session?.sessionName, 'i-0abc123');
    assert.equal(session?.roleArn, 'arn:aws:iam::111111111111:role/jenkins-slave');
    assert.equal(
      roleArnOfSession('arn:aws-cn:sts::111111111111:assumed-role/r/s'),
      'arn:aws-cn:iam::111111111111:role/r',
    );
    assert.equal(parseCaller('arn:aws:sts::111111111111:federated-user/carol')?.kind, 'federated-user');
    assert.equal(parseCaller('arn:aws:iam::111111111111:group/devs'), null);
    assert.equal(parseCaller('111111111111'), null);
  });

  it('knows which callers are role sessions (role chaining)', () => {
    assert.equal(isRoleSession('arn:aws:iam::111111111111:role/jenkins-slave'), true);
    assert.equal(isRoleSession('arn:aws:sts::111111111111:assumed-role/a/b'), true);
    assert.equal(isRoleSession('arn:aws:iam::111111111111:user/bob'), false);
    assert.equal(isRoleSession(null), false);
  });

  it('classifies every principal form', () => {
    const kinds: Array<[string, string, string]> = [
      ['AWS', '*', 'wildcard'],
      ['*', '*', 'wildcard'],
      ['AWS', '111111111111', 'account-id'],
      ['AWS', 'arn:aws:iam::111111111111:root', 'account-root'],
      ['AWS', 'arn:aws:iam::111111111111:role/path/r', 'role'],
      ['AWS', 'arn:aws:iam::111111111111:user/u', 'user'],
      ['AWS', 'arn:aws:sts::111111111111:assumed-role/r/s', 'assumed-role'],
      ['AWS', 'arn:aws:sts::111111111111:federated-user/fed', 'federated-user'],
      ['AWS', 'AROAJENKINSTARGET001', 'unique-id'],
      ['AWS', 'AIDAEXAMPLEUSER00001', 'unique-id'],
      ['Service', 'ec2.amazonaws.com', 'service'],
      ['Service', 'ecs-tasks.amazonaws.com', 'service'],
      ['Federated', 'arn:aws:iam::111111111111:saml-provider/okta', 'federated'],
      ['Federated', 'accounts.google.com', 'federated'],
      ['CanonicalUser', 'a'.repeat(64), 'canonical-user'],
    ];
    for (const [type, value, kind] of kinds)
      assert.equal(classifyPrincipal(type, value).kind, kind, `${type} ${value}`);
    assert.equal(classifyPrincipal('AWS', 'arn:aws:iam::111111111111:role/path/r').path, '/path/');
  });

  it('flags principals IAM rejects, with a reason', () => {
    const root = classifyPrincipal('AWS', 'arn:aws:iam:::root');
    assert.equal(root.kind, 'invalid');
    assert.match(root.problem ?? '', /no account id/);
    assert.match(classifyPrincipal('AWS', 'arn:aws:iam::*:role/x').problem ?? '', /wildcards/);
    assert.match(classifyPrincipal('AWS', 'arn:aws:iam::1234:root').problem ?? '', /12-digit/);
    assert.match(classifyPrincipal('AWS', 'jenkins').problem ?? '', /neither an ARN/);
    assert.match(classifyPrincipal('Service', 'ec2').problem ?? '', /not a service principal/);
    assert.match(
      classifyPrincipal('Service', 'arn:aws:iam::111111111111:root').problem ?? '',
      /not a service principal/,
    );
    assert.match(classifyPrincipal('Aws', '111111111111').problem ?? '', /unknown principal type/);
    assert.equal(classifyPrincipal('AWS', 'arn:aws:iam::111111111111:group/devs').kind, 'invalid');
  });

  it('helpers: partitions, accounts, edit distance', () => {
    assert.equal(partitionForRegion('cn-north-1'), 'aws-cn');
    assert.equal(partitionForRegion('us-gov-west-1'), 'aws-us-gov');
    assert.equal(partitionForRegion('eu-west-1'), 'aws');
    assert.equal(partitionForRegion(null), 'aws');
    assert.equal(accountOf('arn:aws:iam::333333333333:role/deploy-role'), '333333333333');
    assert.equal(accountOf('arn:aws:iam:::root'), null);
    assert.equal(editDistance('jenkins', 'jenkns'), 1);
    assert.equal(editDistance('222222222222', '222222222223'), 1);
    assert.equal(editDistance('', 'abc'), 3);
  });
});
