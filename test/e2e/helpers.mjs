// Helpers for driving VS Code (code-server) with Playwright + Debian's Chromium.
// Webviews are nested iframes (VS Code's host frame, then the content frame), so everything
// that looks inside a webview searches all of page.frames().
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../../scripts/code-server.mjs';

export const RESULTS_DIR = path.join(ROOT, 'test-results');

// Never `npx playwright install`: the system Chromium is used. No GPU, no network side traffic.
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

export function launchBrowser() {
  return chromium.launch(CHROMIUM_LAUNCH);
}

/** Opens the workbench of a started code-server (see scripts/code-server.mjs) and waits for the explorer. */
export async function openWorkbench(
  browser,
  server,
  { folder = server.folder, viewport = { width: 1600, height: 1000 } } = {},
) {
  const page = await browser.newPage({ viewport });
  await page.goto(server.workbenchUrl(folder));
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // The explorer tree is filled once the remote file system answered: a sign the server side is up.
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  return page;
}

/** Runs a command from the palette by its title ("Category: Title"), like a user: F1, type, Enter. */
export async function runCommand(page, title, { timeout = 15_000 } = {}) {
  await page.keyboard.press('Escape'); // close whatever quick pick or menu is open
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout });
  await input.fill(`>${title}`);
  // Wait until the palette lists exactly this command, so Enter does not run a near match.
  const row = page
    .locator('.quick-input-list .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
    })
    .first();
  await row.waitFor({ state: 'visible', timeout });
  await row.click();
}

/** The explorer row of a file or folder (by its displayed name). */
export function explorerItem(page, name) {
  return page
    .locator('.explorer-folders-view .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }),
    })
    .first();
}

/**
 * Right-clicks a file in the explorer and chooses a context-menu item by its label.
 * Extension menu items appear only once the remote extension host has registered the
 * extension (a few seconds after the workbench shows), so the menu is reopened until it has it.
 */
export async function explorerContextMenu(page, fileName, itemLabel, { timeout = 30_000 } = {}) {
  const deadline = Date.now() + timeout;
  const item = explorerItem(page, fileName);
  await item.waitFor({ state: 'visible', timeout });
  // VS Code draws its own menus (role=menuitem, inside an open shadow root; Playwright pierces it).
  const entry = page.getByRole('menuitem', { name: itemLabel, exact: true });
  for (;;) {
    await item.click({ button: 'right' });
    try {
      await entry.waitFor({ state: 'visible', timeout: 2000 });
      await entry.click();
      // On a loaded machine the first click can land while the menu is still animating in and
      // only highlight the item; the menu then stays open. Enter runs the highlighted item.
      const menu = page.locator('.context-view .monaco-menu');
      if (await menu.isVisible().catch(() => false)) {
        await page.waitForTimeout(300);
        if (await menu.isVisible().catch(() => false)) await page.keyboard.press('Enter');
      }
      return;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) {
        const shown = await page
          .locator('.context-view .action-label')
          .allInnerTexts()
          .catch(() => []);
        throw new Error(
          `context menu of ${fileName} has no "${itemLabel}" after ${timeout} ms (it has: ${shown.filter(Boolean).join(', ')})`,
          { cause: err },
        );
      }
      await page.waitForTimeout(1000);
    }
  }
}

/** Polls all frames (webviews nest two deep) until one contains `selector`; returns that frame. */
export async function findFrame(page, selector, { timeout = 30_000, interval = 250 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        /* frame navigated or detached while we looked */
      }
    }
    if (Date.now() > deadline) throw new Error(`no frame contains ${selector} after ${timeout} ms`);
    await page.waitForTimeout(interval);
  }
}

/** Finds the frame that contains `selector` and waits there for it to be visible; returns { frame, element }. */
export async function waitInFrame(page, selector, { timeout = 30_000, state = 'visible' } = {}) {
  const start = Date.now();
  const frame = await findFrame(page, selector, { timeout });
  const element = await frame.waitForSelector(selector, {
    state,
    timeout: Math.max(1000, timeout - (Date.now() - start)),
  });
  return { frame, element };
}

/** Saves a screenshot as test-results/<name>.png and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
