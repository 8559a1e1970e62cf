// CloudFormation templates as an IAM source: one test per intrinsic function and pseudo parameter the
// contract lists (YAML short forms and JSON long forms), parameters, conditions, positions of findings in
// the template, and what cannot be resolved.
import { strict as assert } from 'node:assert';
import { IacIamReader } from '../../../../../src/core/iam/iac/index';
import { parseSnapshot, SnapshotIamReader } from '../../../../../src/core/iam/snapshot';
import { iacFindings } from '../../../../../src/core/rules/iac-findings';
import { iamRules } from '../../../../../src/core/rules/trust';
import { configFrom } from '../../../../../src/core/config';
import type { Usage } from '../../../../../src/core/types';
import { read, role, textAt, trustOf, lineAt } from './helpers';

const HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\n';

function yamlRole(properties: string, extra = ''): string {
  return `${HEAD}${extra}Resources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: deploy\n${properties}`;
}

const TRUST = (principal: string) => `      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: ${principal}
            Action: sts:AssumeRole
`;

describe('CloudFormation reader', () => {
  it('reads a role: name, path, MaxSessionDuration, trust, inline policies, tags; ARN from the entry account', async () => {
    const { model, errors } = await read({
      't.yaml': yamlRole(
        `      Path: /ci/\n      MaxSessionDuration: 7200\n${TRUST('arn:aws:iam::111111111111:root')}      Policies:\n        - PolicyName: p\n          PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}\n      Tags:\n        - {Key: team, Value: ci}\n`,
      ),
    });
    assert.deepEqual(errors, []);
    const r = role(model, 'deploy');
    assert.equal(r.arn, 'arn:aws:iam::333333333333:role/ci/deploy');
    assert.equal(r.maxSessionDuration, 7200);
    assert.equal(r.origin.kind, 'iac');
    assert.deepEqual(trustOf(model, 'deploy').Statement[0].Principal, { AWS: 'arn:aws:iam::111111111111:root' });
    assert.equal(r.identityPolicies.length, 1);
    assert.deepEqual(r.tags, { team: 'ci' });
  });

  it('Ref: parameter Default, overridden by the entry parameters; pseudo parameters from the entry', async () => {
    const extra = 'Parameters:\n  Hub:\n    Type: String\n    Default: "111111111111"\n';
    const text = yamlRole(
      TRUST('!Sub "arn:${AWS::Partition}:iam::${Hub}:root"') + '      Description: !Ref AWS::Region\n',
      extra,
    );
    assert.equal(
      trustOf((await read({ 't.yaml': text })).model, 'deploy').Statement[0].Principal.AWS,
      'arn:aws:iam::111111111111:root',
    );
    assert.equal(
      trustOf((await read({ 't.yaml': text }, { parameters: { Hub: '222222222222' } })).model, 'deploy').Statement[0]
        .Principal.AWS,
      'arn:aws:iam::222222222222:root',
    );
    // cn-north-1 is in the aws-cn partition.
    assert.equal(
      trustOf((await read({ 't.yaml': text }, { region: 'cn-north-1' })).model, 'deploy').Statement[0].Principal.AWS,
      'arn:aws-cn:iam::111111111111:root',
    );
    const self = yamlRole(TRUST('!Sub "arn:aws:iam::${AWS::AccountId}:root"'));
    assert.equal(
      trustOf((await read({ 't.yaml': self })).model, 'deploy').Statement[0].Principal.AWS,
      'arn:aws:iam::333333333333:root',
    );
  });

  it('Ref of a resource is its name; Fn::GetAtt Arn is its ARN (short and long forms)', async () => {
    const text = `${HEAD}Resources:
  Agent:
    Type: AWS::IAM::Role
    Properties:
      RoleName: agent
      Path: /jenkins/
${TRUST('arn:aws:iam::333333333333:root')}  Deploy:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: [!GetAtt Agent.Arn, {"Fn::GetAtt": [Agent, Arn]}]}
            Action: sts:AssumeRole
            Condition: {StringEquals: {"aws:PrincipalTag/name": !Ref Agent}}
`;
    const trust = trustOf((await read({ 't.yaml': text })).model, 'deploy');
    assert.deepEqual(trust.Statement[0].Principal.AWS, [
      'arn:aws:iam::333333333333:role/jenkins/agent',
      'arn:aws:iam::333333333333:role/jenkins/agent',
    ]);
    assert.equal(trust.Statement[0].Condition.StringEquals['aws:PrincipalTag/name'], 'agent');
  });

  it('Fn::Sub: the list form with variables, ${!Literal}, and ${Resource.Arn}', async () => {
    const text = yamlRole(
      TRUST('!Sub ["arn:aws:iam::${Acct}:user/${Name}", {Acct: "111111111111", Name: !Join ["-", [ci, bot]]}]') +
        '      Description: !Sub "keep ${!Literal} as is"\n',
    );
    const { model } = await read({ 't.yaml': text });
    assert.equal(trustOf(model, 'deploy').Statement[0].Principal.AWS, 'arn:aws:iam::111111111111:user/ci-bot');
  });

  it('Fn::Join, Fn::Select and Fn::Split', async () => {
    const text = yamlRole(
      TRUST('!Join ["", ["arn:aws:iam::", !Select [1, !Split [",", "999999999999,111111111111"]], ":root"]]'),
    );
    assert.equal(
      trustOf((await read({ 't.yaml': text })).model, 'deploy').Statement[0].Principal.AWS,
      'arn:aws:iam::111111111111:root',
    );
  });

  it('Fn::If on Conditions (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition) over parameters; AWS::NoValue drops a property', async () => {
    const extra = `Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotDev: !Not [!Equals [!Ref Env, dev]]
  Both: !And [!Condition IsProd, {Condition: NotDev}]
  Either: !Or [!Equals [a, b], !Condition Both]
`;
    const text = yamlRole(
      `      MaxSessionDuration: !If [Either, 43200, !Ref AWS::NoValue]\n${TRUST('!If [IsProd, "arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]')}`,
      extra,
    );
    const prod = (await read({ 't.yaml': text })).model;
    assert.equal(role(prod, 'deploy').maxSessionDuration, 43200);
    assert.equal(trustOf(prod, 'deploy').Statement[0].Principal.AWS, 'arn:aws:iam::111111111111:root');
    const dev = (await read({ 't.yaml': text }, { parameters: { Env: 'dev' } })).model;
    assert.equal(role(dev, 'deploy').maxSessionDuration, 3600, 'AWS::NoValue: the default applies');
    assert.equal(trustOf(dev, 'deploy').Statement[0].Principal.AWS, 'arn:aws:iam::222222222222:root');
  });

  it('a resource whose Condition is false is not created', async () => {
    const text = `${HEAD}Parameters:\n  Create: {Type: String, Default: "no"}\nConditions:\n  Make: !Equals [!Ref Create, "yes"]\nResources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Condition: Make\n    Properties:\n      RoleName: deploy\n${TRUST('"*"')}`;
    assert.equal((await read({ 't.yaml': text })).model.roles.length, 0);
    assert.equal((await read({ 't.yaml': text }, { parameters: { Create: 'yes' } })).model.roles.length, 1);
  });

  it('JSON templates with the long forms read the same as YAML short forms (CDK cdk.out style)', async () => {
    const json = JSON.stringify(
      {
        Parameters: {
          BootstrapVersion: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cdk-bootstrap/hnb659fds/version' },
        },
        Resources: {
          DeployRole3A1B2C4D: {
            Type: 'AWS::IAM::Role',
            Properties: {
              RoleName: 'deploy',
              AssumeRolePolicyDocument: {
                Statement: [
                  {
                    Action: 'sts:AssumeRole',
                    Effect: 'Allow',
                    Principal: {
                      AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] },
                    },
                  },
                ],
                Version: '2012-10-17',
              },
              MaxSessionDuration: { 'Fn::If': ['Long', 7200, 3600] },
            },
          },
          CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:H4sI' } },
        },
        Conditions: { Long: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } },
      },
      null,
      1,
    );
    const { model, errors } = await read({ 'cdk.out/App.template.json': json });
    assert.deepEqual(errors, []);
    assert.equal(trustOf(model, 'deploy').Statement[0].Principal.AWS, 'arn:aws:iam::111111111111:root');
    assert.equal(role(model, 'deploy').maxSessionDuration, 7200);
  });

  it('AWS::IAM::Policy and AWS::IAM::ManagedPolicy attach to roles by Ref; users get group policies', async () => {
    const text = `${HEAD}Resources:
  Agent:
    Type: AWS::IAM::Role
    Properties:
      RoleName: agent
${TRUST('"arn:aws:iam::333333333333:root"')}      ManagedPolicyArns: [!Ref Assume]
  Assume:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: assume-deploy
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: sts:AssumeRole, Resource: "*"}]}
  Extra:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: extra
      Roles: [!Ref Agent]
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Deny, Action: sts:AssumeRole, Resource: "*"}]}
  Ops:
    Type: AWS::IAM::Group
    Properties:
      GroupName: ops
      Policies: [{PolicyName: g, PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sts:AssumeRole", Resource: "*"}]}}]
  Alice:
    Type: AWS::IAM::User
    Properties:
      UserName: alice
      Groups: [!Ref Ops]
`;
    const { model } = await read({ 't.yaml': text });
    assert.deepEqual(
      role(model, 'agent')
        .identityPolicies.map((p) => p.name)
        .sort(),
      ['arn:aws:iam::333333333333:policy/assume-deploy', 'extra'],
    );
    const alice = model.users.find((u) => u.userName === 'alice')!;
    assert.equal(alice.arn, 'arn:aws:iam::333333333333:user/alice');
    assert.equal(alice.identityPolicies.length, 1);
  });

  it('locates trust-policy problems at the statement / principal in the template', async () => {
    const text = yamlRole(`${TRUST('"arn:aws:iam:::root"')}`);
    const { model } = await read({ 't.yaml': text });
    const findings = iacFindings(model);
    const invalid = findings.find((f) => f.code === 'invalid-principal')!;
    assert.equal(invalid.file, 't.yaml');
    assert.equal(textAt(text, invalid.range), '"arn:aws:iam:::root"');
    const broken = yamlRole(
      `      AssumeRolePolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: "*"}\n            Action: sts:AssumeRole\n            Resource: "*"\n`,
    );
    const parse = iacFindings((await read({ 't.yaml': broken })).model).find((f) => f.code === 'policy-parse-error')!;
    assert.equal(textAt(broken, parse.range), 'Resource', 'a trust statement cannot have a Resource: at the key');
  });

  it('an unresolved value is unresolved-reference in the template, and at a usage of the role; never a crash', async () => {
    const text = yamlRole(TRUST('!Sub "arn:aws:iam::${Hub}:root"'), 'Parameters:\n  Hub: {Type: String}\n');
    const { model } = await read({ 't.yaml': text });
    assert.equal(model.roles.length, 0);
    const [u] = iacFindings(model).filter((f) => f.code === 'unresolved-reference');
    assert.match(u.message, /parameter Hub has no Default/);
    assert.equal(lineAt(text, u.range.start), text.split('\n').findIndex((l) => l.includes('${Hub}')) + 1);
    const reader = new IacIamReader(model, null);
    const usage = {
      file: 'Jenkinsfile',
      kind: 'withAWS',
      roleArn: 'arn:aws:iam::333333333333:role/deploy',
      anchor: { start: 0, end: 7 },
      range: { start: 0, end: 7 },
      caller: 'arn:aws:iam::111111111111:role/agent',
      externalId: { present: false, resolved: null },
      args: {},
      origins: {},
      duration: 3600,
    } as unknown as Usage;
    const findings = await iamRules(usage, reader, {
      config: configFrom(undefined).config,
      caller: null,
      params: {},
      credentials: {},
      iam: reader,
    });
    assert.deepEqual(
      findings.map((f) => f.code),
      ['unresolved-reference'],
    );
    assert.match(findings[0].message, /trust policy of deploy \(t\.yaml:\d+\) cannot be resolved/);
  });

  it('a role without RoleName: a usage that needs it gets unresolved-reference; other roles of the account iam-unavailable', async () => {
    const text = `${HEAD}Resources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n${TRUST('"*"')}`;
    const reader = new IacIamReader((await read({ 't.yaml': text })).model, null);
    const generated = await reader.getRole('arn:aws:iam::333333333333:role/app-stack-Deploy-1A2B3C4D');
    assert.ok(generated.status === 'unavailable' && generated.unresolved);
    assert.match(generated.status === 'unavailable' ? generated.reason : '', /generated at deploy time/);
    const other = await reader.getRole('arn:aws:iam::444444444444:role/x');
    assert.ok(other.status === 'unavailable' && !other.unresolved, 'code defines only what it names: never not-found');
  });

  it('a template that is not YAML is a one-line error with its position', async () => {
    const { errors } = await read({ 'bad.yaml': `${HEAD}Resources:\n  A: [unclosed\n` });
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^bad\.yaml:\d+:\d+: not a valid YAML CloudFormation template/);
  });

  it('in front of a snapshot: the code wins for its roles (also with another path), the rest comes from the snapshot', async () => {
    const snapshot = parseSnapshot(
      'iam.json',
      JSON.stringify({
        RoleDetailList: ['deploy', 'other'].map((name) => ({
          RoleName: name,
          Path: '/old/',
          Arn: `arn:aws:iam::333333333333:role/old/${name}`,
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
        })),
      }),
    ).snapshot!;
    const reader = new IacIamReader(
      (await read({ 't.yaml': yamlRole(TRUST('"*"')) })).model,
      new SnapshotIamReader([snapshot]),
    );
    const listed = await reader.listRoles('333333333333');
    assert.ok(listed.status === 'found');
    assert.deepEqual(listed.value.map((r) => `${r.roleName} ${r.origin.kind}`).sort(), [
      'deploy iac',
      'other snapshot',
    ]);
    const other = await reader.getRole('arn:aws:iam::333333333333:role/other');
    assert.ok(other.status === 'found' && other.value.origin.kind === 'snapshot');
    const missing = await reader.getRole('arn:aws:iam::333333333333:role/nope');
    assert.equal(missing.status, 'not-found', 'an account the snapshot covers answers not-found as before');
  });
  it('Ref and Fn::GetAtt Arn of an AWS::IAM::OIDCProvider are its IAM ARN (oidc-provider/ and the Url without https://)', async () => {
    const text = `Resources:
  GithubOidc:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://token.actions.githubusercontent.com
      ClientIdList: [sts.amazonaws.com]
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRoleWithWebIdentity
            Principal:
              Federated: !Ref GithubOidc
          - Effect: Allow
            Action: sts:AssumeRoleWithWebIdentity
            Principal:
              Federated: !GetAtt GithubOidc.Arn
`;
    const { model } = await read({ 'oidc.yaml': text });
    assert.deepEqual(
      model.unresolved.map((u) => u.message),
      [],
    );
    const arn = 'arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com';
    assert.deepEqual(
      trustOf(model, 'deploy').Statement.map((s: any) => s.Principal.Federated),
      [arn, arn],
    );
  });
  it('a policy attached to a role whose name is generated is no unresolved-reference; a trust policy naming that role still is', async () => {
    // Without RoleName CloudFormation generates the name; the role is left out (pending) and so are its policies.
    const text = `Resources:
  Worker:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Action: sts:AssumeRole, Principal: { Service: lambda.amazonaws.com } }
  WorkerPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: logs
      Roles: [!Ref Worker]
      PolicyDocument:
        Statement:
          - { Effect: Allow, Action: logs:PutLogEvents, Resource: "*" }
  Deploy:
    Type: AWS::IAM::Role
    Properties:
      RoleName: deploy
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Action: sts:AssumeRole, Principal: { AWS: !GetAtt Worker.Arn } }
`;
    const { model } = await read({ 'gen.yaml': text });
    assert.deepEqual(
      model.pending.map((p) => p.id),
      ['Worker', 'Deploy'],
      'the generated one, and the one whose trust names it',
    );
    const unresolved = iacFindings(model).filter((f) => f.code === 'unresolved-reference');
    assert.equal(unresolved.length, 1);
    assert.match(unresolved[0].message, /trust policy of .*role\/deploy .*Worker has no RoleName/);
  });
  it('a circular dependency (a role name from its own Ref, two roles naming each other) is unresolved — never a stack overflow', async () => {
    const trust = '{Statement: [{Effect: Allow, Action: sts:AssumeRole, Principal: {Service: ec2.amazonaws.com}}]}';
    const text = `Resources:
  Self:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "\${Self}-x"
      AssumeRolePolicyDocument: ${trust}
  A:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !GetAtt B.Arn
      AssumeRolePolicyDocument: ${trust}
  B:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref A
      AssumeRolePolicyDocument: ${trust}
`;
    const { model, errors } = await read({ 'cycle.yaml': text });
    assert.deepEqual(errors, []);
    assert.equal(model.roles.length, 0);
    assert.match(
      model.unresolved.map((u) => u.message).join('\n'),
      /depends on itself \(CloudFormation refuses a circular dependency\)/,
    );
  });
});
