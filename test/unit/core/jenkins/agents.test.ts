import { strict as assert } from 'node:assert';
import { parseSnapshot, SnapshotIamReader } from '../../../../src/core/iam/snapshot';
import { parseCaller } from '../../../../src/core/iam/arn';
import { parseJenkinsCasc } from '../../../../src/core/jenkins/casc';
import { inlineAgentCaller, matchLabel, resolveAgentDirectory } from '../../../../src/core/jenkins/agents';

const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const profile = (name: string, account: string) => ({
  InstanceProfileName: name,
  Arn: `arn:aws:iam::${account}:instance-profile/${name}`,
  Roles: [],
});
const iam = () =>
  new SnapshotIamReader([
    parseSnapshot(
      'iam/111.json',
      JSON.stringify({
        RoleDetailList: [
          {
            RoleName: 'jenkins-agent',
            Arn: 'arn:aws:iam::111111111111:role/ci/jenkins-agent',
            AssumeRolePolicyDocument: trust,
            InstanceProfileList: [profile('agent-profile', '111111111111'), profile('shared', '111111111111')],
          },
        ],
      }),
    ).snapshot!,
    parseSnapshot(
      'iam/222.json',
      JSON.stringify({
        RoleDetailList: [
          {
            RoleName: 'gpu',
            Arn: 'arn:aws:iam::222222222222:role/gpu',
            AssumeRolePolicyDocument: trust,
            InstanceProfileList: [profile('gpu-profile', '222222222222'), profile('shared', '222222222222')],
          },
        ],
      }),
    ).snapshot!,
  ]);

const JCASC = `jenkins:
  clouds:
    - amazonEC2:
        name: prod
        templates:
          - description: by-arn
            labelString: linux ec2
            iamInstanceProfile: arn:aws:iam::111111111111:instance-profile/agent-profile
          - description: by-name
            labelString: linux gpu
            iamInstanceProfile: gpu-profile
          - description: ambiguous
            labelString: shared
            iamInstanceProfile: shared
          - description: missing
            labelString: missing
            iamInstanceProfile: arn:aws:iam::111111111111:instance-profile/nope
          - description: none
            labelString: linux bare
    - ecs:
        name: ecs
        cluster: arn:aws:ecs:us-east-1:333333333333:cluster/ci
        templates:
          - templateName: base
            label: ecs-base
            taskrole: path/deployer
          - templateName: secret
            label: ecs-secret
            taskrole: \${TASK_ROLE}
    - kubernetes:
        namespace: ci
        templates:
          - name: pod
            label: k8s
            serviceAccount: builder
          - name: unmapped
            label: k8s-other
            serviceAccount: other
credentials:
  system:
    domainCredentials:
      - credentials:
          - aws:
              id: deploy
              iamRoleArn: arn:aws:iam::444444444444:role/deploy
              iamMfaSerialNumber: arn:aws:iam::111111111111:mfa/ci
`;

const lineOf = (snippet: string) => JCASC.split('\n').findIndex((l) => l.includes(snippet)) + 1;

