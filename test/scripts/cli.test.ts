// The hvbench binary end to end: exit codes, one-line errors, outputs, plugins, determinism across worker
// counts, Ctrl-C. Most cases run in one CLI host process (test/scripts/cli-host-client.ts: scripts/cli.ts
// `main` with the case's arguments, its exit code and everything it printed), which loads the commands and
// engines once instead of once per case; a case fails there as it would in its own process, since what it
// checks (exit code, stdout, stderr, the files written) is what `main` returns, prints and writes. The
// process-level contract stays with real spawns of bin/hvbench.js: --version and --help, two refusals (exit
// status 2, one stderr line, no stack trace, nothing written), an environment override, and Ctrl-C.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultsFile } from '../../harness/results.ts';
import { buildProgram } from '../../scripts/cli.ts';
import { CliHost } from './cli-host-client.ts';

const BIN = new URL('../../bin/hvbench.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hvbench-cli-'));
const host = new CliHost();
after(async () => {
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** bin/hvbench.js in a process of its own */
function spawnHvbench(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** hvbench ARGS in the CLI host */
const hvbench = (args: string[], cwd?: string) => host.run(args, { cwd });

function results(out: string): ResultsFile {
  return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsFile;
}

/** the deterministic part of a results file: everything but wall-clock timing, dates and host */
function counters(r: ResultsFile) {
  return r.runs.map(({ timing: _t, ...run }) => run);
}

const FAST = ['--no-timing', '--no-png', '--quiet'];

test('--version and --help exit 0', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(spawnHvbench(['--version']).stdout.trim(), pkg.version);
  const help = spawnHvbench(['run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--engines <list>/);
  assert.match(help.stdout, /--timeout <seconds>[^-]*\(default: 300\)/);
});

test('run writes every output with the native baseline and overhead for each engine', async () => {
  const out = join(dir, 'run');
  const r = await hvbench(['run', '--workloads', 'micro/cpuid', '--engines', 'xen,kvm:vpid=off', '--no-timing', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(out).sort(), ['charts', 'report.html', 'results.csv', 'results.json', 'summary.md']);
  const res = results(out);
  assert.deepEqual(res.runs.map((x) => x.engine), ['native', 'xen', 'kvm:vpid=off']);
  assert.equal(res.runs[0].overheadPct, null);
  assert.ok((res.runs[2].overheadPct ?? 0) > 0);
  assert.equal(res.runs[2].exits.byReason.CPUID, 10_000);
  assert.match(r.stdout, /micro\/cpuid/);
});

test('same seed gives bit-identical counters on one worker and on two', async () => {
  const a = join(dir, 'w1');
  const b = join(dir, 'w2');
  const args = ['run', '--workloads', 'micro/cpuid,memory/ctx-switch,memory/mmap-churn', ...FAST];
  assert.equal((await hvbench([...args, '--workers', '1', '--out', a])).code, 0);
  assert.equal((await hvbench([...args, '--workers', '2', '--out', b])).code, 0);
  assert.deepEqual(counters(results(a)), counters(results(b)));
  const c = join(dir, 'seed2');
  assert.equal((await hvbench([...args, '--seed', '2', '--out', c])).code, 0);
  assert.notDeepEqual(counters(results(a)), counters(results(c)), 'mmap-churn draws its region sizes from the seed');
});

test('bad input is one line on stderr, exit 2, nothing written', async () => {
  const out = join(dir, 'bad');
  // 'process': in a process of its own, for the binary's exit status; one refusal from commander's parsing, one
  // from the suite's own checks
  const cases: Array<[string[], RegExp, 'process'?]> = [
    [['run', '--seed', 'x'], /^hvbench: --seed: expected an integer/],
    [['run', '--engines', 'vmware'], /vmware/],
    [['run', '--engines', 'kvm:mmu=magic'], /mmu/],
    [['run', '--workloads', 'memory/nope'], /unknown workload or category "memory\/nope"/, 'process'],
    [['run', '--profile', 'pentium'], /unknown profile 'pentium'/],
    [['run', '--workloads', 'power/nope'], /unknown power scenario "power\/nope" \(known: power\/hagimont-capped, /],
    [['run', '--workloads', 'power/hagimont-capped', '--engines', 'native'], /power scenarios run on the xen and kvm designs; --engines names neither/],
    [['run', '--workloads', 'power/hagimont-capped', '--engines', 'xen:mode=hvm'], /^hvbench: power suite: engine xen:mode=hvm: the power model cannot honour mode=hvm \(it reads xen options sched, cpufreq\)$/m],
    [['run', '--workloads', 'power/hagimont-capped', '--engines', 'kvm:cpufreq=hwp', '--profile', 'amd-modern'], /^hvbench: kvm: cpufreq=hwp needs HWP, which profile amd-modern lacks$/m],
    [['run', '--power-file', join(dir, 'missing-power.json')], /missing-power\.json: cannot read/],
    [['run', '--bogus'], /unknown option '--bogus'/],
    [['run', '--wrkloads', 'micro'], /^hvbench: unknown option '--wrkloads' \(did you mean --workloads\?\); hvbench run --help lists the options$/, 'process'],
    [['rn'], /^hvbench: unknown command 'rn' \(did you mean run\?\)/],
    [['run', '--engines', 'kvm,kvm'], /^hvbench: --engines: kvm is listed twice$/],
    [['report', join(dir, 'missing.json')], /missing\.json: cannot read/],
  ];
  for (const [args, message, where] of cases) {
    const r = where === 'process' ? spawnHvbench([...args, '--out', out]) : await hvbench([...args, '--out', out]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.trim(), message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.ok(!r.stderr.includes('    at '), `no stack trace for ${args.join(' ')}`);
    assert.ok(!existsSync(out), `${args.join(' ')} wrote output`);
  }
});

test('--json prints results.json on stdout and writes nothing; --out - and --json with --out are refused in one line', async () => {
  const cwd = mkdtempSync(join(dir, 'json-'));
  const r = await hvbench(['run', '--json', '--workloads', 'micro/cpuid', '--engines', 'native,kvm', ...FAST], cwd);
  assert.equal(r.code, 0, r.stderr);
  const results = JSON.parse(r.stdout);
  assert.equal(results.schema, 'hvbench/results@1');
  assert.deepEqual(results.runs.map((run: { engine: string }) => run.engine), ['native', 'kvm']);
  assert.deepEqual(readdirSync(cwd), [], 'no results directory written');
  const dash = await hvbench(['run', '--out', '-']);
  assert.equal(dash.code, 2);
  assert.equal(dash.stderr, 'hvbench: --out -: results go to a directory; use --json to print results.json on stdout\n');
  const both = await hvbench(['run', '--json', '--out', join(dir, 'both')]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /^hvbench: --json prints results\.json on stdout and writes no files: give --json or --out, not both\n$/);
  assert.ok(!existsSync(join(dir, 'both')));
});

test('two specs that are one engine on the profile run once, with a note (kvm falls back to shadow paging without EPT)', async () => {
  const out = join(dir, 'core2');
  const r = await hvbench(['run', '--profile', 'core2-2007', '--engines', 'native,xen,kvm,kvm:mmu=shadow', '--workloads', 'micro/cpuid', '--no-html', ...FAST, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, 'hvbench: note: --engines: kvm and kvm:mmu=shadow are the same engine on profile core2-2007 (kvm:mmu=shadow,vpid=off,apicv=off); it runs once\n');
  assert.deepEqual(results(out).runs.map((run) => run.engine), ['native', 'xen', 'kvm:mmu=shadow,vpid=off,apicv=off']);
});

test('a bad workload file names the file and the field; nothing is written', async () => {
  const file = join(dir, 'bad-workload.json');
  writeFileSync(file, JSON.stringify({ id: 'custom/bad', category: 'cpu', title: 'bad', ops: [{ op: 'cpuid', count: -1 }] }));
  const out = join(dir, 'badwl');
  const r = await hvbench(['run', '--workload-file', file, '--out', out, ...FAST]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad-workload\.json: ops\[0\]\.count/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.ok(!existsSync(out));
});

test('a workload file alone runs just that workload; a plugin engine runs beside the built-ins', async () => {
  const out = join(dir, 'plugin');
  const example = new URL('../../workloads/examples/cpuid-1000.json', import.meta.url).pathname;
  const plugin = new URL('../../examples/trap-and-emulate-engine.mjs', import.meta.url).pathname;
  const r = await hvbench(['run', '--workload-file', example, '--engine-module', plugin, '--engines', 'kvm,trap-emulate:trap=5000', '--out', out, ...FAST]);
  assert.equal(r.code, 0, r.stderr);
  const res = results(out);
  assert.deepEqual([...new Set(res.runs.map((x) => x.workload))], [res.workloads[0].id]);
  const plug = res.runs.find((x) => x.engine === 'trap-emulate:trap=5000');
  assert.ok(plug && plug.exits.total > 0 && (plug.overheadPct ?? 0) > 0);
});

test('power/<scenario> selects one power scenario, --engines picks the engines with their options, and a power file runs beside it', async () => {
  const out = join(dir, 'power');
  const example = new URL('../../workloads/power/examples/capped-beside-idle.json', import.meta.url).pathname;
  const r = await hvbench(['run', '--workloads', 'power/hagimont-capped', '--engines', 'kvm,xen:sched=credit,xen:mode=hvm', '--power-file', example, '--out', out, ...FAST]);
  assert.equal(r.code, 0, r.stderr);
  // a spec the power model cannot honour is left out beside the others, with a note; alone it is the error above
  assert.match(r.stderr, /power suite: engine xen:mode=hvm: the power model cannot honour mode=hvm .*; it is left out of the power section/);
  const power = results(out).power!;
  assert.deepEqual(power.scenarios.map((s) => s.id), ['hagimont-capped', 'capped-beside-idle']);
  assert.deepEqual([...new Set(power.runs.map((x) => x.engine))], ['kvm', 'xen:sched=credit']);
  assert.deepEqual([...new Set(power.runs.filter((x) => x.design === 'xen').map((x) => x.scheduler))], ['credit']);
  // the file names three policies, the built-in scenario runs all six; on each of the two engines
  assert.equal(power.runs.length, 2 * (6 + 3));
});

test('a failing pair is reported in its run and the command exits 1; report accepts the results it wrote', async () => {
  const plugin = join(dir, 'broken-engine.mjs');
  writeFileSync(plugin, `export default { id: 'broken', title: 'Broken', description: 'always fails', mode: 'simulated',
    options: [], availability: () => ({ available: true }), run() { throw new Error('model exploded'); } };\n`);
  const hostile = new URL('../fixtures/hostile/plugins/hostile-engine.mjs', import.meta.url).pathname;
  const out = join(dir, 'failing');
  const r = await hvbench(['run', '--engine-module', plugin, '--engine-module', hostile, '--engines', 'broken,hostile:do=nan,hostile',
    '--workloads', 'micro/cpuid', '--out', out, ...FAST]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /micro\/cpuid × broken failed: model exploded\n/);
  assert.match(r.stderr, /micro\/cpuid × hostile:do=nan failed: run\(\) returned cycles\.guest = NaN; /);
  // the pairs that did not fail are kept: native, and the well-behaved variant of the hostile plugin
  const runs = results(out).runs;
  assert.deepEqual(runs.map((x) => [x.engine, x.error]), [['native', undefined], ['broken', 'model exploded'],
    ['hostile:do=nan', 'run() returned cycles.guest = NaN; the counters contract wants a finite number ≥ 0'], ['hostile', undefined]]);
  // hostile's valid counters: one cycle per CPUID of micro/cpuid's 10,000 (its fixture charges one per unit)
  assert.equal(runs[3].cycles.total, 10_000);
  assert.equal(runs[2].cycles.total, 0);
  assert.match(readFileSync(join(out, 'summary.md'), 'utf8'), /micro\/cpuid on hostile:do=nan: run\(\) returned cycles\.guest = NaN/);
  const again = await hvbench(['report', join(out, 'results.json'), '--out', join(dir, 'failing-report'), '--quiet']);
  assert.equal(again.code, 0, again.stderr);
});

test('report re-renders identical files from a results file', async () => {
  const first = join(dir, 'run');
  const again = join(dir, 'again');
  const r = await hvbench(['report', join(first, 'results.json'), '--out', again, '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  for (const name of ['results.json', 'results.csv', 'summary.md', 'report.html']) {
    assert.equal(readFileSync(join(again, name), 'utf8'), readFileSync(join(first, name), 'utf8'), name);
  }
});

test('an unavailable measured engine is a one-line reason and exit 2', () => {
  const r = spawnHvbench(['run', '--engines', 'kvm-host', '--workloads', 'micro/cpuid', '--out', join(dir, 'nokvm'), ...FAST], {
    HVBENCH_KVM_HOST_VMM: join(dir, 'no-such-vmm'),
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^hvbench: engine kvm-host is unavailable here: .+/);
});

/** spawns a run; resolves when a stderr line matches `ready` (the handler is installed by then), with the child */
function startRun(args: string[], ready: RegExp) {
  const child = spawn(process.execPath, [BIN, 'run', ...args], { env: { ...process.env, CI: 'true' } });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const readyLine = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (ready.test(stderr)) resolve();
    });
    void exited.then(() => reject(new Error(`exited before ${ready}: ${stderr}`)));
  });
  return { child, exited, readyLine, stderr: () => stderr };
}

/** every file under dir with its bytes */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = readFileSync(join(e.parentPath, e.name), 'base64');
  }
  return out;
}

test('Ctrl-C stops the run and leaves no output or temporary directory', async () => {
  const parent = mkdtempSync(join(dir, 'sigint-'));
  const out = join(parent, 'out');
  // the progress bar's first line is drawn once the pairs are handed out, after the handler is installed; the
  // memory category untimed is enough: its 36 pairs take seconds, so the signal lands mid-suite as it would in
  // the whole suite, and a run that ignored it would write `out` (or die of the signal, not exit 130)
  const run = startRun(['--workloads', 'memory', '--no-timing', '--out', out], /\] 0\/\d+ started/);
  await run.readyLine;
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 130, run.stderr());
  assert.match(run.stderr(), /interrupted; nothing was written/);
  assert.deepEqual(readdirSync(parent), []);
});

test('Ctrl-C during a pair with --workers 1 exits 130 at once and leaves the previous output as it was', async () => {
  const parent = mkdtempSync(join(dir, 'sigint1-'));
  const out = join(parent, 'out');
  assert.equal((await hvbench(['run', '--workloads', 'micro/cpuid', '--out', out, ...FAST])).code, 0);
  const before = tree(out);
  // pairs run on a worker thread even with --workers 1, so this thread answers the signal mid-simulation;
  // SIGINT is sent once the first pair is done and the second is running
  const run = startRun(['--workers', '1', '--out', out], /\] 1\/\d+ /);
  await run.readyLine;
  run.child.kill('SIGINT');
  assert.equal(await run.exited, 130, run.stderr());
  // "at once" by what ran, not by the clock (a loaded machine stretches any time bound): the pair running when
  // the signal came may still finish, no pair after it starts — a main thread blocked until the suite ends
  // would report every pair done
  const done = [...run.stderr().matchAll(/\] (\d+)\/\d+ /g)].map((m) => Number(m[1]));
  assert.ok(Math.max(...done) <= 2, `pairs done after SIGINT: ${done.join(', ')}`);
  assert.match(run.stderr(), /interrupted; nothing was written/);
  assert.deepEqual(tree(out), before);
  assert.deepEqual(readdirSync(parent), ['out']);
});

test('help states each default once: none for off flags or empty repeatables, none after a default said in words', () => {
  for (const command of buildProgram().commands) {
    const help = command.helpInformation();
    const where = `hvbench ${command.name()} --help`;
    assert.doesNotMatch(help, /\(default: (\[\]|false)\)/, where);
    // an option's text runs until the next line that starts an option
    for (const option of help.split(/\n(?= {2}-)/)) assert.ok((option.match(/\(default\b/g) ?? []).length <= 1, `${where}: ${option}`);
  }
  const run = buildProgram().commands.find((c) => c.name() === 'run')!.helpInformation();
  assert.match(run, /--workloads <list>\s+workload ids or categories, comma-separated \(default:\s+all built-in\)\n/);
  assert.match(run, /--seed <n>\s+seed of every generator \(default: 1\)/);
});
