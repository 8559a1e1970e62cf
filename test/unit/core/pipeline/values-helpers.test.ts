// Issue 13 item 3: values passed to helper methods declared in the file. A usage inside a helper is
// analysed once per call of the helper, its parameters bound to the call's arguments as Groovy binds them
// (named arguments as a map, a map literal or variable, positional arguments, defaults); it stays located
// at the step inside the helper, one usage per distinct set of values. Fixtures: fixtures/values-* (each
// compiles with Groovy 2.4: scripts/groovy/check-conversion.groovy).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile, analyzeText } from '../../../../src/core/analyze';
import { configFrom } from '../../../../src/core/config';
import { findingsOfUsage } from '../../../../src/core/iam/grant';
import { parseSnapshot, SnapshotIamReader } from '../../../../src/core/iam/snapshot';
import type { Usage } from '../../../../src/core/types';
import { AGENT_X, ANY_AGENT, CONTROLLER, analyze, ctx, lineCol } from './helpers';

const DIR = join(__dirname, 'fixtures');
const read = (name: string): string => readFileSync(join(DIR, 'values-' + name), 'utf8');
const lineOf = (text: string, u: Usage): number => lineCol(text, u.anchor.start).line;
const unresolved = (findings: Array<{ code: string; message: string }>): string[] =>
  findings.filter((f) => f.code === 'unresolved-reference').map((f) => f.message);

