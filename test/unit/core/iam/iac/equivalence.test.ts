// The same roles written four ways — a get-account-authorization-details snapshot, CloudFormation YAML
// (short-form tags), CloudFormation JSON (long forms, as CDK synthesizes) and Terraform (policy-document
// data sources, jsonencode, heredocs) — give `rolecall scan` the same findings for the same generated
// pipelines; only where a finding says the role is defined differs.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../../src/cli/main';
import { recordingIo } from '../../../cli/helpers';

const importPlain = (path: string): Promise<any> => import(path);

interface Role {
  index: number;
  account: string;
  name: string;
  trustPolicy: any;
  maxSessionDuration: number;
}

const HUB = '111111111111';

/** A trust policy's JSON with the hub account's ARNs and ExternalIds as CloudFormation expressions. */
function cfnYamlTrust(role: Role): string {
  return JSON.stringify(role.trustPolicy)
    .replace(`"arn:aws:iam::${HUB}:root"`, '!Sub "arn:${AWS::Partition}:iam::${HubAccount}:root"')
    .replace(
      `"arn:aws:iam::${HUB}:role/jenkins-agent"`,
      '!Join ["", ["arn:", !Ref AWS::Partition, ":iam::", !Ref HubAccount, ":role/jenkins-agent"]]',
    )
    .replace(
      `"arn:aws:iam::${HUB}:role/jenkins-controller"`,
      '!Select [1, !Split [",", !Sub "x,arn:aws:iam::${HubAccount}:role/jenkins-controller"]]',
    )
    .replace(`"ext-${role.account}-${role.index}"`, `!Sub "ext-\${AWS::AccountId}-${role.index}"`);
}

function cfnYaml(roles: Role[]): string {
  const lines = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Parameters:',
    '  HubAccount:',
    '    Type: String',
    '    Default: "000000000000"',
    'Conditions:',
    '  Long: !Equals [!Ref AWS::Region, eu-west-1]',
    'Resources:',
  ];
  for (const r of roles) {
    lines.push(`  Role${r.index}:`, '    Type: AWS::IAM::Role', '    Properties:', `      RoleName: ${r.name}`);
    lines.push(`      MaxSessionDuration: ${r.maxSessionDuration === 7200 ? '!If [Long, 7200, 3600]' : '3600'}`);
    lines.push(`      AssumeRolePolicyDocument: ${cfnYamlTrust(r)}`);
  }
  return lines.join('\n') + '\n';
}

function cfnJson(roles: Role[]): string {
  const resources: Record<string, unknown> = {};
  for (const r of roles) {
    const text = JSON.stringify(r.trustPolicy)
      .replace(
        `"arn:aws:iam::${HUB}:root"`,
        JSON.stringify({
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'HubAccount' }, ':root']],
        }),
      )
      .replace(
        `"arn:aws:iam::${HUB}:role/jenkins-agent"`,
        JSON.stringify({
          'Fn::Sub': ['arn:${P}:iam::${HubAccount}:role/jenkins-agent', { P: { Ref: 'AWS::Partition' } }],
        }),
      )
      .replace(
        `"arn:aws:iam::${HUB}:role/jenkins-controller"`,
        JSON.stringify({ 'Fn::Sub': 'arn:aws:iam::${HubAccount}:role/jenkins-controller' }),
      )
      .replace(
        `"ext-${r.account}-${r.index}"`,
        JSON.stringify({ 'Fn::Join': ['-', ['ext', { Ref: 'AWS::AccountId' }, String(r.index)]] }),
      );
    resources[`Role${r.index}C0FFEE`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: r.name,
        AssumeRolePolicyDocument: JSON.parse(text),
        MaxSessionDuration: r.maxSessionDuration,
      },
    };
  }
  resources.CDKMetadata = { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:H4sIAAAA' } };
  return JSON.stringify({ Parameters: { HubAccount: { Type: 'String' } }, Resources: resources }, null, 1);
}