describe('jenkins/agents', () => {
  const serviceAccounts = { 'ci/builder': 'arn:aws:iam::555555555555:role/builder' };
  let dir: Awaited<ReturnType<typeof resolveAgentDirectory>>;
  before(async () => {
    dir = await resolveAgentDirectory([parseJenkinsCasc('jenkins.yaml', JCASC)], iam(), serviceAccounts);
  });
  const template = (name: string) => dir.templates.find((t) => t.template.name === name)!;

  it("EC2: the instance profile's role, as a session of any instance (i-*), by ARN or by a name unique among the accounts", () => {
    assert.equal(template('by-arn').caller, 'arn:aws:sts::111111111111:assumed-role/jenkins-agent/i-*');
    assert.equal(template('by-name').caller, 'arn:aws:sts::222222222222:assumed-role/gpu/i-*');
    const session = parseCaller(template('by-arn').caller!);
    assert.equal(session?.kind, 'assumed-role', 'a role session the trust checks understand');
    assert.deepEqual(template('by-arn').source, {
      kind: 'jenkins-casc',
      file: 'jenkins.yaml',
      line: lineOf('instance-profile/agent-profile'),
      key: 'iamInstanceProfile',
    });
  });

  it('EC2: an ambiguous name, a missing profile or no profile leave the caller unknown and say why', () => {
    assert.equal(template('ambiguous').caller, null);
    assert.match(template('ambiguous').unresolved!, /several accounts \(111111111111, 222222222222\)/);
    assert.match(template('missing').unresolved!, /no instance profile 'arn:.*nope'|has no instance profile/);
    assert.match(template('missing').unresolved!, /agent-profile/, 'names the profiles that exist');
    assert.match(template('none').unresolved!, /no iamInstanceProfile/);
    assert.ok(
      dir.problems.some((p) => p.line === lineOf('profile/nope') && /nope/.test(p.message)),
      'positioned warning at the profile',
    );
  });

  it('EC2 without IAM data: unresolved with the next step', async () => {
    const bare = await resolveAgentDirectory([parseJenkinsCasc('jenkins.yaml', JCASC)], null, {});
    assert.match(bare.templates[0].unresolved!, /needs IAM data.*--iam-snapshot/);
  });

  it("ECS: a task role name is in the cluster's account (path kept); a ${...} task role is not read", () => {
    assert.equal(template('base').caller, 'arn:aws:iam::333333333333:role/path/deployer');
    assert.equal(template('secret').caller, null);
    assert.match(template('secret').unresolved!, /secret or variable/);
    assert.doesNotMatch(JSON.stringify(dir), /TASK_ROLE/);
  });

  it('Kubernetes: a service account maps to a role only through the config', () => {
    assert.equal(template('pod').caller, 'arn:aws:iam::555555555555:role/builder');
    assert.equal(template('unmapped').caller, null);
    assert.match(template('unmapped').unresolved!, /"serviceAccounts": \{"ci\/other"/);
  });

  it('credentials: role and MFA device by id, with the line of iamRoleArn', () => {
    assert.deepEqual(dir.credentials.deploy, {
      roleArn: 'arn:aws:iam::444444444444:role/deploy',
      mfaSerial: 'arn:aws:iam::111111111111:mfa/ci',
      source: { kind: 'jenkins-casc', file: 'jenkins.yaml', line: lineOf('role/deploy'), key: 'iamRoleArn' },
    });
  });

  it('a label expression picks the templates that satisfy it, grouped by the principal they run as', () => {
    const linux = matchLabel(dir, 'linux');
    assert.deepEqual(
      linux.choices.map((c) => [c.caller, c.templates.map((t) => t.template.name)]),
      [
        ['arn:aws:sts::111111111111:assumed-role/jenkins-agent/i-*', ['by-arn']],
        ['arn:aws:sts::222222222222:assumed-role/gpu/i-*', ['by-name']],
        [null, ['none']],
      ],
    );
    assert.deepEqual(
      matchLabel(dir, 'linux && !gpu && !bare').choices.map((c) => c.caller),
      ['arn:aws:sts::111111111111:assumed-role/jenkins-agent/i-*'],
    );
    assert.deepEqual(matchLabel(dir, 'nothing').choices, []);
    const lax = matchLabel(dir, 'linux ec2');
    assert.match(lax.parseError!, /two labels/);
    assert.deepEqual(lax.choices, [], 'Jenkins takes it as one label that no template has');
  });

  it('inline agents: their own task role or service account, else the template they inherit from', () => {
    assert.equal(
      inlineAgentCaller(
        dir,
        { kind: 'ecs', identity: 'arn:aws:iam::333333333333:role/x', namespace: null, inheritFrom: null, cloud: null },
        {},
      ).caller,
      'arn:aws:iam::333333333333:role/x',
    );
    assert.equal(
      inlineAgentCaller(dir, { kind: 'ecs', identity: 'x', namespace: null, inheritFrom: null, cloud: null }, {})
        .caller,
      'arn:aws:iam::333333333333:role/x',
      "the only ECS cloud's account",
    );
    assert.equal(
      inlineAgentCaller(dir, { kind: 'ecs', identity: null, namespace: null, inheritFrom: 'base', cloud: null }, {})
        .caller,
      'arn:aws:iam::333333333333:role/path/deployer',
    );
    assert.equal(
      inlineAgentCaller(null, { kind: 'ecs', identity: 'x', namespace: null, inheritFrom: null, cloud: null }, {})
        .caller,
      null,
    );
    assert.equal(
      inlineAgentCaller(
        dir,
        { kind: 'kubernetes', identity: 'builder', namespace: 'ci', inheritFrom: null, cloud: null },
        serviceAccounts,
      ).caller,
      'arn:aws:iam::555555555555:role/builder',
    );
    assert.equal(
      inlineAgentCaller(
        dir,
        { kind: 'kubernetes', identity: 'builder', namespace: null, inheritFrom: 'pod', cloud: null },
        serviceAccounts,
      ).caller,
      'arn:aws:iam::555555555555:role/builder',
      "the parent's namespace",
    );
    assert.match(
      inlineAgentCaller(
        dir,
        { kind: 'kubernetes', identity: 'builder', namespace: null, inheritFrom: null, cloud: null },
        serviceAccounts,
      ).unresolved!,
      /default\/builder/,
    );
  });
});
