import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareVersions, readHistory } from '../../../reports/history/files.ts';
import { UsageError } from '../../../harness/errors.ts';
import { buildResults } from '../../fixtures/results.ts';

test('versions compare by their numbers: 0.10 after 0.9, 1.0 after 0.10', () => {
  const sorted = ['1.0.0', '0.10.0', '0.9.1', '0.9.0'].sort(compareVersions);
  assert.deepEqual(sorted, ['0.9.0', '0.9.1', '0.10.0', '1.0.0']);
});

/** a history directory: each entry is a results.json at `path` written by `version` at `createdAt` */
function historyDir(entries: [path: string, version: string, createdAt: string][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-history-'));
  for (const [path, version, createdAt] of entries) {
    mkdirSync(join(dir, path), { recursive: true });
    writeFileSync(join(dir, path, 'results.json'), JSON.stringify({ ...buildResults(), tool: { name: 'hvbench', version }, createdAt }));
  }
  return dir;
}

test('a history reads every results.json under DIR at any depth, ordered by version, then time, then path', () => {
  const dir = historyDir([
    ['a', '0.10.0', '2026-01-01T00:00:00.000Z'],
    ['b/deep', '0.9.0', '2026-03-01T00:00:00.000Z'],
    ['c', '0.9.0', '2026-02-01T00:00:00.000Z'],
    ['d', '0.9.0', '2026-02-01T00:00:00.000Z'],
  ]);
  writeFileSync(join(dir, 'notes.json'), '{}'); // not named results.json: not read
  // by hand: the two 0.9.0 of February (c before d by path), 0.9.0 of March, then 0.10.0 — though written first
  assert.deepEqual(readHistory(dir).map((f) => f.name), ['c/results.json', 'd/results.json', 'b/deep/results.json', 'a/results.json']);
});

test('a bad file in DIR is one line naming it; no file, or no directory, is one line too', () => {
  const dir = historyDir([['good', '0.1.0', '2026-01-01T00:00:00.000Z']]);
  mkdirSync(join(dir, 'bad'));
  writeFileSync(join(dir, 'bad', 'results.json'), '{"schema": "hvbench/results@1", "runs": [');
  const refuses = (path: string, pattern: RegExp) =>
    assert.throws(() => readHistory(path), (e: unknown) => e instanceof UsageError && pattern.test(e.message) && !e.message.includes('\n'));
  refuses(dir, new RegExp(`^${join(dir, 'bad', 'results.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
  refuses(mkdtempSync(join(tmpdir(), 'hvbench-history-empty-')), /no results\.json under it/);
  refuses(join(dir, 'missing'), /no such directory/);
  refuses(join(dir, 'good', 'results.json'), /not a directory/);
});
