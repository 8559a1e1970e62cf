// The measure of issue 17: for generated Jenkins installations (several clouds, labels, templates with
// inheritFrom, AWS credentials with roles and MFA devices), a scan with only `--jenkins-casc` gives exactly
// the findings of a scan with the equivalent hand-written .rolecall.json callers — and differs exactly
// where the JCasC says a label runs as another role. The generator knows which template (and so which
// role) each pipeline label means; the scans do not.
import { strict as assert } from 'node:assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../../src/cli/main';
import { recordingIo } from '../../cli/helpers';

const AGENTS = '111111111111';
const TARGET = '222222222222';

/** A small deterministic PRNG (mulberry32), so each installation is reproducible from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Template {
  cloud: 'ec2' | 'ecs' | 'k8s';
  cloudIndex: number;
  name: string;
  labels: string[];
  /** The principal its agents call STS as (what a person would write in .rolecall.json). */
  caller: string;
  /** The role behind it (for trust policies). */
  roleArn: string;
  parent?: string;
}

interface Installation {
  casc: string;
  snapshotAgents: string;
  snapshotTarget: string;
  pipelines: Record<string, string>;
  /** label text as written in the pipelines → the caller the generator meant. */
  labelCallers: Record<string, string>;
  credentials: Record<string, { roleArn?: string; mfaSerial?: string }>;
  serviceAccounts: Record<string, string>;
  templates: Template[];
  cascFor: (override: Map<string, string>) => string;
}

