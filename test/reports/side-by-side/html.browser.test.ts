// The side-by-side page in headless Chromium: drawn offline, no sideways scroll at 400 px, the filter works on
// its table. Skips with a reason when /usr/bin/chromium is absent (CI installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserUnavailable, canvasInk, launchBrowser, openReport } from '../../../reports/browser.ts';
import { renderSideBySide } from '../../../reports/side-by-side/html.ts';
import { buildResults } from '../../fixtures/results.ts';

const missing = browserUnavailable();

test('report A B at 400 px: trend charts drawn, no sideways page scroll, the filter narrows the delta rows', { skip: missing ?? false, timeout: 300_000 }, async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'hvbench-sbs-')), 'report.html');
  writeFileSync(path, renderSideBySide([{ name: 'a.json', results: buildResults() }, { name: 'b.json', results: buildResults({ measured: true }) }]));
  const browser = await launchBrowser();
  try {
    const { page, consoleErrors, networkRequests } = await openReport(browser, path, { width: 400, height: 800 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
    // cpu, micro, memory, io
    const inked = await canvasInk(page);
    assert.equal(inked.length, 4);
    for (const n of inked) assert.ok(n > 1000, `${n} drawn pixels`);
    // b adds kvm-host's micro/cpuid: 24 runs in both plus that one, which is the only change
    await page.locator('#runs-search').fill('kvm-host');
    const rows = await page.$$eval('#runs-table tbody tr', (list) => list.filter((r) => !(r as HTMLElement).hidden).map((r) => r.textContent));
    assert.equal(rows.length, 1);
    assert.match(rows[0]!, /micro\/cpuid.*kvm-host.*not run/);
    assert.deepEqual([...consoleErrors, ...networkRequests], []);
  } finally {
    await browser.close();
  }
});
