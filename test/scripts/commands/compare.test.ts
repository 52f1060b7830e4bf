import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareCommand } from '../../../scripts/commands/compare.ts';
import { UsageError } from '../../../harness/errors.ts';
import type { ResultsFile } from '../../../harness/results.ts';
import { buildResults } from '../../fixtures/results.ts';
import { findPowerRun, findRun, withPower } from '../../harness/compare/helpers.ts';
import { CliHost } from '../cli-host-client.ts';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** run `hvbench compare ARGS` as the CLI top level does: a UsageError is exit 2 with its message */
async function compare(...args: string[]): Promise<Outcome> {
  const out = { code: 0, stdout: '', stderr: '' };
  const command = compareCommand({
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    setExitCode: (c) => void (out.code = c),
  }).exitOverride();
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    assert.ok(!e.message.includes('\n'), 'a usage error is one line');
    return { code: 2, stdout: out.stdout, stderr: e.message };
  }
  return out;
}

function files(base: ResultsFile | string, head: ResultsFile | string): { dir: string; base: string; head: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-compare-'));
  const write = (name: string, content: ResultsFile | string) => {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
    return join(dir, name);
  };
  return { dir, base: write('base.json', base), head: write('head.json', head) };
}

test('identical files → exit 0 and a ✅ verdict', async () => {
  const f = files(buildResults(), buildResults());
  const r = await compare(f.base, f.head);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^✅ no regression: /m);
});

test('--format html writes the side-by-side page of base and head with the verdict on top', async () => {
  const head = buildResults();
  findRun(head, 'micro/cpuid', 'kvm:mmu=shadow').exits.total = 55_000;
  const f = files(buildResults(), head);
  const out = join(f.dir, 'compare.html');
  const r = await compare(f.base, f.head, '--format', 'html', '--out', out);
  assert.equal(r.code, 1);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<p class="headline verdict">❌ 1 regression in 1 run/);
  // only the exit count moved (the cycles did not): one run of 24 differs, its counter named
  assert.match(html, /1 of 24 runs differ between #1 and #2/);
  assert.ok(html.includes('exits 50,000 → 55,000'));
});

test('+10 % exits on one run → exit 1, that run first in the Markdown table', async () => {
  const head = buildResults();
  findRun(head, 'micro/cpuid', 'kvm:mmu=shadow').exits.total = 55_000;
  const f = files(buildResults(), head);
  const r = await compare(f.base, f.head, '--format', 'md');
  assert.equal(r.code, 1);
  const firstRow = r.stdout.split('\n').find((l) => l.startsWith('| ❌') || l.startsWith('| ⚠️'));
  assert.match(firstRow ?? '', /^\| ❌ \| micro\/cpuid · kvm:mmu=shadow \| `exits.total` \| 50,000 \| 55,000 \| \+5,000 \| \+10\.0 % \|/);
});

test('--fail-on any-change / never; --threshold and --metric move the line', async () => {
  const head = buildResults();
  findRun(head, 'micro/cpuid', 'kvm').exits.total = 51_000; // +2 %
  const f = files(buildResults(), head);
  assert.equal((await compare(f.base, f.head)).code, 0);
  assert.equal((await compare(f.base, f.head, '--fail-on', 'any-change')).code, 1);
  assert.equal((await compare(f.base, f.head, '--threshold', '1')).code, 1);
  assert.equal((await compare(f.base, f.head, '--threshold', '1', '--fail-on', 'never')).code, 0);
  assert.equal((await compare(f.base, f.head, '--metric', 'counters=0%')).code, 1);
  assert.equal((await compare(f.base, f.head, '--metric', 'counters=0%,exits.total=3%')).code, 0);
  assert.equal((await compare(f.base, f.head, '--metric', 'tlb.*=0%')).code, 0);
});

test('--out writes the report atomically and prints only the verdict; --format json is parseable', async () => {
  const f = files(buildResults(), buildResults());
  const out = join(f.dir, 'report.json');
  const r = await compare(f.base, f.head, '--format', 'json', '--out', out);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^✅ no regression: .*\n$/);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).schema, 'hvbench/compare@1');
  assert.deepEqual(readdirSync(f.dir).filter((n) => n.endsWith('.tmp')), []);
});

