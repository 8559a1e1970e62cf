import { strict as assert } from 'node:assert';
import { analyze, ctx, extract, lineCol, nth, slice, CONTROLLER, AGENT_X, ANY_AGENT, HUB } from './helpers';

describe('extract: withAWS', () => {
  it('anchors on the withAWS identifier and resolves a role name with roleAccount', () => {
    const text =
      "node {\n  withAWS(role: 'deploy', roleAccount: '222222222222', duration: 900, roleSessionName: 'ci-run') {\n    sh 'ls'\n  }\n}\n";
    const { usages } = extract(text);
    assert.equal(usages.length, 1);
    const u = usages[0];
    assert.equal(u.kind, 'withAWS');
    assert.deepEqual(lineCol(text, u.anchor.start), { line: 2, column: 3 });
    assert.equal(slice(text, u.anchor), 'withAWS');
    assert.equal(u.role, 'deploy');
    assert.equal(u.roleAccount, '222222222222');
    assert.equal(u.roleArn, 'arn:aws:iam::222222222222:role/deploy');
    assert.equal(u.duration, 900);
    assert.equal(u.durationDefaulted, false);
    assert.equal(u.roleSessionName, 'ci-run');
    assert.equal(u.mfa, false);
    assert.equal(u.caller, CONTROLLER);
    assert.match(u.callerOrigin!, /controller/);
    assert.equal(slice(text, u.args.role), "'deploy'");
    assert.equal(slice(text, u.args.duration), '900');
    assert.equal(slice(text, u.origins.roleSessionName?.range), 'ci-run');
    assert.equal(slice(text, u.origins.duration?.range), '900');
    assert.ok(u.range.end > text.indexOf("sh 'ls'"), 'the range covers the whole call with its block');
  });

  it('applies the plugin defaults: duration 3600 (defaulted), session name null', () => {
    const { usages } = extract("withAWS(role: 'arn:aws:iam::222222222222:role/x') { echo 'hi' }");
    assert.equal(usages[0].duration, 3600);
    assert.equal(usages[0].durationDefaulted, true);
    assert.equal(usages[0].roleSessionName, null);
    assert.equal(usages[0].roleArn, 'arn:aws:iam::222222222222:role/x');
    assert.equal(usages[0].roleAccount, '222222222222');
  });

  it("builds the ARN from the caller's account and the region's partition when roleAccount is left out", () => {
    const { usages } = extract(
      "withAWS(role: 'deploy') {}\nwithAWS(role: 'deploy', region: 'cn-north-1', roleAccount: '222222222222') {}\nwithAWS(role: 'deploy', region: 'us-gov-west-1', roleAccount: '222222222222') {}\nwithAWS(role: 'deploy', region: 'eu-west-1', roleAccount: '222222222222') {}",
    );
    assert.equal(usages[0].roleArn, `arn:aws:iam::${HUB}:role/deploy`);
    assert.equal(usages[0].roleAccount, HUB);
    assert.equal(usages[1].roleArn, 'arn:aws-cn:iam::222222222222:role/deploy');
    assert.equal(usages[1].region, 'cn-north-1');
    assert.equal(usages[2].roleArn, 'arn:aws-us-gov:iam::222222222222:role/deploy');
    assert.equal(usages[3].roleArn, 'arn:aws:iam::222222222222:role/deploy');
  });

  it('says how to provide the account when neither roleAccount nor the caller is known', () => {
    const { usages, findings } = analyze("withAWS(role: 'deploy') {}", ctx({}, {}));
    assert.equal(usages[0].roleArn, null);
    assert.equal(usages[0].caller, null);
    const f = findings.find((x) => x.code === 'unresolved-reference');
    assert.ok(f);
    assert.match(f.message, /roleAccount/);
    assert.match(f.message, /--caller/);
  });

  it('accepts the map form withAWS([role: ...])', () => {
    const { usages } = extract("withAWS([role: 'deploy', roleAccount: '333333333333', duration: 1800]) { sh 'x' }");
    assert.equal(usages[0].roleArn, 'arn:aws:iam::333333333333:role/deploy');
    assert.equal(usages[0].duration, 1800);
  });

  it('keeps an 11-digit account as written and reports invalid-role-arn, not unresolved-reference', () => {
    const text = "withAWS(role: 'jenkins', roleAccount: '22222222222', duration: 900) {}";
    const { usages, findings } = analyze(text);
    assert.equal(usages[0].roleArn, null);
    assert.equal(usages[0].roleAccount, '22222222222');
    assert.deepEqual(
      findings.map((f) => f.code),
      ['invalid-role-arn'],
    );
    assert.equal(slice(text, findings[0].range), "'22222222222'");
  });

  it('takes the caller from the agent with useNode: true', () => {
    const text =
      "pipeline { agent { label 'AgentAccountX' }\n stages { stage('a') { steps { withAWS(role: 'r', roleAccount: '333333333333', useNode: true) { sh 'x' } } } } }";
    const [u] = extract(text).usages;
    assert.equal(u.caller, AGENT_X);
    assert.equal(u.agentLabel, 'AgentAccountX');
    assert.match(u.callerOrigin!, /AgentAccountX/);
  });

  it("takes the caller from an AWS credential's principal, or its role (a role chain)", () => {
    const { usages } = extract(
      "withAWS(credentials: 'alice', role: 'arn:aws:iam::222222222222:role/developer', iamMfaToken: params.MFA_TOKEN) {}\nwithAWS(credentials: 'chained', role: 'arn:aws:iam::222222222222:role/x') {}\nwithAWS(credentials: 'unknown-cred', role: 'arn:aws:iam::222222222222:role/x') {}",
    );
    assert.equal(usages[0].caller, `arn:aws:iam::${HUB}:user/alice`);
    assert.equal(usages[0].credentialsId, 'alice');
    assert.equal(usages[0].mfa, true);
    assert.equal(usages[0].mfaSerial, `arn:aws:iam::${HUB}:mfa/alice`);
    assert.equal(usages[1].caller, 'arn:aws:iam::555555555555:role/hop');
    assert.match(usages[1].callerOrigin!, /role chain/);
    assert.equal(usages[2].caller, CONTROLLER);
    assert.match(usages[2].callerOrigin!, /not described in \.rolecall\.json awsCredentials/);
  });

  it('uses --caller when the config maps nothing, and config mappings over --caller', () => {
    const cli = 'arn:aws:iam::999999999999:role/cli';
    assert.equal(
      extract("withAWS(role: 'arn:aws:iam::222222222222:role/x') {}", ctx({ caller: cli }, {})).usages[0].caller,
      cli,
    );
    assert.equal(
      extract("withAWS(role: 'arn:aws:iam::222222222222:role/x') {}", ctx({ caller: cli }, {})).usages[0].callerOrigin,
      '--caller',
    );
    assert.equal(
      extract("withAWS(role: 'arn:aws:iam::222222222222:role/x') {}", ctx({ caller: cli })).usages[0].caller,
      CONTROLLER,
    );
    const def = extract(
      "withAWS(role: 'arn:aws:iam::222222222222:role/x') {}",
      ctx({ caller: cli }, { callers: { default: ANY_AGENT } }),
    ).usages[0];
    assert.equal(def.caller, ANY_AGENT);
  });

  it('a literal ExternalId is a hardcoded secret with a fix that binds a credential', () => {
    const text =
      "node {\n    withAWS(role: 'arn:aws:iam::222222222222:role/jenkins', externalId: '7KAXZ44tHx8mKsPxZnCi2X6Yz', duration: 900) {\n        sh 'aws s3 ls'\n    }\n}\n";
    const { usages, findings } = analyze(text);
    assert.equal(usages[0].externalId.present, true);
    assert.equal(usages[0].externalId.resolved?.origin.source, 'literal');
    const f = findings.find((x) => x.code === 'hardcoded-secret')!;
    assert.ok(f);
    assert.ok(!f.message.includes('7KAXZ44tHx8mKsPxZnCi2X6Yz'));
    assert.equal(slice(text, f.range), "'7KAXZ44tHx8mKsPxZnCi2X6Yz'");
    // Apply the fix and check the result reads the id from the credential inside a withCredentials block.
    const edits = [...f.fixes![0].edits].sort((a, b) => b.offset - a.offset);
    let fixed = text;
    for (const e of edits) fixed = fixed.slice(0, e.offset) + e.content + fixed.slice(e.offset + e.length);
    assert.ok(!fixed.includes('7KAXZ44'));
    assert.match(
      fixed,
      /withCredentials\(\[string\(credentialsId: 'external-id', variable: 'EXTERNAL_ID'\)\]\) \{[^\n]*\n {8}withAWS\(role: 'arn:aws:iam::222222222222:role\/jenkins', externalId: env\.EXTERNAL_ID, duration: 900\)/,
    );
    const again = extract(fixed);
    assert.equal(again.usages.length, 1);
    assert.equal(again.usages[0].externalId.resolved?.origin.source, 'credential');
    assert.equal(again.usages[0].externalId.resolved?.origin.reference, 'external-id');
  });

  it('fills args ranges for quick fixes, and args.call ends after the last argument', () => {
    const text = "withAWS(role: 'jenkins', roleAccount: '222222222222', region: 'eu-west-1', credentials: 'alice') { }";
    const [u] = extract(text).usages;
    assert.equal(slice(text, u.args.roleAccount), "'222222222222'");
    assert.equal(slice(text, u.args.region), "'eu-west-1'");
    assert.equal(slice(text, u.args.credentials), "'alice'");
    assert.equal(u.args.call!.end, nth(text, "'alice'") + "'alice'".length);
  });

  it('a withAWS with a keys-only credential and no role is a usage assuming no role; region: alone is no usage', () => {
    const { usages, findings } = analyze(
      "withAWS(credentials: 'static-user', region: 'us-east-1') { sh 'aws s3 ls' }\nwithAWS(region: 'us-east-1') {}",
    );
    assert.deepEqual(
      usages.map((u) => [u.kind, u.assumesRole, u.credentialsId, u.region, u.roleArn]),
      [['withAWS', false, 'static-user', 'us-east-1', null]],
    );
    assert.deepEqual(
      findings.map((f) => f.code),
      ['static-credentials'],
    );
  });

  it('anchors count lines with CRLF ends and columns in UTF-16 units (tabs count 1)', () => {
    const text = "// 😀 emoji line\r\nnode {\r\n\twithAWS(role: 'arn:aws:iam::222222222222:role/x') {\r\n\t}\r\n}\r\n";
    const [u] = extract(text).usages;
    assert.deepEqual(lineCol(text, u.anchor.start), { line: 3, column: 2 });
    const lastLine = lineCol(text, u.range.end - 1);
    assert.equal(lastLine.line, 4);
  });

  it('withAWS(credentials:) whose credential has its own role assumes that role (from .rolecall.json)', () => {
    const { usages, findings } = analyze("withAWS(credentials: 'chained', region: 'eu-west-1') { sh 'aws s3 ls' }");
    assert.equal(findings.length, 0);
    assert.equal(usages.length, 1);
    assert.equal(usages[0].roleArn, 'arn:aws:iam::555555555555:role/hop');
    assert.equal(usages[0].caller, `arn:aws:iam::${HUB}:user/ci`);
    assert.match(usages[0].origins.roleArn!.description, /IAM Role To Use of AWS credential 'chained'/);
  });

  it('takes the arguments from a map variable: withAWS(awsArgs)', () => {
    const t =
      "def awsArgs = [role: 'deploy', roleAccount: '333333333333', duration: 1200]\nwithAWS(awsArgs) { sh 'ls' }";
    const [u] = extract(t).usages;
    assert.equal(u.roleArn, 'arn:aws:iam::333333333333:role/deploy');
    assert.equal(u.duration, 1200);
    assert.equal(slice(t, u.args.duration), '1200');
  });
});
