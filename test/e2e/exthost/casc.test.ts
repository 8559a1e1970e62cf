// Callers read from Jenkins configuration as code inside the editor: the examples' jenkins.yaml files
// (found in the workspace and listed in .rolecall.json) decide who calls STS on the agents, and the hover
// says where the caller came from and which label choices are checked. A problem in such a file is shown on it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateRoleCall, diagnosticsFor, fileUri, rolecallDiagnostics, sleep } from './helpers';

async function hoverAt(file: string, needle: string): Promise<string> {
  const { doc } = await diagnosticsFor(file);
  const line = doc
    .getText()
    .split('\n')
    .findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, `"${needle}" not in ${file}`);
  const col = doc.lineAt(line).text.indexOf(needle);
  const deadline = Date.now() + 10_000;
  let text = '';
  while (Date.now() < deadline) {
    const hovers =
      (await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        new vscode.Position(line, col + 1),
      )) ?? [];
    text = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .join('\n');
    if (/RoleCall/.test(text)) return text;
    await new Promise((r) => setTimeout(r, 300));
  }
  return text;
}

describe('callers from Jenkins configuration as code', () => {
  before(async () => {
    await activateRoleCall();
  });

  it("seed 003's ECS agents run as the task role jenkins.yaml gives, and the hover links to its line", async () => {
    const text = await hoverAt('seed-003-ecs-agents/Jenkinsfile', 'aws sts assume-role --role-arn arn');
    assert.ok(
      text.includes('arn:aws:iam::111111111111:role/deploy-role-agent-account-x'),
      `caller not from JCasC: ${text}`,
    );
    assert.match(
      text,
      /\*\*Caller from:\*\* \[jenkins\.yaml:\d+ \(taskrole\)\]\(file:[^)]*seed-003-ecs-agents\/jenkins\.yaml#L\d+\)/,
      `no JCasC source link: ${text}`,
    );
  });

  it("seed 000's 'linux && ec2' picks two EC2 templates: both are checked and the failing choice is named", async () => {
    const text = await hoverAt('seed-000-external-id/Jenkinsfile.agents', 'aws sts');
    assert.match(text, /\*\*Label choices:\*\* each is checked/, `no label choices: ${text}`);
    assert.ok(text.includes('assumed-role/gpu-builder/i-*'), `the gpu builders' role is not listed: ${text}`);
    const { diagnostics } = await diagnosticsFor('seed-000-external-id/Jenkinsfile.agents');
    const choice = diagnostics.find((d) => /^Label choice EC2 template 'gpu builders'/.test(d.message));
    assert.ok(choice, `no diagnostic naming the gpu choice: ${diagnostics.map((d) => d.message).join(' | ')}`);
  });

  it('shows a problem of jenkins.yaml on its line, and drops it once the file is fixed', async () => {
    const uri = fileUri('seed-003-ecs-agents/jenkins.yaml');
    const original = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    const lines = original.split('\n');
    const clouds = lines.findIndex((l) => l === '  clouds:');
    assert.ok(clouds >= 0, 'seed 003 jenkins.yaml has `  clouds:`');
    const broken = [...lines.slice(0, clouds + 1), '    - amazonEC2: 42', ...lines.slice(clouds + 1)].join('\n');
    const until = async (ready: (ds: vscode.Diagnostic[]) => boolean) => {
      const deadline = Date.now() + 20_000;
      let ds = rolecallDiagnostics(uri);
      while (!ready(ds) && Date.now() < deadline) {
        await sleep(200);
        ds = rolecallDiagnostics(uri);
      }
      return ds;
    };
    try {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(broken, 'utf8'));
      const ds = await until((list) => list.length > 0);
      const shape = ds.find((d) => /should be a mapping/.test(d.message));
      assert.ok(shape, `no diagnostic on jenkins.yaml: ${ds.map((d) => d.message).join(' | ')}`);
      assert.equal(shape.range.start.line, clouds + 1, 'at the broken cloud entry');
      assert.equal(shape.severity, vscode.DiagnosticSeverity.Error);
    } finally {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(original, 'utf8'));
    }
    const after = await until((list) => list.length === 0);
    assert.deepEqual(
      after.map((d) => d.message),
      [],
      'the fixed file has no problem left',
    );
  });
});
