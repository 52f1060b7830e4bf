// report.html carries its own font: DejaVu Sans (latin subset, regular and bold, woff2) as base64 data URLs,
// allowed by the page's Content-Security-Policy, so the page looks the same on every machine, offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderHtml } from '../../reports/html.ts';
import { buildCharts } from '../../reports/charts/index.ts';
import { buildResults } from '../fixtures/results.ts';

test('DejaVu Sans 400 and 700 are inlined byte for byte; no other font file and no font URL outside data:', () => {
  const results = buildResults();
  const html = renderHtml(results, { charts: buildCharts(results), extraSections: [] });
  const files = join(dirname(createRequire(import.meta.url).resolve('@fontsource/dejavu-sans/package.json')), 'files');
  const faces = [...html.matchAll(/@font-face \{ font-family: "DejaVu Sans"; font-style: normal; font-weight: (\d+);[^}]*src: url\(data:font\/woff2;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\); \}/g)];
  assert.deepEqual(faces.map((f) => f[1]), ['400', '700']);
  for (const [, weight, data] of faces) {
    assert.ok(Buffer.from(data, 'base64').equals(readFileSync(join(files, `dejavu-sans-latin-${weight}-normal.woff2`))), weight);
  }
  assert.equal((html.match(/@font-face/g) ?? []).length, 2);
  assert.ok(!/url\((?!data:)/.test(html), 'every url() is a data URL');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; font-src data:"/);
  assert.ok(html.length < 1_200_000, `${html.length} bytes`);
});
