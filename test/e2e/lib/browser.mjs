/* global document, NodeFilter -- these functions run inside the page (page.evaluate) */
// Drives Debian's Chromium with playwright-core against a code-server, and reads the workbench the
// way a person would: squiggles in the editor, rows in the Problems panel, hovers, notifications.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../../../scripts/setup-e2e.mjs';
import { artifactsDir, workDir } from './server.mjs';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Opens Chromium with a throw-away profile; returns { context, page, close }. */
export async function openBrowser(name = 'browser') {
  mkdirSync(workDir, { recursive: true });
  const profile = mkdtempSync(path.join(workDir, `${name}-chromium-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1600, height: 1000 },
    ignoreDefaultArgs: ['--enable-automation'],
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  return {
    context,
    page,
    consoleLines,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Loads the workbench for a folder and waits until it is interactive. */
export async function openWorkbench(page, server, folder, query = '') {
  const url = `${server.url}?folder=${encodeURIComponent(folder)}${query}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // The explorer (or any part) renders once the remote connection and workspace are up.
  await page.waitForSelector('.part.sidebar, .part.editor', { timeout: 60_000 });
  await page
    .waitForFunction(() => !document.querySelector('.monaco-workbench .loading'), null, { timeout: 30_000 })
    .catch(() => {});
}

/** Saves a full-page screenshot into the artifacts and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Saves text (e.g. the page's visible text) into the artifacts. */
export function saveArtifact(name, text) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, name);
  writeFileSync(file, text);
  return file;
}

const mod = 'Control';

/**
 * Runs a command from the palette by its title, as a person types it. Retries while the command is
 * not listed yet (commands gated on e.g. `isWorkspaceTrusted` appear once the workbench settles).
 */
export async function runCommand(page, title, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      continue;
    }
    await page.waitForTimeout(150);
    await input.press('Enter');
    return;
  }
}

/** Opens a workspace file with Quick Open (Ctrl+P), waits for its editor tab to be active. */
export async function openFile(page, relPath) {
  await page.keyboard.press('Escape');
  await page.keyboard.press(`${mod}+P`);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(relPath);
  const base = relPath.split('/').pop();
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: base }).first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  // Quick Open ranks fuzzy matches; wait for the exact path to be ranked first before Enter.
  await page
    .waitForFunction(
      ([p]) => {
        const first = document.querySelector(
          '.quick-input-widget .monaco-list-row[aria-selected="true"], .quick-input-widget .monaco-list-row.focused',
        );
        return (
          !!first &&
          (first.getAttribute('aria-label') ?? first.textContent ?? '')
            .replace(/\s+/g, ' ')
            .includes(p.split('/').slice(-2).join(' '))
        );
      },
      [relPath],
      { timeout: 5_000 },
    )
    .catch(() => {});
  await input.press('Enter');
  await page
    .locator(`.tabs-container .tab.active[aria-label*="${base}"], .tabs-container .tab.active:has-text("${base}")`)
    .first()
    .waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
}

/**
 * Squiggles in the active editor: [{ line, severity }] read from the decorations Monaco draws
 * (`.squiggly-error|warning|info` in the view overlays), mapped to the line numbers in the gutter
 * by their vertical position.
 */
export async function squiggles(page) {
  return page.evaluate(() => {
    const editor =
      document.querySelector('.editor-group-container.active .monaco-editor') ??
      document.querySelector('.monaco-editor');
    if (!editor) return [];
    const top = (el) => Math.round(el.getBoundingClientRect().top);
    const lines = new Map();
    for (const n of editor.querySelectorAll('.margin-view-overlays .line-numbers')) {
      const num = Number(n.textContent.trim());
      if (num) lines.set(top(n.parentElement ?? n), num);
    }
    const out = [];
    for (const sq of editor.querySelectorAll('.view-overlays [class*="squiggly-"]')) {
      const cls = [...sq.classList].find((c) => c.startsWith('squiggly-'));
      const severity = cls?.replace('squiggly-', '') ?? '';
      if (!['error', 'warning', 'info', 'hint'].includes(severity)) continue;
      const rowTop = top(sq.parentElement ?? sq);
      let line = lines.get(rowTop);
      if (line === undefined) {
        // Rows may differ by a pixel when zoomed; take the nearest gutter row.
        let best = Infinity;
        for (const [t, n] of lines)
          if (Math.abs(t - rowTop) < best) {
            best = Math.abs(t - rowTop);
            line = n;
          }
      }
      const rect = sq.getBoundingClientRect();
      out.push({ line, severity, x: Math.round(rect.left), y: Math.round(rect.top), width: Math.round(rect.width) });
    }
    return out.sort((a, b) => a.line - b.line);
  });
}

