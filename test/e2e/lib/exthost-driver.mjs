// Runs the bundled extension-host tests inside code-server: a server with VS Code's smoke-test
// driver on (it lets the workbench run `extensionTestsPath` the way the desktop test runner does),
// and a page opened with the development/test payload. The tests report through a JSON file.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { openBrowser, openWorkbench, screenshot } from './browser.mjs';
import { copyExamples, repoRoot, saveServerLog, startCodeServer, stopServer } from './server.mjs';

/**
 * Runs the tests; returns { results, done, fatal, seconds, consoleTail }. Never throws for test
 * failures (the caller asserts), but throws when the editor never reports (a timeout).
 */
export async function runExthostTests({
  index,
  extensionPath = repoRoot,
  timeoutMs = 240_000,
  env = {},
  settings = {},
  name = 'exthost',
}) {
  const started = Date.now();
  const bundleDir = path.dirname(index);
  const resultsFile = path.join(bundleDir, 'results.json');
  rmSync(resultsFile, { force: true });
  let server;
  let browser;
  try {
    server = await startCodeServer({
      name,
      settings: { 'security.workspace.trust.enabled': false, ...settings },
      vscodeOptions: ['enable-smoke-test-driver'],
      env,
    });
    const ws = copyExamples(server.root);
    const extEnv = { ROLECALL_EXTHOST_RESULTS: resultsFile, ROLECALL_REPO_ROOT: repoRoot, ...env };
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://remote${extensionPath}`],
      ['extensionTestsPath', `vscode-remote://remote${index}`],
      ['extensionEnvironment', JSON.stringify(extEnv)],
    ];
    browser = await openBrowser(name);
    await openWorkbench(browser.page, server, ws, `&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const deadline = Date.now() + timeoutMs;
    let report = null;
    while (Date.now() < deadline) {
      if (existsSync(resultsFile)) {
        try {
          report = JSON.parse(readFileSync(resultsFile, 'utf8'));
        } catch {
          report = null; // being replaced; read again
        }
        if (report?.done) break;
      }
      if (server.exited) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await screenshot(browser.page, `${name}-final`).catch(() => {});
    if (!report?.done) {
      const partial = report
        ? ` (partial: ${report.results.length} test(s) reported, last: ${report.results.at(-1)?.title})`
        : '';
      throw new Error(
        `extension-host tests did not finish within ${timeoutMs / 1000}s${partial}; browser console tail:\n${browser.consoleLines.slice(-30).join('\n')}\nserver log tail:\n${server.log().slice(-2000)}`,
      );
    }
    return { ...report, seconds: (Date.now() - started) / 1000, consoleTail: browser.consoleLines.slice(-30) };
  } finally {
    await browser?.close();
    if (server) {
      saveServerLog(server, name);
      await stopServer(server);
    }
  }
}
