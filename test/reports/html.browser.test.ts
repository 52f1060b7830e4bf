// report.html in headless Chromium: one browser launch for every check. Skips with a reason when
// /usr/bin/chromium is absent (CI installs it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeOutputs } from '../../reports/write-outputs.ts';
import type { Browser } from 'playwright-core';
import { browserUnavailable, launchBrowser, openReport } from '../../reports/browser.ts';
import type { ReportSection } from '../../reports/types.ts';
import { buildResults, HOSTILE } from '../fixtures/results.ts';

const missing = browserUnavailable();
if (missing) console.log(`# skipping browser tests: ${missing}`);

// one Chromium for both tests, each in a context of its own (openReport); their timeouts are hang backstops,
// not speed limits: under a load of 25 on 2 cores the first took 38 s
let browser: Browser;
before(async () => {
  if (!missing) browser = await launchBrowser();
});
after(() => browser?.close());

const extra: ReportSection = {
  id: 'power', title: 'Power management', html: '<p id="power-text">C-states and frequency scaling</p>',
  charts: [{ type: 'line', data: { labels: ['0 s', '1 s', '2 s'], datasets: [{ label: 'package watts', data: [12, 18, 9], borderColor: '#4e79a7' }] } }],
};

test('report.html draws every chart offline, keeps hostile strings as text, and sorts its table', { skip: missing ?? false, timeout: 300_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'hvbench-html-')), 'out');
  const results = buildResults({ measured: true, failedRun: true, hostile: true, noisyTiming: true, profile: 'amd-modern' });
  await writeOutputs(results, out, { html: true, png: false, extraSections: [extra] });
  const htmlPath = join(out, 'report.html');
  assert.ok(!readFileSync(htmlPath, 'utf8').includes(HOSTILE), 'the raw hostile string never reaches the file');

  const { page, consoleErrors, networkRequests, dialogs } = await openReport(browser, htmlPath);

  // every canvas has drawn pixels, those in folded sections once opened (Chart.js sizes them when shown)
  await page.$$eval('details.section', (list) => list.forEach((d) => { (d as HTMLDetailsElement).open = true; }));
  await page.waitForFunction(() => Array.from(document.querySelectorAll('details.section canvas')).every((c) => (c as HTMLCanvasElement).width > 0));
  await page.waitForTimeout(200);
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
});

test('report.html at 1400 and 400 px: no sideways page scroll, every jump lands below the sticky navigation, ' +
  'a drill-down two clicks away, folded long sections, a runs filter with engine toggles', { skip: missing ?? false, timeout: 300_000 }, async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'hvbench-html-')), 'out');
  const results = buildResults({ measured: true, hostile: false });
  await writeOutputs(results, out, { html: true, png: false, extraSections: [extra] });
  for (const width of [1400, 400]) {
    const { page, consoleErrors } = await openReport(browser, join(out, 'report.html'), { width, height: 800 });
    const where = (selector: string) => page.$eval(selector, (el) => {
      const nav = document.querySelector('nav')!.getBoundingClientRect();
      const box = el.getBoundingClientRect();
      return { top: box.top, navBottom: nav.bottom, height: window.innerHeight };
    });
    const pageScroll = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(await pageScroll(), 0, `${width} px: the page scrolls sideways`);

    // long sections start folded
    for (const id of ['simulation-cost', 'counters']) {
      assert.equal(await page.locator(`#${id} > details.section`).evaluate((d) => (d as HTMLDetailsElement).open), false, id);
    }

    // every navigation link: its section's heading shows below the sticky navigation (at its top unless the
    // page ends first), folded sections opened
    const links = await page.locator('nav a').evaluateAll((list) => list.map((a) => a.getAttribute('href')!));
    assert.ok(links.length >= 9, links.join(' '));
    for (const href of links) {
      await page.locator(`nav a[href="${href}"]`).click();
      const at = await where(`${href} h2`);
      const atEnd = await page.evaluate(() => Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight);
      assert.ok(at.top >= at.navBottom - 1 && (at.top < at.navBottom + 80 || (atEnd && at.top < at.height - 40)),
        `${width} px, ${href}: heading at ${at.top}, navigation ends at ${at.navBottom}`);
    }
    assert.equal(await page.locator('#counters > details.section').evaluate((d) => (d as HTMLDetailsElement).open), true, 'the jump opened it');
    assert.equal(await pageScroll(), 0, `${width} px: the page scrolls sideways once every section is open`);

    // two clicks to a workload's drill-down: its category, then the workload in the category's table
    await page.locator('nav a', { hasText: 'micro workloads' }).click();
    await page.locator('#cat-micro table a', { hasText: 'CPUID loop' }).click();
    const drill = await where('#w-micro_2fcpuid h3');
    assert.ok(drill.top >= drill.navBottom - 1 && drill.top < drill.height, `${width} px: drill-down heading at ${drill.top}`);

    // the runs table's filter: words narrow the rows, an engine toggle hides that engine's rows
    const shown = () => page.$$eval('#runs-table tbody tr', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).map((r) => (r as HTMLTableRowElement).cells[0].textContent + ' ' + r.getAttribute('data-engine')));
    assert.equal((await shown()).length, results.runs.length);
    await page.locator('#runs-search').fill('cpuid');
    // micro/cpuid ran on native, xen, kvm, kvm:mmu=shadow and kvm-host
    assert.deepEqual(await shown(), ['micro/cpuid native', 'micro/cpuid xen', 'micro/cpuid kvm', 'micro/cpuid kvm:mmu=shadow', 'micro/cpuid kvm-host']);
    await page.locator('#runs-filter input.engine-toggle[value="kvm"]').uncheck();
    assert.deepEqual(await shown(), ['micro/cpuid native', 'micro/cpuid xen', 'micro/cpuid kvm:mmu=shadow', 'micro/cpuid kvm-host']);
    assert.equal(await page.locator('#runs-shown').textContent(), `4 of ${results.runs.length} runs`);
    await page.locator('#runs-search').fill('');
    // six workloads, kvm's six runs hidden
    assert.equal((await shown()).length, results.runs.length - 6);
    assert.deepEqual(consoleErrors, []);
    await page.context().close();
  }
});
