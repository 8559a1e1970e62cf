// `rolecall init`: a starting .rolecall.json from what a repository holds, with each entry explained;
// the file it writes is valid by the config reader and by the JSON schema, and scans with it work.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { main } from '../../../src/cli/main';
import { profilesByAccount } from '../../../src/cli/init';
import { configFrom } from '../../../src/core/config';
import { recordingIo } from './helpers';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const CASC = `jenkins:
  clouds:
    - ecs:
        name: ecs-cloud
        cluster: arn:aws:ecs:eu-west-1:111111111111:cluster/jenkins
        templates:
          - templateName: account-x
            label: AgentAccountX
            taskrole: arn:aws:iam::111111111111:role/deploy-role-agent-account-x
`;
const AWS_CONFIG = `[default]
region = eu-west-1
[profile deploy-333]
sso_account_id = 333333333333
[profile chained-333]
role_arn = arn:aws:iam::333333333333:role/reader
source_profile = default
[sso-session corp]
sso_account_id = 999999999999
`;

function schemaErrors(config: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(
    JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'rolecall.schema.json'), 'utf8')),
  );
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath}: ${e.message}`);
}

describe('rolecall init', function () {
  let dir: string;
  let project: string;

  beforeEach(function () {
    dir = mkdtempSync(path.join(tmpdir(), 'rolecall-init-'));
    project = path.join(dir, 'project');
    cpSync(path.join(repoRoot, 'examples'), project, { recursive: true });
    rmSync(path.join(project, '.rolecall.json'));
    // One account without a snapshot, for the profile mapping; a JCasC file covering one label.
    rmSync(path.join(project, 'iam', '333333333333.json'));
    writeFileSync(path.join(project, 'jenkins.yaml'), CASC);
    writeFileSync(path.join(dir, 'aws-config'), AWS_CONFIG);
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes snapshots, the JCasC file, callers and account profiles it found, and explains each', async function () {
    const io = recordingIo(dir);
    assert.equal(await main(['init', 'project', '--aws-config', 'aws-config'], io), 0, io.err);
    const written = JSON.parse(readFileSync(path.join(project, '.rolecall.json'), 'utf8'));
    assert.deepEqual(written.iamSnapshots, ['iam/111111111111.json', 'iam/222222222222.json', 'iam/444444444444.json']);
    assert.deepEqual(written.jenkinsCasc, [
      'jenkins.yaml',
      'seed-000-external-id/jenkins.yaml',
      'seed-003-ecs-agents/jenkins.yaml',
    ]);
    assert.equal(written.callers.controller, null);
    assert.equal(written.callers.vault, null, 'seed-002 uses Vault');
    assert.deepEqual(written.callers.agents, {}, 'no principal is guessed');
    assert.deepEqual(written.accounts, { '333333333333': 'deploy-333' });
    // Seed 003's roles defined as code, each in the account the repository uses its roles in (as examples/ has it).
    assert.deepEqual(written.iac, [
      { path: 'seed-003-ecs-agents/infra/cloudformation/deploy-role.yaml', account: '333333333333' },
      { path: 'seed-003-ecs-agents/infra/terraform', account: '111111111111' },
    ]);
    assert.equal(typeof written.$schema, 'string');
    // Explained: every entry, the labels JCasC covers and those it does not, where each was seen.
    assert.match(
      io.out,
      /^wrote project\/\.rolecall\.json: \d+ AWS credential usages in \d+ of \d+ pipeline files, 3 IAM snapshots, 2 IaC entries, 3 JCasC files/,
    );
    assert.match(io.out, /iamSnapshots: iam\/222222222222\.json: 3 roles of account 222222222222/);
    assert.match(io.out, /jenkinsCasc: jenkins\.yaml: 1 agent template \(labels AgentAccountX\)/);
    assert.match(
      io.out,
      /callers\.agents: label 'AgentAccountX' \(seed-003-ecs-agents\/Jenkinsfile\) runs on 'account-x' \(jenkins\.yaml:\d+\), 'account-x' \(seed-003-ecs-agents\/jenkins\.yaml:\d+\): nothing to add/,
    );
    assert.match(
      io.out,
      /callers\.agents: label 'secure' \(seed-004-session-token\/Jenkinsfile\) — add "secure": "arn:aws:iam::ACCOUNT:role\/ROLE"/,
    );
    assert.match(io.out, /callers\.controller: null — set the ARN/);
    assert.match(
      io.out,
      /accounts: 333333333333 \([^)]*seed-003-ecs-agents\/Jenkinsfile[^)]*\) → profile 'deploy-333' of aws-config \(also reach it: chained-333\)/,
    );
    assert.match(io.out, /accounts: 222222222222 \(.*\) is covered by a snapshot/);
    // Valid for the reader and the schema, and a scan runs with it.
    assert.deepEqual(configFrom(written, project).problems, []);
    assert.deepEqual(schemaErrors(written), []);
    const scan = recordingIo(project);
    const status = await main(
      ['scan', '.', '--credentials-file', 'jenkins-credentials.example.json', '--format', 'json'],
      scan,
    );
    assert.ok(status === 0 || status === 1, `scan with the written config exited ${status}: ${scan.err}`);
    assert.ok(JSON.parse(scan.out).usages.length > 10);
  });

  it('proposes an "iac" entry per CloudFormation template, cdk.out and Terraform module defining roles; an account only from what the repository says', async function () {
    const repo = path.join(dir, 'iac-repo');
    mkdirSync(path.join(repo, 'cfn'), { recursive: true });
    mkdirSync(path.join(repo, 'cdk.out', 'asset.abc'), { recursive: true });
    mkdirSync(path.join(repo, 'tf', 'agents'), { recursive: true });
    mkdirSync(path.join(repo, 'tf', 'network'), { recursive: true });
    const trust =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
    writeFileSync(
      path.join(repo, 'cfn', 'deploy.yaml'),
      `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: deploy\n      AssumeRolePolicyDocument: ${trust}\n`,
    );
    // A template without roles, and an unrelated YAML file, are not proposed.
    writeFileSync(path.join(repo, 'cfn', 'bucket.yaml'), 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n');
    writeFileSync(path.join(repo, 'docker-compose.yml'), 'services:\n  app:\n    image: x\n');
    writeFileSync(
      path.join(repo, 'cdk.out', 'Stack.template.json'),
      // Indented, as CDK writes it.
      JSON.stringify(
        {
          Resources: {
            R: {
              Type: 'AWS::IAM::Role',
              Properties: { RoleName: 'cdk-role', AssumeRolePolicyDocument: JSON.parse(trust) },
            },
          },
        },
        null,
        1,
      ),
    );
    writeFileSync(path.join(repo, 'cdk.out', 'asset.abc', 'x.json'), '{\n "Resources": {"Type": "AWS::IAM::Role"}}');
    writeFileSync(
      path.join(repo, 'tf', 'agents', 'main.tf'),
      `resource "aws_iam_role" "agent" {\n  name = "agent"\n  assume_role_policy = <<-EOT\n    ${trust}\n  EOT\n}\n`,
    );
    writeFileSync(
      path.join(repo, 'tf', 'network', 'main.tf'),
      'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n',
    );
    writeFileSync(
      path.join(repo, 'Jenkinsfile'),
      "node('x') {\n  withAWS(role: 'arn:aws:iam::555555555555:role/deploy', duration: 900) { sh 'make' }\n}\n",
    );
    const io = recordingIo(dir);
    assert.equal(await main(['init', 'iac-repo', '--aws-config', 'aws-config'], io), 0, io.err);
    const written = JSON.parse(readFileSync(path.join(repo, '.rolecall.json'), 'utf8'));
    assert.deepEqual(written.iac, [
      { path: 'cdk.out' },
      { path: 'cfn/deploy.yaml', account: '555555555555' },
      { path: 'tf/agents' },
    ]);
    assert.match(
      io.out,
      /iac: cfn\/deploy\.yaml: CloudFormation template defining role deploy; account 555555555555: the pipelines or Jenkins agents use deploy there/,
    );
    assert.match(io.out, /iac: cdk\.out: CDK cloud assembly defining role cdk-role — add "account": "ACCOUNT"/);
    assert.match(io.out, /iac: tf\/agents: Terraform module defining role agent — add "account": "ACCOUNT"/);
    assert.deepEqual(configFrom(written, repo).problems, []);
    assert.deepEqual(schemaErrors(written), []);
    // The scan reads the proposed entries: the template with its account resolves, the others say what is missing.
    const scan = recordingIo(repo);
    await main(['scan', '.', '--format', 'json'], scan);
    const out = JSON.parse(scan.out);
    assert.equal(out.usages[0].roleArn, 'arn:aws:iam::555555555555:role/deploy');
    assert.deepEqual(
      out.findings
        .filter((f: any) => f.code === 'unresolved-reference' && f.file !== 'Jenkinsfile')
        .map((f: any) => f.file)
        .sort(),
      ['cdk.out/Stack.template.json', 'tf/agents/main.tf'],
    );
    assert.ok(!out.findings.some((f: any) => f.code === 'role-not-found'), scan.out);
  });

  it('never overwrites without --force; --print writes nothing', async function () {
    writeFileSync(path.join(project, '.rolecall.json'), '{"callers": {}}\n');
    const refused = recordingIo(dir);
    assert.equal(await main(['init', 'project'], refused), 2);
    assert.equal(
      refused.err,
      'rolecall init: project/.rolecall.json already exists; --force overwrites it, --print shows what would be written\n',
    );
    assert.equal(readFileSync(path.join(project, '.rolecall.json'), 'utf8'), '{"callers": {}}\n');
    const printed = recordingIo(dir);
    assert.equal(await main(['init', 'project', '--print', '--aws-config', 'aws-config'], printed), 0);
    assert.deepEqual(JSON.parse(printed.out).accounts, { '333333333333': 'deploy-333' });
    assert.match(printed.err, /callers\.controller/);
    assert.equal(readFileSync(path.join(project, '.rolecall.json'), 'utf8'), '{"callers": {}}\n');
    const forced = recordingIo(dir);
    assert.equal(await main(['init', 'project', '--force', '--aws-config', 'aws-config'], forced), 0, forced.err);
    assert.ok(JSON.parse(readFileSync(path.join(project, '.rolecall.json'), 'utf8')).iamSnapshots.length === 3);
  });

  it('in an empty folder writes only the schema and the controller slot, and says how to get snapshots', async function () {
    const empty = path.join(dir, 'empty');
    rmSync(project, { recursive: true });
    mkdirSync(empty);
    const io = recordingIo(dir);
    assert.equal(await main(['init', 'empty', '--aws-config', 'aws-config'], io), 0, io.err);
    const written = JSON.parse(readFileSync(path.join(empty, '.rolecall.json'), 'utf8'));
    assert.deepEqual(Object.keys(written), ['$schema', 'callers']);
    assert.deepEqual(schemaErrors(written), []);
    assert.match(io.out, /iamSnapshots: none found; write one per account with 'rolecall snapshot/);
  });

  it('bad usage is one line and exit 2', async function () {
    for (const [args, message] of [
      [['init', 'nowhere'], 'rolecall init: nowhere: no such directory\n'],
      [
        ['init', 'project', '--aws-config', 'missing'],
        'rolecall init: --aws-config missing: no such file or cannot be read\n',
      ],
      [['init', 'a', 'b'], "rolecall init: init takes one directory, got 2; run 'rolecall init --help' for usage\n"],
    ] as const) {
      const io = recordingIo(dir);
      assert.equal(await main([...args], io), 2);
      assert.equal(io.err, message);
    }
    assert.ok(!existsSync(path.join(project, '.rolecall.json')));
  });

  it('finds the profiles of an AWS config by account (sso_account_id, role_arn), not sso-session sections', function () {
    assert.deepEqual([...profilesByAccount(AWS_CONFIG)], [['333333333333', ['deploy-333', 'chained-333']]]);
  });
});
