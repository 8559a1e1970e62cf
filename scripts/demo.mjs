// `npm start`: builds RoleCall and scans the bundled examples/ workspace with its offline IAM snapshots.
// No AWS account is needed: first with no config at all (callers read from the examples' jenkins.yaml),
// then with examples/.rolecall.json, which lists the snapshots and who else calls STS.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import path from 'node:path';

const credentials = 'examples/jenkins-credentials.example.json';
// Git checks files out world-readable; RoleCall warns about credential files others can read.
chmodSync(credentials, 0o600);
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// First the zero-config path: no .rolecall.json, who calls STS read from Jenkins configuration as code.
// It runs inside seed-003's folder: without --config, scan uses the nearest .rolecall.json up to the working
// directory, so from the repository root it would read examples/.rolecall.json (callers, IaC) and not be
// zero-config at all. From there, nothing above the working directory is read.
const zeroDir = 'examples/seed-003-ecs-agents';
const zero = [
  'scan',
  '.',
  '../seed-000-external-id/Jenkinsfile.agents',
  '--jenkins-casc',
  'jenkins.yaml',
  '--jenkins-casc',
  '../seed-000-external-id/jenkins.yaml',
  '--iam-snapshot',
  '../iam/111111111111.json',
  '--iam-snapshot',
  '../iam/333333333333.json',
];
console.log(`$ cd ${zeroDir} && rolecall ${zero.join(' ')}\n`);
const first = spawnSync(process.execPath, [path.resolve('dist/cli.js'), ...zero], { stdio: 'inherit', cwd: zeroDir });
if (first.status !== 0 && first.status !== 1) process.exit(first.status ?? 1);
// Then the whole example workspace with its .rolecall.json (which lists the same jenkins.yaml files).
const args = ['dist/cli.js', 'scan', 'examples', '--credentials-file', credentials, ...process.argv.slice(2)];
console.log(`\n$ rolecall ${args.slice(1).join(' ')}\n`);
const scan = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (scan.status === 1) {
  console.log('\n(rolecall exited 1: the examples contain error findings on purpose; see examples/README.md)');
  process.exit(0);
}
process.exit(scan.status ?? 1);
