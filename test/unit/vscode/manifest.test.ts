// The manifest keeps the ids the team agreed on (other parts and the e2e suite rely on them), the
// grammar and language configuration load, and the .vsix allowlist ships nothing else.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const contributes = pkg.contributes;

describe('vscode helpers: manifest', () => {
  it('contributes the agreed commands, view and languages', () => {
    const ids = contributes.commands.map((c: { command: string }) => c.command);
    for (const id of [
      'rolecall.scanWorkspace',
      'rolecall.checkTrust',
      'rolecall.mintCredentials',
      'rolecall.clearSessions',
      'rolecall.refreshExplorer',
      'rolecall.filterProblems',
      'rolecall.selectSnapshot',
      'rolecall.showOutput',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    assert.equal(
      contributes.commands.find((c: { command: string }) => c.command === 'rolecall.mintCredentials').title,
      'Mint Credentials for Pipeline Role…',
    );
    assert.deepEqual(
      contributes.viewsContainers.activitybar.map((v: { id: string }) => v.id),
      ['rolecall'],
    );
    assert.deepEqual(
      contributes.views.rolecall.map((v: { id: string; name: string }) => [v.id, v.name]),
      [['rolecall.trustExplorer', 'Role Trust Explorer']],
    );
    const lang = contributes.languages.find((l: { id: string }) => l.id === 'jenkinsfile');
    assert.deepEqual(lang.filenames, ['Jenkinsfile']);
    assert.deepEqual(lang.filenamePatterns, ['Jenkinsfile.*', '*.jenkinsfile', '*.Jenkinsfile']);
  });
  it('activates on both languages, pipelines in the workspace, the view and the commands', () => {
    for (const e of [
      'onLanguage:jenkinsfile',
      'onLanguage:groovy',
      'workspaceContains:**/Jenkinsfile',
      'onView:rolecall.trustExplorer',
      'onCommand:rolecall.mintCredentials',
    ]) {
      assert.ok(pkg.activationEvents.includes(e), e);
    }
  });
  it('takes no setting from machine scope: in a remote window (code-server, SSH) VS Code ignores machine-scoped values written in User settings', () => {
    // The mint e2e set rolecall.iam.endpointUrl in User settings; with scope machine-overridable the
    // extension never saw it and minted against real STS.
    for (const [key, spec] of Object.entries(
      contributes.configuration.properties as Record<string, { scope?: string }>,
    )) {
      assert.ok(!['machine', 'machine-overridable'].includes(spec.scope ?? ''), `${key} has scope ${spec.scope}`);
    }
  });
  it('declares the agreed settings and restricts the live-AWS ones in untrusted workspaces', () => {
    const keys = Object.keys(contributes.configuration.properties);
    for (const k of [
      'rolecall.iam.snapshots',
      'rolecall.iam.live',
      'rolecall.iam.profile',
      'rolecall.iam.region',
      'rolecall.iam.endpointUrl',
      'rolecall.iam.accountProfiles',
      'rolecall.caller',
      'rolecall.cacheTtlSeconds',
    ]) {
      assert.ok(keys.includes(k), k);
    }
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual([...pkg.capabilities.untrustedWorkspaces.restrictedConfigurations].sort(), [
      'rolecall.iam.accountProfiles',
      'rolecall.iam.assumeRoleTemplate',
      'rolecall.iam.endpointUrl',
      'rolecall.iam.live',
      'rolecall.iam.profile',
    ]);
    // The reader-role setting takes the same ARNs as --assume-role-template.
    const pattern = new RegExp(contributes.configuration.properties['rolecall.iam.assumeRoleTemplate'].pattern);
    assert.ok(pattern.test('arn:aws:iam::{account}:role/rolecall-reader') && !pattern.test('rolecall-reader'));
  });
  it('every menu and welcome command exists', () => {
    const ids = new Set(contributes.commands.map((c: { command: string }) => c.command));
    for (const list of Object.values(contributes.menus) as Array<Array<{ command: string }>>)
      for (const m of list) assert.ok(ids.has(m.command), m.command);
    for (const w of contributes.viewsWelcome)
      for (const m of (w.contents as string).matchAll(/\(command:([\w.]+)/g))
        assert.ok(ids.has(m[1]) || m[1].startsWith('workbench.'), m[1]);
  });
  it('the grammar and language configuration load; shell steps embed source.shell', () => {
    const grammar = JSON.parse(readFileSync(contributes.grammars[0].path, 'utf8'));
    assert.equal(grammar.scopeName, 'source.jenkinsfile');
    assert.match(JSON.stringify(grammar.repository['shell-steps']), /source\.shell/);
    assert.match(JSON.stringify(grammar.repository.interpolation), /\\\\\$\\\\\{/);
    // Every regex must at least compile (Oniguruma is stricter; the e2e suite renders it for real).
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string')
            assert.doesNotThrow(() => new RegExp(v.replace(/\(\?<=/g, '(?:')), v);
          else walk(v);
        }
      }
    };
    walk(grammar);
    const conf = JSON.parse(readFileSync('language-configuration.json', 'utf8'));
    assert.deepEqual(conf.comments, { lineComment: '//', blockComment: ['/*', '*/'] });
  });
  it('.vscodeignore is an allowlist', () => {
    const lines = readFileSync('.vscodeignore', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(lines[0], '**');
    assert.ok(
      lines.slice(1).every((l) => l.startsWith('!')),
      'only re-inclusions after **',
    );
    for (const l of ['!dist/extension.js', '!dist/aws.js', '!package.json']) assert.ok(lines.includes(l), l);
  });
});
