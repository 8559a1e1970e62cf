// The extension activates in a real extension host and registers every command the manifest
// promises (the ids are the team's shared decisions).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateRoleCall } from './helpers';

const SHARED_COMMANDS = [
  'rolecall.scanWorkspace',
  'rolecall.checkTrust',
  'rolecall.mintCredentials',
  'rolecall.clearSessions',
  'rolecall.refreshExplorer',
  'rolecall.filterProblems',
  'rolecall.selectSnapshot',
  'rolecall.showOutput',
];

describe('commands', () => {
  before(async () => {
    await activateRoleCall();
  });

  it('registers every shared command id', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = SHARED_COMMANDS.filter((c) => !all.has(c));
    assert.deepEqual(missing, [], `commands not registered: ${missing.join(', ')}`);
  });

  it('registers every command its manifest contributes', async () => {
    const ext = vscode.extensions.getExtension('rolecall.rolecall');
    assert.ok(ext, 'extension rolecall.rolecall is not loaded');
    const contributed: string[] = (ext.packageJSON?.contributes?.commands ?? []).map(
      (c: { command: string }) => c.command,
    );
    assert.ok(contributed.length >= SHARED_COMMANDS.length, `manifest contributes only ${contributed.length} commands`);
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !all.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('contributes the Role Trust Explorer in its own view container', () => {
    const ext = vscode.extensions.getExtension('rolecall.rolecall');
    const views = ext?.packageJSON?.contributes?.views?.rolecall ?? [];
    assert.ok(
      views.some((v: { id: string }) => v.id === 'rolecall.trustExplorer'),
      'view rolecall.trustExplorer not contributed under container rolecall',
    );
  });
});