/** Waits until `pred(squiggles)` is true; returns the last squiggles seen. */
export async function waitForSquiggles(page, pred, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < deadline) {
    last = await squiggles(page);
    if (pred(last)) return last;
    await page.waitForTimeout(300);
  }
  return last;
}

/** Moves the cursor to 1-based line/column with the Go to Line box (Ctrl+G). */
export async function gotoLine(page, line, column = 1) {
  await focusEditor(page);
  await page.keyboard.press(`${mod}+G`);
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  // Go to Line is Quick Open with the ":" prefix; without it the text would search files.
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await page.waitForTimeout(200);
}

/** Moves keyboard focus to the active editor (e.g. away from the Problems panel's filter box). */
export async function focusEditor(page) {
  await page.keyboard.press('Escape');
  await page.keyboard.press(`${mod}+1`);
  await page.waitForTimeout(100);
}

/** Opens the Problems panel and returns its rows' accessible text. */
export async function problems(page) {
  await ensureProblemsPanel(page);
  return page.evaluate(() => {
    const rows = document.querySelectorAll(
      '.markers-panel .monaco-list-row, .markers-panel .monaco-table .monaco-list-row',
    );
    return [...rows].map((r) => (r.getAttribute('aria-label') || r.textContent || '').replace(/\s+/g, ' ').trim());
  });
}

export async function ensureProblemsPanel(page) {
  if (
    !(await page
      .locator('.markers-panel')
      .first()
      .isVisible()
      .catch(() => false))
  ) {
    await page.keyboard.press('Escape');
    await page.keyboard.press(`${mod}+Shift+M`);
    await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 10_000 });
  }
}

/** Visible notification toasts' text. */
export async function notifications(page) {
  return page.evaluate(() =>
    [
      ...document.querySelectorAll(
        '.notifications-toasts .notification-toast, .notifications-center .notification-list-item',
      ),
    ].map((n) => (n.textContent || '').replace(/\s+/g, ' ').trim()),
  );
}

/** Waits for a notification toast containing `text` (string or RegExp); returns its text. */
export async function waitForNotification(page, text, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await notifications(page);
    const hit = seen.find((t) => (typeof text === 'string' ? t.includes(text) : text.test(t)));
    if (hit) return hit;
    await page.waitForTimeout(250);
  }
  throw new Error(`no notification matching ${text} within ${timeoutMs} ms; seen: ${JSON.stringify(seen)}`);
}

/** The page's visible text, for secret checks. */
export async function pageText(page) {
  return page.evaluate(() => document.body.innerText);
}

/** Types into the Problems panel's filter box and returns the rows it leaves. */
/**
 * Types `text` into the Problems panel's filter and returns the rows shown. The panel filters after a
 * debounce, so rows read too early are the previous filter's: with `until`, rows are read again until
 * they satisfy it (or `timeoutMs` passes, then the last rows are returned for the caller's assertion);
 * without, until two reads 200 ms apart agree.
 */
export async function filterProblems(page, text, until = null, timeoutMs = 10_000) {
  await ensureProblemsPanel(page);
  const input = page
    .locator('.part.panel .viewpane-filter input, .part.panel .markers-panel-action-filter input')
    .first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(text);
  const deadline = Date.now() + timeoutMs;
  let last = null;
  let rows = [];
  for (let i = 0; until !== null ? Date.now() < deadline : i < 20; i++) {
    await page.waitForTimeout(200);
    rows = await problemRows(page);
    if (until !== null) {
      if (until(rows)) return rows;
      continue;
    }
    const key = JSON.stringify(rows);
    if (key === last) return rows;
    last = key;
  }
  return rows;
}

async function problemRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('.markers-panel .monaco-list-row')].map(
      (r) => `${r.getAttribute('aria-label') ?? ''} | ${(r.textContent ?? '').replace(/\s+/g, ' ').trim()}`,
    ),
  );
}

/** Text of a 1-based line of the active editor, as rendered. */
export async function lineText(page, line) {
  await gotoLine(page, line);
  return page.evaluate((n) => {
    const editor =
      document.querySelector('.editor-group-container.active .monaco-editor') ??
      document.querySelector('.monaco-editor');
    const top = (el) => Math.round(el.getBoundingClientRect().top);
    const gutter = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].find(
      (g) => Number(g.textContent.trim()) === n,
    );
    if (!gutter) return '';
    const t = top(gutter.parentElement ?? gutter);
    const row = [...editor.querySelectorAll('.view-lines .view-line')].find((v) => Math.abs(top(v) - t) <= 2);
    return (row?.textContent ?? '').replace(/\u00a0/g, ' ');
  }, line);
}

