// The standard @vscode/test-electron runner for machines with VS Code (desktop): the same
// extension-host tests as the code-server suite (test/e2e/exthost), in a downloaded or given VS Code.
// Where VS Code can be neither found nor downloaded, it says so and skips: the code-server suite
// (npm run test:e2e) covers the same tests there.
//
// Run: node test/e2e/electron/run.mjs   (bundles the tests, then runs this file with tsx)
// Env: VSCODE_EXECUTABLE_PATH  a VS Code binary to use instead of downloading one
//      ROLECALL_VSCODE_VERSION  version to download (default: stable)
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

export const SKIP_MESSAGE =
  'skipped: @vscode/test-electron needs to download VS Code, which this machine cannot; the code-server suite covers it';

async function main(): Promise<number> {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const index = process.env.ROLECALL_EXTHOST_INDEX;
  if (!index) throw new Error('ROLECALL_EXTHOST_INDEX is not set: run node test/e2e/electron/run.mjs');
  let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH;
  if (!vscodeExecutablePath) {
    try {
      vscodeExecutablePath = await downloadAndUnzipVSCode({
        version: process.env.ROLECALL_VSCODE_VERSION ?? 'stable',
        timeout: 20_000,
      });
    } catch (err) {
      process.stdout.write(`${SKIP_MESSAGE} (${(err as Error)?.message ?? err})\n`);
      return 0;
    }
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'rolecall-electron-'));
  const workspace = path.join(scratch, 'workspace');
  cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
  const results = path.join(scratch, 'results.json');
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: index,
      extensionTestsEnv: { ROLECALL_REPO_ROOT: repoRoot, ROLECALL_EXTHOST_RESULTS: results },
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        path.join(scratch, 'user-data'),
      ],
    });
    return 0;
  } catch (err) {
    process.stderr.write(`extension-host tests failed: ${(err as Error)?.message ?? err}\n`);
    return 1;
  } finally {
    try {
      const report = JSON.parse(readFileSync(results, 'utf8')) as { results: Array<{ state: string }> };
      const passed = report.results.filter((r) => r.state === 'passed').length;
      process.stdout.write(`\nelectron: ${passed} passed, ${report.results.length - passed} failed\n`);
    } catch {
      /* no results: the failure above says why */
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error)?.message ?? err}\n`);
    process.exit(1);
  },
);
