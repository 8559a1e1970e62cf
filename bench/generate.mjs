// Deterministic generators for the benchmark inputs: one large realistic Jenkinsfile (parser benchmark)
// and a workspace of many small pipelines that reference a fixed set of roles across accounts
// (scan-scale benchmark). Same seed → byte-identical output, so ratios are comparable across runs.
//
//   node bench/generate.mjs jenkinsfile [LINES] > Jenkinsfile
//   node bench/generate.mjs workspace DIR [FILES] [ROLES]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Small seeded PRNG (mulberry32): deterministic across Node versions. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

export const HUB_ACCOUNT = '111111111111';
export const TARGET_ACCOUNTS = ['222222222222', '333333333333', '444444444444', '555555555555', '666666666666'];
export const AGENT_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/jenkins-agent`;
export const CONTROLLER_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/jenkins-controller`;
export const VAULT_ROLE = `arn:aws:iam::${HUB_ACCOUNT}:role/vault-server`;

const SERVICES = [
  'billing',
  'catalog',
  'checkout',
  'search',
  'identity',
  'ledger',
  'notify',
  'media',
  'reports',
  'gateway',
];
const ENVS = ['dev', 'test', 'acc', 'prod'];
const LABELS = ['AgentAccountDev', 'AgentAccountTest', 'AgentAccountProd', 'docker', 'linux-large'];

