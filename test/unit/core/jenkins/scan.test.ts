// Callers from Jenkins configuration as code through a whole scan: label expressions whose templates run as
// different roles (each checked; the finding names the label choice that fails), inline agents, per-stage
// overrides, scripted node('label'), precedence (inline agent, .rolecall.json, JCasC, --caller), JSON's
// callerSource, and problems of the JCasC file reported with their positions.
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../src/cli/main';
import { recordingIo } from '../../cli/helpers';

const A = '111111111111';
const T = '222222222222';
const ec2Trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const agentRole = (name: string) => ({
  RoleName: name,
  Arn: `arn:aws:iam::${A}:role/${name}`,
  AssumeRolePolicyDocument: ec2Trust,
  RolePolicyList: [
    {
      PolicyName: 'assume',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
      },
    },
  ],
  InstanceProfileList: [
    {
      InstanceProfileName: `${name}-profile`,
      Arn: `arn:aws:iam::${A}:instance-profile/${name}-profile`,
      Roles: [{ RoleName: name, Arn: `arn:aws:iam::${A}:role/${name}` }],
    },
  ],
});

const JCASC = `jenkins:
  clouds:
    - amazonEC2:
        name: ec2
        templates:
          - description: trusted linux
            labelString: linux ec2 small
            iamInstanceProfile: builder-profile
          - description: gpu linux
            labelString: linux ec2 gpu
            iamInstanceProfile: gpu-profile
    - ecs:
        name: ecs
        cluster: arn:aws:ecs:eu-west-1:${A}:cluster/ci
        templates:
          - templateName: base
            label: ecs-base
            taskrole: builder
          - templateName: child
            label: ecs-child
            inheritFrom: base
credentials:
  system:
    domainCredentials:
      - credentials:
          - aws:
              id: deployer
              accessKey: "\${KEY}"
              secretKey: "\${SECRET}"
              iamRoleArn: arn:aws:iam::${T}:role/deploy
              iamMfaSerialNumber: arn:aws:iam::${A}:mfa/deployer
          - aws:
              id: mfa-user
              iamRoleArn: arn:aws:iam::${T}:role/mfa-only
              iamMfaSerialNumber: arn:aws:iam::${A}:mfa/mfa-user
`;

