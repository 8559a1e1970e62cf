// The .vsix as `npm run package` makes it (scripts/package-vsix.mjs: vsce, the .vscodeignore allowlist,
// the extension README): it
// holds only what the extension runs or shows — no CLI bundle, source, test or source map — and vsce
// accepts the manifest (it refuses, for one, a package.json "files" list next to a .vscodeignore).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { packedOnce, type Packed } from '../../../scripts/pack.mjs';

const MUST_SHIP = [
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/language-configuration.json',
  'extension/dist/extension.js',
  'extension/dist/aws.js',
  // The Terraform reader (tree-sitter-hcl) for IaC named in .rolecall.json.
  'extension/dist/web-tree-sitter.wasm',
  'extension/dist/tree-sitter-hcl.wasm',
  'extension/syntaxes/jenkinsfile.tmLanguage.json',
  'extension/schemas/rolecall.schema.json',
  'extension/media/icon.png',
  'extension/media/rolecall.svg',
];

describe('the .vsix', function () {
  this.timeout(120_000);
  let p: Packed;
  let vsix: string;
  let entries: string[];

  before(function () {
    // The packed copy of the tree has production bundles already (prepack); package there, not here.
    p = packedOnce();
    const tree = path.join(p.dir, 'tree');
    vsix = path.join(p.dir, 'rolecall.vsix');
    const res = spawnSync(process.execPath, [path.join(tree, 'scripts', 'package-vsix.mjs'), '--out', vsix], {
      cwd: tree,
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, `vsce package failed:\n${res.stdout}\n${res.stderr}`);
    const listing = execFileSync(
      'python3',
      ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix],
      { encoding: 'utf8' },
    );
    entries = listing.trim().split('\n');
    console.log(
      `      ${path.basename(vsix)}: ${(statSync(vsix).size / 1024).toFixed(1)} KiB, ${entries.length} entries`,
    );
  });

  it('ships the extension, its walkthrough media, and nothing else', function () {
    const extension = entries.filter((e) => e.startsWith('extension/'));
    for (const file of MUST_SHIP)
      assert.ok(extension.includes(file), `${file} is missing; entries: ${extension.join(', ')}`);
    const manifest = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("extension/package.json").decode())',
          vsix,
        ],
        { encoding: 'utf8' },
      ),
    );
    const walkthroughMedia = manifest.contributes.walkthroughs.flatMap(
      (w: { steps: { media: { markdown?: string; image?: string } }[] }) =>
        w.steps.map((s) => `extension/${s.media.markdown ?? s.media.image}`),
    );
    assert.ok(walkthroughMedia.length >= 5);
    assert.deepEqual(
      extension.filter((e) => !MUST_SHIP.includes(e) && !walkthroughMedia.includes(e)),
      [],
      'files shipped that the extension does not need',
    );
    assert.ok(!entries.some((e) => /\.(ts|map)$|\/(src|test|bench|node_modules)\/|dist\/cli\.js/.test(e)));
    assert.ok(statSync(vsix).size < 1024 * 1024, `${statSync(vsix).size} bytes`);
  });

  it('is marked as a preview with the Marketplace metadata', function () {
    const manifest = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("extension/package.json").decode())',
          vsix,
        ],
        { encoding: 'utf8' },
      ),
    );
    assert.equal(manifest.preview, true);
    for (const key of [
      'repository',
      'bugs',
      'homepage',
      'icon',
      'galleryBanner',
      'categories',
      'keywords',
      'license',
      'publisher',
    ])
      assert.ok(manifest[key], `${key} is set`);
  });
});