/** A ~`targetLines`-line Jenkinsfile mixing declarative and scripted Groovy with every kind of AWS usage. */
export function generateJenkinsfile(targetLines = 5000, seed = 20261123) {
  const r = rng(seed);
  const out = [];
  const push = (...lines) => out.push(...lines);

  push(
    "@Library('sre-pipeline-library@main') _",
    '',
    'import groovy.json.JsonSlurperClassic',
    'import groovy.transform.Field',
    '',
    '/*',
    ' * Release pipeline for the platform services.',
    " * Roles are assumed per environment; see withAWS(role: 'jenkins') below (this comment is not a usage).",
    ' */',
    '',
    '@Field def ACCOUNTS = [',
    ...TARGET_ACCOUNTS.map((a, i) => `    ${ENVS[i % ENVS.length]}${i}: '${a}',`),
    ']',
    '',
    "@Field String DEFAULT_REGION = 'eu-west-1'",
    '',
  );

  // Scripted helpers: functions with node blocks, closures, maps, GStrings, shell assume-role.
  let helper = 0;
  const scriptedHelper = () => {
    const n = helper++;
    const svc = r.pick(SERVICES);
    const acct = r.pick(TARGET_ACCOUNTS);
    const label = r.pick(LABELS);
    push(
      `// Scripted deploy helper #${n} for ${svc}`,
      `def deploy${n}(Map cfg = [:]) {`,
      `    def region = cfg.region ?: DEFAULT_REGION`,
      `    def services = ['${svc}', '${r.pick(SERVICES)}', "${svc}-worker"]`,
      `    node('${label}') {`,
      `        stage("Deploy ${svc} #${n}") {`,
      `            def roleArn = "arn:aws:iam::${acct}:role/deploy-${svc}"`,
      `            def creds = sh(returnStdout: true, script: """`,
      `                aws sts assume-role \\`,
      `                    --role-arn \${roleArn} \\`,
      `                    --role-session-name jenkins-\${env.BUILD_NUMBER} \\`,
      `                    --duration-seconds ${r.pick([900, 1800, 3600])} \\`,
      `                    --query Credentials --output json`,
      `            """).trim()`,
      `            def parsed = new JsonSlurperClassic().parseText(creds)`,
      `            withEnv(["AWS_ACCESS_KEY_ID=\${parsed.AccessKeyId}", "AWS_SECRET_ACCESS_KEY=\${parsed.SecretAccessKey}", "AWS_SESSION_TOKEN=\${parsed.SessionToken}"]) {`,
      `                services.eachWithIndex { name, idx ->`,
      `                    echo "deploying \${name} (\${idx + 1}/\${services.size()}) to \${region}"`,
      `                    sh "aws ecs update-service --cluster ${svc}-\${region} --service \${name} --force-new-deployment"`,
      `                }`,
      `            }`,
      `        }`,
      `    }`,
      `    return services.collect { it.toUpperCase() }.join(',')`,
      `}`,
      '',
    );
  };

  const withAwsStep = (indent, n) => {
    const svc = r.pick(SERVICES);
    const style = r.int(0, 3);
    const pad = ' '.repeat(indent);
    if (style === 0) {
      push(
        `${pad}withAWS(role: 'deploy-${svc}', roleAccount: params.ROLE_ACCOUNT, externalId: env.EXTERNAL_ID, duration: ${r.pick([900, 3600, 7200])}, roleSessionName: "jenkins-\${env.BUILD_NUMBER}", region: 'eu-west-1') {`,
        `${pad}    sh "aws s3 sync build/ s3://artifacts-${svc}-${n}/\${env.GIT_COMMIT}/ --only-show-errors"`,
        `${pad}}`,
      );
    } else if (style === 1) {
      push(
        `${pad}withAWS(role: "arn:aws:iam::${r.pick(TARGET_ACCOUNTS)}:role/jenkins", externalId: 'team-${svc}', useNode: true) {`,
        `${pad}    script {`,
        `${pad}        def outputs = [bucket: "artifacts-${svc}", key: "releases/\${params.VERSION}/${svc}.zip", retries: 3]`,
        `${pad}        outputs.each { k, v -> echo "\${k} = \${v}" }`,
        `${pad}    }`,
        `${pad}}`,
      );
    } else if (style === 2) {
      push(
        `${pad}withCredentials([[`,
        `${pad}    $class: 'AmazonWebServicesCredentialsBinding',`,
        `${pad}    credentialsId: 'aws-${svc}',`,
        `${pad}    accessKeyVariable: 'AWS_ACCESS_KEY_ID',`,
        `${pad}    secretKeyVariable: 'AWS_SECRET_ACCESS_KEY',`,
        `${pad}    roleArn: 'arn:aws:iam::${r.pick(TARGET_ACCOUNTS)}:role/ci-${svc}',`,
        `${pad}    roleSessionName: 'jenkins-${svc}',`,
        `${pad}    roleSessionDurationSeconds: ${r.pick([0, 900, 3600])}`,
        `${pad}]]) {`,
        `${pad}    sh 'aws sts get-caller-identity'`,
        `${pad}}`,
      );
    } else {
      push(
        `${pad}withVault(configuration: [vaultUrl: 'https://vault.example.internal', vaultCredentialId: 'vault-approle'],`,
        `${pad}          vaultSecrets: [[path: 'aws/sts/jenkins-ecr-push-role', engineVersion: 1, secretValues: [`,
        `${pad}              [envVar: 'AWS_ACCESS_KEY_ID', vaultKey: 'access_key'],`,
        `${pad}              [envVar: 'AWS_SECRET_ACCESS_KEY', vaultKey: 'secret_key'],`,
        `${pad}              [envVar: 'AWS_SESSION_TOKEN', vaultKey: 'security_token']]]]) {`,
        `${pad}    sh '''`,
        `${pad}        aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin 444444444444.dkr.ecr.eu-west-1.amazonaws.com`,
        `${pad}        docker push 444444444444.dkr.ecr.eu-west-1.amazonaws.com/${svc}:latest`,
        `${pad}    '''`,
        `${pad}}`,
      );
    }
  };

  // Emit most helpers before the pipeline, leaving room for the stages.
  const helperCount = Math.max(2, Math.round(targetLines / 200));
  for (let i = 0; i < helperCount; i++) scriptedHelper();

  push(
    'pipeline {',
    "    agent { label 'AgentAccountDev' }",
    '    options {',
    "        timeout(time: 2, unit: 'HOURS')",
    "        buildDiscarder(logRotator(numToKeepStr: '30'))",
    '        disableConcurrentBuilds()',
    '    }',
    '    parameters {',
    "        string(name: 'ROLE_ACCOUNT', defaultValue: '222222222222', description: 'Account to deploy into')",
    "        string(name: 'VERSION', defaultValue: '1.0.0', description: 'Release version')",
    "        choice(name: 'TARGET_ENV', choices: ['dev', 'test', 'acc', 'prod'], description: 'Environment')",
    "        booleanParam(name: 'DRY_RUN', defaultValue: true, description: 'Plan only')",
    '    }',
    '    environment {',
    "        EXTERNAL_ID = credentials('jenkins-external-id')",
    "        AWS_DEFAULT_REGION = 'eu-west-1'",
    '        BUILD_TAG_SHORT = "${env.JOB_NAME}-${env.BUILD_NUMBER}"',
    '    }',
    '    stages {',
  );

  const closing = [
    '    }',
    '    post {',
    '        always {',
    "            echo 'done'",
    "            archiveArtifacts artifacts: 'reports/**', allowEmptyArchive: true",
    '        }',
    '        failure {',
    '            script {',
    '                def msg = "Build ${env.BUILD_NUMBER} failed: ${currentBuild.currentResult}"',
    "                slackSend(channel: '#deploys', color: 'danger', message: msg)",
    '            }',
    '        }',
    '    }',
    '}',
  ];

  let stage = 0;
  while (out.length + closing.length < targetLines - 12) {
    const n = stage++;
    const svc = r.pick(SERVICES);
    push(`        stage('Build and deploy ${svc} ${n}') {`);
    if (r.chance(0.3)) push(`            agent { label '${r.pick(LABELS)}' }`);
    if (r.chance(0.3)) {
      push(
        `            when {`,
        `                anyOf { branch 'main'; expression { params.TARGET_ENV == '${r.pick(ENVS)}' } }`,
        `            }`,
      );
    }
    if (r.chance(0.25))
      push(
        `            environment {`,
        `                STAGE_ROLE = 'arn:aws:iam::${r.pick(TARGET_ACCOUNTS)}:role/stage-${svc}'`,
        `            }`,
      );
    push(`            steps {`);
    push(`                // ${svc}: compile, test, then publish with the environment's role`);
    push(`                sh "./gradlew :${svc}:build -Pversion=\${params.VERSION} --no-daemon"`);
    const steps = r.int(1, 2);
    for (let s = 0; s < steps; s++) withAwsStep(16, n);
    if (r.chance(0.35)) {
      push(
        `                script {`,
        `                    def matrix = [${ENVS.map((e) => `'${e}': ${r.int(1, 9)}`).join(', ')}]`,
        `                    def total = matrix.values().sum()`,
        `                    if (params.DRY_RUN && total > ${r.int(5, 30)}) {`,
        `                        echo "dry run: \${total} replicas across \${matrix.size()} environments"`,
        `                    } else {`,
        `                        matrix.findAll { e, c -> c > 2 }.each { e, c ->`,
        `                            sh(script: "kubectl scale deploy/${svc} --replicas=\${c} -n \${e}", returnStatus: true)`,
        `                        }`,
        `                    }`,
        `                    /* not a usage: withAWS(role: 'commented-out') */`,
        `                    def note = 'aws sts assume-role --role-arn arn:aws:iam::999999999999:role/not-executed'`,
        `                    echo note.take(12)`,
        `                }`,
      );
    }
    if (r.chance(0.2)) push(`                deploy${r.int(0, helperCount - 1)}(region: 'eu-central-1')`);
    push(`            }`, `        }`);
  }
  push(...closing);
  while (out.length < targetLines) out.push('// end of generated pipeline');
  return out.join('\n') + '\n';
}

