import { strict as assert } from 'node:assert';
import { callerSourceLabel, callerSourceTarget, groupByCaller } from '../../../../src/vscode/pure/callers';
import type { Usage } from '../../../../src/core/types';

const usage = (caller: string | null, extra: Partial<Usage> = {}): Usage => ({ caller, ...extra }) as Usage;

describe('vscode/pure/callers', () => {
  it('labels each kind of caller source', () => {
    assert.equal(
      callerSourceLabel({ kind: 'jenkins-casc', file: '/ws/ci/jenkins.yaml', line: 12, key: 'taskrole' }),
      'jenkins.yaml:12 (taskrole)',
    );
    assert.equal(
      callerSourceLabel({ kind: 'config', file: null, line: null, key: 'callers.agents.linux' }),
      '.rolecall.json callers.agents.linux',
    );
    assert.equal(
      callerSourceLabel({ kind: 'inline-agent', file: null, line: null, key: 'serviceAccount' }),
      'inline agent (serviceAccount)',
    );
    assert.equal(
      callerSourceLabel({ kind: 'caller-flag', file: null, line: null, key: '--caller' }),
      'rolecall.caller / --caller',
    );
    assert.equal(callerSourceLabel(undefined), 'unknown source');
    assert.deepEqual(callerSourceTarget({ kind: 'jenkins-casc', file: '/ws/jenkins.yaml', line: 7, key: 'taskrole' }), {
      file: '/ws/jenkins.yaml',
      line: 7,
    });
    assert.equal(callerSourceTarget({ kind: 'config', file: null, line: null, key: 'callers.controller' }), null);
  });

  it('groups usages by caller, a usage with label choices under each of its callers', () => {
    const casc = { kind: 'jenkins-casc' as const, file: 'jenkins.yaml', line: 3, key: 'iamInstanceProfile' };
    const a = usage('arn:aws:iam::1:role/a', {
      callerSource: { kind: 'config', file: null, line: null, key: 'callers.controller' },
    });
    const b = usage('arn:aws:sts::1:assumed-role/b/i-*', { callerSource: casc });
    const both = usage('arn:aws:sts::1:assumed-role/b/i-*', {
      callerSource: casc,
      callerChoices: [
        { caller: 'arn:aws:sts::1:assumed-role/b/i-*', choice: 'x', origin: 'x', source: casc },
        { caller: 'arn:aws:sts::1:assumed-role/c/i-*', choice: 'y', origin: 'y', source: { ...casc, line: 9 } },
      ],
    });
    const unknown = usage(null);
    const groups = groupByCaller([a, b, both, unknown], (u) => u);
    assert.deepEqual(
      groups.map((g) => [g.caller, g.sources, g.items.length]),
      [
        ['arn:aws:iam::1:role/a', ['.rolecall.json callers.controller'], 1],
        ['arn:aws:sts::1:assumed-role/b/i-*', ['jenkins.yaml:3 (iamInstanceProfile)'], 2],
        ['arn:aws:sts::1:assumed-role/c/i-*', ['jenkins.yaml:9 (iamInstanceProfile)'], 1],
        [null, ['unknown source'], 1],
      ],
    );
  });
});

describe('hover: where the caller came from', () => {
  it('links a JCasC source and lists label choices', async () => {
    const { hoverMarkdown } = await import('../../../../src/vscode/pure/usageInfo');
    const casc = { kind: 'jenkins-casc' as const, file: '/ws/jenkins.yaml', line: 12, key: 'taskrole' };
    const u = {
      kind: 'sh-assume-role',
      roleArn: 'arn:aws:iam::2:role/r',
      role: 'r',
      caller: 'arn:aws:iam::1:role/a',
      callerOrigin: 'agent label x',
      callerSource: casc,
      callerChoices: [
        { caller: 'arn:aws:iam::1:role/a', choice: "ECS template 'a'", origin: '', source: casc },
        { caller: 'arn:aws:iam::1:role/b', choice: "ECS template 'b'", origin: '', source: casc },
      ],
      externalId: { present: false, resolved: null },
      duration: null,
      durationDefaulted: false,
      roleSessionName: 's',
      mfa: false,
      origins: {},
      anchor: { start: 0, end: 1 },
      range: { start: 0, end: 1 },
      file: 'J',
    } as unknown as Usage;
    const md = hoverMarkdown(u, [], {
      iamCovered: false,
      maxSessionDuration: null,
      callerSourceLink: 'file:///ws/jenkins.yaml#L12',
    });
    assert.match(md, /\*\*Caller from:\*\* \[jenkins\.yaml:12 \(taskrole\)\]\(file:\/\/\/ws\/jenkins\.yaml#L12\)/);
    assert.match(md, /\*\*Label choices:\*\* each is checked/);
    assert.match(md, /role\/b/);
  });
});
