// Draws chart definitions (reports/charts/) to PNG with Chart.js directly on @napi-rs/canvas: no DOM, no
// system fonts (DejaVu Sans is registered from @fontsource/dejavu-sans), no animation, a fixed size and pixel
// ratio 1, and an opaque white background — the same definition always gives the same bytes.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import type { NamedChart } from './types.ts';

export const FONT_FAMILY = 'DejaVu Sans';

let ready = false;

function setUp(): void {
  if (ready) return;
  const files = join(dirname(createRequire(import.meta.url).resolve('@fontsource/dejavu-sans/package.json')), 'files');
  for (const weight of ['400', '700']) {
    GlobalFonts.registerFromPath(join(files, `dejavu-sans-latin-${weight}-normal.woff2`), FONT_FAMILY);
  }
  Chart.register(...registerables);
  Chart.defaults.font.family = FONT_FAMILY;
  Chart.defaults.color = '#333333';
  ready = true;
}

const whiteBackground: Plugin = {
  id: 'hvbenchWhiteBackground',
  beforeDraw(chart) {
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

/** one chart as PNG bytes of exactly chart.width × chart.height */
export function renderPng(chart: NamedChart): Buffer {
  setUp();
  // an unknown type with no datasets would draw an empty chart instead of failing
  Chart.registry.getController(chart.config.type);
  const canvas = createCanvas(chart.width, chart.height);
  const config = structuredClone(chart.config) as ChartConfiguration;
  const instance = new Chart(canvas as unknown as HTMLCanvasElement, {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 },
    plugins: [whiteBackground],
  });
  try {
    return canvas.toBuffer('image/png');
  } finally {
    instance.destroy();
  }
}