test('--export github-action-benchmark FILE writes the customSmallerIsBetter array', async () => {
  const f = files(buildResults(), buildResults());
  const exported = join(f.dir, 'bench.json');
  const r = await compare(f.base, f.head, '--export', 'github-action-benchmark', exported);
  assert.equal(r.code, 0);
  const entries = JSON.parse(readFileSync(exported, 'utf8'));
  assert.ok(entries.length > 0 && entries.every((e: object) => 'name' in e && 'unit' in e && 'value' in e));
});

test('different hosts: timings not judged, a warning on stderr with --out', async () => {
  const head = buildResults();
  head.host = { ...head.host, cpus: 64 };
  const f = files(buildResults(), head);
  const r = await compare(f.base, f.head, '--metric', 'counters,timing.meanMs', '--out', join(f.dir, 'r.txt'));
  assert.equal(r.code, 0);
  assert.match(r.stderr, /^hvbench compare: warning: different hosts .*timing comparisons across hosts are a trap/);
});

test('power: identical sections → exit 0; the busy VM −10 % of its booking → exit 1, first in the power table', async () => {
  const same = files(withPower(buildResults()), withPower(buildResults()));
  const ok = await compare(same.base, same.head);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /^✅ no regression: \d+ metrics across 24 runs and 12 power runs within threshold$/m);
  const head = withPower(buildResults());
  findPowerRun(head, 'hagimont-capped', 'kvm', 'dvfs-aware-credits').vms.find((v) => v.vm === 'busy')!.deliveredOfBookedPct *= 0.9;
  findPowerRun(head, 'hagimont-capped', 'kvm', 'performance').fairness += 0.01; // a fairness rise: not a regression
  const f = files(withPower(buildResults()), head);
  const r = await compare(f.base, f.head, '--format', 'md');
  assert.equal(r.code, 1);
  const power = r.stdout.slice(r.stdout.indexOf('#### Power management'));
  const rows = power.split('\n').filter((l) => l.startsWith('| ❌') || l.startsWith('| ⚠️'));
  assert.match(rows[0], /^\| ❌ \| hagimont-capped · kvm · dvfs-aware-credits \| `vm\.busy\.deliveredOfBookedPct` \|/);
  assert.match(rows[1], /^\| ⚠️ \| hagimont-capped · kvm · performance \| `fairness` \|/);
  assert.equal(rows.length, 2);
  const json = JSON.parse((await compare(f.base, f.head, '--format', 'json')).stdout);
  assert.equal(json.power.rows[0].metric, 'power.hagimont-capped.kvm.dvfs-aware-credits.vm.busy.deliveredOfBookedPct');
  assert.equal(json.verdict.regressions, 1);
});

test('power: +10 % energy → exit 1; --metric power.* judges power alone, counters includes it', async () => {
  const head = withPower(buildResults());
  findPowerRun(head, 'hagimont-capped', 'xen', 'soft-pstates').energyJ *= 1.1;
  findRun(head, 'micro/cpuid', 'kvm').exits.total = 51_000; // +2 %
  const f = files(withPower(buildResults()), head);
  const r = await compare(f.base, f.head);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^❌ 1 regression in 1 run \(worst: hagimont-capped · xen · soft-pstates energyJ \+10\.0 %\)/m);
  assert.match(r.stdout, /^Power:\n.*Power run/m);
  assert.equal((await compare(f.base, f.head, '--metric', 'power.*=11%')).code, 0);
  assert.equal((await compare(f.base, f.head, '--metric', 'counters=11%')).code, 0);
  assert.equal((await compare(f.base, f.head, '--metric', 'exits.*=0%')).code, 1);
  assert.equal((await compare(f.base, f.head, '--metric', 'counters=11%,power.hagimont-capped.xen.*=5%')).code, 1);
});

test('power only in HEAD (or only in BASE) → listed and warned, exit 0, not a crash', async () => {
  const f = files(buildResults(), withPower(buildResults()));
  const r = await compare(f.base, f.head);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^warning: power section only in HEAD \(.*head\.json\): its 12 power runs are listed as added, not compared$/m);
  assert.match(r.stdout, /^added power run \(only in HEAD\): hagimont-capped · kvm · dvfs-aware-credits$/m);
  const md = await compare(f.base, f.head, '--format', 'md');
  assert.match(md.stdout, /\*\*Added power runs \(only in HEAD\):\*\* hagimont-capped · xen · performance, /);
  assert.match(md.stderr, /warning: power section only in HEAD/);
  const back = files(withPower(buildResults()), buildResults());
  const b = await compare(back.base, back.head, '--fail-on', 'any-change');
  assert.equal(b.code, 1);
  assert.match(b.stdout, /12 power runs removed/);
});

