import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { buildCharts } from '../../reports/charts/index.ts';
import { renderPng } from '../../reports/png.ts';
import { buildResults } from '../fixtures/results.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test('each chart is a PNG of its declared size with drawn content, and the same bytes every time', async () => {
  for (const chart of buildCharts(buildResults({ measured: true }))) {
    const png = renderPng(chart);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE, chart.id);
    assert.equal(png.readUInt32BE(16), chart.width, `${chart.id} width`);
    assert.equal(png.readUInt32BE(20), chart.height, `${chart.id} height`);
    const image = await loadImage(png);
    const ctx = createCanvas(chart.width, chart.height).getContext('2d');
    ctx.drawImage(image, 0, 0);
    const pixels = ctx.getImageData(0, 0, chart.width, chart.height).data;
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
      if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 600) inked++;
    }
    assert.ok(colours.size > 20, `${chart.id}: ${colours.size} colours`);
    assert.ok(inked > chart.width * chart.height * 0.01, `${chart.id}: ${inked} non-white pixels`);
    assert.ok(renderPng(chart).equals(png), `${chart.id} is deterministic`);
  }
});
