/* global describe, it -- mocha globals */
// Last: nothing the run saved (page texts, browser consoles, server and extension logs) holds a secret:
// the example credential's ExternalId, the MFA code typed, or the minted keys and token. Nor do the
// editor's own files of this run's servers: user and workspace settings, the editor's logs (output
// channels included) and code-server's log. (The minted profile in the test HOME's ~/.aws/credentials is
// meant to hold keys; it is checked for mode 0600 by the mint spec, not here.)
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { artifactsDir, workDir } from '../lib/server.mjs';
import { findSecrets, scanDir } from '../lib/secrets.mjs';
import { readFileSync } from 'node:fs';

const runStarted = Date.now() - process.uptime() * 1000;

/** Settings and logs of the code-server instances this run started (their dirs were made after it began). */
function editorFilesOfThisRun() {
  if (!existsSync(workDir)) return [];
  const files = [];
  for (const name of readdirSync(workDir)) {
    const root = path.join(workDir, name);
    if (!statSync(root).isDirectory() || statSync(root).mtimeMs < runStarted) continue;
    for (const rel of ['code-server.log', 'user-data/User/settings.json']) {
      if (existsSync(path.join(root, rel))) files.push(path.join(root, rel));
    }
    const walk = (dir, keep) => {
      if (!existsSync(dir)) return;
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        const st = statSync(p);
        if (st.isDirectory()) walk(p, keep);
        else if (keep(p)) files.push(p);
      }
    };
    walk(path.join(root, 'user-data', 'logs'), () => true);
    walk(
      path.join(root, 'workspace'),
      (p) => /[\\/]\.vscode[\\/]settings\.json$/.test(p) || p.endsWith('.rolecall.json'),
    );
  }
  return files;
}

describe('artifacts', function () {
  it('hold no secret', function () {
    assert.ok(existsSync(artifactsDir) && readdirSync(artifactsDir).length > 0, 'no artifacts were saved');
    assert.deepEqual(scanDir(artifactsDir), []);
  });

  it("the editors' settings files and logs (output channels included) hold no secret", function () {
    const files = editorFilesOfThisRun();
    assert.ok(
      files.some((f) => f.endsWith('settings.json')),
      'found the settings of this run’s editors',
    );
    assert.ok(
      files.some((f) => /RoleCall|rolecall/.test(path.basename(f)) || /exthost/.test(f)),
      `found the extension's logs: ${files.length} files`,
    );
    const leaks = [];
    for (const f of files) {
      if (statSync(f).size > 50 * 1024 * 1024) continue;
      const hits = findSecrets(readFileSync(f, 'utf8'));
      if (hits.length) leaks.push(`${path.relative(workDir, f)}: ${hits.join(', ')}`);
    }
    assert.deepEqual(leaks, []);
  });
});
