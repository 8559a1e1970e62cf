// Caller policy on its own: who calls STS for each kind of place, and the origin it explains.
import { strict as assert } from 'node:assert';
import { callerOf, type AgentInScope, type CallerDecision } from '../../../../src/core/pipeline/callers';
import { AGENT_X, ANY_AGENT, CONTROLLER, ctx, HUB, VAULT } from './helpers';

const labelled = (label: string | null): AgentInScope => ({ label, declaration: null });
/** The principal and its explanation (the decision's source is tested in jenkins/callers.test.ts). */
const said = (d: CallerDecision) => ({ caller: d.caller, origin: d.origin });

describe('caller policy (pipeline/callers.ts)', () => {
  it('withAWS runs on the controller unless useNode: true, then as the agent of its label', () => {
    assert.deepEqual(
      said(callerOf({ kind: 'withAWS', agent: labelled('AgentAccountX'), useNode: false, credentialsId: null }, ctx())),
      { caller: CONTROLLER, origin: 'Jenkins controller (.rolecall.json callers.controller)' },
    );
    assert.deepEqual(
      said(callerOf({ kind: 'withAWS', agent: labelled('AgentAccountX'), useNode: true, credentialsId: null }, ctx())),
      { caller: AGENT_X, origin: 'agent label AgentAccountX (.rolecall.json callers.agents), useNode: true' },
    );
    assert.deepEqual(
      said(callerOf({ kind: 'withAWS', agent: labelled('other'), useNode: true, credentialsId: null }, ctx())),
      { caller: ANY_AGENT, origin: 'agent label other, via callers.agents["*"] (.rolecall.json), useNode: true' },
    );
  });

  it('an AWS credential decides the caller of withAWS: its role (a chain), its principal, or a note that it is not described', () => {
    assert.equal(
      callerOf({ kind: 'withAWS', agent: null, useNode: false, credentialsId: 'chained' }, ctx()).caller,
      'arn:aws:iam::555555555555:role/hop',
    );
    assert.equal(
      callerOf({ kind: 'withAWS', agent: null, useNode: true, credentialsId: 'alice' }, ctx()).caller,
      `arn:aws:iam::${HUB}:user/alice`,
    );
    const unknown = callerOf({ kind: 'withAWS', agent: null, useNode: false, credentialsId: 'nobody' }, ctx());
    assert.equal(unknown.caller, CONTROLLER);
    assert.match(unknown.origin ?? '', /AWS credential 'nobody' is not described/);
  });

  it("bindings and a credential's own role are called with the credential's keys", () => {
    assert.equal(callerOf({ kind: 'binding', credentialsId: 'alice' }, ctx()).caller, `arn:aws:iam::${HUB}:user/alice`);
    assert.deepEqual(
      said(callerOf({ kind: 'binding', credentialsId: 'nobody' }, ctx({ caller: 'arn:aws:iam::1:user/x' }, {}))),
      {
        caller: 'arn:aws:iam::1:user/x',
        origin: "--caller (AWS credential 'nobody' is not described in .rolecall.json awsCredentials)",
      },
    );
    assert.deepEqual(
      said(
        callerOf({ kind: 'credential-role', credentialsId: 'nobody' }, ctx({ caller: 'arn:aws:iam::1:user/x' }, {})),
      ),
      { caller: 'arn:aws:iam::1:user/x', origin: '--caller' },
    );
  });

  it('Vault calls STS as its own server, else the fallback', () => {
    assert.deepEqual(said(callerOf({ kind: 'vault' }, ctx())), {
      caller: VAULT,
      origin: 'Vault server (.rolecall.json callers.vault)',
    });
    assert.deepEqual(said(callerOf({ kind: 'vault' }, ctx({}, { callers: { default: CONTROLLER } }))), {
      caller: CONTROLLER,
      origin: '.rolecall.json callers.default',
    });
    assert.deepEqual(said(callerOf({ kind: 'vault' }, ctx({}, {}))), { caller: null, origin: null });
  });

  it('a shell step runs as the role of an enclosing step (a chain), the bound credential, or the agent', () => {
    const enclosing = {
      step: 'withAWS' as const,
      line: '7',
      assumed: true,
      roleArn: 'arn:aws:iam::2:role/r',
      credentialsId: null,
    };
    assert.deepEqual(said(callerOf({ kind: 'shell', agent: labelled('AgentAccountX'), enclosing }, ctx())), {
      caller: 'arn:aws:iam::2:role/r',
      origin: 'role assumed by the enclosing withAWS (line 7): a role chain',
    });
    assert.equal(
      callerOf({ kind: 'shell', agent: null, enclosing: { ...enclosing, roleArn: null } }, ctx()).caller,
      null,
    );
    const bound = {
      step: 'withCredentials' as const,
      line: '3',
      assumed: false,
      roleArn: null,
      credentialsId: 'alice',
    };
    assert.equal(
      callerOf({ kind: 'shell', agent: labelled('AgentAccountX'), enclosing: bound }, ctx()).caller,
      `arn:aws:iam::${HUB}:user/alice`,
    );
    assert.equal(callerOf({ kind: 'shell', agent: labelled('AgentAccountX'), enclosing: null }, ctx()).caller, AGENT_X);
    assert.deepEqual(said(callerOf({ kind: 'shell', agent: null, enclosing: null }, ctx())), {
      caller: ANY_AGENT,
      origin: 'any agent (.rolecall.json callers.agents["*"])',
    });
  });
});
