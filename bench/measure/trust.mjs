// Trust evaluations per second: our sts:AssumeRole evaluator (src/core/iam/evaluate.ts) against the oracle
// @cloud-copilot/iam-simulate on the same typical trust policies, in the same process and run. Decisions
// are cross-checked so a fast-but-wrong evaluator cannot pass.
import { loadEngine } from '../lib/engine.mjs';
import { throughput } from '../lib/stats.mjs';
import { SHORT, progress, runMeasurement } from '../lib/child.mjs';

const HUB = '111111111111';
const TARGET = '222222222222';
const assumeAny = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] };
const assumeOther = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${TARGET}:role/some-other-role` }],
};
const externalIdTrust = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${HUB}:root` },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'team-a-7f3c' } },
    },
  ],
};
const mfaTrust = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ForceMFA',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${HUB}:root` },
      Action: 'sts:AssumeRole',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
  ],
};
const rootTrust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${HUB}:root` }, Action: 'sts:AssumeRole' }],
};

const agentSession = `arn:aws:sts::${HUB}:assumed-role/jenkins-agent/i-0a1b2c3d4e5f`;
const user = `arn:aws:iam::${HUB}:user/alice`;

/** Typical cases (allow and deny for each policy shape). */
export const CASES = [
  {
    name: 'ExternalId matches',
    trust: externalIdTrust,
    role: 'jenkins',
    principal: agentSession,
    identity: assumeAny,
    context: { 'sts:ExternalId': 'team-a-7f3c' },
  },
  {
    name: 'ExternalId wrong',
    trust: externalIdTrust,
    role: 'jenkins',
    principal: agentSession,
    identity: assumeAny,
    context: { 'sts:ExternalId': 'team-b' },
  },
  {
    name: 'MFA present',
    trust: mfaTrust,
    role: 'admin',
    principal: user,
    identity: assumeAny,
    context: { 'aws:MultiFactorAuthPresent': 'true' },
  },
  { name: 'MFA absent', trust: mfaTrust, role: 'admin', principal: user, identity: assumeAny, context: {} },
  {
    name: 'cross-account root principal',
    trust: rootTrust,
    role: 'deploy-role',
    principal: agentSession,
    identity: assumeAny,
    context: {},
  },
  {
    name: 'root principal, identity policy misses the role',
    trust: rootTrust,
    role: 'deploy-role',
    principal: agentSession,
    identity: assumeOther,
    context: {},
  },
];

await runMeasurement([['trust-evaluations', 'Trust evaluations/s']], async () => {
  const engine = await loadEngine(['evaluate']);
  const { compilePolicy, evaluateAssumeRole } = engine.evaluate;
  const { runSimulation } = await import('@cloud-copilot/iam-simulate');
  const roleArn = (c) => `arn:aws:iam::${TARGET}:role/${c.role}`;

  // Policies are compiled once per role in a scan, then evaluated per usage: time that hot path.
  const compiled = CASES.map((c) => ({
    trustPolicy: compilePolicy(c.trust, 'trust'),
    roleArn: roleArn(c),
    principal: c.principal,
    identityPolicies: [compilePolicy(c.identity, 'identity', 'caller-policy')],
    context: c.context,
  }));
  const simulations = CASES.map((c) => ({
    request: {
      action: 'sts:AssumeRole',
      principal: c.principal,
      resource: { resource: roleArn(c), accountId: TARGET },
      contextVariables: c.context,
    },
    identityPolicies: [{ name: 'caller-policy', policy: c.identity }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: c.trust,
  }));

  // Cross-check every decision against the oracle before timing anything.
  const disagreements = [];
  for (let i = 0; i < CASES.length; i++) {
    const ours = evaluateAssumeRole(compiled[i]).decision;
    const sim = await runSimulation(simulations[i], {});
    const oracle =
      sim.resultType === 'error'
        ? `error ${JSON.stringify(sim.errors).slice(0, 120)}`
        : sim.overallResult === 'Allowed'
          ? 'allow'
          : 'deny';
    if (ours !== oracle) disagreements.push(`${CASES[i].name}: ours ${ours}, oracle ${oracle}`);
  }
  if (disagreements.length) progress(`decisions differ from the oracle: ${disagreements.join('; ')}`);

  const duration = SHORT ? 400 : 1500;
  const rounds = SHORT ? 3 : 5;
  const oursRate = await throughput((i) => evaluateAssumeRole(compiled[i % compiled.length]), {
    durationMs: duration,
    rounds,
    batch: 600,
  });
  const coldRate = await throughput(
    (i) => {
      const c = CASES[i % CASES.length];
      return evaluateAssumeRole({
        trustPolicy: compilePolicy(c.trust, 'trust'),
        roleArn: roleArn(c),
        principal: c.principal,
        identityPolicies: [compilePolicy(c.identity, 'identity', 'caller-policy')],
        context: c.context,
      });
    },
    { durationMs: duration, rounds, batch: 60 },
  );
  const oracleRate = await throughput((i) => runSimulation(simulations[i % simulations.length], {}), {
    durationMs: duration,
    rounds,
    batch: 6,
  });
  progress(
    `ours ${Math.round(oursRate)}/s (compiled), ${Math.round(coldRate)}/s (parse+compile each time); oracle ${Math.round(oracleRate)}/s`,
  );

  return [
    {
      id: 'trust-evaluations',
      label: 'Trust evaluations/s (policy compiled once)',
      value: oursRate,
      unit: '/s',
      peer: '@cloud-copilot/iam-simulate runSimulation',
      peerValue: oracleRate,
      ratio: oursRate / oracleRate,
      target: { of: 'value', op: '>=', value: 100_000 },
      gate: { of: 'value', op: '>=', value: 20_000 },
      status: disagreements.length ? 'broken' : 'measured',
      note: `${CASES.length} cases (ExternalId, MFA, cross-account root; allow and deny), median of ${rounds} rounds of ${duration} ms; decisions ${disagreements.length ? `DIFFER from the oracle: ${disagreements.join('; ')}` : 'agree with the oracle on every case'}`,
    },
    {
      id: 'trust-evaluations-cold',
      label: 'Trust evaluations/s (parse + compile + evaluate)',
      value: coldRate,
      unit: '/s',
      peer: '@cloud-copilot/iam-simulate runSimulation',
      peerValue: oracleRate,
      ratio: coldRate / oracleRate,
      status: 'measured',
      note: 'each call parses and compiles both policies, as `rolecall explain` does',
    },
  ];
});
