// Screenshot of a report's first screen, for the README: `npx tsx reports/screenshot.ts [report.html] [out.png]`
// (defaults: results/report.html → docs/report-screenshot.png). Not part of the tests.
import { browserUnavailable, launchBrowser, openReport } from './browser.ts';

const [htmlPath = 'results/report.html', outPath = 'docs/report-screenshot.png'] = process.argv.slice(2);
const missing = browserUnavailable();
if (missing) {
  console.error(`screenshot: ${missing}`);
  process.exit(2);
}
const browser = await launchBrowser();
try {
  const { page, consoleErrors, networkRequests } = await openReport(browser, htmlPath, { width: 1280, height: 800 });
  if (consoleErrors.length > 0 || networkRequests.length > 0) {
    throw new Error(`report is not clean: ${[...consoleErrors, ...networkRequests].join('; ')}`);
  }
  await page.screenshot({ path: outPath });
  console.log(`wrote ${outPath}`);
} finally {
  await browser.close();
}
