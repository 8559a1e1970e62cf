import { strict as assert } from 'node:assert';
import { analyzeText } from '../../../../src/core/analyze';
import { findingsOfUsage } from '../../../../src/core/iam/grant';
import { finding, type Usage } from '../../../../src/core/types';
import { ctx } from '../../core/pipeline/helpers';
import type { RoleRecord } from '../../../../src/core/ports';
import {
  allowingStatement,
  decide,
  findingsOf,
  hoverMarkdown,
  usageNodeId,
} from '../../../../src/vscode/pure/usageInfo';

function usage(over: Partial<Usage> = {}): Usage {
  return {
    file: '/w/Jenkinsfile',
    kind: 'withAWS',
    assumesRole: true,
    range: { start: 100, end: 300 },
    anchor: { start: 100, end: 107 },
    role: 'jenkins',
    roleAccount: '222222222222',
    roleArn: 'arn:aws:iam::222222222222:role/jenkins',
    externalId: {
      present: true,
      resolved: {
        value: 'super-secret-value',
        raw: '"$external_id"',
        secret: true,
        origin: { source: 'credential', reference: 'ExternalId', description: "credential 'ExternalId' (line 9)" },
      },
    },
    duration: 900,
    durationDefaulted: false,
    roleSessionName: 'jenkins-session',
    mfa: false,
    mfaSerial: null,
    region: null,
    caller: 'arn:aws:iam::111111111111:role/jenkins-slave',
    callerOrigin: 'controller (.rolecall.json callers.controller)',
    agentLabel: null,
    credentialsId: null,
    args: {},
    origins: {
      roleAccount: {
        source: 'parameter',
        reference: 'role_account',
        description: 'parameter role_account from .rolecall.json',
      },
    },
    unresolved: [],
    secrets: [],
    ...over,
  };
}