/** Rect of the first occurrence of `needle` on a 1-based line (the line is revealed first). */
export async function tokenBox(page, line, needle) {
  await gotoLine(page, line);
  const box = await page.evaluate(
    ([n, word]) => {
      const editor =
        document.querySelector('.editor-group-container.active .monaco-editor') ??
        document.querySelector('.monaco-editor');
      const top = (el) => Math.round(el.getBoundingClientRect().top);
      const gutter = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].find(
        (g) => Number(g.textContent.trim()) === n,
      );
      if (!gutter) return null;
      const t = top(gutter.parentElement ?? gutter);
      const row = [...editor.querySelectorAll('.view-lines .view-line')].find((v) => Math.abs(top(v) - t) <= 2);
      if (!row) return null;
      // Find the text node holding the needle and measure just those characters.
      const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
      const text = (row.textContent ?? '').replace(/\u00a0/g, ' ');
      const at = text.indexOf(word);
      if (at < 0) return null;
      let pos = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const len = node.textContent.length;
        if (at < pos + len) {
          const range = document.createRange();
          const start = at - pos;
          range.setStart(node, start);
          range.setEnd(node, Math.min(len, start + word.length));
          const r = range.getBoundingClientRect();
          return { x: r.left, y: r.top, width: r.width, height: r.height, column: at + 1 };
        }
        pos += len;
      }
      return null;
    },
    [line, needle],
  );
  if (!box) throw new Error(`"${needle}" not found on line ${line}`);
  return box;
}

/** Hovers the mouse over `needle` on a line and returns the hover widget's text. */
export async function hoverOver(page, line, needle, timeoutMs = 15_000) {
  await page.mouse.move(1, 1);
  await page.waitForTimeout(100);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Measured on every try: CodeLens rows re-laid out after an edit move the text under the mouse.
    const box = await tokenBox(page, line, needle);
    await page.mouse.move(box.x + Math.min(8, box.width / 2), box.y + box.height / 2, { steps: 3 });
    const hover = page
      .locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents')
      .first();
    try {
      await hover.waitFor({ state: 'visible', timeout: 3_000 });
      // Providers answer asynchronously; wait for RoleCall's part rather than the first paint.
      await page
        .waitForFunction(
          () => /RoleCall/.test(document.querySelector('.monaco-hover:not(.hidden)')?.textContent ?? ''),
          null,
          { timeout: 5_000 },
        )
        .catch(() => {});
      return (await page.locator('.monaco-hover:not(.hidden)').first().innerText()).replace(/\u00a0/g, ' ');
    } catch {
      await page.mouse.move(1, 1);
      await page.waitForTimeout(300);
    }
  }
  throw new Error(`no hover appeared over "${needle}" on line ${line}`);
}

/** Puts the cursor on `needle` of a line, opens the quick fixes (Ctrl+.) and applies the one matching `title`. */
export async function applyQuickFix(page, line, needle, title) {
  const box = await tokenBox(page, line, needle);
  await gotoLine(page, line, box.column + 1);
  const widget = page.locator('.action-widget');
  let items = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.keyboard.press('Control+.');
    try {
      await widget.first().waitFor({ state: 'visible', timeout: 4_000 });
      await page.waitForTimeout(300);
      items = await page.locator('.action-widget .monaco-list-row').allInnerTexts();
      if (items.some((t) => title.test(t))) break;
    } catch {
      /* the code actions may not be computed yet */
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }
  const item = page.locator('.action-widget .monaco-list-row').filter({ hasText: title }).first();
  if (!(await item.isVisible().catch(() => false)))
    throw new Error(`no quick fix ${title} on line ${line}; offered: ${JSON.stringify(items)}`);
  await item.click();
  await widget
    .first()
    .waitFor({ state: 'hidden', timeout: 5_000 })
    .catch(() => {});
  await page.waitForTimeout(300);
}

/** Opens a view container from the activity bar by its title (e.g. "RoleCall"). */
export async function openView(page, title) {
  const item = page
    .locator(`.activitybar .action-item a[aria-label^="${title}"], .activitybar .action-item [aria-label^="${title}"]`)
    .first();
  await item.waitFor({ state: 'visible', timeout: 20_000 });
  const checked = await item
    .locator('xpath=..')
    .getAttribute('aria-checked')
    .catch(() => null);
  if (
    checked !== 'true' &&
    !(await page
      .locator(
        `.part.sidebar .composite.title h2[title^="${title}"], .part.sidebar .title-label h2:has-text("${title}")`,
      )
      .first()
      .isVisible()
      .catch(() => false))
  ) {
    await item.click();
  }
  await page.waitForTimeout(300);
}

