// report.html in headless Chromium: one browser launch for every check. Skips with a reason when
// /usr/bin/chromium is absent (CI installs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutputs } from '../../reports/write-outputs.ts';
import { browserUnavailable, launchBrowser, openReport } from '../../reports/browser.ts';
import type { ReportSection } from '../../reports/types.ts';
import { buildResults, HOSTILE } from '../fixtures/results.ts';

const missing = browserUnavailable();
if (missing) console.log(`# skipping browser tests: ${missing}`);

const extra: ReportSection = {
  id: 'power', title: 'Power management', html: '<p id="power-text">C-states and frequency scaling</p>',
  charts: [{ type: 'line', data: { labels: ['0 s', '1 s', '2 s'], datasets: [{ label: 'package watts', data: [12, 18, 9], borderColor: '#4e79a7' }] } }],
};

test('report.html draws every chart offline, keeps hostile strings as text, and sorts its table', { skip: missing ?? false, timeout: 60_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'hvbench-html-')), 'out');
  const results = buildResults({ measured: true, failedRun: true, hostile: true, noisyTiming: true, profile: 'amd-modern' });
  await writeOutputs(results, out, { html: true, png: false, extraSections: [extra] });
  const htmlPath = join(out, 'report.html');
  assert.ok(!readFileSync(htmlPath, 'utf8').includes(HOSTILE), 'the raw hostile string never reaches the file');

  const browser = await launchBrowser();
  try {
    const { page, consoleErrors, networkRequests, dialogs } = await openReport(browser, htmlPath);

    // every canvas has drawn pixels
    const canvases = await page.$$eval('canvas', (list) => list.map((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      return { id: canvas.id, width: canvas.width, inked };
    }));
    assert.ok(canvases.length >= 13, `${canvases.length} canvases`);
    for (const id of ['overhead', 'overhead-cpu', 'overhead-micro', 'power-1']) assert.ok(canvases.some((c) => c.id === `chart-${id}`), id);
    for (const c of canvases) assert.ok(c.width > 0 && c.inked > 1000, `${c.id}: ${c.inked} drawn pixels`);

    // hostile strings are text: no dialog, no injected element
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('i').count(), 0);
    assert.equal(await page.locator('main b:text-is("bold")').count(), 0);
    assert.ok((await page.locator('article h3').first().textContent())!.includes(HOSTILE));
    assert.ok((await page.locator('body').textContent())!.includes(`device model crashed: ${HOSTILE}`));
    assert.equal(await page.locator('#power-text').count(), 1);

    // the inlined DejaVu Sans is what the page uses, in both weights, with no network
    assert.deepEqual(await page.evaluate(() => [document.fonts.check('13px "DejaVu Sans"'), document.fonts.check('bold 13px "DejaVu Sans"'),
      (() => { let n = 0; document.fonts.forEach((f) => { if (f.family.replace(/"/g, '') === 'DejaVu Sans' && f.status === 'loaded') n++; }); return n; })()]),
    [true, true, 2]);

    // the category chart sits in its category's section
    assert.equal(await page.locator('#cat-cpu canvas#chart-overhead-cpu').count(), 1);

    // exit tables (with SVM names: the profile is AMD) and hypercall tables in the drill-down, folded until opened
    const cpuid = page.locator('#w-micro_2fcpuid');
    const exits = cpuid.locator('table.exits').first();
    assert.equal(await exits.isVisible(), false);
    await cpuid.locator('details.exit-tables > summary').click();
    assert.equal(await exits.isVisible(), true);
    assert.deepEqual(await exits.locator('thead th').allTextContents(), ['VM-exit reason', 'SVM exit', 'Samples', 'Samples %', 'Time %']);
    assert.deepEqual(await exits.locator('tbody tr').first().locator('td').allTextContents(), ['CPUID', 'cpuid VMEXIT_CPUID 0x72', '50,000', '100.00 %', '100.00 %']);
    const forkExec = page.locator('#w-memory_2ffork-exec');
    await forkExec.locator('details.exit-tables > summary').click();
    assert.equal(await forkExec.locator('table.hypercalls tbody tr').first().locator('td').first().textContent(), 'iret');

    // the simulation-cost section says what it is and marks only the noisy run
    const cost = page.locator('#simulation-cost');
    assert.ok((await cost.textContent())!.includes('Host wall-clock, not model output.'));
    assert.equal(await cost.locator('#timing-table td .noisy').count(), 1);
    assert.ok((await cost.locator('#timing-table tr', { has: page.locator('.noisy') }).textContent())!.includes('micro/syscall'));

    // measured runs are marked
    const measuredRow = page.locator('#runs-table tbody tr', { hasText: 'kvm-host' });
    assert.equal(await measuredRow.locator('.badge').textContent(), 'measured');

    // clicking a header sorts; clicking again reverses
    const overheadColumn = async () => page.$$eval('#runs-table tbody tr', (rows) =>
      rows.map((r) => (r as HTMLTableRowElement).cells[3].getAttribute('data-sort')!).filter((s) => s !== '').map(Number));
    const header = page.locator('#runs-table thead th', { hasText: 'Overhead' });
    await header.locator('button').click();
    const ascending = await overheadColumn();
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b));
    assert.equal(await header.getAttribute('aria-sort'), 'ascending');
    await header.locator('button').click();
    const descending = await overheadColumn();
    assert.deepEqual(descending, [...ascending].reverse());
    await page.locator('#runs-table thead th', { hasText: 'Engine' }).locator('button').click();
    const engines = await page.$$eval('#runs-table tbody tr', (rows) => rows.map((r) => (r as HTMLTableRowElement).cells[2].getAttribute('data-sort')!));
    assert.deepEqual(engines, [...engines].sort());

    assert.deepEqual(dialogs, []);
    assert.deepEqual(networkRequests, []);
    assert.deepEqual(consoleErrors, []);
  } finally {
    await browser.close();
  }
});