function generate(seed: number): Installation {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const agentRoles = Array.from({ length: 3 + Math.floor(r() * 3) }, (_, i) => `agent-${seed}-${i}`);
  const templates: Template[] = [];
  const serviceAccounts: Record<string, string> = {};
  const clouds = { ec2: 1 + Math.floor(r() * 2), ecs: 1 + Math.floor(r() * 2), k8s: Math.floor(r() * 2) };
  let n = 0;
  for (let c = 0; c < clouds.ec2; c++) {
    for (let t = 0; t < 1 + Math.floor(r() * 3); t++, n++) {
      const role = pick(agentRoles);
      templates.push({
        cloud: 'ec2',
        cloudIndex: c,
        name: `ec2-${c}-${t}`,
        labels: [`l${n}`, pick(['linux', 'windows', 'arm']), `ec2`],
        caller: `arn:aws:sts::${AGENTS}:assumed-role/${role}/i-*`,
        roleArn: `arn:aws:iam::${AGENTS}:role/${role}`,
      });
    }
  }
  for (let c = 0; c < clouds.ecs; c++) {
    const base = `ecs-${c}-base`;
    const baseRole = pick(agentRoles);
    templates.push({
      cloud: 'ecs',
      cloudIndex: c,
      name: base,
      labels: [`l${n++}`],
      caller: `arn:aws:iam::${AGENTS}:role/${baseRole}`,
      roleArn: `arn:aws:iam::${AGENTS}:role/${baseRole}`,
    });
    for (let t = 0; t < 1 + Math.floor(r() * 3); t++, n++) {
      // Half inherit their task role from the base template, half set their own.
      const own = r() < 0.5 ? pick(agentRoles) : null;
      const role = own ?? baseRole;
      templates.push({
        cloud: 'ecs',
        cloudIndex: c,
        name: `ecs-${c}-${t}`,
        labels: [`l${n}`],
        caller: `arn:aws:iam::${AGENTS}:role/${role}`,
        roleArn: `arn:aws:iam::${AGENTS}:role/${role}`,
        ...(own ? {} : { parent: base }),
      });
    }
  }
  for (let c = 0; c < clouds.k8s; c++) {
    for (let t = 0; t < 1 + Math.floor(r() * 2); t++, n++) {
      const role = pick(agentRoles);
      serviceAccounts[`ci/sa-${n}`] = `arn:aws:iam::${AGENTS}:role/${role}`;
      templates.push({
        cloud: 'k8s',
        cloudIndex: c,
        name: `pod-${c}-${t}`,
        labels: [`l${n}`],
        caller: `arn:aws:iam::${AGENTS}:role/${role}`,
        roleArn: `arn:aws:iam::${AGENTS}:role/${role}`,
      });
    }
  }

  // Target roles: trust a random subset of the agent roles, some need MFA, some an ExternalId; random max durations.
  const targets = Array.from({ length: 4 }, (_, i) => {
    const trusted = agentRoles.filter(() => r() < 0.5).map((a) => `arn:aws:iam::${AGENTS}:role/${a}`);
    const condition = pick([null, null, 'mfa', 'external-id']);
    return { name: `target-${i}`, trusted, condition, max: pick([3600, 7200, 43200]) };
  });
  const credentials: Record<string, { roleArn?: string; mfaSerial?: string }> = {};
  for (let i = 0; i < 3; i++) {
    const entry: { roleArn?: string; mfaSerial?: string } = {};
    if (r() < 0.7) entry.roleArn = `arn:aws:iam::${TARGET}:role/${pick(targets).name}`;
    if (r() < 0.5) entry.mfaSerial = `arn:aws:iam::${AGENTS}:mfa/user-${i}`;
    credentials[`cred-${i}`] = entry;
  }

  const trust = (t: (typeof targets)[number]) => ({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: t.trusted.length ? t.trusted : [`arn:aws:iam::${AGENTS}:root`] },
        Action: 'sts:AssumeRole',
        ...(t.condition === 'mfa'
          ? { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }
          : t.condition === 'external-id'
            ? { Condition: { StringEquals: { 'sts:ExternalId': 'x-123' } } }
            : {}),
      },
    ],
  });
  const ec2Trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  };
  const snapshotAgents = JSON.stringify({
    RoleDetailList: agentRoles.map((a) => ({
      RoleName: a,
      Arn: `arn:aws:iam::${AGENTS}:role/${a}`,
      AssumeRolePolicyDocument: ec2Trust,
      RolePolicyList: [
        {
          PolicyName: 'assume',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'sts:AssumeRole',
                Resource: r() < 0.8 ? '*' : `arn:aws:iam::${TARGET}:role/target-0`,
              },
            ],
          },
        },
      ],
      InstanceProfileList: [
        {
          InstanceProfileName: `${a}-profile`,
          Arn: `arn:aws:iam::${AGENTS}:instance-profile/${a}-profile`,
          Roles: [{ RoleName: a, Arn: `arn:aws:iam::${AGENTS}:role/${a}` }],
        },
      ],
    })),
  });
  const snapshotTarget = JSON.stringify({
    RoleDetailList: targets.map((t) => ({
      RoleName: t.name,
      Arn: `arn:aws:iam::${TARGET}:role/${t.name}`,
      AssumeRolePolicyDocument: trust(t),
      MaxSessionDuration: t.max,
    })),
  });

  // Pipeline labels: a template's own label, or a conjunction only that template satisfies.
  const labelCallers: Record<string, string> = {};
  const labelFor = (t: Template): string => {
    const text = t.cloud === 'ec2' && r() < 0.5 ? `${t.labels[0]} && ${t.labels[2]}` : t.labels[0];
    labelCallers[text] = t.caller;
    return text;
  };
  const target = () => `arn:aws:iam::${TARGET}:role/${pick(targets).name}`;
  const pipelines: Record<string, string> = {};
  for (let p = 0; p < 3; p++) {
    const top = pick(templates);
    const stageAgent = pick(templates);
    const cred = pick(Object.keys(credentials));
    pipelines[`p${p}/Jenkinsfile`] = `pipeline {
    agent { label '${labelFor(top)}' }
    stages {
        stage('shell') {
            steps {
                sh 'aws sts assume-role --role-arn ${target()} --role-session-name s${p} --duration-seconds ${pick([900, 3600, 7200])}'
            }
        }
        stage('per-stage agent') {
            agent { label '${labelFor(stageAgent)}' }
            steps {
                withAWS(role: '${target()}', useNode: true, duration: ${pick([900, 3600, 7200])}) {
                    sh 'aws s3 ls'
                }
                sh "aws sts assume-role --role-arn ${target()} --role-session-name t${p}"
            }
        }
        stage('credentials') {
            steps {
                withAWS(credentials: '${cred}', role: '${target()}', duration: 900) {
                    sh 'aws s3 ls'
                }
                withCredentials([aws(credentialsId: '${cred}', roleArn: '${target()}')]) {
                    sh 'aws s3 ls'
                }
            }
        }
    }
}
`;
    const node = pick(templates);
    pipelines[`s${p}/Jenkinsfile`] = `node('${labelFor(node)}') {
    stage('deploy') {
        sh 'aws sts assume-role --role-arn ${target()} --role-session-name n${p} --duration-seconds ${pick([900, 7200])}'
        withAWS(credentials: '${pick(Object.keys(credentials))}') {
            sh 'aws s3 ls'
        }
    }
}
`;
  }

  const cascFor = (override: Map<string, string>): string => {
    const lines = ['jenkins:', '  clouds:'];
    const roleName = (t: Template) => override.get(t.name) ?? t.roleArn.slice(t.roleArn.lastIndexOf('/') + 1);
    for (let c = 0; c < clouds.ec2; c++) {
      lines.push('    - amazonEC2:', `        name: ec2-${c}`, '        region: us-east-1', '        templates:');
      for (const t of templates.filter((x) => x.cloud === 'ec2' && x.cloudIndex === c)) {
        // Half by ARN, half by name (then the IAM data says which account holds the profile).
        const profile = `${roleName(t)}-profile`;
        lines.push(
          `          - description: ${t.name}`,
          `            labelString: "${t.labels.join(' ')}"`,
          `            iamInstanceProfile: ${t.name.endsWith('0') ? `arn:aws:iam::${AGENTS}:instance-profile/${profile}` : profile}`,
        );
      }
    }
    for (let c = 0; c < clouds.ecs; c++) {
      lines.push(
        '    - ecs:',
        `        name: ecs-${c}`,
        `        cluster: arn:aws:ecs:us-east-1:${AGENTS}:cluster/c${c}`,
        '        templates:',
      );
      for (const t of templates.filter((x) => x.cloud === 'ecs' && x.cloudIndex === c)) {
        lines.push(`          - templateName: ${t.name}`, `            label: ${t.labels[0]}`);
        if (t.parent && !override.has(t.name)) lines.push(`            inheritFrom: ${t.parent}`);
        else
          lines.push(
            `            taskrole: ${t.name.endsWith('1') ? `arn:aws:iam::${AGENTS}:role/${roleName(t)}` : roleName(t)}`,
          );
      }
    }
    for (let c = 0; c < clouds.k8s; c++) {
      lines.push('    - kubernetes:', `        name: k8s-${c}`, '        namespace: ci', '        templates:');
      for (const t of templates.filter((x) => x.cloud === 'k8s' && x.cloudIndex === c)) {
        const sa = Object.keys(serviceAccounts)
          .find((k) => k === `ci/sa-${t.labels[0].slice(1)}`)!
          .split('/')[1];
        lines.push(
          `          - name: ${t.name}`,
          `            label: ${t.labels[0]}`,
          `            serviceAccount: ${override.has(t.name) ? `other-${t.name}` : sa}`,
        );
      }
    }
    lines.push('credentials:', '  system:', '    domainCredentials:', '      - credentials:');
    for (const [id, c] of Object.entries(credentials)) {
      lines.push(
        '          - aws:',
        `              id: ${id}`,
        '              accessKey: "${AWS_KEY_' + id.replace('-', '_') + '}"',
        '              secretKey: "${AWS_SECRET}"',
      );
      if (c.roleArn) lines.push(`              iamRoleArn: ${c.roleArn}`);
      if (c.mfaSerial) lines.push(`              iamMfaSerialNumber: ${c.mfaSerial}`);
    }
    return lines.join('\n') + '\n';
  };
  return {
    casc: cascFor(new Map()),
    snapshotAgents,
    snapshotTarget,
    pipelines,
    labelCallers,
    credentials,
    serviceAccounts,
    templates,
    cascFor,
  };
}

