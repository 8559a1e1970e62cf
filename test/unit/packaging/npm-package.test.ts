// The npm package as a user gets it: packed like `npm publish` packs it, installed from the tarball
// into an empty prefix with production dependencies only and no network, and run with nothing but
// Node — no dev dependency, no build step, no repository around it. Its scan of the bundled examples
// must equal `npm start`'s. A runtime library left out of the bundles (a parser, a .wasm) fails here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { describePack, packedOnce, repoRoot, type Packed } from '../../../scripts/pack.mjs';

// The HCL (Terraform) reader's two WASM binaries ship beside the bundles.
const EXPECTED_FILES = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/aws.js',
  'dist/cli.js',
  'dist/tree-sitter-hcl.wasm',
  'dist/web-tree-sitter.wasm',
  'package.json',
  'schemas/rolecall.schema.json',
];
const EXAMPLE_SCAN = [
  'scan',
  'examples',
  '--credentials-file',
  'examples/jenkins-credentials.example.json',
  '--format',
  'json',
];

/** Only Node on the PATH (plus the shell `#!/usr/bin/env node` needs), a fresh HOME, no NODE_PATH. */
function bareEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: [path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
    HOME: home,
    LANG: 'C.UTF-8',
  };
}

/** The JSON document inside `npm start`'s output (it also prints the command line and a note). */
function jsonIn(output: string): unknown {
  const start = output.indexOf('\n{\n');
  const end = output.lastIndexOf('\n}\n');
  assert.ok(start >= 0 && end > start, `no JSON document in: ${output.slice(0, 400)}`);
  return JSON.parse(output.slice(start + 1, end + 2));
}

describe('the npm package', function () {
  this.timeout(120_000);
  let p: Packed;
  let work: string;

  before(function () {
    p = packedOnce();
    console.log(describePack(p).replace(/^/gm, '      '));
    // A user's repository: the bundled examples, away from this repository's node_modules.
    work = path.join(p.dir, 'work-npm');
    cpSync(path.join(repoRoot, 'examples'), path.join(work, 'examples'), { recursive: true });
    chmodSync(path.join(work, 'examples', 'jenkins-credentials.example.json'), 0o600);
  });

  it('holds only the bundles, the schema, README, LICENSE and CHANGELOG, under 1 MB packed', function () {
    assert.deepEqual(p.files.map((f) => f.path).sort(), EXPECTED_FILES);
    assert.ok(p.size < 1024 * 1024, `packed size ${p.size} bytes`);
    assert.ok(!p.files.some((f) => /\.(ts|map)$|^(src|test|bench)\//.test(f.path)), 'no source, test or map file');
  });

  it('declares no runtime dependency: everything it runs is in its bundles', function () {
    const manifest = JSON.parse(readFileSync(path.join(p.packageDir, 'package.json'), 'utf8'));
    assert.ok(!manifest.private, 'publishable');
    assert.deepEqual(
      Object.keys(manifest.dependencies ?? {}),
      [],
      'runtime libraries are bundled by scripts/build.mjs: add them to devDependencies, not dependencies',
    );
    // What the bundles load at run time is a Node built-in or a file of the package.
    for (const bundle of ['dist/cli.js', 'dist/aws.js']) {
      for (const spec of p.externals[bundle]) {
        const file = spec.startsWith('.') ? path.posix.join(path.posix.dirname(bundle), spec) : null;
        assert.ok(
          isBuiltin(spec) || (file !== null && EXPECTED_FILES.includes(file)),
          `${bundle} loads '${spec}' at run time, which the package does not ship`,
        );
      }
    }
    // The install brought nothing else along.
    const installed = readdirSync(path.join(p.prefix, 'node_modules')).filter((n) => !n.startsWith('.'));
    assert.deepEqual(installed, ['rolecall']);
    assert.ok(!existsSync(path.join(p.packageDir, 'node_modules')));
  });

  it("scans the bundled examples with exactly npm start's findings", function () {
    const installed = spawnSync(p.bin, EXAMPLE_SCAN, { cwd: work, env: bareEnv(p.dir), encoding: 'utf8' });
    assert.equal(installed.status, 1, `installed rolecall exited ${installed.status}: ${installed.stderr}`);
    const mine = JSON.parse(installed.stdout);
    // `npm start` in the packed copy of the tree (it builds there, not in this working tree).
    const tree = path.join(p.dir, 'tree');
    const start = spawnSync('npm', ['start', '--silent', '--', '--format', 'json'], { cwd: tree, encoding: 'utf8' });
    assert.equal(start.status, 0, `npm start exited ${start.status}: ${start.stderr}`);
    const reference = jsonIn(start.stdout) as typeof mine;
    assert.ok(reference.findings.length > 10 && reference.usages.length > 10, 'the examples have findings to compare');
    assert.deepEqual(mine, reference);
  });

  it('--version names the engine and the contract', function () {
    const res = spawnSync(p.bin, ['--version'], { cwd: work, env: bareEnv(p.dir), encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    assert.match(res.stdout, new RegExp(`^rolecall ${version.replace(/\./g, '\\.')}\\n`));
    assert.match(res.stdout, new RegExp(`^engine ${version.replace(/\./g, '\\.')}\\b`, 'm'));
    assert.match(res.stdout, /^contract 1\b/m);
  });

  it('loads its AWS part on demand: a refused IAM read is a one-line message, exit 1', function () {
    const env = {
      ...bareEnv(p.dir),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'not-a-secret',
      AWS_MAX_ATTEMPTS: '1',
    };
    const res = spawnSync(
      p.bin,
      ['snapshot', '--out', 'iam.json', '--endpoint-url', 'http://127.0.0.1:9', '--region', 'us-east-1'],
      { cwd: work, env, encoding: 'utf8' },
    );
    assert.equal(res.status, 1, `exit ${res.status}: ${res.stderr}`);
    assert.match(res.stderr, /^rolecall snapshot: iam:GetAccountAuthorizationDetails failed .*ECONNREFUSED.*; next: /);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.doesNotMatch(res.stderr, /internal error|Cannot find module/);
  });
});