const BAD_INPUT: [string, () => Promise<Outcome>, RegExp][] = [
  ['missing file', () => compare(files(buildResults(), buildResults()).base, '/nonexistent/head.json'), /^\/nonexistent\/head\.json: cannot read the results file \(no such file\)$/],
  ['not JSON', () => { const f = files(buildResults(), '{ nope'); return compare(f.base, f.head); }, /head\.json: not JSON \(/],
  ['not a results file', () => { const f = files('{"hello": 1}', buildResults()); return compare(f.base, f.head); }, /base\.json: not an hvbench results file/],
  ['schema version mismatch', () => { const f = files(buildResults(), { ...buildResults(), schema: 'hvbench/results@2' } as unknown as ResultsFile); return compare(f.base, f.head); }, /head\.json: \$\.schema is "hvbench\/results@2"; this hvbench reads "hvbench\/results@1"/],
  ['invalid field', () => { const h = buildResults(); (h.runs[2].cycles as { total: unknown }).total = 'many'; const f = files(buildResults(), h); return compare(f.base, f.head); }, /head\.json: \$\.runs\[2\]\.cycles\.total: /],
  ['different profile', () => { const f = files(buildResults(), { ...buildResults(), profile: 'amd-modern' }); return compare(f.base, f.head); }, /have different profiles \(nehalem-ept vs amd-modern\): .*use --force/],
  ['different seed', () => { const f = files(buildResults(), { ...buildResults(), seed: 7 }); return compare(f.base, f.head); }, /have different seeds \(1 vs 7\)/],
  ['bad --threshold', () => { const f = files(buildResults(), buildResults()); return compare(f.base, f.head, '--threshold', 'x'); }, /^--threshold: "x" is not a percentage/],
  ['bad --metric', () => { const f = files(buildResults(), buildResults()); return compare(f.base, f.head, '--metric', 'exit.total=0'); }, /^--metric exit\.total: unknown metric/],
  ['bad --format', () => { const f = files(buildResults(), buildResults()); return compare(f.base, f.head, '--format', 'xml'); }, /^--format xml: expected one of text, md, json, html$/],
  ['bad --fail-on', () => { const f = files(buildResults(), buildResults()); return compare(f.base, f.head, '--fail-on', 'sometimes'); }, /^--fail-on sometimes: expected one of regression, any-change, never$/],
  ['bad --export', () => { const f = files(buildResults(), buildResults()); return compare(f.base, f.head, '--export', 'csv', 'x.csv'); }, /^--export csv: expected one of github-action-benchmark$/],
  ['empty HEAD runs', () => { const f = files(buildResults(), { ...buildResults(), runs: [] }); return compare(f.base, f.head); }, /^nothing to judge: .*head\.json has no runs \(\$\.runs is empty\) while .*base\.json has 24$/],
  ['both empty', () => { const e = { ...buildResults(), runs: [] }; const f = files(e, e); return compare(f.base, f.head); }, /^nothing to judge: .*head\.json has no runs and no power runs$/],
  ['no run in common', () => { const h = buildResults(); for (const r of h.runs) r.workload = `other/${r.workload}`; const f = files(buildResults(), h); return compare(f.base, f.head); }, /^nothing to judge: .*base\.json and .*head\.json have no run in common$/],
  ['only timings, across hosts', () => { const h = buildResults(); h.host = { ...h.host, cpus: 64 }; const f = files(buildResults(), h); return compare(f.base, f.head, '--metric', 'timing.meanMs'); }, /^nothing to judge: the selected metrics are only timing\.meanMs, and wall-clock timings are not comparable across different hosts/],
  ['a selection that matches nothing', () => { const f = files(buildResults(), buildResults()); return compare(f.base, f.head, '--metric', 'exits.byReason.NO_SUCH_REASON'); }, /^nothing to judge: the selected metrics match no metric/],
  ['same profile id, other costs', () => { const f = files(buildResults(), { ...buildResults(), profileHash: `sha256:${'0'.repeat(64)}` }); return compare(f.base, f.head); }, /have different contents of profile nehalem-ept \(sha256:[0-9a-f]{64} vs sha256:0{64}\): their results are not comparable \(use --force/],
  ['a 100 kB profile id, cut in the message', () => { const f = files(buildResults(), { ...buildResults(), profile: 'p'.repeat(100_000) }); return compare(f.base, f.head); }, /^[^\n]{0,400}$/],
  ['--export without a file', () => { const f = files(buildResults(), buildResults()); return compare(f.base, f.head, '--export', 'github-action-benchmark'); }, /^--export takes a format and a file/],
];

for (const [name, run, message] of BAD_INPUT) {
  test(`bad input: ${name} → exit 2 with a one-line message`, async () => {
    const r = await run();
    assert.equal(r.code, 2);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  });
}

test('different hosts: default metrics judge counters silently; timings asked for are withheld and the verdict says so', async () => {
  const head = buildResults();
  head.host = { ...head.host, cpuModel: 'Other CPU' };
  const f = files(buildResults(), head);
  const plain = await compare(f.base, f.head);
  assert.equal(plain.code, 0);
  assert.match(plain.stdout, /^✅ no regression: \d+ metrics across 24 runs within threshold$/m);
  const r = await compare(f.base, f.head, '--metric', '*');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^✅ no regression: \d+ metrics across 24 runs within threshold \(timing\.meanMs not comparable across different hosts, not judged\)$/m);
});

test('a file without profileHash or from another hvbench version: compared, with a warning line each', async () => {
  const { profileHash: _dropped, ...old } = buildResults();
  const head = { ...buildResults(), tool: { name: 'hvbench' as const, version: '9.9.9' } };
  const f = files(old as ResultsFile, head);
  const r = await compare(f.base, f.head);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^warning: .*base\.json records no profileHash \(written by an older hvbench\): profile nehalem-ept compared by id only/m);
  assert.match(r.stdout, /^warning: .*base\.json was written by hvbench 0\.1\.0, .*head\.json by 9\.9\.9: the model may differ between versions$/m);
});