const hcl = (s: string) => JSON.stringify(s).replace(/\$\{/g, '$${');

/** A statement as an aws_iam_policy_document `statement` block. */
function tfStatement(st: any): string {
  const list = (v: unknown) => `[${(Array.isArray(v) ? v : [v]).map((x) => tfRef(String(x))).join(', ')}]`;
  const out = ['  statement {'];
  if (st.Sid) out.push(`    sid = ${hcl(st.Sid)}`);
  out.push(`    effect = ${hcl(st.Effect)}`, `    actions = ${list(st.Action)}`);
  for (const [type, ids] of Object.entries(st.Principal ?? {}))
    out.push('    principals {', `      type = ${hcl(type)}`, `      identifiers = ${list(ids)}`, '    }');
  for (const [test, kv] of Object.entries(st.Condition ?? {})) {
    for (const [variable, values] of Object.entries(kv as Record<string, unknown>))
      out.push(
        '    condition {',
        `      test = ${hcl(test)}`,
        `      variable = ${hcl(variable)}`,
        `      values = ${list(values)}`,
        '    }',
      );
  }
  out.push('  }');
  return out.join('\n');
}

/** Hub ARNs through the variable and the partition data source. */
function tfRef(text: string): string {
  if (text.includes(`:${HUB}:`))
    return `"${text.replace('arn:aws:', 'arn:${data.aws_partition.current.partition}:').replace(HUB, '${var.hub_account}')}"`;
  return hcl(text);
}

function terraform(roles: Role[]): string {
  const out = [
    'variable "hub_account" {}',
    'data "aws_partition" "current" {}',
    'data "aws_caller_identity" "current" {}',
  ];
  for (const r of roles) {
    const style = r.index % 3;
    let trust: string;
    if (style === 0) {
      out.push(`data "aws_iam_policy_document" "trust_${r.index}" {`, ...r.trustPolicy.Statement.map(tfStatement), '}');
      trust = `data.aws_iam_policy_document.trust_${r.index}.json`;
    } else if (style === 1) {
      trust = `jsonencode(${JSON.stringify(r.trustPolicy).replace(new RegExp(HUB, 'g'), '${var.hub_account}')})`;
    } else {
      trust = `<<-EOT\n    ${JSON.stringify(r.trustPolicy, null, 2).replace(/\n/g, '\n    ').replace(new RegExp(HUB, 'g'), '${var.hub_account}').replace(`ext-${r.account}`, 'ext-${data.aws_caller_identity.current.account_id}')}\n  EOT`;
    }
    out.push(
      `resource "aws_iam_role" "role_${r.index}" {`,
      `  name = "${r.name}"`,
      `  max_session_duration = ${r.maxSessionDuration}`,
      `  assume_role_policy = ${trust}`,
      '}',
    );
  }
  return out.join('\n') + '\n';
}

function normalized(out: string): string[] {
  const json = JSON.parse(out) as { findings: Array<Record<string, unknown>> };
  return json.findings
    .filter((f) => String(f.file).includes('/services/'))
    .map((f) =>
      [
        f.file,
        f.line,
        f.column,
        f.code,
        f.severity,
        f.roleArn,
        String(f.message).replace(/ \((trust policy|role) defined as code at [^)]*\)$/, ''),
      ].join('|'),
    )
    .sort();
}

describe('snapshot, CloudFormation YAML/JSON and Terraform give the same findings', function () {
  this.timeout(60000);
  let dir: string;
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('for the generated accounts and pipelines', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rolecall-iac-eq-'));
    const gen = await importPlain(join(__dirname, '..', '..', '..', '..', '..', 'bench', 'generate.mjs'));
    const ws = gen.generateWorkspace(dir, 40, 24);
    const base = {
      callers: {
        controller: gen.CONTROLLER_ROLE,
        agents: { '*': gen.AGENT_ROLE },
        vault: gen.VAULT_ROLE,
        default: gen.AGENT_ROLE,
      },
      awsCredentials: { 'aws-ci': { principal: gen.AGENT_ROLE } },
    };
    const configs: Record<string, unknown> = { snapshot: { ...base, iamSnapshots: ws.snapshots } };
    const variants: Record<string, Array<Record<string, unknown>>> = { 'cfn-yaml': [], 'cfn-json': [], terraform: [] };
    for (const account of gen.TARGET_ACCOUNTS as string[]) {
      const roles = (ws.roles as Role[]).filter((r) => r.account === account);
      const params = { HubAccount: HUB, hub_account: HUB };
      writeFileSync(join(dir, `${account}.yaml`), cfnYaml(roles));
      variants['cfn-yaml'].push({ path: `${account}.yaml`, account, region: 'eu-west-1', parameters: params });
      mkdirSync(join(dir, 'cdk.out', account), { recursive: true });
      writeFileSync(join(dir, 'cdk.out', account, `Stack${account}.template.json`), cfnJson(roles));
      variants['cfn-json'].push({ path: `cdk.out/${account}`, account, region: 'eu-west-1', parameters: params });
      mkdirSync(join(dir, 'tf', account), { recursive: true });
      writeFileSync(join(dir, 'tf', account, 'main.tf'), terraform(roles));
      variants.terraform.push({ path: `tf/${account}`, account, region: 'eu-west-1', parameters: params });
    }
    for (const [name, iac] of Object.entries(variants))
      configs[name] = { ...base, iamSnapshots: [ws.hubSnapshot], iac };
    const results: Record<string, string[]> = {};
    for (const [name, config] of Object.entries(configs)) {
      const file = join(dir, `${name}.rolecall.json`);
      writeFileSync(file, JSON.stringify(config, null, 1));
      const io = recordingIo();
      const code = await main(['scan', ws.pipelineDir, '--config', file, '--format', 'json'], io);
      assert.ok(code === 0 || code === 1, `${name}: exit ${code}: ${io.err}`);
      results[name] = normalized(io.out);
    }
    assert.ok(results.snapshot.length > 20, `enough findings to compare: ${results.snapshot.length}`);
    const codes = new Set(results.snapshot.map((f) => f.split('|')[3]));
    for (const code of ['external-id-missing', 'mfa-required'])
      assert.ok(codes.has(code), `the workspace exercises ${code}: ${[...codes].join(', ')}`);
    assert.deepEqual(results['cfn-yaml'], results.snapshot, 'CloudFormation YAML');
    assert.deepEqual(results['cfn-json'], results.snapshot, 'CloudFormation JSON (cdk.out)');
    assert.deepEqual(results.terraform, results.snapshot, 'Terraform');
  });
});