/** Trust policy variants a benchmark workspace uses, typical of the seeds. */
export function trustPolicyFor(index, account) {
  const variant = index % 4;
  const hubRoot = `arn:aws:iam::${HUB_ACCOUNT}:root`;
  if (variant === 0) {
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: hubRoot },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': `ext-${account}-${index}` } },
        },
      ],
    };
  }
  if (variant === 1) {
    return {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: AGENT_ROLE }, Action: 'sts:AssumeRole' }],
    };
  }
  if (variant === 2) {
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ForceMFA',
          Effect: 'Allow',
          Principal: { AWS: hubRoot },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    };
  }
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: [AGENT_ROLE, CONTROLLER_ROLE] },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
      },
    ],
  };
}

/** The roles of a benchmark workspace, spread evenly over the target accounts. */
export function workspaceRoles(roleCount = 200) {
  const roles = [];
  for (let i = 0; i < roleCount; i++) {
    const account = TARGET_ACCOUNTS[i % TARGET_ACCOUNTS.length];
    const name = `svc-${String(i).padStart(3, '0')}-deploy`;
    roles.push({
      index: i,
      account,
      name,
      arn: `arn:aws:iam::${account}:role/${name}`,
      trustPolicy: trustPolicyFor(i, account),
      maxSessionDuration: i % 3 === 0 ? 7200 : 3600,
    });
  }
  return roles;
}

/** A get-account-authorization-details snapshot for one account. */
export function snapshotFor(account, roles) {
  const details = roles
    .filter((role) => role.account === account)
    .map((role) => ({
      Path: '/',
      RoleName: role.name,
      RoleId: `AROA${String(role.index).padStart(17, '0')}`,
      Arn: role.arn,
      AssumeRolePolicyDocument: role.trustPolicy,
      MaxSessionDuration: role.maxSessionDuration,
      RolePolicyList: [],
      AttachedManagedPolicies: [],
      Tags: [],
    }));
  if (account === HUB_ACCOUNT) {
    const assumeAny = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
    };
    for (const [name, service] of [
      ['jenkins-agent', 'ec2.amazonaws.com'],
      ['jenkins-controller', 'ec2.amazonaws.com'],
      ['vault-server', 'ec2.amazonaws.com'],
    ]) {
      details.push({
        Path: '/',
        RoleName: name,
        RoleId: `AROAHUB${name.toUpperCase().replace(/-/g, '')}`.slice(0, 21),
        Arn: `arn:aws:iam::${HUB_ACCOUNT}:role/${name}`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
        },
        MaxSessionDuration: 3600,
        RolePolicyList: [{ PolicyName: 'assume-targets', PolicyDocument: assumeAny }],
        AttachedManagedPolicies: [],
        Tags: [],
      });
    }
  }
  return { RoleDetailList: details, UserDetailList: [], GroupDetailList: [], Policies: [] };
}