test('--force compares same-id profiles with different contents, with a warning', async () => {
  const f = files(buildResults(), { ...buildResults(), profileHash: `sha256:${'0'.repeat(64)}` });
  const r = await compare(f.base, f.head, '--force');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^warning: .*different contents of profile nehalem-ept .*compared anyway because of --force$/m);
});

test('--force compares different seeds with a warning; nothing is written on bad input', async () => {
  const f = files(buildResults(), { ...buildResults(), seed: 7 });
  const out = join(f.dir, 'report.md');
  assert.equal((await compare(f.base, f.head, '--out', out)).code, 2);
  assert.equal(existsSync(out), false);
  const forced = await compare(f.base, f.head, '--force', '--format', 'md');
  assert.equal(forced.code, 0);
  assert.match(forced.stdout, /> ⚠️ .*different seeds \(1 vs 7\); compared anyway because of --force/);
});

test('two back-to-back runs of the same code, timings included, compare with exit 0', async () => {
  // The CI false alarm this guards against: the simulator's own wall-clock time differs between two runs
  // minutes apart, while everything the model computes is bit-identical. By default `compare` judges the
  // model's counters only, so identical code never fails, however loaded the machine. Both runs go through
  // one CLI host (test/scripts/cli-host-client.ts): each is timed on worker threads of its own, so their
  // timings differ as two processes' do, without loading the commands and engines twice.
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-twice-'));
  const host = new CliHost();
  after(() => host.stop());
  const run = async (out: string) => {
    const r = await host.run(['run', '--workloads', 'micro/cpuid,micro/hypercall', '--no-png', '--no-html', '--quiet', '--out', join(dir, out)]);
    assert.equal(r.code, 0, r.stderr);
  };
  await run('a');
  await run('b');
  const a = join(dir, 'a', 'results.json');
  const b = join(dir, 'b', 'results.json');
  assert.ok(JSON.parse(readFileSync(b, 'utf8')).runs.every((r: { timing: unknown }) => r.timing !== null), 'both runs were timed');
  const r = await compare(a, b);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // 2 workloads × the 4 default engines (native, xen, kvm, xen:mode=hvm)
  assert.match(r.stdout, /^✅ no regression: \d+ metrics across 8 runs within threshold$/m);
});