describe('jenkins: callers from configuration as code in a scan', function () {
  this.timeout(30000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolecall-casc-scan-'));
    mkdirSync(join(dir, 'iam'));
    writeFileSync(
      join(dir, 'iam', 'agents.json'),
      JSON.stringify({ RoleDetailList: [agentRole('builder'), agentRole('gpu')] }),
    );
    writeFileSync(
      join(dir, 'iam', 'target.json'),
      JSON.stringify({
        RoleDetailList: [
          {
            RoleName: 'deploy',
            Arn: `arn:aws:iam::${T}:role/deploy`,
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'Builder',
                  Effect: 'Allow',
                  Principal: { AWS: `arn:aws:iam::${A}:role/builder` },
                  Action: 'sts:AssumeRole',
                },
              ],
            },
          },
          {
            RoleName: 'mfa-only',
            Arn: `arn:aws:iam::${T}:role/mfa-only`,
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: `arn:aws:iam::${A}:root` },
                  Action: 'sts:AssumeRole',
                  Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
                },
              ],
            },
          },
        ],
      }),
    );
    writeFileSync(join(dir, 'jenkins.yaml'), JCASC);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function scan(pipeline: string, extra: string[] = [], casc = 'jenkins.yaml') {
    writeFileSync(join(dir, 'Jenkinsfile'), pipeline);
    const io = recordingIo(dir);
    const code = await main(
      [
        'scan',
        'Jenkinsfile',
        '--format',
        'json',
        '--iam-snapshot',
        'iam/agents.json',
        '--iam-snapshot',
        'iam/target.json',
        '--jenkins-casc',
        casc,
        ...extra,
      ],
      io,
    );
    assert.ok(code === 0 || code === 1, io.err);
    return JSON.parse(io.out) as {
      usages: Array<{
        line: number;
        caller: string | null;
        callerSource: {
          kind: string;
          file: string | null;
          line: number | null;
          key: string | null;
          description: string;
        };
        callerChoices?: Array<{ caller: string; choice: string }>;
      }>;
      findings: Array<{ line: number; code: string; message: string }>;
      errors: Array<{ file: string; line?: number; column?: number; message: string }>;
    };
  }

  it('a label expression picking templates of different roles: each is checked, and the finding names the choice that fails', async () => {
    const out = await scan(`pipeline {
    agent { label 'linux && ec2' }
    stages {
        stage('deploy') {
            steps {
                sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-d'
            }
        }
    }
}
`);
    const usage = out.usages[0];
    assert.deepEqual(
      usage.callerChoices?.map((c) => c.caller),
      [`arn:aws:sts::${A}:assumed-role/builder/i-*`, `arn:aws:sts::${A}:assumed-role/gpu/i-*`],
    );
    const mismatches = out.findings.filter((f) => f.code === 'trust-principal-mismatch');
    assert.equal(mismatches.length, 1, 'only the gpu choice fails');
    assert.match(
      mismatches[0].message,
      /^Label choice EC2 template 'gpu linux' \(labels: linux ec2 gpu\) of cloud 'ec2', jenkins\.yaml:9, running as arn:aws:sts::111111111111:assumed-role\/gpu\/i-\*: /,
    );
    assert.doesNotMatch(mismatches[0].message, /trusted linux/);
    assert.match(usage.callerSource.description, /matches templates running as 2 different principals/);

    // grant: one proposal per label choice that fails, naming that choice's role.
    const io = recordingIo(dir);
    await main(
      [
        'grant',
        'Jenkinsfile',
        '--format',
        'json',
        '--iam-snapshot',
        'iam/agents.json',
        '--iam-snapshot',
        'iam/target.json',
        '--jenkins-casc',
        'jenkins.yaml',
      ],
      io,
    );
    const grants = (
      JSON.parse(io.out) as {
        grants: Array<{ usage: { caller: string }; trustStatement: { Principal: { AWS: string } } | null }>;
      }
    ).grants;
    assert.deepEqual(
      grants.map((g) => [g.usage.caller, g.trustStatement?.Principal.AWS]),
      [[`arn:aws:sts::${A}:assumed-role/gpu/i-*`, `arn:aws:iam::${A}:role/gpu`]],
    );

    const pinned = await scan(
      `pipeline {\n    agent { label 'linux && ec2 && !gpu' }\n    stages { stage('d') { steps { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-d' } } }\n}\n`,
    );
    assert.equal(pinned.usages[0].callerChoices, undefined);
    assert.deepEqual(
      pinned.findings.filter((f) => f.code === 'trust-principal-mismatch'),
      [],
      'pinning the label away from gpu fixes it',
    );
  });

  it('agent any and node { } run on every template that takes work without a label: each is checked (ECS never, EXCLUSIVE never)', async () => {
    const sts = (name: string) =>
      `sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name ${name}'`;
    const both = [`arn:aws:sts::${A}:assumed-role/builder/i-*`, `arn:aws:sts::${A}:assumed-role/gpu/i-*`];
    const out = await scan(`pipeline {
    agent any
    stages {
        stage('deploy') { steps { ${sts('session-any')} } }
    }
}
node {
    ${sts('session-node')}
}
`);
    for (const usage of out.usages) {
      assert.deepEqual(
        usage.callerChoices?.map((c) => c.caller),
        both,
        'both EC2 templates (mode NORMAL by default); not the ECS ones',
      );
      assert.match(
        usage.callerSource.description,
        /^agent without a label \(line \d+\) matches templates running as 2/,
      );
    }
    const mismatches = out.findings.filter((f) => f.code === 'trust-principal-mismatch');
    assert.deepEqual(
      mismatches.map((f) => f.line),
      [4, 8],
      'the gpu choice fails, at each call',
    );
    for (const f of mismatches) assert.match(f.message, /^Label choice EC2 template 'gpu linux' /);

    // agent none: only the stages' own agents run steps; a stage without one is not mapped through JCasC.
    const none = await scan(`pipeline {
    agent none
    stages {
        stage('ecs') { agent { label 'ecs-base' } steps { ${sts('session-ecs')} } }
        stage('bare') { steps { ${sts('session-bare')} } }
    }
}
`);
    assert.deepEqual(
      none.usages.map((u) => [u.line, u.caller, u.callerSource.kind]),
      [
        [4, `arn:aws:iam::${A}:role/builder`, 'jenkins-casc'],
        [5, null, 'none'],
      ],
    );

    // An EXCLUSIVE template takes only work that names its labels; a Kubernetes pod template only when NORMAL.
    writeFileSync(
      join(dir, 'exclusive.yaml'),
      JCASC.replace(
        '            iamInstanceProfile: gpu-profile',
        '            iamInstanceProfile: gpu-profile\n            mode: EXCLUSIVE',
      ).replace(
        '    - ecs:',
        `    - kubernetes:\n        name: k8s\n        templates:\n          - name: pods\n            label: pods\n            serviceAccount: ci\n    - ecs:`,
      ),
    );
    const exclusive = await scan(`node {\n    ${sts('session-x')}\n}\n`, [], 'exclusive.yaml');
    assert.equal(exclusive.usages[0].callerChoices, undefined);
    assert.equal(exclusive.usages[0].caller, both[0]);
    assert.equal(exclusive.usages[0].callerSource.kind, 'jenkins-casc');

    // No template takes unlabeled work: the fallback, saying why.
    writeFileSync(join(dir, 'ecs-only.yaml'), JCASC.replace(/ {4}- amazonEC2:[\s\S]*?(?= {4}- ecs:)/, ''));
    const ecsOnly = await scan(
      `pipeline {\n    agent any\n    stages { stage('d') { steps { ${sts('session-e')} } } }\n}\n`,
      ['--caller', `arn:aws:iam::${A}:role/fallback`],
      'ecs-only.yaml',
    );
    assert.equal(ecsOnly.usages[0].caller, `arn:aws:iam::${A}:role/fallback`);
    assert.match(
      ecsOnly.usages[0].callerSource.description,
      /no Jenkins configuration-as-code template takes work without a label/,
    );
  });

  it('a JCasC file named by --jenkins-casc and by the config is read once (its templates are not counted twice)', async () => {
    const pipeline = `pipeline {\n    agent { label 'linux && ec2' }\n    stages { stage('d') { steps { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-d' } } }\n}\n`;
    writeFileSync(join(dir, 'casc-config.json'), JSON.stringify({ jenkinsCasc: ['jenkins.yaml'] }));
    const both = await scan(pipeline, ['--config', 'casc-config.json']);
    const once = await scan(pipeline);
    const message = (out: typeof once) =>
      out.findings.filter((f) => f.code === 'trust-principal-mismatch').map((f) => f.message);
    assert.equal(message(once).length, 1);
    assert.doesNotMatch(message(both)[0], /more template/, 'the same gpu template was counted twice');
    assert.deepEqual(message(both), message(once));
    assert.deepEqual(
      both.usages[0].callerChoices?.map((c) => c.caller),
      once.usages[0].callerChoices?.map((c) => c.caller),
    );
  });

  it('per-stage agents, scripted node(label), inline ECS agents (own task role, or inherited) and the JCasC credential', async () => {
    const out = await scan(`pipeline {
    agent { label 'ecs-child' }
    stages {
        stage('inherited task role') {
            steps { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-a' }
        }
        stage('per-stage override') {
            agent { label 'gpu' }
            steps { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-b' }
        }
        stage('inline ECS agent') {
            agent {
                ecs {
                    inheritFrom 'base'
                    taskrole 'arn:aws:iam::${A}:role/gpu'
                }
            }
            steps { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-c' }
        }
        stage('inline ECS agent inheriting only') {
            agent { ecs { inheritFrom 'base' } }
            steps { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-e' }
        }
        stage('credential with a role and MFA') {
            steps { withAWS(credentials: 'deployer') { sh 'true' } }
        }
    }
}
node('ec2 && small') {
    sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-f'
}
`);
    const callers = out.usages.map((u) => [u.line, u.caller, u.callerSource.kind, u.callerSource.key]);
    assert.deepEqual(callers, [
      [5, `arn:aws:iam::${A}:role/builder`, 'jenkins-casc', 'taskrole'],
      [9, `arn:aws:sts::${A}:assumed-role/gpu/i-*`, 'jenkins-casc', 'iamInstanceProfile'],
      [18, `arn:aws:iam::${A}:role/gpu`, 'inline-agent', 'taskrole'],
      [22, `arn:aws:iam::${A}:role/builder`, 'jenkins-casc', 'taskrole'],
      [25, null, 'none', null],
      [30, `arn:aws:sts::${A}:assumed-role/builder/i-*`, 'jenkins-casc', 'iamInstanceProfile'],
    ]);
    assert.equal(out.usages[0].callerSource.line, 18, "the inherited task role's line in jenkins.yaml");
    assert.equal(out.usages[0].callerSource.file, 'jenkins.yaml');
    const codes = out.findings.map((f) => `${f.line} ${f.code}`);
    assert.ok(codes.includes('9 trust-principal-mismatch'));
    assert.ok(codes.includes('18 trust-principal-mismatch'));
    assert.ok(!codes.some((c) => c.startsWith('5 ') || c.startsWith('22 ') || c.startsWith('30 ')), codes.join('\n'));
  });

  it('precedence: the inline agent, then .rolecall.json, then JCasC, then --caller', async () => {
    const pipeline = `pipeline {
    agent { label 'ecs-base' }
    stages {
        stage('a') { steps { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-a' } }
        stage('b') {
            agent { ecs { taskrole 'arn:aws:iam::${A}:role/inline' } }
            steps { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-b' }
        }
        stage('c') {
            agent { label 'nowhere' }
            steps { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-c' }
        }
    }
}
`;
    const flag = `arn:aws:iam::${A}:role/flag`;
    const casc = await scan(pipeline, ['--caller', flag]);
    assert.deepEqual(
      casc.usages.map((u) => u.caller),
      [`arn:aws:iam::${A}:role/builder`, `arn:aws:iam::${A}:role/inline`, flag],
    );
    assert.deepEqual(
      casc.usages.map((u) => u.callerSource.kind),
      ['jenkins-casc', 'inline-agent', 'caller-flag'],
    );
    assert.match(
      casc.usages[2].callerSource.description,
      /no Jenkins configuration-as-code template has label 'nowhere'/,
    );
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        callers: { agents: { 'ecs-base': `arn:aws:iam::${A}:role/config`, nowhere: `arn:aws:iam::${A}:role/config` } },
      }),
    );
    const config = await scan(pipeline, ['--caller', flag, '--config', 'config.json']);
    assert.deepEqual(
      config.usages.map((u) => u.caller),
      [`arn:aws:iam::${A}:role/config`, `arn:aws:iam::${A}:role/inline`, `arn:aws:iam::${A}:role/config`],
    );
    assert.deepEqual(
      config.usages.map((u) => u.callerSource.key),
      ['callers.agents.ecs-base', 'taskrole', 'callers.agents.nowhere'],
    );
  });

  it('a credential JCasC gives a role and an MFA device: its role is assumed, and MFA is named', async () => {
    const out = await scan(
      `node('ecs-base') {\n    withAWS(credentials: 'deployer') { sh 'true' }\n    withAWS(credentials: 'deployer', role: 'arn:aws:iam::${T}:role/mfa-only') { sh 'true' }\n}\n`,
    );
    assert.equal(out.usages.length, 2);
    assert.equal(out.usages[1].caller, `arn:aws:iam::${T}:role/deploy`, "a role chain from the credential's own role");
    assert.equal(out.usages[1].callerSource.file, 'jenkins.yaml');
    assert.equal(out.usages[1].callerSource.key, 'iamRoleArn');
    const mfa = await scan(`node('ecs-base') {\n    withAWS(credentials: 'mfa-user') { sh 'true' }\n}\n`, [
      '--caller',
      `arn:aws:iam::${A}:user/u`,
    ]);
    assert.deepEqual(
      mfa.findings.map((f) => f.code),
      ['mfa-required'],
    );
    assert.match(
      mfa.findings[0].message,
      /MFA device arn:aws:iam::111111111111:mfa\/mfa-user/,
      'the MFA device JCasC names',
    );
    assert.match(
      out.usages[1].callerSource.description,
      new RegExp(
        `role of AWS credential 'deployer' \\(jenkins\\.yaml:${JCASC.split('\n').findIndex((l) => l.includes('iamRoleArn')) + 1}\\)`,
      ),
    );
  });

  it('a malformed JCasC: positioned errors, the rest still used, no crash, no secret printed', async () => {
    writeFileSync(
      join(dir, 'broken.yaml'),
      `jenkins:\n  clouds:\n    - ecs:\n        templates:\n          - label: ecs-base\n            taskrole: arn:aws:iam::${A}:role/builder\n          - label: "unterminated\n            taskrole: \${HIDDEN_ROLE}\n`,
    );
    const io = recordingIo(dir);
    writeFileSync(
      join(dir, 'Jenkinsfile'),
      `node('ecs-base') { sh 'aws sts assume-role --role-arn arn:aws:iam::${T}:role/deploy --role-session-name session-a' }\n`,
    );
    const code = await main(
      ['scan', 'Jenkinsfile', '--iam-snapshot', 'iam/target.json', '--jenkins-casc', 'broken.yaml'],
      io,
    );
    assert.ok(code === 0 || code === 1);
    assert.match(io.out, /^broken\.yaml:\d+:\d+: error: not valid YAML/m);
    assert.doesNotMatch(io.out + io.err, /HIDDEN_ROLE/);
    // A project config names JCasC files inside its own folder only, like snapshots.
    mkdirSync(join(dir, 'proj'), { recursive: true });
    writeFileSync(join(dir, 'proj', '.rolecall.json'), JSON.stringify({ jenkinsCasc: ['../jenkins.yaml'] }));
    const outside = recordingIo(dir);
    assert.equal(await main(['scan', 'Jenkinsfile', '--config', 'proj/.rolecall.json'], outside), 2);
    assert.match(
      outside.err,
      /jenkinsCasc entry '\.\.\/jenkins\.yaml' points outside the folder of the config.*--jenkins-casc/,
    );
    const missing = recordingIo(dir);
    assert.equal(await main(['scan', 'Jenkinsfile', '--jenkins-casc', 'nope.yaml'], missing), 2);
    assert.match(missing.err, /Jenkins configuration-as-code file nope\.yaml: no such file/);
  });
});