interface Scan {
  findings: Array<{ file: string; line: number; column: number; code: string; message: string }>;
  usages: Array<{ file: string; line: number; caller: string | null; callerSource: { kind: string } }>;
  errors: unknown[];
}

async function scan(dir: string, extra: string[]): Promise<Scan> {
  const io = recordingIo(dir);
  const code = await main(
    [
      'scan',
      'pipelines',
      '--format',
      'json',
      '--iam-snapshot',
      'iam/agents.json',
      '--iam-snapshot',
      'iam/target.json',
      ...extra,
    ],
    io,
  );
  assert.ok(code === 0 || code === 1, io.err);
  return JSON.parse(io.out) as Scan;
}

function lay(dir: string, inst: Installation): void {
  mkdirSync(join(dir, 'iam'), { recursive: true });
  writeFileSync(join(dir, 'iam', 'agents.json'), inst.snapshotAgents);
  writeFileSync(join(dir, 'iam', 'target.json'), inst.snapshotTarget);
  for (const [file, text] of Object.entries(inst.pipelines)) {
    mkdirSync(join(dir, 'pipelines', file, '..'), { recursive: true });
    writeFileSync(join(dir, 'pipelines', file), text);
  }
}

const comparable = (s: Scan) => s.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.message}`);

describe('jenkins: a scan with only --jenkins-casc equals one with the equivalent hand-written callers', function () {
  this.timeout(60000);
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`installation ${seed}: same findings; a label JCasC runs as another role changes exactly its usages`, async () => {
      const inst = generate(seed);
      const dir = mkdtempSync(join(tmpdir(), `rolecall-casc-${seed}-`));
      dirs.push(dir);
      lay(dir, inst);
      writeFileSync(join(dir, 'jenkins.yaml'), inst.casc);
      // Kubernetes roles live in the cluster (IRSA): both scans get the same service account mapping.
      writeFileSync(join(dir, 'casc-only.json'), JSON.stringify({ serviceAccounts: inst.serviceAccounts }));
      writeFileSync(
        join(dir, 'hand-written.json'),
        JSON.stringify({ callers: { agents: inst.labelCallers }, awsCredentials: inst.credentials }),
      );

      const fromCasc = await scan(dir, ['--config', 'casc-only.json', '--jenkins-casc', 'jenkins.yaml']);
      const byHand = await scan(dir, ['--config', 'hand-written.json']);
      assert.deepEqual(fromCasc.errors, [], 'the generated JCasC reads without problems');
      assert.ok(fromCasc.usages.length >= 15);
      assert.deepEqual(
        fromCasc.usages.map((u) => [u.file, u.line, u.caller]),
        byHand.usages.map((u) => [u.file, u.line, u.caller]),
      );
      assert.deepEqual(comparable(fromCasc), comparable(byHand));
      assert.ok(
        fromCasc.usages.some((u) => u.callerSource.kind === 'jenkins-casc'),
        'callers came from the JCasC',
      );
      assert.ok(byHand.usages.every((u) => u.callerSource.kind !== 'jenkins-casc'));

      // Now the JCasC says one template used by a pipeline runs as another role (one no target trusts).
      const used = inst.templates.filter(
        (t) =>
          Object.values(inst.labelCallers).includes(t.caller) &&
          Object.keys(inst.labelCallers).some((l) => l.split(' && ')[0] === t.labels[0]),
      );
      const moved = used[seed % used.length];
      const stranger = `stranger-${seed}`;
      const snapshot = JSON.parse(inst.snapshotAgents) as { RoleDetailList: unknown[] };
      snapshot.RoleDetailList.push({
        RoleName: stranger,
        Arn: `arn:aws:iam::${AGENTS}:role/${stranger}`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        InstanceProfileList: [
          {
            InstanceProfileName: `${stranger}-profile`,
            Arn: `arn:aws:iam::${AGENTS}:instance-profile/${stranger}-profile`,
            Roles: [],
          },
        ],
      });
      writeFileSync(join(dir, 'iam', 'agents.json'), JSON.stringify(snapshot));
      const serviceAccounts = {
        ...inst.serviceAccounts,
        [`ci/other-${moved.name}`]: `arn:aws:iam::${AGENTS}:role/${stranger}`,
      };
      writeFileSync(join(dir, 'casc-only.json'), JSON.stringify({ serviceAccounts }));
      writeFileSync(join(dir, 'jenkins.yaml'), inst.cascFor(new Map([[moved.name, stranger]])));
      const changed = await scan(dir, ['--config', 'casc-only.json', '--jenkins-casc', 'jenkins.yaml']);
      const expectedCaller =
        moved.cloud === 'ec2'
          ? `arn:aws:sts::${AGENTS}:assumed-role/${stranger}/i-*`
          : `arn:aws:iam::${AGENTS}:role/${stranger}`;
      const movedLabels = Object.keys(inst.labelCallers).filter((l) => l.split(' && ')[0] === moved.labels[0]);
      let differing = 0;
      for (let i = 0; i < changed.usages.length; i++) {
        const before = byHand.usages[i];
        const after = changed.usages[i];
        if (before.caller === after.caller) continue;
        differing++;
        assert.equal(after.caller, expectedCaller, `${after.file}:${after.line} now runs as the role the JCasC names`);
      }
      // Every usage on the moved label changed caller, and only those; the findings differ exactly there.
      const onMoved = changed.usages.filter((u) => u.caller === expectedCaller);
      assert.equal(onMoved.length, differing);
      assert.ok(differing > 0 || movedLabels.length === 0);
      const movedLines = new Set(onMoved.map((u) => `${u.file}:${u.line}`));
      const outside = (s: Scan) =>
        comparable({ ...s, findings: s.findings.filter((f) => !movedLines.has(`${f.file}:${f.line}`)) });
      assert.deepEqual(outside(changed), outside(byHand), 'findings elsewhere are unchanged');
      const inside = (s: Scan) =>
        comparable({ ...s, findings: s.findings.filter((f) => movedLines.has(`${f.file}:${f.line}`)) });
      if (differing > 0)
        assert.notDeepEqual(
          inside(changed),
          inside(byHand),
          'the usages that now run as a role nobody trusts get other findings',
        );
    });
  }
});
