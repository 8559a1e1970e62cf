// Callers read from Jenkins configuration as code inside the editor: the examples' jenkins.yaml files
// (found in the workspace and listed in .rolecall.json) decide who calls STS on the agents, and the hover
// says where the caller came from and which label choices are checked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateRoleCall, diagnosticsFor } from './helpers';

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
});