/** Rows of a tree view (by its pane title): [{ label, description, level, expanded }]. */
export async function treeRows(page, paneTitle) {
  return page.evaluate((title) => {
    const panes = [...document.querySelectorAll('.part.sidebar .pane')];
    const pane =
      panes.find((p) =>
        (p.querySelector('.pane-header')?.textContent ?? '').toLowerCase().includes(title.toLowerCase()),
      ) ?? panes[0];
    if (!pane) return [];
    return [...pane.querySelectorAll('.monaco-list-row')].map((r) => ({
      label: (r.querySelector('.label-name, .monaco-icon-label .label-name')?.textContent ?? '').trim(),
      description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
      level: Number(r.getAttribute('aria-level') ?? 0),
      expanded: r.getAttribute('aria-expanded'),
      aria: r.getAttribute('aria-label') ?? '',
    }));
  }, paneTitle);
}

/** Expands the first tree row whose label is `label` (clicking its twistie). */
export async function expandTreeRow(page, label) {
  const row = page
    .locator('.part.sidebar .monaco-list-row')
    .filter({
      has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
    })
    .first();
  await row.waitFor({ state: 'visible', timeout: 15_000 });
  // A click that lands while the view re-renders (a refresh just before) only selects the row: click
  // the twistie again until the row says it is expanded.
  for (let attempt = 0; attempt < 5; attempt++) {
    if ((await row.getAttribute('aria-expanded')) === 'true') break;
    await row.locator('.monaco-tl-twistie').click();
    await page.waitForTimeout(400);
  }
  if ((await row.getAttribute('aria-expanded')) !== 'true') throw new Error(`tree row '${label}' did not expand`);
  await page.waitForTimeout(400);
}

/**
 * The open quick input (quick pick or input box), waited for by its title. Returns helpers to read
 * its value, prompt and validation message, to type, pick a row and accept.
 */
export async function quickInput(page, { title, timeoutMs = 20_000 }) {
  const widget = page.locator('.quick-input-widget');
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    if (await widget.isVisible().catch(() => false)) {
      seen = (
        await page
          .locator('.quick-input-widget .quick-input-title')
          .innerText()
          .catch(() => '')
      ).trim();
      if (title.test(seen)) break;
    }
    await page.waitForTimeout(200);
  }
  if (!title.test(seen))
    throw new Error(`no quick input titled ${title} within ${timeoutMs} ms (last title: "${seen}")`);
  const input = page.locator('.quick-input-widget input.input');
  const message = page.locator('.quick-input-widget .quick-input-message');
  return {
    title: seen,
    value: () => input.inputValue(),
    prompt: async () => (await message.innerText().catch(() => '')).trim(),
    async type(text) {
      await input.fill(text);
      await page.waitForTimeout(300);
    },
    /** The validation message shown under the box ('' when the value is valid). */
    async validation() {
      await page.waitForTimeout(300);
      const severe = page.locator(
        '.quick-input-widget .quick-input-message.inputValidationError, .quick-input-widget .monaco-inputbox.error, .quick-input-widget .inputValidationError',
      );
      if (
        !(await severe
          .first()
          .isVisible()
          .catch(() => false))
      )
        return '';
      return (await message.innerText().catch(() => '')).trim() || 'invalid';
    },
    async accept() {
      await input.press('Enter');
      await page.waitForTimeout(400);
    },
    async stillOpen() {
      if (!(await widget.isVisible().catch(() => false))) return false;
      const now = (
        await page
          .locator('.quick-input-widget .quick-input-title')
          .innerText()
          .catch(() => '')
      ).trim();
      return now === seen;
    },
    async pick(rowText) {
      const row = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: rowText }).first();
      await row.waitFor({ state: 'visible', timeout: 10_000 });
      await row.click();
      await page.waitForTimeout(400);
    },
  };
}

/** Waits for a modal dialog, clicks the button whose text matches `label`, returns the dialog's text. */
export async function clickDialogButton(page, label, timeoutMs = 20_000) {
  const dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible', timeout: timeoutMs });
  const text = await dialog.innerText();
  await dialog.locator('.monaco-button', { hasText: label }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: timeoutMs });
  return text;
}
