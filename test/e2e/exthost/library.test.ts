// A Jenkinsfile calling a shared-library step (vars/*.groovy) of the workspace: the editor reports what the
// CLI reports — the 11-digit account passed to the step at the call in the Jenkinsfile — and follows a change
// of the step file on disk. The files are written into the workspace copy and removed afterwards.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateRoleCall, cliFindings, codeOf, diagnosticsFor, workspaceRoot } from './helpers';

const DIR = 'zz-library-call';
const STEP = [
  'def call(Map cfg) {',
  '    withAWS(role: cfg.role, roleAccount: cfg.account, duration: 3600) {',
  '        sh "aws ecs update-service --cluster ${cfg.cluster}"',
  '    }',
  '}',
  '',
].join('\n');
const PIPELINE = [
  'node {',
  "    deployStep(role: 'deploy', account: '22222222222', cluster: 'main')",
  "    deployStep(role: 'deploy', account: '333333333333', cluster: 'side')",
  '}',
  '',
].join('\n');

function cli(rel: string): string[] {
  return cliFindings()
    .filter((f) => f.file === rel || f.file === `./${rel}`)
    .map((f) => `${f.line} ${f.code}`)
    .sort();
}

describe('shared-library steps called from a Jenkinsfile', () => {
  const root = () => path.join(workspaceRoot().fsPath, DIR);
  before(async () => {
    await activateRoleCall();
    // Written through the editor's file service, as saving a file does (its watchers see it at once).
    await vscode.workspace.fs.writeFile(
      vscode.Uri.file(path.join(root(), 'vars', 'deployStep.groovy')),
      Buffer.from(STEP),
    );
    await vscode.workspace.fs.writeFile(vscode.Uri.file(path.join(root(), 'Jenkinsfile')), Buffer.from(PIPELINE));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(vscode.Uri.file(root()), { recursive: true });
  });

  it('reports the typo passed to the step at the call, as the CLI does', async () => {
    const rel = `${DIR}/Jenkinsfile`;
    const want = cli(rel);
    assert.ok(want.includes('2 invalid-role-arn'), `the CLI reports the call: ${JSON.stringify(want)}`);
    const { diagnostics } = await diagnosticsFor(rel, (ds) => ds.some((d) => codeOf(d) === 'invalid-role-arn'));
    assert.deepEqual(diagnostics.map((d) => `${d.range.start.line + 1} ${codeOf(d)}`).sort(), want);
    const d = diagnostics.find((x) => codeOf(x) === 'invalid-role-arn')!;
    assert.match(d.message, /vars\/deployStep\.groovy:2/);
  });

  it('a change of the step file on disk is followed', async () => {
    const rel = `${DIR}/Jenkinsfile`;
    // The step now passes a fixed account: the call's typo no longer reaches withAWS.
    await vscode.workspace.fs.writeFile(
      vscode.Uri.file(path.join(root(), 'vars', 'deployStep.groovy')),
      Buffer.from(STEP.replace('roleAccount: cfg.account', "roleAccount: '444444444444'")),
    );
    const want = cli(rel);
    assert.ok(!want.includes('2 invalid-role-arn'), `the CLI follows the new step: ${JSON.stringify(want)}`);
    const lines = (ds: vscode.Diagnostic[]) => ds.map((d) => `${d.range.start.line + 1} ${codeOf(d)}`).sort();
    const { diagnostics } = await diagnosticsFor(rel, (ds) => JSON.stringify(lines(ds)) === JSON.stringify(want));
    assert.deepEqual(lines(diagnostics), want);
  });
});
