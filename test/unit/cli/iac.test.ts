// `rolecall scan --iac` end to end through the CLI: precedence over a snapshot, the exit status (findings
// in IaC files about roles no usage uses are counted like the snapshots', reported by `snapshot --iac`),
// bad input, and config entries that must stay inside the config's folder.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIacEntries } from '../../../src/cli/iac';
import { main } from '../../../src/cli/main';
import { recordingIo } from './helpers';

const TRUST = (principal: string) =>
  `{Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "${principal}"}, Action: "sts:AssumeRole"}]}`;

describe('rolecall scan --iac', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolecall-iac-cli-'));
    writeFileSync(
      join(dir, 'Jenkinsfile'),
      "node('x') {\n  withAWS(role: 'arn:aws:iam::333333333333:role/deploy', duration: 900) {\n    sh 'make'\n  }\n}\n",
    );
    writeFileSync(
      join(dir, 'iam.json'),
      JSON.stringify({
        RoleDetailList: [
          {
            RoleName: 'deploy',
            Arn: 'arn:aws:iam::333333333333:role/deploy',
            Path: '/',
            AssumeRolePolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' },
              ],
            },
          },
        ],
      }),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function scan(...args: string[]): Promise<{ code: number; json: any; err: string }> {
    const io = recordingIo(dir);
    const code = await main(
      ['scan', 'Jenkinsfile', '--format', 'json', '--caller', 'arn:aws:iam::111111111111:role/agent', ...args],
      io,
    );
    return { code, json: io.out ? JSON.parse(io.out) : null, err: io.err };
  }

  it('a role defined as code wins over the snapshot for its ARN (and drift is reported at the template)', async () => {
    writeFileSync(
      join(dir, 'roles.yaml'),
      `Resources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: deploy\n      AssumeRolePolicyDocument: ${TRUST('arn:aws:iam::111111111111:root')}\n`,
    );
    const snapshotOnly = await scan('--iam-snapshot', 'iam.json');
    assert.ok(snapshotOnly.json.findings.some((f: any) => f.code === 'trust-principal-mismatch'));
    const withCode = await scan('--iam-snapshot', 'iam.json', '--iac', 'roles.yaml', '--iac-account', '333333333333');
    assert.deepEqual(
      withCode.json.findings.map((f: any) => `${f.file}:${f.code}`),
      ['roles.yaml:trust-policy-drift'],
    );
    assert.equal(withCode.code, 0);
  });

  it('findings in the IaC files about roles no usage uses are counted, like the snapshots’, and `snapshot --iac` reports them', async () => {
    writeFileSync(
      join(dir, 'roles.yaml'),
      `Resources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: deploy\n      AssumeRolePolicyDocument: ${TRUST('arn:aws:iam::111111111111:root')}\n  Other:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: other\n      AssumeRolePolicyDocument: ${TRUST('arn:aws:iam:::root')}\n`,
    );
    const run = await scan('--iac', 'roles.yaml', '--iac-account', '333333333333', '--fail-on', 'warning');
    assert.deepEqual(run.json.findings, [], 'the unused role’s invalid principal is not printed');
    assert.equal(run.code, 0, 'nor does it decide the status');
    const text = recordingIo(dir);
    await main(
      [
        'scan',
        'Jenkinsfile',
        '--caller',
        'arn:aws:iam::111111111111:role/agent',
        '--iac',
        'roles.yaml',
        '--iac-account',
        '333333333333',
      ],
      text,
    );
    assert.match(
      text.out,
      /1 problem in IAM defined as code about roles no usage refers to \(rolecall snapshot --iac PATH\)/,
    );
    const check = recordingIo(dir);
    const checked = await main(
      ['snapshot', '--iac', 'roles.yaml', '--iac-account', '333333333333', '--format', 'json', '--fail-on', 'warning'],
      check,
    );
    assert.deepEqual(
      JSON.parse(check.out).findings.map((f: any) => `${f.file}:${f.line}:${f.code}:${f.roleArn}`),
      ['roles.yaml:11:invalid-principal:arn:aws:iam::333333333333:role/other'],
    );
    assert.equal(checked, 1);
    writeFileSync(
      join(dir, 'Jenkinsfile'),
      "withAWS(role: 'arn:aws:iam::333333333333:role/other', duration: 900) { sh 'x' }\n",
    );
    const used = await scan('--iac', 'roles.yaml', '--iac-account', '333333333333', '--fail-on', 'warning');
    assert.deepEqual(
      used.json.findings.filter((f: any) => f.file === 'roles.yaml').map((f: any) => `${f.line}:${f.code}`),
      ['11:invalid-principal'],
      'printed once a usage assumes the role',
    );
    assert.equal(used.code, 1, 'and it decides the status');
  });

  it('a caller’s policy defined as code counts when it is broken; a value the code reader cannot resolve is printed but never decides', async () => {
    writeFileSync(
      join(dir, 'roles.yaml'),
      [
        'Parameters:',
        '  Name:',
        '    Type: String',
        'Resources:',
        '  Deploy:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      RoleName: deploy',
        `      AssumeRolePolicyDocument: ${TRUST('arn:aws:iam::111111111111:role/agent')}`,
        '  Agent:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      RoleName: agent',
        `      AssumeRolePolicyDocument: ${TRUST('arn:aws:iam::111111111111:root')}`,
        '      Policies:',
        '        - PolicyName: broken',
        '          PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Maybe, Action: "sts:AssumeRole", Resource: "*"}]}',
        '  Unnamed:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      RoleName: !Ref Name',
        `      AssumeRolePolicyDocument: ${TRUST('arn:aws:iam::111111111111:root')}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'Jenkinsfile'),
      "withAWS(role: 'arn:aws:iam::111111111111:role/deploy', duration: 900) { sh 'x' }\n",
    );
    const run = await scan('--iac', 'roles.yaml', '--iac-account', '111111111111', '--fail-on', 'info');
    const inTemplate = run.json.findings.filter((f: any) => f.file === 'roles.yaml').map((f: any) => f.code);
    assert.ok(inTemplate.includes('policy-parse-error'), `the caller's broken policy: ${inTemplate}`);
    assert.ok(inTemplate.includes('unresolved-reference'), `the unresolved name: ${inTemplate}`);
    assert.equal(run.code, 1);
    writeFileSync(
      join(dir, 'roles2.yaml'),
      readFileSync(join(dir, 'roles.yaml'), 'utf8').replace(/ {6}Policies:\n.*\n.*\n/, ''),
    );
    const clean = await scan('--iac', 'roles2.yaml', '--iac-account', '111111111111', '--fail-on', 'info');
    assert.deepEqual(
      clean.json.findings.map((f: any) => `${f.file}:${f.code}`),
      ['roles2.yaml:unresolved-reference'],
    );
    assert.equal(clean.code, 0, 'the unresolved name alone does not decide the status');
  });

  it('bad input: an unreadable path, a template that is not YAML, a config entry outside its folder (exit 2, one line)', async () => {
    const missing = await scan('--iac', 'nope.yaml');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^rolecall scan: IaC path nope\.yaml: no such file or directory\n$/);
    writeFileSync(join(dir, 'bad.yaml'), 'Resources:\n  A: [unclosed\n');
    const bad = await scan('--iac', 'bad.yaml');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^rolecall scan: IaC bad\.yaml:\d+:\d+: not a valid YAML CloudFormation template/);
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'sub', '.rolecall.json'),
      JSON.stringify({ iac: [{ path: '../bad.yaml', account: '333333333333' }] }),
    );
    const outside = await scan('--config', 'sub/.rolecall.json');
    assert.equal(outside.code, 2);
    assert.match(
      outside.err,
      /iac entry '\.\.\/bad\.yaml' points outside the folder of the config .* pass --iac \.\.\/bad\.yaml/,
    );
    const flags = await scan('--iac-account', '333333333333');
    assert.equal(flags.code, 2);
    assert.match(flags.err, /need --iac PATH/);
  });

  it('in the editor (onProblem), a half-typed template is a problem and the other files are still read', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'Resources:\n  A: [unclosed\n');
    writeFileSync(
      join(dir, 'roles.yaml'),
      `Resources:\n  Deploy:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: deploy\n      AssumeRolePolicyDocument: ${TRUST('arn:aws:iam::111111111111:root')}\n`,
    );
    const problems: string[] = [];
    const entry = (path: string) => ({ path: join(dir, path), account: '333333333333', region: null, parameters: {} });
    const model = await readIacEntries(
      [entry('bad.yaml'), entry('roles.yaml'), entry('missing.yaml')],
      (p) => p,
      (m) => problems.push(m),
    );
    assert.deepEqual(
      model.roles.map((r) => r.arn),
      ['arn:aws:iam::333333333333:role/deploy'],
    );
    assert.equal(problems.length, 2);
    assert.ok(problems.some((p) => /missing\.yaml: no such file/.test(p)));
    assert.ok(problems.some((p) => /bad\.yaml:\d+:\d+: not a valid YAML/.test(p)));
    await assert.rejects(
      readIacEntries([entry('bad.yaml'), entry('roles.yaml')], (p) => p),
      /not a valid YAML/,
      'the CLI refuses it',
    );
  });
  it('Terraform file() / templatefile(): files inside the --iac folder are read; outside it (.., absolute, a symbolic link out) never', async () => {
    const doc = (svc: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: `${svc}.amazonaws.com` } }],
      });
    mkdirSync(join(dir, 'infra', 'mod', 'policies'), { recursive: true });
    writeFileSync(join(dir, 'infra', 'mod', 'policies', 'ec2.json'), doc('ec2'));
    writeFileSync(join(dir, 'infra', 'shared.json'), doc('lambda'));
    writeFileSync(join(dir, 'outside.json'), doc('ecs-tasks'));
    symlinkSync(join(dir, 'outside.json'), join(dir, 'infra', 'mod', 'link.json'));
    const role = (name: string, expr: string) =>
      `resource "aws_iam_role" "${name}" {\n  name = "${name}"\n  assume_role_policy = ${expr}\n}\n`;
    writeFileSync(
      join(dir, 'infra', 'mod', 'main.tf'),
      role('own', 'file("${path.module}/policies/ec2.json")') +
        role('up', 'templatefile("${path.module}/../shared.json", {})') +
        role('out', 'file("${path.module}/../../outside.json")') +
        role('abs', `file("${join(dir, 'outside.json')}")`) +
        role('link', 'file("link.json")'),
    );
    const entry = { path: join(dir, 'infra'), account: '333333333333', region: null, parameters: {} };
    const model = await readIacEntries([entry], (p) => p);
    assert.deepEqual(model.roles.map((r) => r.roleName).sort(), ['own', 'up']);
    const why = model.unresolved.map((u) => u.message).join('\n');
    assert.match(why, /outside\.json.*outside the --iac folder/);
    assert.match(why, /absolute path is not read/);
    assert.match(why, /link\.json.*outside the --iac folder/);
    // The module alone as the --iac folder: ../shared.json is outside it now.
    const alone = await readIacEntries([{ ...entry, path: join(dir, 'infra', 'mod') }], (p) => p);
    assert.deepEqual(
      alone.roles.map((r) => r.roleName),
      ['own'],
    );
  });
});
