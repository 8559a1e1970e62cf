import { strict as assert } from 'node:assert';
import { CompositeIamReader } from '../../../../src/core/iam/composite';
import { parseSnapshot, SnapshotIamReader } from '../../../../src/core/iam/snapshot';

const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

function snapshot(): string {
  return JSON.stringify({
    RoleDetailList: [
      {
        RoleName: 'jenkins-agent',
        Arn: 'arn:aws:iam::111111111111:role/jenkins-agent',
        AssumeRolePolicyDocument: trust,
        InstanceProfileList: [
          {
            Path: '/ci/',
            InstanceProfileName: 'agent-profile',
            Arn: 'arn:aws:iam::111111111111:instance-profile/ci/agent-profile',
            Roles: [{ RoleName: 'jenkins-agent', Arn: 'arn:aws:iam::111111111111:role/jenkins-agent' }],
          },
          { InstanceProfileName: 'broken' },
        ],
      },
      {
        RoleName: 'plain',
        Arn: 'arn:aws:iam::111111111111:role/plain',
        AssumeRolePolicyDocument: trust,
        InstanceProfileList: [],
      },
    ],
  });
}

describe('iam/snapshot instance profiles', () => {
  it('reads each role InstanceProfileList entry as a profile holding that role; a malformed entry is a problem, not a crash', () => {
    const r = parseSnapshot('iam/a.json', snapshot());
    assert.ok(r.snapshot);
    assert.deepEqual(
      r.snapshot.instanceProfiles?.map((p) => [p.name, p.path, p.roleArns]),
      [['agent-profile', '/ci/', ['arn:aws:iam::111111111111:role/jenkins-agent']]],
    );
    assert.equal(r.snapshot.problems.filter((p) => /InstanceProfileList/.test(p)).length, 1);
  });

  it('finds a profile by ARN with or without its path, says not-found with the known names, unavailable for other accounts', async () => {
    const reader = new SnapshotIamReader([parseSnapshot('iam/a.json', snapshot()).snapshot!]);
    const withPath = await reader.getInstanceProfile('arn:aws:iam::111111111111:instance-profile/ci/agent-profile');
    const withoutPath = await reader.getInstanceProfile('arn:aws:iam::111111111111:instance-profile/agent-profile');
    assert.equal(withPath.status, 'found');
    assert.equal(
      withoutPath.status === 'found' && withoutPath.value.roleArns[0],
      'arn:aws:iam::111111111111:role/jenkins-agent',
    );
    assert.deepEqual(await reader.getInstanceProfile('arn:aws:iam::111111111111:instance-profile/nope'), {
      status: 'not-found',
      knownNames: ['agent-profile'],
    });
    assert.equal(
      (await reader.getInstanceProfile('arn:aws:iam::999999999999:instance-profile/agent-profile')).status,
      'unavailable',
    );
    assert.equal(
      (await reader.getInstanceProfile('arn:aws:iam::111111111111:role/jenkins-agent')).status,
      'unavailable',
    );
    const composite = new CompositeIamReader([reader]);
    assert.equal(
      (await composite.getInstanceProfile('arn:aws:iam::111111111111:instance-profile/agent-profile')).status,
      'found',
    );
    assert.equal(
      (await composite.getInstanceProfile('arn:aws:iam::999999999999:instance-profile/agent-profile')).status,
      'unavailable',
    );
  });
});
