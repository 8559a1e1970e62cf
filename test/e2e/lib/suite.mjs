/* global before, after, afterEach -- mocha globals */
// Mocha hooks for a UI suite: one code-server with the packaged extension installed and a fresh copy
// of examples/ opened, one Chromium page; a screenshot after every test (named after it), the
// server log and page text kept as artifacts, and the server stopped by process group afterwards.
import { cpSync } from 'node:fs';
import path from 'node:path';
import { openBrowser, openWorkbench, pageText, saveArtifact, screenshot } from './browser.mjs';
import { copyExamples, saveServerLog, startCodeServer, stopServer } from './server.mjs';

export function slug(s) {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

/**
 * Registers before/after hooks on the current describe block; returns a handle whose fields are
 * filled once the editor is up: { server, browser, page, workspace }.
 * opts: { name, settings, env, trusted = true, beforeStart(root) => extra env/settings }
 */
export function useEditor(opts) {
  const h = { server: null, browser: null, page: null, workspace: null, shots: [] };
  const name = opts.name;

  before(async function () {
    this.timeout(180_000);
    const seed = process.env.ROLECALL_E2E_EXTENSIONS_SEED;
    if (!seed)
      throw new Error('ROLECALL_E2E_EXTENSIONS_SEED is not set: run the suite through `node test/e2e/run.mjs`');
    const extra = opts.beforeStart ? await opts.beforeStart() : {};
    const settings = {
      'security.workspace.trust.enabled': opts.trusted === false,
      ...(opts.settings ?? {}),
      ...(extra.settings ?? {}),
    };
    // Each suite gets its own copy of the installed extension (the server writes to its extensions dir).
    const extensionsDir = path.join(seed + '-' + name + '-' + process.pid);
    cpSync(seed, extensionsDir, { recursive: true });
    h.server = await startCodeServer({
      name,
      settings,
      env: { ...(opts.env ?? {}), ...(extra.env ?? {}) },
      extensionsDir,
    });
    h.workspace = copyExamples(h.server.root);
    if (opts.prepareWorkspace) await opts.prepareWorkspace(h.workspace);
    h.browser = await openBrowser(name);
    h.page = h.browser.page;
    await openWorkbench(h.page, h.server, h.workspace);
    // Workbench chrome (explorer, status bar) settles a moment after the first paint.
    await h.page.waitForSelector('.statusbar', { timeout: 30_000 });
  });

  afterEach(async function () {
    if (!h.page) return;
    const title = slug(this.currentTest?.fullTitle() ?? 'test');
    const state = this.currentTest?.state === 'failed' ? '-FAILED' : '';
    const file = await screenshot(h.page, `${name}--${title}${state}`).catch(() => null);
    if (file) h.shots.push(file);
    const text = await pageText(h.page).catch(() => '');
    saveArtifact(`${name}--${title}${state}.txt`, text);
  });

  after(async function () {
    this.timeout(30_000);
    if (h.browser) {
      saveArtifact(`${name}.browser-console.log`, h.browser.consoleLines.join('\n'));
      await h.browser.close();
    }
    if (h.server) {
      saveServerLog(h.server, name);
      await stopServer(h.server);
    }
  });

  return h;
}
