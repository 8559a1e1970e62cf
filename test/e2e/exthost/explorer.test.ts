// The Role Trust Explorer's data provider: accounts from the snapshots, roles under each account,
// trust statements and usages under a role. The provider is read through the extension's exports.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateRoleCall } from './helpers';

interface Provider<T> {
  getChildren(node?: T): vscode.ProviderResult<T[]>;
  getTreeItem(node: T): vscode.TreeItem | Thenable<vscode.TreeItem>;
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('Role Trust Explorer data', () => {
  let provider: Provider<unknown>;
  before(async () => {
    const api = (await activateRoleCall()) as Record<string, unknown> | undefined;
    const candidate = (api?.trustExplorer ?? api?.explorer) as Provider<unknown> | undefined;
    assert.ok(
      candidate && typeof candidate.getChildren === 'function',
      `activate() should return { trustExplorer } (the TreeDataProvider) so tests can read the tree; it returned keys: ${Object.keys(api ?? {}).join(', ') || 'nothing'}`,
    );
    provider = candidate;
    await vscode.commands.executeCommand('rolecall.scanWorkspace');
  });

  async function children(node?: unknown): Promise<Array<{ node: unknown; item: vscode.TreeItem; label: string }>> {
    const nodes = (await provider.getChildren(node)) ?? [];
    return Promise.all(
      nodes.map(async (n) => {
        const item = await provider.getTreeItem(n);
        return { node: n, item, label: labelOf(item) };
      }),
    );
  }

  it('lists the four accounts of the snapshots', async () => {
    const labels = (await children()).map((c) => c.label);
    for (const a of ['111111111111', '222222222222', '333333333333', '444444444444'])
      assert.ok(labels.includes(a), `account ${a} missing: ${labels.join(', ')}`);
  });

  it('lists the roles of 222222222222 with statements and pipeline usages under them', async () => {
    const account = (await children()).find((c) => c.label === '222222222222');
    assert.ok(account);
    const roles = await children(account.node);
    for (const r of ['jenkins', 'developer', 'admin'])
      assert.ok(
        roles.some((c) => c.label === r),
        `role ${r} missing: ${roles.map((c) => c.label).join(', ')}`,
      );
    const jenkins = roles.find((c) => c.label === 'jenkins')!;
    assert.equal(jenkins.item.contextValue, 'role');
    const under = await children(jenkins.node);
    assert.ok(
      under.some((c) => c.item.contextValue === 'statement'),
      `no statement under jenkins: ${under.map((c) => c.label).join(', ')}`,
    );
    // Usages are grouped by who calls STS (and where that was read from).
    const callers = under.filter((c) => c.item.contextValue === 'caller');
    assert.ok(callers.length >= 1, `no caller group under jenkins: ${under.map((c) => c.label).join(', ')}`);
    assert.ok(
      callers.some((c) => c.label === 'role/jenkins-slave' && /callers\.controller/.test(String(c.item.description))),
      `the controller's group says its source: ${callers.map((c) => `${c.label} ${c.item.description ?? ''}`).join(', ')}`,
    );
    const usages = (await Promise.all(callers.map((c) => children(c.node))))
      .flat()
      .filter((c) => c.item.contextValue === 'usage');
    assert.ok(
      usages.length >= 3,
      `expected the seed-000 usages of jenkins, got ${usages.map((c) => `${c.label} ${c.item.description ?? ''}`).join(', ')}`,
    );
  });

  it('lists a static-key usage (no role) under "Static credentials" and the credential it uses', async () => {
    const root = await children();
    const group = root.find((c) => c.label === 'Static credentials');
    assert.ok(group, `no "Static credentials" node: ${root.map((c) => c.label).join(', ')}`);
    assert.match(String(group.item.description), /assumes? no role/);
    const credentials = await children(group.node);
    const ecr = credentials.find((c) => c.label === 'jenkins-static-ecr-user');
    assert.ok(ecr, `credential missing: ${credentials.map((c) => c.label).join(', ')}`);
    const lines = await children(ecr.node);
    assert.deepEqual(
      lines.map((c) => [c.label, c.item.description, c.item.contextValue]),
      [
        [
          'ecrLogin.groovy:3',
          'credentials-binding · static keys, assumes no role · seed-002-vault/vars',
          'staticKeysUsage',
        ],
      ],
    );
    // The whole path is one hover away.
    assert.match(String(lines[0]!.item.tooltip), /^seed-002-vault\/vars\/ecrLogin\.groovy line 3\n/);
  });
});
