// What the CLI (the same engine) reports for the workspace copy: the editor must show the same.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './server.mjs';

/** `rolecall scan --format json` over a workspace with its own .rolecall.json; { usages, findings, errors }. */
export function cliScan(workspace, extraArgs = []) {
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: npm run package builds it`);
  const res = spawnSync(process.execPath, [cli, 'scan', '.', '--format', 'json', ...extraArgs], {
    cwd: workspace,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (res.status !== 0 && res.status !== 1) throw new Error(`rolecall scan exited ${res.status}: ${res.stderr}`);
  try {
    return JSON.parse(res.stdout);
  } catch {
    throw new Error(`rolecall scan printed no JSON: ${res.stdout.slice(0, 500)} ${res.stderr.slice(0, 500)}`);
  }
}

/** Findings of one file (path relative to the workspace, `/` separators). */
export function findingsOf(scan, rel) {
  return scan.findings.filter((f) => f.file === rel || f.file === `./${rel}`);
}

export function usagesOf(scan, rel) {
  return scan.usages.filter((u) => u.file === rel || u.file === `./${rel}`);
}
