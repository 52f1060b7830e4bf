// Opens a report.html in headless Debian Chromium (playwright-core) with the network cut off: any request
// that is not file:// is aborted and recorded, and console errors and dialogs are collected. Used by the
// browser test and by reports/screenshot.ts.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/**
 * how long Chromium's launch and any page action (navigation, a wait, a click) may take: a backstop for a
 * browser that hangs, not a speed limit. Playwright's 30 s defaults are too close on a 2-core machine at a load
 * average of 25, where a browser test took 38 s in all
 */
const HANG_MS = 120_000;

/** why a browser cannot be launched here, or null when it can */
export function browserUnavailable(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} is not installed (apt-get install chromium)`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: HANG_MS });
}

export interface OpenedReport {
  page: Page;
  consoleErrors: string[];
  /** URLs of non-file requests, all aborted */
  networkRequests: string[];
  dialogs: string[];
}

export async function openReport(browser: Browser, htmlPath: string, viewport = { width: 1280, height: 900 }): Promise<OpenedReport> {
  const context = await browser.newContext({ viewport, javaScriptEnabled: true });
  context.setDefaultTimeout(HANG_MS);
  const page = await context.newPage();
  const opened: OpenedReport = { page, consoleErrors: [], networkRequests: [], dialogs: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    opened.networkRequests.push(url);
    return route.abort();
  });
  page.on('console', (msg) => { if (msg.type() === 'error') opened.consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => opened.consoleErrors.push(err.message));
  page.on('dialog', (dialog) => { opened.dialogs.push(dialog.message()); void dialog.dismiss(); });
  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
  // report.html draws its charts after its inlined font is decoded, then marks <html data-charts-drawn>
  await page.waitForSelector('html[data-charts-drawn]', { state: 'attached' });
  return opened;
}

/** per <canvas> of the page, how many of its pixels are drawn (alpha above 0): a chart that drew nothing has none */
export function canvasInk(page: Page): Promise<number[]> {
  return page.$$eval('canvas', (list) => list.map((c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  }));
}
