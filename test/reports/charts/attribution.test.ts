import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namedMechanisms } from '../../../reports/charts/attribution.ts';

test('a run\'s largest cost keeps its name even when the category\'s other runs outweigh it', () => {
  // three runs share nine mechanisms equally (11.1 % each: weight 33.3 per mechanism over the category); a
  // fourth run's overhead is grant-map 30 %, m1 25 %, m2 25 %, m3 20 %. By weight alone, m1 (58.3), m2 (58.3),
  // m3 (53.3), m4 … m9 (33.3 each) fill the eight names and grant-map (30) falls into `other`. Each run's
  // largest cost is named first: m1 (the three runs' tie, broken by name) and grant-map, then the heaviest
  // others up to eight: m2, m3, m4, m5, m6, m7. m8 and m9 are folded. Listed by weight.
  const even = new Map(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9'].map((m) => [m, 100 / 9]));
  const io = new Map([['grant-map', 30], ['m1', 25], ['m2', 25], ['m3', 20]]);
  assert.deepEqual(namedMechanisms([even, even, even, io]), ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'grant-map']);
});

test('savings count by their size when choosing names', () => {
  // a: cost x 150, saving s −50; b: cost y 100. Weights: x 150, y 100, s 50 — all named (fewer than eight).
  assert.deepEqual(namedMechanisms([new Map([['x', 150], ['s', -50]]), new Map([['y', 100]])]), ['x', 'y', 's']);
});
