#!/usr/bin/env node
// `npm run editor`: the extension in a real VS Code for a person to try. Installs what is missing,
// packages and installs the .vsix, starts code-server on 127.0.0.1:8080 (or $PORT; $HOST to bind
// elsewhere) with examples/ opened, prints the URL, and stops the server on Ctrl+C.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { setupE2e } from '../../scripts/setup-e2e.mjs';
import { installVsix, repoRoot, startCodeServer, stopServer } from './lib/server.mjs';

const say = (m) => process.stdout.write(`[editor] ${m}\n`);
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';

try {
  await setupE2e();
} catch (err) {
  process.stderr.write(`[editor] setup failed: ${err.message}\n`);
  process.exit(1);
}
say('packaging the extension (npm run package) ...');
const pkg = spawnSync('npm', ['run', '--silent', 'package'], {
  cwd: repoRoot,
  stdio: ['ignore', 'inherit', 'inherit'],
});
const vsix = path.join(repoRoot, 'dist', 'rolecall.vsix');
if (pkg.status !== 0 || !existsSync(vsix)) {
  process.stderr.write('[editor] npm run package failed\n');
  process.exit(1);
}
const workspace = path.join(repoRoot, 'examples');
let server;
try {
  server = await startCodeServer({
    name: 'editor',
    host,
    port,
    workspace,
    settings: { 'security.workspace.trust.enabled': false },
    preinstall: (dir) => installVsix(vsix, dir),
  });
} catch (err) {
  process.stderr.write(
    `[editor] code-server did not start on ${host}:${port}: ${err.message.split('\n')[0]}\n(is the port taken? set PORT=...)\n`,
  );
  process.exit(1);
}
say(`RoleCall ${path.basename(vsix)} installed; examples/ open (edits change the files in the repository).`);
say(`open ${server.url}?folder=${encodeURIComponent(workspace)}`);
say(`server log: ${server.logFile}`);
say('Ctrl+C stops it.');
const stop = async () => {
  await stopServer(server);
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
setInterval(() => {
  if (server.exited) {
    process.stderr.write(`[editor] code-server exited (${JSON.stringify(server.exited)}); see ${server.logFile}\n`);
    process.exit(1);
  }
}, 1000);
