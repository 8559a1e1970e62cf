// `npm start`: builds RoleCall and scans the bundled examples/ workspace with its offline IAM snapshots.
// No AWS account is needed: examples/.rolecall.json lists the snapshots and who calls STS.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

const credentials = 'examples/jenkins-credentials.example.json';
// Git checks files out world-readable; RoleCall warns about credential files others can read.
chmodSync(credentials, 0o600);
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const args = ['dist/cli.js', 'scan', 'examples', '--credentials-file', credentials, ...process.argv.slice(2)];
console.log(`$ rolecall ${args.slice(1).join(' ')}\n`);
const scan = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (scan.status === 1) {
  console.log('\n(rolecall exited 1: the examples contain error findings on purpose; see examples/README.md)');
  process.exit(0);
}
process.exit(scan.status ?? 1);
