import { strict as assert } from 'node:assert';
import { toJson, toSarif, toText, type ScanResult } from '../../../src/cli/format';
import { finding, FINDING_CODES, LineMap, type Usage } from '../../../src/core/types';

const text = 'node {\n    withAWS(role: "jenkins", externalId: "$x") {\n    }\n}\n';
const start = text.indexOf('withAWS');

function usage(): Usage {
  return {
    file: 'ci/Jenkinsfile',
    kind: 'withAWS',
    assumesRole: true,
    range: { start, end: text.indexOf('}', start) + 1 },
    anchor: { start, end: start + 7 },
    role: 'jenkins',
    roleAccount: '222222222222',
    roleArn: 'arn:aws:iam::222222222222:role/jenkins',
    externalId: {
      present: true,
      resolved: {
        value: 's3cr3t-value',
        raw: '"$x"',
        secret: true,
        origin: { source: 'credential', reference: 'ExternalId', description: 'credential ExternalId' },
      },
    },
    duration: 3600,
    durationDefaulted: true,
    roleSessionName: null,
    mfa: false,
    mfaSerial: null,
    region: null,
    caller: 'arn:aws:iam::111111111111:role/jenkins-slave',
    callerOrigin: null,
    agentLabel: null,
    credentialsId: null,
    args: {},
    origins: {},
    unresolved: [],
    secrets: [],
  };
}

function result(): ScanResult {
  const f = finding('external-id-mismatch', 'ci/Jenkinsfile', { start, end: start + 7 }, 'ExternalId does not match', {
    roleArn: 'arn:aws:iam::222222222222:role/jenkins',
  });
  return {
    usages: [usage()],
    findings: [f],
    errors: [{ file: 'bin/Jenkinsfile', message: 'binary file' }],
    lineMaps: new Map([['ci/Jenkinsfile', new LineMap(text)]]),
  };
}

describe('scan output', () => {
  it('JSON follows the contract and never prints a secret value', () => {
    const out = toJson(result());
    assert.ok(!out.includes('s3cr3t-value'));
    const json = JSON.parse(out);
    assert.equal(json.version, 1);
    assert.deepEqual(json.usages[0], {
      file: 'ci/Jenkinsfile',
      line: 2,
      column: 5,
      endLine: 3,
      endColumn: 6,
      kind: 'withAWS',
      assumesRole: true,
      role: 'jenkins',
      roleAccount: '222222222222',
      roleArn: 'arn:aws:iam::222222222222:role/jenkins',
      externalId: { present: true, source: 'credential', value: null, reference: 'ExternalId' },
      duration: 3600,
      roleSessionName: null,
      mfa: false,
      region: null,
      caller: 'arn:aws:iam::111111111111:role/jenkins-slave',
      credentialsId: null,
      callerSource: { kind: 'none', file: null, line: null, key: null, description: null },
    });
    const sourced = JSON.parse(
      toJson({
        ...result(),
        usages: [
          {
            ...usage(),
            callerOrigin: 'agent label x: ECS template, jenkins.yaml:6',
            callerSource: { kind: 'jenkins-casc', file: 'jenkins.yaml', line: 7, key: 'taskrole' },
          },
        ],
      }),
    );
    assert.deepEqual(sourced.usages[0].callerSource, {
      kind: 'jenkins-casc',
      file: 'jenkins.yaml',
      line: 7,
      key: 'taskrole',
      description: 'agent label x: ECS template, jenkins.yaml:6',
    });
    assert.equal(json.findings[0].line, 2);
    assert.equal(json.findings[0].column, 5);
    assert.equal(json.findings[0].severity, 'error');
    assert.deepEqual(json.errors, [{ file: 'bin/Jenkinsfile', message: 'binary file' }]);
  });

  it('text prints file:line:col per finding and a summary', () => {
    const out = toText(result());
    assert.match(out, /^ci\/Jenkinsfile:2:5: error external-id-mismatch: ExternalId does not match$/m);
    assert.match(out, /1 AWS credential usage in 1 file; 1 error, 0 warnings, 0 info; 1 file not fully analysed/);
  });

  it('a usage of static keys prints assumesRole false, its credential as written, and the text summary says it assumes no role', () => {
    const keys: Usage = {
      ...usage(),
      assumesRole: false,
      role: null,
      roleAccount: null,
      roleArn: null,
      externalId: { present: false, resolved: null },
      duration: null,
      durationDefaulted: false,
      caller: null,
      credentialsText: '"${AWS_CRED}"',
    };
    const warn = finding('static-credentials', 'ci/Jenkinsfile', { start, end: start + 7 }, 'assumes no role');
    const r: ScanResult = { ...result(), usages: [usage(), keys], findings: [warn], errors: [] };
    const json = JSON.parse(toJson(r));
    assert.deepEqual(
      json.usages.map((u: Record<string, unknown>) => [u.assumesRole, u.roleArn, u.credentialsId, u.credentialsText]),
      [
        [true, 'arn:aws:iam::222222222222:role/jenkins', null, undefined],
        [false, null, null, '"${AWS_CRED}"'],
      ],
    );
    assert.match(
      toText(r),
      /^2 AWS credential usages in 1 file \(1 with static keys, assuming no role\); 0 errors, 1 warning, 0 info\n$/m,
    );
  });

  it('SARIF 2.1.0 has one rule per code and results with regions', () => {
    const sarif = JSON.parse(toSarif(result(), '0.1.0'));
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs.length, 1);
    assert.equal(sarif.runs[0].tool.driver.name, 'rolecall');
    assert.deepEqual(
      sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id),
      Object.keys(FINDING_CODES),
    );
    const region = sarif.runs[0].results[0].locations[0].physicalLocation.region;
    assert.equal(region.startLine, 2);
    assert.equal(region.startColumn, 5);
    assert.equal(sarif.runs[0].results[0].ruleId, 'external-id-mismatch');
  });
});
