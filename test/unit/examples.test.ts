// Corpus test: the bundled examples/ workspace (one folder per real-world seed setup, with the seeds'
// mistakes) scanned through the CLI exactly as `npm start` does. Expectations come from how each example
// was designed (see examples/README.md); lines are located by their text so edits to comments don't break it.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { recordingIo } from './cli/helpers';

function lineOf(file: string, marker: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(marker));
  assert.ok(index >= 0, `${marker} not found in ${file}`);
  return index + 1;
}

interface JsonOut {
  usages: Array<{
    file: string;
    line: number;
    column: number;
    kind: string;
    roleArn: string | null;
    caller: string | null;
    duration: number | null;
    mfa: boolean;
    externalId: { present: boolean; source: string | null; value: string | null; reference: string | null };
  }>;
  findings: Array<{ file: string; line: number; column: number; code: string; severity: string; message: string }>;
  errors: Array<{ file: string; message: string }>;
}

async function scan(...extra: string[]): Promise<{ code: number; json: JsonOut; err: string }> {
  const io = recordingIo();
  const code = await main(['scan', 'examples', '--format', 'json', ...extra], io);
  return { code, json: JSON.parse(io.out) as JsonOut, err: io.err };
}

const S0 = 'examples/seed-000-external-id/';
const CREDS = 'examples/jenkins-credentials.example.json';
const CFN = 'examples/seed-003-ecs-agents/infra/cloudformation/deploy-role.yaml';
const TF = 'examples/seed-003-ecs-agents/infra/terraform/';