/** One small pipeline referencing a few of the roles (every role is referenced somewhere). */
function workspacePipeline(fileIndex, roles, r) {
  const lines = [
    `// service ${fileIndex}: generated for the scan-scale benchmark`,
    'pipeline {',
    "    agent { label 'AgentAccountDev' }",
    '    parameters {',
    `        string(name: 'VERSION', defaultValue: '1.${fileIndex}.0', description: 'Release')`,
    '    }',
    '    stages {',
  ];
  const picks = [roles[fileIndex % roles.length], r.pick(roles), r.pick(roles)];
  picks.forEach((role, k) => {
    lines.push(`        stage('step ${k}') {`, '            steps {');
    const style = (fileIndex + k) % 3;
    if (style === 0) {
      const ext = role.index % 4 === 0 ? `, externalId: 'ext-${role.account}-${role.index}'` : '';
      lines.push(
        `                withAWS(role: '${role.name}', roleAccount: '${role.account}'${ext}, duration: 900, roleSessionName: 'bench-${fileIndex}', useNode: true) {`,
        `                    sh "aws s3 ls s3://bucket-${fileIndex}-${k}/\${params.VERSION}/"`,
        '                }',
      );
    } else if (style === 1) {
      const ext = role.index % 4 === 0 ? ` --external-id ext-${role.account}-${role.index}` : '';
      lines.push(
        `                sh "aws sts assume-role --role-arn ${role.arn} --role-session-name bench-${fileIndex}${ext} > creds.json"`,
      );
    } else {
      lines.push(
        "                withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'aws-ci',",
        `                                  roleArn: '${role.arn}', roleSessionName: 'bench-${fileIndex}', roleSessionDurationSeconds: 900]]) {`,
        "                    sh 'aws sts get-caller-identity'",
        '                }',
      );
    }
    lines.push('            }', '        }');
  });
  lines.push('    }', '}', '');
  return lines.join('\n');
}

/**
 * Writes `files` pipelines referencing `roleCount` roles, per-account IAM snapshots and a .rolecall.json
 * into dir. Returns the roles and the paths written.
 */
export function generateWorkspace(dir, files = 1000, roleCount = 200, seed = 7) {
  const r = rng(seed);
  const roles = workspaceRoles(roleCount);
  mkdirSync(join(dir, 'iam'), { recursive: true });
  const snapshots = [];
  for (const account of [HUB_ACCOUNT, ...TARGET_ACCOUNTS]) {
    const file = join(dir, 'iam', `${account}.json`);
    writeFileSync(file, JSON.stringify(snapshotFor(account, roles), null, 2));
    snapshots.push(file);
  }
  for (let i = 0; i < files; i++) {
    const sub = join(dir, 'services', `svc-${String(i).padStart(4, '0')}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'Jenkinsfile'), workspacePipeline(i, roles, r));
  }
  const config = {
    callers: { controller: CONTROLLER_ROLE, agents: { '*': AGENT_ROLE }, vault: VAULT_ROLE, default: AGENT_ROLE },
    awsCredentials: { 'aws-ci': { principal: AGENT_ROLE } },
  };
  writeFileSync(join(dir, '.rolecall.json'), JSON.stringify(config, null, 2));
  return {
    roles,
    snapshots,
    hubSnapshot: snapshots[0],
    configFile: join(dir, '.rolecall.json'),
    pipelineDir: join(dir, 'services'),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [what, ...rest] = process.argv.slice(2);
  if (what === 'jenkinsfile') {
    process.stdout.write(generateJenkinsfile(Number(rest[0] ?? 5000)));
  } else if (what === 'workspace' && rest[0]) {
    const result = generateWorkspace(rest[0], Number(rest[1] ?? 1000), Number(rest[2] ?? 200));
    console.log(
      `wrote ${rest[1] ?? 1000} pipelines, ${result.roles.length} roles, ${result.snapshots.length} snapshots under ${rest[0]}`,
    );
  } else {
    console.error('usage: node bench/generate.mjs jenkinsfile [LINES] | workspace DIR [FILES] [ROLES]');
    process.exitCode = 2;
  }
}
