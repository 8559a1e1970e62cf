// The hover provider over a withAWS call: the resolved role ARN, the caller and the trust decision,
// and never the value of a credential.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateRoleCall, diagnosticsFor } from './helpers';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

async function hoverAt(file: string, line: number, needle: string): Promise<string> {
  const { doc } = await diagnosticsFor(file);
  const col = doc.lineAt(line - 1).text.indexOf(needle);
  assert.ok(col >= 0, `"${needle}" not on line ${line} of ${file}`);
  const deadline = Date.now() + 10_000;
  let text = '';
  while (Date.now() < deadline) {
    const hovers =
      (await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        doc.uri,
        new vscode.Position(line - 1, col + 2),
      )) ?? [];
    text = hoverText(hovers);
    if (/RoleCall/.test(text)) return text;
    await new Promise((r) => setTimeout(r, 300));
  }
  return text;
}

describe('hover', () => {
  before(async () => {
    await activateRoleCall();
  });

  it('shows the role ARN resolved from a name and a parameter, and a deny decision with its reason', async () => {
    const text = await hoverAt('seed-000-external-id/Jenkinsfile.prod', 15, 'withAWS');
    assert.ok(text.includes('arn:aws:iam::222222222222:role/jenkins'), `no resolved ARN in: ${text}`);
    assert.match(text, /deny/i, `no deny decision in: ${text}`);
    assert.match(text, /role-chaining-duration|duration-exceeds-max/, `no reason in: ${text}`);
    assert.ok(
      text.includes('arn:aws:iam::111111111111:role/jenkins-slave'),
      `the caller (controller) is not named: ${text}`,
    );
  });

  it('resolves a role ARN through a Vault path and names Vault as the caller', async () => {
    const text = await hoverAt('seed-002-vault/Jenkinsfile', 9, 'withVault');
    assert.ok(text.includes('arn:aws:iam::444444444444:role/jenkins-ecr-push-role'), `no Vault role ARN in: ${text}`);
    assert.ok(text.includes('vault-server'), `Vault's principal is not the caller: ${text}`);
  });

  it('says where a credential ExternalId comes from without its value', async () => {
    const text = await hoverAt('seed-000-external-id/Jenkinsfile', 14, 'withAWS');
    assert.ok(text.includes('arn:aws:iam::222222222222:role/jenkins'), `no ARN: ${text}`);
    assert.match(text, /ExternalId/, `no ExternalId line: ${text}`);
    assert.ok(!text.includes('7KAXZ44tHx8mKsPxZnCi2X6Yx'), 'the credential value must never be shown');
  });
});
