// Roles defined as code in the editor: the example workspace's .rolecall.json names seed 003's
// CloudFormation template and Terraform directory ("iac"); RoleCall reads them, shows the trust-policy
// findings inside the templates, marks their roles in the Role Trust Explorer with the template location,
// and re-reads a template when it changes on disk.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateRoleCall, codeOf, fileUri, rolecallDiagnostics, sleep } from './helpers';

const CFN = 'seed-003-ecs-agents/infra/cloudformation/deploy-role.yaml';
const TF = 'seed-003-ecs-agents/infra/terraform/agents.tf';

interface Provider<T> {
  getChildren(node?: T): vscode.ProviderResult<T[]>;
  getTreeItem(node: T): vscode.TreeItem | Thenable<vscode.TreeItem>;
}

async function waitFor(
  uri: vscode.Uri,
  ready: (ds: vscode.Diagnostic[]) => boolean,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  let ds = rolecallDiagnostics(uri);
  while (!ready(ds) && Date.now() < deadline) {
    await sleep(200);
    ds = rolecallDiagnostics(uri);
  }
  return ds;
}

function lineOf(doc: vscode.TextDocument, text: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(text)) return i;
  throw new Error(`${text} not in ${doc.uri.fsPath}`);
}

describe('roles defined as code', () => {
  let api: Record<string, unknown>;
  before(async () => {
    api = ((await activateRoleCall()) ?? {}) as Record<string, unknown>;
    await vscode.commands.executeCommand('rolecall.scanWorkspace');
  });

  it('shows trust-policy findings inside the CloudFormation template and the Terraform file', async () => {
    const cfn = await vscode.workspace.openTextDocument(fileUri(CFN));
    const invalid = (await waitFor(cfn.uri, (ds) => ds.some((d) => codeOf(d) === 'invalid-principal'))).find(
      (d) => codeOf(d) === 'invalid-principal',
    );
    assert.ok(invalid, 'invalid-principal in the CloudFormation template');
    assert.equal(invalid.range.start.line, lineOf(cfn, '!Join'), 'at the principal written with !Join');
    assert.equal(invalid.severity, vscode.DiagnosticSeverity.Warning);
    const tf = await vscode.workspace.openTextDocument(fileUri(TF));
    const ds = await waitFor(
      tf.uri,
      (list) =>
        list.some((d) => codeOf(d) === 'unsatisfiable-condition') &&
        list.some((d) => codeOf(d) === 'trust-policy-drift'),
    );
    const unsat = ds.find((d) => codeOf(d) === 'unsatisfiable-condition');
    assert.ok(
      unsat,
      `unsatisfiable-condition in agents.tf; got ${JSON.stringify(ds.map((d) => [d.range.start.line + 1, codeOf(d)]))}`,
    );
    assert.equal(
      unsat.range.start.line,
      lineOf(tf, '"Sid": "JenkinsAgents"') - 1,
      'at the statement inside the heredoc',
    );
    const drift = ds.find((d) => codeOf(d) === 'trust-policy-drift');
    assert.ok(
      drift && drift.severity === vscode.DiagnosticSeverity.Information,
      'the agent role differs from the snapshot: info',
    );
  });

  it('marks roles from code in the Role Trust Explorer with the template location', async () => {
    const provider = api.trustExplorer as Provider<unknown>;
    assert.ok(provider, 'activate() exports trustExplorer');
    const item = async (n: unknown) => provider.getTreeItem(n);
    const label = (i: vscode.TreeItem) => (typeof i.label === 'string' ? i.label : (i.label?.label ?? ''));
    const accounts = (await provider.getChildren()) ?? [];
    let target: unknown;
    for (const a of accounts) if (label(await item(a)) === '333333333333') target = a;
    assert.ok(target, 'account 333333333333 listed');
    const roles = (await provider.getChildren(target)) ?? [];
    let deploy: unknown;
    for (const r of roles) if (label(await item(r)) === 'deploy-role') deploy = r;
    assert.ok(deploy, 'deploy-role listed');
    assert.match(String((await item(deploy)).description ?? ''), /from code/);
    const under = (await provider.getChildren(deploy)) ?? [];
    const codeNode = await Promise.all(under.map(item)).then((items) => items.find((i) => i.contextValue === 'code'));
    assert.ok(codeNode, 'a "Defined as code" node under the role');
    assert.match(label(codeNode), /Defined as code: .*deploy-role\.yaml:\d+/);
    assert.equal(codeNode.command?.command, 'vscode.open');
  });

  it('re-reads a template changed on disk', async () => {
    const uri = fileUri(CFN);
    const original = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    try {
      const fixed = original.replace(
        '!Join ["", ["arn:aws:iam:::", !Ref ToolsAccountId, ":root"]]',
        '!Sub "arn:aws:iam::${ToolsAccountId}:root"',
      );
      assert.notEqual(fixed, original, 'the example template still has the broken principal');
      await vscode.workspace.fs.writeFile(uri, Buffer.from(fixed, 'utf8'));
      const ds = await waitFor(uri, (list) => !list.some((d) => codeOf(d) === 'invalid-principal'));
      assert.ok(!ds.some((d) => codeOf(d) === 'invalid-principal'), 'the fixed principal is no longer reported');
    } finally {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(original, 'utf8'));
      await waitFor(uri, (list) => list.some((d) => codeOf(d) === 'invalid-principal'));
    }
  });
});