describe('values passed to helper methods (issue 13 item 3)', () => {
  it('a map parameter: named arguments, a map literal, a map variable; equal calls make one usage', () => {
    const text = read('helper-map.Jenkinsfile');
    const { usages, findings } = analyze(text);
    // Four calls, three distinct sets of values (deployTo(prod) and `deployTo prod` pass the same map).
    assert.deepEqual(
      usages.map((u) => u.roleArn),
      [
        'arn:aws:iam::222222222222:role/deployer',
        'arn:aws:iam::222222222222:role/reader',
        'arn:aws:iam::333333333333:role/deployer',
      ],
    );
    // Located at the withAWS inside the helper, as the contract locates a usage.
    assert.deepEqual(
      usages.map((u) => lineOf(text, u)),
      [4, 4, 4],
    );
    assert.equal(usages[0].externalId.resolved?.value, 'ext-staging');
    assert.equal(usages[2].externalId.resolved?.value, 'ext-prod-1');
    assert.equal(usages[0].region, 'eu-west-1');
    // Origins name the call the values come from.
    assert.match(usages[0].origins.roleAccount!.description, /a named argument of deployTo\(\) on line 20/);
    assert.match(usages[1].origins.role!.description, /passed to deployTo\(\) on line 21/);
    assert.match(usages[2].origins.role!.description, /line 9, passed to deployTo\(\) on line 28/);
    // The map literal of line 21 has no extId: said precisely, never a guess.
    const msgs = unresolved(findings);
    assert.equal(msgs.length, 1);
    assert.match(msgs[0], /the map written on line 21, passed to deployTo\(\) on line 21 has no key extId/);
    assert.equal(usages[1].externalId.resolved?.value, null);
    // The ExternalId literals are secrets where they are written: the call's argument, the parameter default.
    const secrets = findings.filter((f) => f.code === 'hardcoded-secret').map((f) => lineCol(text, f.range.start).line);
    assert.deepEqual(secrets.sort(), [14, 20]);
  });

  it('positional parameters, defaults filled from the left, a helper calling a helper, withEnv at the call', () => {
    const text = read('helper-positional.Jenkinsfile');
    const { usages, findings } = analyze(text);
    const got = usages.map((u) => [u.roleArn, u.duration, u.roleSessionName]);
    assert.deepEqual(got, [
      ['arn:aws:iam::555555555555:role/ci-deployer', 900, 'ci-${STAGE_SUFFIX}'],
      ['arn:aws:iam::666666666666:role/prod-deployer', 1800, 'ci-${STAGE_SUFFIX}'],
      ['arn:aws:iam::444444444444:role/ci-deployer', 900, 'ci-nightly'],
    ]);
    assert.match(
      usages[0].origins.role!.description,
      /default of parameter role of assume\(\) \(line 2\), which the call on line 9 leaves out/,
    );
    assert.match(usages[1].origins.role!.description, /argument role of assume\(\) on line 10/);
    assert.match(usages[0].origins.roleAccount!.description, /accounts\.staging .*deployAll\(\) on line 17/);
    assert.match(usages[2].origins.roleSessionName!.description, /withEnv STAGE_SUFFIX, line 14/);
    // The calls through deployAll() have no withEnv: their session name is unresolved, and says so.
    assert.equal(unresolved(findings).length, 2);
  });

  it("the call's agent, enclosing credentials; a parameter shadows a script variable; assignments inside the helper", () => {
    const text = read('helper-scope.Jenkinsfile');
    const { usages } = analyze(text);
    const byRole = new Map(usages.map((u) => [u.roleArn, u]));
    // useNode: true inside the helper: the agent of the call (node('AgentAccountX')).
    assert.equal(byRole.get('arn:aws:iam::222222222222:role/agent-deployer')?.caller, AGENT_X);
    // A shell step inside a helper called within withAWS: a role chain from that withAWS.
    assert.equal(
      byRole.get('arn:aws:iam::777777777777:role/second-hop')?.caller,
      'arn:aws:iam::888888888888:role/first-hop',
    );
    // role = role.trim() inside the helper; never the script's own `role` variable.
    assert.ok(byRole.has('arn:aws:iam::222222222222:role/spaced'));
    assert.ok(!usages.some((u) => u.role === 'script-level-role'));
    assert.equal(byRole.get('arn:aws:iam::888888888888:role/first-hop')?.caller, CONTROLLER);
  });

  it("a shared-library step's call() is not called in its own file: its parameters stay unknown, through helpers too", () => {
    const text = read('shared-step.groovy');
    const { usages, findings } = analyze(text);
    assert.equal(usages.length, 1);
    assert.equal(usages[0].roleArn, null);
    const msgs = unresolved(findings);
    assert.equal(msgs.length, 1);
    assert.match(
      msgs[0],
      /`config` is a parameter of call\(\) \(a shared-library step\): its value comes from the pipeline/,
    );
    assert.match(usages[0].origins.roleAccount!.description, /via argument account of assumeIn\(\) on line 4/);
  });

  it('a helper no call reaches (or only calls that do not fit it) keeps its parameters unknown', () => {
    const text =
      "def assume(String account, String role) {\n  withAWS(role: role, roleAccount: account) { }\n}\nnode { assume('222222222222') }\n";
    const { usages, findings } = analyze(text);
    assert.equal(usages.length, 1);
    assert.equal(usages[0].roleArn, null);
    assert.ok(
      unresolved(findings).some((m) => /`role` is a parameter of assume\(\), which is not called in this file/.test(m)),
    );
  });

  it('a class method is reached only from its class; a recursive helper ends', () => {
    const text = [
      'class Deployer {',
      '  def script',
      "  def run(String role) { script.withAWS(role: role, roleAccount: '222222222222') { } }",
      "  def all() { run('inside-class') }",
      '}',
      "def run(String role) { withAWS(role: role, roleAccount: '333333333333') { } }",
      "node { run('script-method') }",
      "def again(String role, int n) { if (n > 0) { again(role, n - 1) }; withAWS(role: role, roleAccount: '444444444444') { } }",
      "node { again('loop', 3) }",
      '',
    ].join('\n');
    const { usages } = analyze(text);
    assert.deepEqual(
      usages.map((u) => u.roleArn),
      [
        'arn:aws:iam::222222222222:role/inside-class',
        'arn:aws:iam::333333333333:role/script-method',
        'arn:aws:iam::444444444444:role/loop',
      ],
    );
  });

  it('a parameter given a value for the scan reaches the helper through the call', () => {
    const text =
      "def assume(String role) { withAWS(role: role, roleAccount: '222222222222') { } }\nnode { assume(params.ROLE) }\n";
    const { usages } = analyze(text, ctx({ params: { ROLE: 'from-scan' } }));
    assert.equal(usages[0].roleArn, 'arn:aws:iam::222222222222:role/from-scan');
    assert.equal(usages[0].origins.role?.source, 'parameter');
  });

  it('the whole analysis (rules included) reports each distinct call once at the helper', () => {
    const text = read('helper-map.Jenkinsfile');
    const a = analyzeText('Jenkinsfile', text, { ...ctx(), iam: null });
    assert.deepEqual(a.parseErrors, []);
    assert.equal(a.usages.length, 3);
    assert.equal(
      a.findings.filter((f) => f.code === 'hardcoded-secret').length,
      2,
      'each literal ExternalId once, where it is written',
    );
  });

  it("a shell step inside a helper runs with that call's enclosing role or credential, not the first call's", () => {
    const sts = "sh 'aws sts assume-role --role-arn arn:aws:iam::333333333333:role/next --role-session-name ci'";
    const text = [
      `def hop(String r) { withAWS(role: r, roleAccount: '222222222222') { ${sts} } }`,
      `def keys(String id) { withCredentials([aws(credentialsId: id)]) { ${sts} } }`,
      "node { hop('first'); hop('second'); keys('alice'); keys('unknown-cred') }",
      `def C = 'alice'`,
      `node { withCredentials([aws(credentialsId: C)]) { ${sts} } }`,
      `node { withAWS(credentials: C) { ${sts} } }`,
    ].join('\n');
    const { usages } = analyze(text);
    const shell = usages.filter((u) => u.kind === 'sh-assume-role');
    const at = (line: number): Array<string | null> =>
      shell.filter((u) => lineCol(text, u.anchor.start).line === line).map((u) => u.caller);
    // Each call of hop() is its own role chain.
    assert.deepEqual(at(1), ['arn:aws:iam::222222222222:role/first', 'arn:aws:iam::222222222222:role/second']);
    // keys('alice') runs with alice's keys (.rolecall.json awsCredentials.alice.principal); keys('unknown-cred') as the agent.
    assert.deepEqual(at(2), ['arn:aws:iam::111111111111:user/alice', ANY_AGENT]);
    // A credential id held in a variable is resolved for the shell step's caller too.
    assert.deepEqual(at(5), ['arn:aws:iam::111111111111:user/alice']);
    // withAWS(credentials:) without a role puts the credential's keys in effect as well.
    assert.deepEqual(at(6), ['arn:aws:iam::111111111111:user/alice']);
    assert.match(
      shell.find((u) => lineCol(text, u.anchor.start).line === 6)!.callerOrigin!,
      /used by withAWS \(line 6/,
    );
  });

  it('against IAM data: each call of the helper is checked as its own role, findings not mixed up', async () => {
    const role = (name: string, principal: string) => ({
      RoleName: name,
      Arn: `arn:aws:iam::222222222222:role/${name}`,
      Path: '/',
      MaxSessionDuration: 3600,
      RolePolicyList: [],
      AttachedManagedPolicies: [],
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }],
      },
    });
    const snapshot = JSON.stringify({
      RoleDetailList: [
        role('trusting', 'arn:aws:iam::111111111111:role/jenkins-controller'),
        role('strict', 'arn:aws:iam::111111111111:role/someone-else'),
      ],
    });
    const iam = new SnapshotIamReader([parseSnapshot('iam.json', snapshot).snapshot!]);
    const text =
      "def assume(String role) {\n  withAWS(role: role, roleAccount: '222222222222') { }\n}\nnode {\n  assume('trusting')\n  assume('strict')\n}\n";
    const c = {
      config: configFrom(undefined).config,
      caller: 'arn:aws:iam::111111111111:role/jenkins-controller',
      params: {},
      credentials: {},
      iam,
    };
    const analysis = await analyzeFile('Jenkinsfile', text, c);
    assert.deepEqual(
      analysis.usages.map((u) => u.roleArn),
      ['arn:aws:iam::222222222222:role/trusting', 'arn:aws:iam::222222222222:role/strict'],
    );
    const mismatches = analysis.findings.filter((f) => f.code === 'trust-principal-mismatch');
    assert.equal(mismatches.length, 1);
    assert.equal(mismatches[0].roleArn, 'arn:aws:iam::222222222222:role/strict');
    assert.equal(lineCol(text, mismatches[0].range.start).line, 2);
    assert.deepEqual(findingsOfUsage(analysis.usages[0], analysis.findings), []);
    assert.deepEqual(findingsOfUsage(analysis.usages[1], analysis.findings), mismatches);
  });
});