describe('examples/ corpus (all five seed setups)', function () {
  this.timeout(20000);
  let result: { code: number; json: JsonOut; err: string };

  before(async () => {
    chmodSync(CREDS, 0o600);
    result = await scan('--credentials-file', CREDS);
  });

  it('finds every usage of every kind, and none in echoed or commented commands', () => {
    const byFile = new Map<string, string[]>();
    for (const u of result.json.usages) byFile.set(u.file, [...(byFile.get(u.file) ?? []), u.kind]);
    assert.deepEqual(Object.fromEntries([...byFile].sort()), {
      [`${S0}Jenkinsfile`]: ['withAWS'],
      [`${S0}Jenkinsfile.agents`]: ['sh-assume-role', 'sh-assume-role'],
      [`${S0}Jenkinsfile.prod`]: ['withAWS', 'withAWS', 'withAWS', 'withAWS', 'withAWS'],
      [`${S0}Jenkinsfile.wip`]: ['withAWS', 'withAWS', 'withAWS'],
      'examples/seed-001-mfa-users/Jenkinsfile': ['withAWS', 'withAWS', 'withAWS'],
      'examples/seed-002-vault/Jenkinsfile': ['vault'],
      // The legacy static-key ECR login: a usage that assumes no role (issue 13, item 1).
      'examples/seed-002-vault/vars/ecrLogin.groovy': ['credentials-binding'],
      'examples/seed-003-ecs-agents/Jenkinsfile': ['sh-assume-role', 'sh-assume-role'],
      'examples/seed-004-session-token/Jenkinsfile': ['sh-get-session-token', 'sh-assume-role'],
    });
  });

  it('reports exactly the designed mistakes at the calls that make them', () => {
    const S1 = 'examples/seed-001-mfa-users/Jenkinsfile';
    const S3 = 'examples/seed-003-ecs-agents/Jenkinsfile';
    const S4 = 'examples/seed-004-session-token/Jenkinsfile';
    const prod = `${S0}Jenkinsfile.prod`;
    const wip = `${S0}Jenkinsfile.wip`;
    const expected = [
      `${S0}Jenkinsfile:${lineOf(`${S0}Jenkinsfile`, 'withAWS(')}:external-id-mismatch`,
      `${prod}:${lineOf(prod, "'22222222222'")}:invalid-role-arn`,
      `${prod}:${lineOf(prod, 'duration: 7200')}:duration-exceeds-max`,
      `${prod}:${lineOf(prod, 'duration: 7200')}:external-id-mismatch`,
      `${prod}:${lineOf(prod, 'duration: 7200')}:role-chaining-duration`,
      `${prod}:${lineOf(prod, "'jenkins session'")}:external-id-missing`,
      `${prod}:${lineOf(prod, "'jenkins session'")}:invalid-session-name`,
      `${prod}:${lineOf(prod, "externalId: '7KAX")}:hardcoded-secret`,
      `${prod}:${lineOf(prod, 'jenkins-deployer')}:role-not-found`,
      // Outside the withCredentials block, $external_id is bound to nothing.
      `${prod}:${lineOf(prod, 'jenkins-deployer')}:unresolved-reference`,
      `${wip}:${lineOf(wip, "roleSessionName: 'jenkins-session'")}:external-id-mismatch`,
      `${wip}:${lineOf(wip, 'BUILD_NUMBER')}:external-id-missing`,
      // withAWS runs as the controller (jenkins-slave), whose policy allows only the two jenkins roles.
      `${wip}:${lineOf(wip, 'deploy-role')}:trust-principal-mismatch`,
      `${S1}:${lineOf(S1, 'role/developer')}:invalid-principal`,
      `${S1}:${lineOf(S1, 'role/developer')}:trust-principal-mismatch`,
      `${S1}:${lineOf(S1, 'role/developer')}:unsatisfiable-condition`,
      `${S1}:${lineOf(S1, "'bob admin'")}:invalid-session-name`,
      `${S1}:${lineOf(S1, "'bob admin'")}:mfa-required`,
      `${S1}:${lineOf(S1, 'duration: 10800')}:duration-exceeds-max`,
      `examples/seed-002-vault/vars/ecrLogin.groovy:${lineOf('examples/seed-002-vault/vars/ecrLogin.groovy', 'withCredentials')}:static-credentials`,
      `${S3}:${lineOf(S3, '--duration-seconds 43200')}:role-chaining-duration`,
      `${S4}:${lineOf(S4, 'get-session-token --serial-number')}:duration-out-of-range`,
      `${S4}:${lineOf(S4, 'role/secrets-reader')}:mfa-required`,
      // jenkins.yaml: 'linux && ec2' is also satisfied by the gpu builders, whose role artifacts-reader does not trust.
      `${S0}Jenkinsfile.agents:${lineOf(`${S0}Jenkinsfile.agents`, 'ec2-artifacts')}:trust-principal-mismatch`,
      // Seed 000's jenkins-policy.json with its trailing comma, reported in the snapshot file.
      'examples/iam/222222222222.json:102:policy-parse-error',
      // Seed 003's roles defined as code (examples/.rolecall.json "iac"): problems located in the templates, for
      // the roles the pipelines use (the agent role); the unused staging and smoke-test roles' problems are
      // counted in the summary, like the snapshots' (see the next test).
      `${TF}agents.tf:${lineOf(`${TF}agents.tf`, 'assume_role_policy = data.')}:trust-policy-drift`,
    ].sort();
    const actual = result.json.findings.map((f) => `${f.file}:${f.line}:${f.code}`).sort();
    assert.deepEqual(actual, expected);
    assert.equal(result.code, 1, 'error findings make the exit status 1');
  });

  it('lists the static-key binding as a usage that assumes no role, under its credential', () => {
    const assumes = result.json.usages.map((u) => (u as unknown as { assumesRole: boolean }).assumesRole);
    const keys = result.json.usages.filter((_, i) => !assumes[i]);
    assert.deepEqual(
      keys.map((u) => [u.file, u.kind, u.roleArn, (u as unknown as { credentialsId: string }).credentialsId]),
      [['examples/seed-002-vault/vars/ecrLogin.groovy', 'credentials-binding', null, 'jenkins-static-ecr-user']],
    );
    assert.equal(assumes.filter((a) => a === true).length, result.json.usages.length - 1);
  });

  it('resolves values the way the plugins do', () => {
    const seed0 = result.json.usages.find((u) => u.file === `${S0}Jenkinsfile`)!;
    assert.equal(
      seed0.roleArn,
      'arn:aws:iam::222222222222:role/jenkins',
      'roleAccount from the config parameter role_account',
    );
    assert.equal(seed0.caller, 'arn:aws:iam::111111111111:role/jenkins-slave', 'withAWS runs as the controller');
    assert.deepEqual(seed0.externalId, { present: true, source: 'credential', value: null, reference: 'ExternalId' });
    const vault = result.json.usages.find((u) => u.kind === 'vault')!;
    assert.equal(vault.roleArn, 'arn:aws:iam::444444444444:role/jenkins-ecr-push-role');
    assert.equal(vault.caller, 'arn:aws:iam::111111111111:role/vault-server');
    const ecs = result.json.usages.filter((u) => u.file.includes('seed-003'));
    assert.deepEqual(
      ecs.map((u) => [u.roleArn, u.duration, u.caller]),
      [
        [
          'arn:aws:iam::333333333333:role/deploy-role',
          43200,
          'arn:aws:iam::111111111111:role/deploy-role-agent-account-x',
        ],
        [
          'arn:aws:iam::333333333333:role/deploy-role',
          3600,
          'arn:aws:iam::111111111111:role/deploy-role-agent-account-x',
        ],
      ],
    );
    // Seed 003's agents and seed 000's EC2 agents come from their jenkins.yaml (.rolecall.json "jenkinsCasc").
    const agents = result.json.usages.filter((u) => u.file === `${S0}Jenkinsfile.agents`);
    assert.deepEqual(
      agents.map((u) => u.caller),
      [
        'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-*',
        'arn:aws:sts::111111111111:assumed-role/jenkins-slave/i-*',
      ],
    );
    const choice = result.json.findings.find((f) => f.file === `${S0}Jenkinsfile.agents`)!;
    assert.match(
      choice.message,
      /^Label choice EC2 template 'gpu builders' .*jenkins\.yaml:\d+, running as arn:aws:sts::111111111111:assumed-role\/gpu-builder\/i-\*/,
    );
    const token = result.json.usages.find((u) => u.kind === 'sh-get-session-token')!;
    assert.equal(token.mfa, true);
    assert.equal(token.roleArn, null);
  });

  it('checks seed 003 against its roles defined as code, and names the template line', () => {
    const wip = result.json.findings.find(
      (f) => f.file === `${S0}Jenkinsfile.wip` && f.code === 'trust-principal-mismatch',
    )!;
    assert.ok(
      wip.message.endsWith(`(trust policy defined as code at ${CFN}:${lineOf(CFN, 'AssumeRolePolicyDocument:') + 1})`),
      wip.message,
    );
  });

  it("counts the problems of the code roles no pipeline uses, and 'snapshot --iac' reports them", async () => {
    const io = recordingIo();
    await main(['scan', 'examples', '--credentials-file', CREDS], io);
    assert.match(
      io.out,
      /2 problems in IAM defined as code about roles no usage refers to \(rolecall snapshot (--check FILE )?--iac PATH\)/,
    );
    const check = async (...args: string[]) => {
      const out = recordingIo();
      const code = await main(['snapshot', '--format', 'json', ...args], out);
      return { code, found: (JSON.parse(out.out) as JsonOut).findings.map((f) => `${f.file}:${f.line}:${f.code}`) };
    };
    const cfn = await check('--iac', CFN, '--iac-account', '333333333333', '--iac-region', 'eu-west-1');
    assert.deepEqual(cfn.found, [`${CFN}:${lineOf(CFN, '!Join')}:invalid-principal`]);
    assert.equal(cfn.code, 0, 'a warning: below the default --fail-on error');
    const tf = await check(
      '--iac',
      TF,
      '--iac-account',
      '111111111111',
      '--check',
      'examples/iam/111111111111.json',
      '--fail-on',
      'warning',
    );
    assert.deepEqual(tf.found, [
      `${TF}agents.tf:${lineOf(`${TF}agents.tf`, 'assume_role_policy = data.')}:trust-policy-drift`,
      `${TF}agents.tf:${lineOf(`${TF}agents.tf`, '"Sid": "JenkinsAgents"') - 1}:unsatisfiable-condition`,
    ]);
    assert.equal(tf.code, 1);
  });

  it('never prints a credential value', () => {
    const secret = JSON.parse(readFileSync(CREDS, 'utf8')).ExternalId as string;
    assert.ok(!JSON.stringify(result.json).includes(secret));
    assert.ok(!result.err.includes(secret));
  });

  it('reports the half-typed file as not fully analysed, and still analyses it', () => {
    assert.equal(result.json.errors.length, 1);
    assert.equal(result.json.errors[0].file, `${S0}Jenkinsfile.wip`);
    assert.match(result.json.errors[0].message, /syntax error at \d+:\d+/);
  });

  it('without IAM data, still runs the checks that need none and says nothing about trust', async () => {
    const missing = recordingIo();
    assert.equal(
      await main(['scan', 'examples', '--config', 'examples/no-such-config.json'], missing),
      2,
      'a missing --config file is bad input',
    );
    assert.match(missing.err, /^rolecall scan: config examples\/no-such-config.json: no such file\n$/);
    // No config either: the nearest .rolecall.json up to the working directory is examples/.rolecall.json, which lists snapshots.
    const empty = join(mkdtempSync(join(tmpdir(), 'rolecall-noconfig-')), 'empty.json');
    writeFileSync(empty, '{}\n');
    const io = recordingIo();
    const code = await main(
      ['scan', `${S0}Jenkinsfile.prod`, '--format', 'json', '--param', 'role_account=222222222222', '--config', empty],
      io,
    );
    assert.equal(io.err, '');
    const codes = (JSON.parse(io.out) as JsonOut).findings.map((f) => f.code).sort();
    // Two ExternalIds from a credential whose value is not given, one $external_id outside withCredentials.
    assert.deepEqual(codes, [
      'hardcoded-secret',
      'invalid-role-arn',
      'invalid-session-name',
      'unresolved-reference',
      'unresolved-reference',
      'unresolved-reference',
    ]);
    assert.equal(code, 1);
  });
  it("npm start's zero-config scan reads no .rolecall.json: callers come from JCasC only, no IaC from the config", async () => {
    // scripts/demo.mjs runs it inside seed-003's folder: from the repository root the nearest-config rule
    // would pick up examples/.rolecall.json (its callers and IaC entries) and the scan would not be zero-config.
    const zero = [
      'scan',
      '.',
      '../seed-000-external-id/Jenkinsfile.agents',
      '--jenkins-casc',
      'jenkins.yaml',
      '--jenkins-casc',
      '../seed-000-external-id/jenkins.yaml',
      '--iam-snapshot',
      '../iam/111111111111.json',
      '--iam-snapshot',
      '../iam/333333333333.json',
      '--format',
      'json',
    ];
    const demo = readFileSync('scripts/demo.mjs', 'utf8');
    for (const arg of zero.slice(0, -2))
      assert.ok(demo.includes(`'${arg}'`), `scripts/demo.mjs runs the zero-config scan with ${arg}`);
    assert.match(demo, /const zeroDir = 'examples\/seed-003-ecs-agents'/);
    const io = recordingIo(join(process.cwd(), 'examples', 'seed-003-ecs-agents'));
    const code = await main(zero, io);
    assert.equal(code, 1, io.err);
    const json = JSON.parse(io.out) as Omit<JsonOut, 'usages'> & { usages: Array<{ callerSource: { kind: string } }> };
    assert.deepEqual([...new Set(json.usages.map((u) => u.callerSource.kind))], ['jenkins-casc']);
    assert.deepEqual(
      json.findings.filter((f) => f.file.startsWith('infra/')),
      [],
      'IaC entries come only from the config',
    );
    assert.deepEqual(json.findings.map((f) => f.code).sort(), ['role-chaining-duration', 'trust-principal-mismatch']);
    assert.doesNotMatch(io.out, /more template/, 'each JCasC file read once');
  });
});
