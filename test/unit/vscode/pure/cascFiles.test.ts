// A workspace's .rolecall.json may name Jenkins configuration-as-code files only inside its own folder
// (issue 14 item 4): the extension used to read any path a repository's config named.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectCascFiles } from '../../../../src/vscode/pure/cascFiles';

describe('vscode helpers: JCasC files named by a workspace config', () => {
  let dir: string;
  let repo: string;
  let outside: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'rolecall-casc-')));
    repo = join(dir, 'repo');
    outside = join(dir, 'elsewhere.yaml');
    mkdirSync(join(repo, 'casc'), { recursive: true });
    writeFileSync(join(repo, 'casc', 'jenkins.yaml'), 'jenkins: {}\n');
    writeFileSync(outside, 'ghp_secret_token_that_must_not_be_read\n');
    symlinkSync(outside, join(repo, 'casc', 'link.yaml'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an entry inside the config folder and refuses paths outside it, also through a link', () => {
    const { files, refused } = projectCascFiles([
      {
        baseDir: repo,
        entries: ['casc/jenkins.yaml', '../elsewhere.yaml', outside, 'casc/link.yaml'],
        where: '.rolecall.json',
      },
    ]);
    assert.deepEqual(files, [join(repo, 'casc', 'jenkins.yaml')]);
    assert.equal(refused.length, 3);
    for (const m of refused) {
      assert.match(m, /outside the config’s folder/);
      assert.doesNotMatch(m, /ghp_/);
    }
  });

  it('names a missing entry, and refuses entries of a config whose folder is unknown', () => {
    const { files, refused } = projectCascFiles([
      { baseDir: repo, entries: ['casc/none.yaml'], where: 'a/.rolecall.json' },
      { baseDir: null, entries: ['casc/jenkins.yaml'], where: 'b/.rolecall.json' },
    ]);
    assert.deepEqual(files, []);
    assert.match(refused[0], /'casc\/none.yaml' from a\/.rolecall.json is not read: no such file/);
    assert.match(refused[1], /its folder is unknown/);
  });
});
