import { strict as assert } from 'node:assert';
import { analyze, ctx, extract, lineCol, slice, VAULT, HUB } from './helpers';

describe('extract: withCredentials AWS bindings', () => {
  const text = [
    'node {',
    "  withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'alice', accessKeyVariable: 'AWS_ACCESS_KEY_ID',",
    "                    secretKeyVariable: 'AWS_SECRET_ACCESS_KEY', roleArn: 'arn:aws:iam::222222222222:role/deployer', roleSessionDurationSeconds: 0]]) {",
    "    sh 'aws s3 ls'",
    '  }',
    "  withCredentials([aws(credentialsId: 'alice', roleArn: 'arn:aws:iam::222222222222:role/reader', roleSessionName: 'reader-ci', roleSessionDurationSeconds: 1800)]) {",
    "    sh 'aws s3 ls'",
    '  }',
    '}',
  ].join('\n');

  it('anchors on withCredentials and applies the binding defaults', () => {
    const { usages } = extract(text);
    assert.equal(usages.length, 2);
    const [a, b] = usages;
    assert.equal(a.kind, 'credentials-binding');
    assert.equal(slice(text, a.anchor), 'withCredentials');
    assert.deepEqual(lineCol(text, a.anchor.start), { line: 2, column: 3 });
    assert.equal(a.roleArn, 'arn:aws:iam::222222222222:role/deployer');
    assert.equal(a.roleAccount, '222222222222');
    assert.equal(a.duration, null, 'roleSessionDurationSeconds 0 means the STS default');
    // Choice documented here: the plugin sends "Jenkins" when no session name is set, and that is what
    // STS (and a trust policy's sts:RoleSessionName condition) sees, so the usage reports "Jenkins".
    assert.equal(a.roleSessionName, 'Jenkins');
    assert.equal(a.externalId.present, false);
    assert.equal(a.mfa, false);
    assert.equal(a.credentialsId, 'alice');
    assert.equal(a.caller, `arn:aws:iam::${HUB}:user/alice`);
    assert.equal(b.roleArn, 'arn:aws:iam::222222222222:role/reader');
    assert.equal(b.roleSessionName, 'reader-ci');
    assert.equal(b.duration, 1800);
    assert.deepEqual(lineCol(text, b.anchor.start), { line: 6, column: 3 });
  });

  it('a binding without roleArn is a usage that assumes no role, with one static-credentials warning', () => {
    const t =
      "withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: 'jenkins-static-ecr-user', accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY']]) {\n  sh 'aws ecr get-login-password'\n}";
    const { usages, findings } = analyze(t);
    assert.equal(usages.length, 1);
    assert.equal(usages[0].kind, 'credentials-binding');
    assert.equal(usages[0].assumesRole, false);
    assert.equal(usages[0].roleArn, null);
    assert.equal(usages[0].credentialsId, 'jenkins-static-ecr-user');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].code, 'static-credentials');
    assert.equal(findings[0].severity, 'warning');
    assert.equal(slice(t, findings[0].range), 'withCredentials');
    assert.match(findings[0].message, /jenkins-static-ecr-user/);
    assert.match(findings[0].message, /roleArn/);
  });

  it('a binding without roleArn whose credential has its own role is a usage of that role, not static keys', () => {
    const t =
      "withCredentials([aws(credentialsId: 'chained', accessKeyVariable: 'AWS_ACCESS_KEY_ID', secretKeyVariable: 'AWS_SECRET_ACCESS_KEY')]) { sh 'aws s3 ls' }";
    const { usages, findings } = analyze(t);
    assert.deepEqual(findings, []);
    assert.equal(usages[0].kind, 'credentials-binding');
    assert.equal(usages[0].roleArn, 'arn:aws:iam::555555555555:role/hop');
    assert.equal(usages[0].roleSessionName, 'Jenkins');
    assert.equal(usages[0].caller, `arn:aws:iam::${HUB}:user/ci`);
  });

  it('AWS keys bound as username/password are static credentials too', () => {
    const t =
      "withCredentials([usernamePassword(credentialsId: 'aws-keys', usernameVariable: 'AWS_ACCESS_KEY_ID', passwordVariable: 'AWS_SECRET_ACCESS_KEY')]) { sh 'aws s3 ls' }";
    const { usages, findings } = analyze(t);
    assert.equal(usages.length, 0);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['static-credentials'],
    );
    assert.match(findings[0].message, /aws-keys/);
  });

  it("AWS keys bound with the map form [$class: 'UsernamePasswordMultiBinding'] or a computed id are static credentials too", () => {
    const mapForm = [
      'node {',
      "  withCredentials([[$class: 'UsernamePasswordMultiBinding', credentialsId: 'legacy-keys',",
      "                    usernameVariable: 'AWS_ACCESS_KEY_ID', passwordVariable: 'AWS_SECRET_ACCESS_KEY']]) {",
      '    sh "aws s3 ls --profile ${AWS_ACCESS_KEY_ID}"',
      '  }',
      '}',
    ].join('\n');
    const a = analyze(mapForm);
    assert.equal(a.usages.length, 0);
    assert.deepEqual(
      a.findings.map((f) => [f.code, lineCol(mapForm, f.range.start).line]),
      [['static-credentials', 2]],
    );
    assert.match(a.findings[0].message, /credential 'legacy-keys'/);
    const computed = [
      'def call(Map opts) {',
      "  withCredentials([usernamePassword(credentialsId: opts.keys, usernameVariable: 'AWS_ACCESS_KEY_ID', passwordVariable: 'AWS_SECRET_ACCESS_KEY')]) {",
      "    sh 'aws s3 ls'",
      '  }',
      '}',
    ].join('\n');
    const b = analyze(computed);
    assert.deepEqual(
      b.findings.map((f) => f.code),
      ['static-credentials'],
    );
    assert.match(b.findings[0].message, /the credential given by opts\.keys as AWS_ACCESS_KEY_ID/);
    // Other username/password bindings are not AWS keys.
    const other =
      "withCredentials([[$class: 'UsernamePasswordMultiBinding', credentialsId: 'git', usernameVariable: 'GIT_USER', passwordVariable: 'GIT_TOKEN']]) { sh 'git fetch' }";
    assert.deepEqual(analyze(other).findings, []);
  });

  it('an access key id bound from secret text (environment credentials(), string(), StringBinding) is a static key', () => {
    const text = [
      'pipeline {',
      '  agent any',
      '  environment {',
      "    AWS_ACCESS_KEY_ID = credentials('key-id-text')",
      "    AWS_SECRET_ACCESS_KEY = credentials('key-secret-text')",
      "    GITHUB_TOKEN = credentials('gh-token')",
      '  }',
      '  stages {',
      "    stage('deploy') {",
      '      steps {',
      "        withCredentials([string(credentialsId: 'other-id-text', variable: 'AWS_ACCESS_KEY_ID')]) { sh 'aws s3 ls' }",
      "        withCredentials([[$class: 'StringBinding', credentialsId: 'third-id-text', variable: 'AWS_ACCESS_KEY_ID']]) { sh 'aws s3 ls' }",
      "        withCredentials([string(credentialsId: 'npm-token', variable: 'NPM_TOKEN')]) { sh 'npm publish' }",
      '      }',
      '    }',
      '  }',
      '}',
    ].join('\n');
    const { usages, findings } = analyze(text);
    assert.equal(usages.length, 0);
    assert.deepEqual(
      findings.map((f) => [f.code, lineCol(text, f.range.start).line]),
      [
        ['static-credentials', 4],
        ['static-credentials', 11],
        ['static-credentials', 12],
      ],
    );
    assert.match(findings[0].message, /^environment binds secret text 'key-id-text' as AWS_ACCESS_KEY_ID/);
    assert.match(findings[1].message, /^withCredentials binds secret text 'other-id-text' as AWS_ACCESS_KEY_ID/);
    assert.match(findings[2].message, /'third-id-text'/);
  });

  it('string credentials bind variables: $x, env.x and "${x}" resolve to the credential', () => {
    const t = [
      "withCredentials([string(credentialsId: 'ExternalId', variable: 'external_id')]) {",
      '  withAWS(role: \'arn:aws:iam::222222222222:role/a\', externalId: "$external_id") {}',
      "  withAWS(role: 'arn:aws:iam::222222222222:role/b', externalId: env.external_id) {}",
      '  withAWS(role: \'arn:aws:iam::222222222222:role/c\', externalId: "${external_id}") {}',
      '}',
    ].join('\n');
    const without = extract(t).usages;
    for (const u of without) {
      assert.equal(u.externalId.present, true);
      assert.equal(u.externalId.resolved?.origin.source, 'credential');
      assert.equal(u.externalId.resolved?.origin.reference, 'ExternalId');
      assert.equal(u.externalId.resolved?.value, null);
      assert.equal(u.externalId.resolved?.secret, true);
      assert.match(
        u.externalId.resolved!.origin.description,
        /credential 'ExternalId' bound to \$external_id at line 1/,
      );
      assert.deepEqual(u.boundStringCredentials, [{ variable: 'external_id', credentialsId: 'ExternalId' }]);
    }
    const withValue = extract(t, ctx({ credentials: { ExternalId: 's3cr3t-value' } })).usages;
    assert.equal(withValue[0].externalId.resolved?.value, 's3cr3t-value');
    assert.equal(withValue[0].externalId.resolved?.secret, true);
    const { findings } = analyze(t);
    const infos = findings.filter((f) => f.code === 'unresolved-reference');
    assert.equal(infos.length, 3);
    assert.match(infos[0].message, /--credentials-file/);
  });

  it("a credentials parameter whose default is '' has no default credential: the binding's credential is given at build time", () => {
    const lines = (dflt: string): string =>
      [
        'pipeline {',
        '  agent any',
        '  parameters {',
        `    credentials(name: 'KEYS', ${dflt}description: 'keys to deploy with', required: true)`,
        '  }',
        '  stages {',
        "    stage('deploy') {",
        '      steps {',
        `        withCredentials([[$class: 'AmazonWebServicesCredentialsBinding', credentialsId: "\${KEYS}"]]) {`,
        "          sh 'aws s3 ls'",
        '        }',
        '      }',
        '    }',
        '  }',
        '}',
      ].join('\n');
    const empty = analyze(lines("defaultValue: '', "));
    assert.equal(empty.usages.length, 1);
    assert.equal(empty.usages[0].credentialsId, null);
    assert.match(empty.findings[0].message, /parameter KEYS \(line 4, no default\)/);
    assert.doesNotMatch(empty.findings[0].message, /credential ''/);
    // A default that names a credential is still the value the scan uses.
    const named = analyze(lines("defaultValue: 'deploy-keys', "));
    assert.equal(named.usages[0].credentialsId, 'deploy-keys');
  });
});

