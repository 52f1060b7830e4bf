import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkOutputDir, writeOutputs } from '../../reports/write-outputs.ts';
import { parseResultsFile } from '../../reports/results-schema.ts';
import { UsageError } from '../../harness/errors.ts';
import type { ReportSection } from '../../reports/types.ts';
import { buildResults } from '../fixtures/results.ts';

const OPTIONS = { html: true, png: true };

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]).sort();
}

test('writes every output; results.json is valid and re-rendering gives byte-identical files', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  const results = buildResults({ measured: true, failedRun: true });
  const written = await writeOutputs(results, join(base, 'a'), OPTIONS);
  assert.deepEqual([...written].sort(), files(join(base, 'a')));
  assert.ok(written.includes('results.json') && written.includes('results.csv') && written.includes('summary.md') && written.includes('report.html'));
  assert.ok(written.includes('charts/overhead.png') && written.includes('charts/attribution-io.png'));
  const text = readFileSync(join(base, 'a', 'results.json'), 'utf8');
  const reread = parseResultsFile(text, 'results.json');
  assert.deepEqual(reread, results);
  assert.equal(text, JSON.stringify(results, null, 2) + '\n');
  // the `report` path: re-render from the file just written
  await writeOutputs(reread, join(base, 'b'), OPTIONS);
  for (const name of written) assert.ok(readFileSync(join(base, 'a', name)).equals(readFileSync(join(base, 'b', name))), `${name} differs`);
  assert.deepEqual(readdirSync(base).sort(), ['a', 'b']);
});

test('--no-html/--no-png and a previous output directory replaced entirely', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  const out = join(base, 'results');
  await writeOutputs(buildResults(), out, OPTIONS);
  const written = await writeOutputs(buildResults(), out, { html: false, png: false });
  assert.deepEqual(written, ['results.json', 'results.csv', 'summary.md']);
  assert.deepEqual(files(out), ['results.csv', 'results.json', 'summary.md']);
});

test('extra sections are drawn in the page and as charts/<section>-<n>.png', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  const section: ReportSection = {
    id: 'power', title: 'Power management', html: '<p>governor: ondemand</p>',
    charts: [{ type: 'line', data: { labels: ['a', 'b'], datasets: [{ label: 'watts', data: [3, 5] }] } }],
  };
  const written = await writeOutputs(buildResults(), join(base, 'o'), { ...OPTIONS, extraSections: [section] });
  assert.ok(written.includes('charts/power-1.png'));
  const html = readFileSync(join(base, 'o', 'report.html'), 'utf8');
  assert.ok(html.includes('<section id="power">') && html.includes('<p>governor: ondemand</p>') && html.includes('id="chart-power-1"'));
});

test('a failing render leaves no output directory, no temp directory, and an older output untouched', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  const broken: ReportSection = { id: 'broken', title: 'Broken', html: '', charts: [{ type: 'no-such-chart' as 'bar', data: { datasets: [] } }] };
  await assert.rejects(writeOutputs(buildResults(), join(base, 'new'), { ...OPTIONS, extraSections: [broken] }), /no-such-chart/);
  assert.deepEqual(readdirSync(base), []);
  await writeOutputs(buildResults(), join(base, 'old'), { html: false, png: false });
  const before = readFileSync(join(base, 'old', 'results.json'));
  await assert.rejects(writeOutputs(buildResults({ measured: true }), join(base, 'old'), { ...OPTIONS, extraSections: [broken] }));
  assert.deepEqual(readdirSync(base), ['old']);
  assert.ok(readFileSync(join(base, 'old', 'results.json')).equals(before));
});

test('a signal aborted while rendering (Ctrl-C after the pairs) leaves the older output untouched and no temp directory', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  await writeOutputs(buildResults(), join(base, 'old'), { html: false, png: false });
  const before = readFileSync(join(base, 'old', 'results.json'));
  const abort = new AbortController();
  // aborted once rendering is under way: the first section's html is read after results.json is written
  const section: ReportSection = { id: 'late', title: 'Late', get html() { abort.abort(new Error('interrupted')); return ''; }, charts: [] };
  await assert.rejects(writeOutputs(buildResults({ measured: true }), join(base, 'old'), { html: true, png: false, extraSections: [section], signal: abort.signal }), /interrupted/);
  assert.deepEqual(readdirSync(base), ['old']);
  assert.ok(readFileSync(join(base, 'old', 'results.json')).equals(before));
});