describe('vscode helpers: usage info', () => {
  it('attributes findings to the usage whose call contains them', () => {
    const u = usage();
    const inside = finding('external-id-mismatch', u.file, { start: 150, end: 160 }, 'no statement accepts it');
    const outside = finding('invalid-session-name', u.file, { start: 400, end: 410 }, 'x');
    const otherFile = finding('invalid-session-name', '/w/other', { start: 150, end: 160 }, 'x');
    assert.deepEqual(findingsOf(u, [inside, outside, otherFile]), [inside]);
  });
  it("usages sharing a step (a helper called with two roles): each gets its own role's findings and its own node id", () => {
    const a = usage();
    const b = usage({ role: 'other', roleArn: 'arn:aws:iam::222222222222:role/other' });
    const aDeny = finding('trust-principal-mismatch', a.file, a.anchor, 'x', { roleArn: a.roleArn });
    const bDeny = finding('trust-principal-mismatch', b.file, b.anchor, 'y', { roleArn: b.roleArn });
    const secret = finding('hardcoded-secret', a.file, { start: 150, end: 160 }, 'z');
    assert.deepEqual(findingsOf(a, [aDeny, bDeny, secret]), [aDeny, secret]);
    assert.deepEqual(findingsOf(b, [aDeny, bDeny, secret]), [bDeny, secret]);
    const same = usage({ externalId: { present: false, resolved: null } });
    const ids = [a, b, same].map((u) => usageNodeId('file:///w/Jenkinsfile', u, [a, b, same]));
    assert.equal(new Set(ids).size, 3, ids.join(' '));
    assert.equal(usageNodeId('file:///w/Jenkinsfile', a, [a, b, same]), usageNodeId('file:///w/Jenkinsfile', a, [a]));
  });
  it('usages of one step from a loop over a list: unique node ids, and the typo element alone gets invalid-role-arn', () => {
    const text = [
      'node {',
      "    for (acct in ['222222222222', '33333333333', '444444444444']) {",
      "        withAWS(role: 'deploy', roleAccount: acct) { }",
      '    }',
      '}',
      '',
    ].join('\n');
    const analysis = analyzeText('/w/Jenkinsfile', text, { ...ctx(), iam: null });
    const usages = analysis.usages;
    assert.deepEqual(
      usages.map((u) => u.roleAccount),
      ['222222222222', '33333333333', '444444444444'],
    );
    assert.ok(usages.every((u) => u.anchor.start === usages[0].anchor.start));
    const ids = usages.map((u) => usageNodeId('file:///w/Jenkinsfile', u, usages));
    assert.equal(new Set(ids).size, 3, ids.join(' '));
    const invalid = (u: Usage) => findingsOf(u, analysis.findings).filter((f) => f.code === 'invalid-role-arn');
    assert.deepEqual(
      usages.map((u) => invalid(u).length),
      [0, 1, 0],
    );
    assert.match(invalid(usages[1])[0].message, /"33333333333"/);
    // rolecall grant ties findings to usages the same way.
    assert.deepEqual(
      usages.map((u) => findingsOfUsage(u, analysis.findings).filter((f) => f.code === 'invalid-role-arn').length),
      [0, 1, 0],
    );
  });
  it('decides deny on a trust error, unknown without IAM data, allow otherwise', () => {
    const u = usage();
    const deny = finding('external-id-mismatch', u.file, { start: 150, end: 160 }, 'no statement accepts it');
    assert.equal(decide(u, [deny], true).kind, 'deny');
    assert.equal(decide(u, [], false).kind, 'unknown');
    assert.equal(decide(u, [finding('iam-unavailable', u.file, u.anchor, 'AccessDenied')], true).kind, 'unknown');
    assert.equal(decide(usage({ caller: null }), [], true).kind, 'unknown');
    assert.equal(decide(u, [finding('external-id-unused', u.file, u.anchor, 'w')], true).kind, 'allow');
  });
  it('hover shows ARN, caller, decision and origins but never a secret value', () => {
    const u = usage();
    const deny = finding('external-id-mismatch', u.file, { start: 150, end: 160 }, 'no statement accepts it', {
      related: [{ message: 'm', roleArn: u.roleArn!, statement: 'Hub' }],
    });
    const md = hoverMarkdown(u, [deny], {
      iamCovered: true,
      maxSessionDuration: 3600,
      statementLink: 'rolecall-trust:/x',
    });
    assert.match(md, /arn:aws:iam::222222222222:role\/jenkins/);
    assert.match(md, /jenkins-slave/);
    assert.match(md, /Decision:\*\* \$\(error\) deny/);
    assert.match(md, /external-id-mismatch/);
    assert.match(md, /MaxSessionDuration 3600/);
    assert.match(md, /parameter role\\_account/);
    assert.match(md, /value hidden/);
    assert.ok(!md.includes('super-secret-value'));
  });
  it('a deny no trust statement is behind names no statement (was "(statement )" in the hover)', () => {
    const u = usage();
    const deny = finding('duration-exceeds-max', u.file, u.anchor, 'Duration 7200 s exceeds the MaxSessionDuration');
    const md = hoverMarkdown(u, [deny], {
      iamCovered: true,
      maxSessionDuration: 3600,
      statementLink: 'rolecall-trust:/x',
    });
    assert.match(md, /deny — `duration-exceeds-max`: Duration 7200 s exceeds the MaxSessionDuration$/m);
    assert.ok(!md.includes('statement ]') && !md.includes('(statement )'), md);
  });
  it('names the allowing statement on an allow', () => {
    const md = hoverMarkdown(usage(), [], { iamCovered: true, maxSessionDuration: 3600, allowedBy: 'HubAgents' });
    assert.match(md, /allow — trust statement HubAgents/);
  });
  it('finds the trust statement that allows the caller', () => {
    const origin = { kind: 'snapshot' as const };
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Other', Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
        {
          Sid: 'Hub',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111111111111:role/jenkins-slave' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'super-secret-value' } },
        },
      ],
    });
    const role: RoleRecord = {
      arn: 'arn:aws:iam::222222222222:role/jenkins',
      accountId: '222222222222',
      roleName: 'jenkins',
      path: '/',
      trustPolicy: { name: 'trust', text: trust, origin },
      maxSessionDuration: 3600,
      identityPolicies: [],
      tags: {},
      origin,
    };
    assert.equal(allowingStatement(role, usage()), 'Hub');
    const wrong = usage({
      externalId: {
        present: true,
        resolved: {
          value: 'other',
          raw: null,
          secret: true,
          origin: { source: 'credential', reference: 'x', description: 'x' },
        },
      },
    });
    assert.equal(allowingStatement(role, wrong), null);
    assert.equal(allowingStatement(role, usage({ caller: null })), null);
  });
});