describe('extract: withVault', () => {
  const vault = (path: string): string =>
    `withVault(configuration: [vaultUrl: 'https://vault:8200', vaultCredentialId: 'approle'],\n          vaultSecrets: [[path: '${path}', secretValues: [[envVar: 'AWS_ACCESS_KEY_ID', vaultKey: 'access_key']]]]) {\n  sh 'aws s3 ls'\n}`;

  it('maps aws/sts/NAME through vaultRoles; the caller is the Vault server', () => {
    const t = vault('aws/sts/jenkins-ecr-push');
    const [u] = extract(t).usages;
    assert.equal(u.kind, 'vault');
    assert.equal(slice(t, u.anchor), 'withVault');
    assert.equal(u.roleArn, 'arn:aws:iam::444444444444:role/jenkins-ecr-push-role');
    assert.equal(u.caller, VAULT);
    assert.equal(u.vaultPath, 'aws/sts/jenkins-ecr-push');
    assert.equal(u.duration, null);
  });

  it('reads role_arn and ttl from the path', () => {
    const [u] = extract(vault('aws/creds/other?role_arn=arn:aws:iam::333333333333:role/deploy-role&ttl=15m')).usages;
    assert.equal(u.roleArn, 'arn:aws:iam::333333333333:role/deploy-role');
    assert.equal(u.duration, 900);
  });

  it('an unmapped Vault role says how to map it in .rolecall.json', () => {
    const { usages, findings } = analyze(vault('aws/sts/unknown-role'));
    assert.equal(usages[0].roleArn, null);
    const f = findings.find((x) => x.code === 'unresolved-reference')!;
    assert.match(f.message, /"vaultRoles": \{"unknown-role": "arn:aws:iam::ACCOUNT:role\/NAME"\}/);
  });

  it('other Vault secrets are not usages', () => {
    assert.equal(extract(vault('secret/data/app')).usages.length, 0);
  });
});