test('refuses to replace a directory holding files hvbench did not write', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  mkdirSync(join(base, 'home'));
  writeFileSync(join(base, 'home', 'thesis.tex'), 'precious');
  await assert.rejects(writeOutputs(buildResults(), join(base, 'home'), OPTIONS), (e) => e instanceof UsageError && /thesis\.tex/.test(e.message));
  assert.equal(readFileSync(join(base, 'home', 'thesis.tex'), 'utf8'), 'precious');
  assert.ok(!existsSync(join(base, 'home', 'results.json')));
  assert.deepEqual(readdirSync(base), ['home']);
});

test('process.exit() during a render (a Ctrl-C handler) leaves no output and no temp directory', () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  const script = join(base, 'interrupt.mts');
  const repo = new URL('../../', import.meta.url);
  writeFileSync(script, `
    import { writeOutputs } from '${new URL('reports/write-outputs.ts', repo).href}';
    import { buildResults } from '${new URL('test/fixtures/results.ts', repo).href}';
    const interrupt = { id: 'interrupt', title: 'Interrupt', charts: [], get html() { process.exit(130); } };
    await writeOutputs(buildResults(), ${JSON.stringify(join(base, 'out'))}, { html: true, png: true, extraSections: [interrupt] });
  `);
  const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(repo), encoding: 'utf8' });
  assert.equal(child.status, 130, child.stderr);
  assert.deepEqual(readdirSync(base), ['interrupt.mts']);
});

test('a temp directory left by a killed process is removed by the next write to the same place', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  mkdirSync(join(base, `.out.tmp-${dead}-abc123`, 'charts'), { recursive: true });
  mkdirSync(join(base, `.other.tmp-${dead}-abc123`));
  await writeOutputs(buildResults(), join(base, 'out'), { html: false, png: false });
  assert.deepEqual(readdirSync(base).sort(), [`.other.tmp-${dead}-abc123`, 'out']);
});

test('a native-only results file and an empty one still render every output', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  const full = buildResults();
  const nativeOnly = { ...full, engines: full.engines.filter((e) => e.id === 'native'), runs: full.runs.filter((r) => r.engineId === 'native') };
  const written = await writeOutputs(nativeOnly, join(base, 'native'), OPTIONS);
  assert.ok(written.includes('charts/overhead.png') && written.includes('report.html'));
  const empty = { ...full, engines: [], workloads: [], runs: [] };
  assert.ok((await writeOutputs(empty, join(base, 'empty'), OPTIONS)).includes('report.html'));
});

test('checkOutputDir refuses a file, a path under a file and a symbolic link, before any work', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  writeFileSync(join(base, 'file'), 'x');
  symlinkSync(base, join(base, 'link'));
  await assert.rejects(checkOutputDir(join(base, 'file')), (e) => e instanceof UsageError && /file: exists and is not a directory$/.test(e.message));
  await assert.rejects(checkOutputDir(join(base, 'file', 'sub', 'out')), (e) => e instanceof UsageError && e.message.endsWith(`${join(base, 'file')} is not a directory`));
  await assert.rejects(checkOutputDir(join(base, 'link')), (e) => e instanceof UsageError && /link: is a symbolic link/.test(e.message));
  // a new path several levels below an existing directory is fine, and nothing is created for it
  await checkOutputDir(join(base, 'a', 'b', 'out'));
  assert.deepEqual(readdirSync(base).sort(), ['file', 'link']);
});

test('the next write after a swap killed between its renames restores the old directory first, then replaces it', async () => {
  const base = mkdtempSync(join(tmpdir(), 'hvbench-out-'));
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  // what a kill after step 1 leaves (reports/swap-dir.ts): no `out`, the old one aside, the new one in its temp
  mkdirSync(join(base, `.out.old-${dead}-abc123`));
  writeFileSync(join(base, `.out.old-${dead}-abc123`, 'summary.md'), 'old');
  mkdirSync(join(base, `.out.tmp-${dead}-def456`));
  await checkOutputDir(join(base, 'out'));
  assert.deepEqual(readdirSync(base), ['out']);
  assert.equal(readFileSync(join(base, 'out', 'summary.md'), 'utf8'), 'old');
  await writeOutputs(buildResults(), join(base, 'out'), { html: false, png: false });
  assert.deepEqual(readdirSync(base), ['out']);
  assert.notEqual(readFileSync(join(base, 'out', 'summary.md'), 'utf8'), 'old');
});
