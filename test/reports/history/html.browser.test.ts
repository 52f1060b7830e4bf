// The history page in headless Chromium at 1400 and 400 px: drawn offline, one trend chart per category, no
// sideways page scroll, a hostile directory name kept as text. Skips with a reason when /usr/bin/chromium is
// absent (CI installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserUnavailable, canvasInk, launchBrowser, openReport } from '../../../reports/browser.ts';
import { renderHistory } from '../../../reports/history/html.ts';
import { buildResults, HOSTILE } from '../../fixtures/results.ts';

const missing = browserUnavailable();

test('report --history at 1400 and 400 px: a trend chart per category drawn, no sideways page scroll, names kept as text',
  { skip: missing ?? false, timeout: 300_000 }, async () => {
    const files = ['0.1.0', '0.2.0', '0.3.0'].map((version, i) => ({
      name: `${HOSTILE}/${i}/results.json`,
      results: { ...buildResults({ measured: i === 2 }), tool: { name: 'hvbench' as const, version }, createdAt: `2026-0${i + 1}-01T00:00:00.000Z` },
    }));
    const path = join(mkdtempSync(join(tmpdir(), 'hvbench-history-')), 'report.html');
    writeFileSync(path, renderHistory(`history-${HOSTILE}`, files));
    const browser = await launchBrowser();
    try {
      for (const width of [1400, 400]) {
        const { page, consoleErrors, networkRequests, dialogs } = await openReport(browser, path, { width, height: 900 });
        assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, `${width} px`);
        const inked = await canvasInk(page);
        // the fixture's categories: cpu, micro, memory, io
        assert.equal(inked.length, 4, `${width} px`);
        for (const n of inked) assert.ok(n > 1000, `${width} px: ${n} drawn pixels`);
        assert.ok((await page.locator('h1').textContent())!.includes(HOSTILE), 'the directory name is text');
        assert.equal(await page.locator('img').count(), 0, 'no element from a file name');
        assert.deepEqual([...consoleErrors, ...networkRequests, ...dialogs], []);
        await page.context().close();
      }
    } finally {
      await browser.close();
    }
  });
