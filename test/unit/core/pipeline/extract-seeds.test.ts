// The five seeds' pipeline code (verbatim where the seed has any; the example workspace's versions
// otherwise) through parse → extract → static rules.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, ctx, extract, lineCol, nth, AGENT_X, CONTROLLER, HUB } from './helpers';

const fixture = (name: string): string => readFileSync(join(__dirname, 'fixtures', name), 'utf8');

describe('seeds', () => {
  it('seed 000 (verbatim): withAWS with role name, parameter account, ExternalId credential', () => {
    const text = fixture('seed-000.Jenkinsfile');
    const c = ctx();
    c.config.parameters = { role_account: '222222222222' };
    const { usages, findings } = analyze(text, c);
    assert.equal(usages.length, 1, 'the sh steps inside only echo and cat');
    const u = usages[0];
    assert.equal(u.kind, 'withAWS');
    assert.deepEqual(lineCol(text, u.anchor.start), lineCol(text, nth(text, 'withAWS(')));
    assert.deepEqual(lineCol(text, u.anchor.start), { line: 14, column: 13 });
    assert.equal(u.role, 'jenkins');
    assert.equal(u.roleAccount, '222222222222');
    assert.equal(u.roleArn, 'arn:aws:iam::222222222222:role/jenkins');
    assert.equal(u.externalId.present, true);
    assert.equal(u.externalId.resolved?.origin.source, 'credential');
    assert.equal(u.externalId.resolved?.origin.reference, 'ExternalId');
    assert.equal(u.duration, 900);
    assert.equal(u.roleSessionName, 'jenkins-session');
    assert.equal(u.caller, CONTROLLER);
    assert.deepEqual(u.boundStringCredentials, [{ variable: 'external_id', credentialsId: 'ExternalId' }]);
    // Hover texts: where each value came from.
    assert.equal(u.externalId.resolved?.origin.description, "credential 'ExternalId' bound to $external_id at line 9");
    assert.equal(
      u.origins.roleAccount?.description,
      'parameter role_account (value given for the scan: --param or .rolecall.json parameters)',
    );
    assert.equal(u.origins.duration?.description, 'literal on line 14');
    assert.equal(u.externalId.resolved?.raw, '"$external_id"');
    // Only the ExternalId's value is unknown without --credentials-file.
    assert.deepEqual(
      findings.map((f) => f.code),
      ['unresolved-reference'],
    );
    const withCred = extract(text, { ...c, credentials: { ExternalId: '7KAXZ44tHx8mKsPxZnCi2X6Yz' } }).usages[0];
    assert.equal(withCred.externalId.resolved?.value, '7KAXZ44tHx8mKsPxZnCi2X6Yz');
    // Without the parameter's value the account stays unresolved, with the fix named.
    const bare = analyze(text);
    assert.equal(bare.usages[0].roleArn, null);
    assert.ok(bare.findings.some((f) => f.code === 'unresolved-reference' && /--param role_account=/.test(f.message)));
  });

  it('seed 000 (production variant): typo, duration, missing and pasted ExternalId, session name', () => {
    const text = fixture('seed-000-prod.Jenkinsfile');
    const { usages, findings } = analyze(text, ctx({ credentials: { ExternalId: 'x-wrong' } }));
    assert.equal(usages.length, 5);
    assert.deepEqual(
      usages.map((u) => u.roleAccount),
      ['22222222222', '222222222222', '222222222222', '222222222222', '222222222222'],
    );
    assert.equal(usages[1].duration, 7200);
    assert.equal(usages[2].externalId.present, false);
    const codes = findings.map((f) => f.code).sort();
    assert.deepEqual(codes, ['hardcoded-secret', 'invalid-role-arn', 'invalid-session-name', 'unresolved-reference']);
    // The last stage uses "$external_id" outside the withCredentials block that binds it.
    const outside = findings.find((f) => f.code === 'unresolved-reference')!;
    assert.match(outside.message, /`external_id` is not a variable, parameter or environment variable/);
    assert.equal(usages[4].externalId.resolved?.origin.source, 'unresolved');
  });

  it('seed 000 (half-typed): intact withAWS calls around the damage are still found', () => {
    const text = fixture('seed-000-wip.Jenkinsfile');
    const { usages } = extract(text);
    assert.ok(usages.some((u) => u.roleArn === 'arn:aws:iam::222222222222:role/jenkins' && u.externalId.present));
    assert.ok(usages.some((u) => u.roleArn === 'arn:aws:iam::333333333333:role/deploy-role'));
  });

  it('seed 001: per-user credentials, MFA token, bad session name', () => {
    const text = fixture('seed-001.Jenkinsfile');
    const c = ctx(
      {},
      {
        awsCredentials: {
          alice: { principal: `arn:aws:iam::${HUB}:user/alice`, mfaSerial: `arn:aws:iam::${HUB}:mfa/alice` },
          bob: { principal: `arn:aws:iam::${HUB}:user/bob` },
        },
      },
    );
    const { usages, findings } = analyze(text, c);
    assert.equal(usages.length, 3);
    assert.deepEqual(
      usages.map((u) => u.caller),
      [`arn:aws:iam::${HUB}:user/alice`, `arn:aws:iam::${HUB}:user/bob`, `arn:aws:iam::${HUB}:user/bob`],
    );
    assert.deepEqual(
      usages.map((u) => u.mfa),
      [true, false, true],
    );
    assert.deepEqual(
      usages.map((u) => u.roleArn),
      [
        'arn:aws:iam::222222222222:role/developer',
        'arn:aws:iam::222222222222:role/admin',
        'arn:aws:iam::222222222222:role/admin',
      ],
    );
    assert.equal(usages[0].roleSessionName, 'alice-${BUILD_NUMBER}');
    assert.equal(usages[2].duration, 10800);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['invalid-session-name'],
    );
  });

  it('seed 002: Vault assumed_role path, and the legacy static-key binding', () => {
    const { usages } = extract(fixture('seed-002.Jenkinsfile'));
    assert.equal(usages.length, 1);
    assert.equal(usages[0].kind, 'vault');
    assert.equal(usages[0].roleArn, 'arn:aws:iam::444444444444:role/jenkins-ecr-push-role');
    const legacy = analyze(fixture('seed-002-ecrLogin.groovy'));
    assert.deepEqual(
      legacy.usages.map((u) => [u.kind, u.assumesRole, u.credentialsId, u.roleArn]),
      [['credentials-binding', false, 'jenkins-static-ecr-user', null]],
    );
    assert.deepEqual(
      legacy.findings.map((f) => f.code),
      ['static-credentials'],
    );
  });

  it('seed 003 (verbatim commands in an sh step on the AgentAccountX agent): placeholders are reported', () => {
    const commands = fixture('seed-003-commands.sh');
    const text = `pipeline {\n    agent {\n        label 'AgentAccountX'\n    }\n    stages {\n        stage('deploy') {\n            steps {\n                sh '''\n${commands}'''\n            }\n        }\n    }\n}\n`;
    const { usages, findings } = analyze(text);
    assert.equal(usages.length, 1);
    const u = usages[0];
    assert.equal(u.kind, 'sh-assume-role');
    assert.deepEqual(lineCol(text, u.anchor.start), { line: 9, column: 9 });
    assert.equal(u.role, 'arn:aws:iam::<account id>:role/<role>');
    assert.equal(u.roleArn, null);
    assert.equal(u.caller, AGENT_X);
    assert.deepEqual(findings.map((f) => f.code).sort(), ['invalid-role-arn', 'invalid-session-name']);
    assert.match(findings.find((f) => f.code === 'invalid-role-arn')!.message, /placeholder/);
  });

  it('seed 003 (verbatim agent fragment, with its non-breaking spaces and no closing brace) does not throw', () => {
    assert.doesNotThrow(() => extract(fixture('seed-003-agent-fragment.Jenkinsfile')));
  });

  it('seed 003 (example): 43200 s through the agent role', () => {
    const { usages } = extract(fixture('seed-003.Jenkinsfile'));
    assert.equal(usages.length, 2);
    assert.deepEqual(
      usages.map((u) => [u.roleArn, u.duration, u.caller]),
      [
        ['arn:aws:iam::333333333333:role/deploy-role', 43200, AGENT_X],
        ['arn:aws:iam::333333333333:role/deploy-role', 3600, AGENT_X],
      ],
    );
  });

  it('seed 004 (verbatim): the echoed command is no usage; keys from input are no literal secrets', () => {
    for (const name of ['seed-004-getTempCreds.groovy', 'seed-004.Jenkinsfile']) {
      const r = analyze(fixture(name));
      assert.deepEqual(r.usages, [], name);
      assert.deepEqual(r.findings, [], name);
    }
  });

  it('seed 004 (example): session token below 900 s, and the least-privilege role', () => {
    const { usages, findings } = analyze(
      fixture('seed-004-example.Jenkinsfile'),
      ctx({}, { callers: { agents: { secure: 'arn:aws:iam::444444444444:user/ken' } } }),
    );
    assert.deepEqual(
      usages.map((u) => u.kind),
      ['sh-get-session-token', 'sh-assume-role'],
    );
    assert.equal(usages[0].mfa, true);
    assert.equal(usages[0].duration, 600);
    assert.equal(usages[1].roleArn, 'arn:aws:iam::444444444444:role/secrets-reader');
    assert.ok(usages.every((u) => u.caller === 'arn:aws:iam::444444444444:user/ken'));
    assert.ok(findings.some((f) => f.code === 'duration-out-of-range'));
  });
});
