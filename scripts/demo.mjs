// `npm start`: builds RoleCall and scans the bundled examples/ workspace with its offline IAM snapshots.
// No AWS account is needed: first with no config at all (callers read from the examples' jenkins.yaml),
// then with examples/.rolecall.json, which lists the snapshots and who else calls STS.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

const credentials = 'examples/jenkins-credentials.example.json';
// Git checks files out world-readable; RoleCall warns about credential files others can read.
chmodSync(credentials, 0o600);
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
// First the zero-config path: no .rolecall.json, who calls STS read from Jenkins configuration as code.
const zero = [
  'dist/cli.js', 'scan', 'examples/seed-003-ecs-agents', 'examples/seed-000-external-id/Jenkinsfile.agents',
  '--jenkins-casc', 'examples/seed-003-ecs-agents/jenkins.yaml', '--jenkins-casc', 'examples/seed-000-external-id/jenkins.yaml',
  '--iam-snapshot', 'examples/iam/111111111111.json', '--iam-snapshot', 'examples/iam/333333333333.json',
];
console.log(`$ rolecall ${zero.slice(1).join(' ')}\n`);
const first = spawnSync(process.execPath, zero, { stdio: 'inherit' });
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
