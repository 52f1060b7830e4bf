// Runs Node's test runner over every test/**/*.test.ts file (Node 20 does not expand a quoted glob). Finding no
// test file is a failure, not a pass. As many test processes at once as there are CPUs: Node's default is one
// fewer (--test-concurrency, os.availableParallelism() − 1), which on a 2-core machine runs them one after the
// other and leaves a core idle whenever one waits on a child process or a browser.
// Most files share a process: a test file alone costs about 0.9 s of CPU before its first test (node, tsx's
// loader, the modules it imports), which over ~170 small files was more CPU than their tests. They are split
// into one batch per CPU, each a generated entry that imports its files, so their tests register in one
// process and run one after the other (Node 22's --experimental-test-isolation=none does the same; Node 20
// lacks it). A file keeps a process of its own when it holds process-wide state another file's tests would
// see, or is long enough to want a core of its own: OWN_PROCESS below. The longest start first (plan()).
// `--typecheck` (what `npm test` runs): `tsc --noEmit -p .` at the same time as the tests rather than before them
// (it is one process on one core for about 25 s, which left the other core idle), its output printed after the
// tests' and its failure failing the command as a failing test does. It is incremental: tsc keeps what it found per
// file in build/typecheck.tsbuildinfo and checks again only the files changed since and those that depend on
// them, reporting the errors it kept for the others (a full check about 21 s of CPU, an unchanged tree 6.5 s).
// First the CLI's JavaScript build is brought up to date (scripts/cli-build.mjs; nothing to do when it matches the
// sources): the tests that run `hvbench` as a process or in the CLI host then start it without tsx. A build that
// fails leaves them on the sources under tsx, where the same error shows as a failing test.
// `--times`: each file in a test runner of its own, one after the other, then a table of each file's CPU time
// (user + system of its whole process tree, from this process's cutime and cstime in /proc/self/stat, proc(5)
// fields 16 and 17, which grow by a child's times once it is reaped) and wall time, slowest first: where
// `npm test`'s time goes.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { build, isFresh } from './cli-build.mjs';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const times = args.includes('--times');
const typecheck = args.includes('--typecheck');
const filter = args.filter((a) => a !== '--times' && a !== '--typecheck');
let files = collect(join(root, 'test')).map((f) => relative(root, f));
if (filter.length > 0) files = files.filter((f) => filter.some((part) => f.includes(part)));
if (files.length === 0) {
  console.error('run-tests: no test files found under test/' + (filter.length ? ` matching ${filter.join(', ')}` : ''));
  process.exit(1);
}

try {
  if (!isFresh()) await build();
} catch (err) {
  console.error(`run-tests: the CLI build failed, hvbench runs from the sources (${String(err?.message ?? err).split('\n')[0]})`);
}

const INCREMENTAL = ['--incremental', '--tsBuildInfoFile', join(root, 'build', 'typecheck.tsbuildinfo')];

const runnerArgs = (list, reporter) => ['--import', 'tsx', '--test', `--test-concurrency=${availableParallelism()}`, `--test-reporter=${reporter}`, ...list];
const testRunner = (list, reporter) => spawnSync(process.execPath, runnerArgs(list, reporter), { cwd: root, stdio: 'inherit' });

/**
 * files that run in a process of their own: the CLI's end-to-end files (test/scripts/*.test.ts: minutes of
 * CLI processes, the longest files of the suite), headless Chromium, and the files that run the lab and
 * measured engines, whose fakes are configured through process.env and whose booted L1 VM is kept per process
 * (engines/kvm-qemu), or that start QEMU or the VMM. The lab's parsers, image builders and counters (apt's
 * output, cpio, xenalyze, the op-runner, the SVM exit table) share the batches: a process each cost them about
 * 0.9 s of CPU apiece, more than most of their tests
 */
const OWN_PROCESS = [
  /^test\/scripts\/[^/]+\.test\.ts$/, /\.browser\.test\.ts$/,
  /^test\/engines\/kvm-qemu\/(?!svm-exits\.)/, /^test\/engines\/kvm-host\/(guest\/|vmm[./])/,
  /^test\/engines\/lab\/(qemu-|xen-qemu\/(engine|real-domu)\.)/,
];

/**
 * The longest own-process files, by their CPU time in `--times`, in that order: the first starts before the batches,
 * the others right after them (the domU boot about 40 s of CPU and 45 s of wall, QEMU on one core; the hostile corpus 26 s,
 * the CLI's 18 s, the kvm-qemu boot 16 s, the kvm-host guest 15 s; each batch about 50 s; every other file under
 * 10 s). Longest first, the runner's slots fill evenly and end together whatever the files are called. By name
 * (Node's order before, see plan()) the domU test started half-way, after the batches and test/engines' other
 * files, and ended with test/scripts' files only because those sort last: a slower domU boot or a long file
 * added under test/reports would have run alone at the end.
 */
const LONGEST = [
  /\/real-domu\.test\.ts$/, /\/hostile-corpus\.test\.ts$/, /^test\/scripts\/cli\.test\.ts$/,
  /^test\/engines\/kvm-qemu\/real-qemu\.test\.ts$/, /^test\/engines\/kvm-host\/guest\/process\.test\.ts$/,
];

/**
 * The entries the runner gets, one file each in a temporary directory, named so that their order by name is the
 * order to start them in: Node's runner sorts the files it is given (Node 20 lib/internal/test_runner/runner.js,
 * createTestFileList), so the order of the command line was not the order they ran in. The domU boot first (the
 * longest), then the batches, then LONGEST's other files, then the rest. A batch entry imports its files, so
 * their tests register in one process; an own-process file's entry imports that file alone.
 */
function plan(list) {
  const own = list.filter((f) => OWN_PROCESS.some((re) => re.test(f)));
  const shared = list.filter((f) => !own.includes(f));
  if (list.length < 2) return { runnerFiles: list, cleanup() {} };
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-tests-'));
  const count = Math.min(availableParallelism(), shared.length);
  // dealt in turn, so files of one directory (often alike in cost) spread over the batches
  const batches = Array.from({ length: count }, (_, i) => shared.filter((_f, j) => j % count === i));
  const long = LONGEST.flatMap((re) => own.filter((f) => re.test(f)));
  const groups = [
    ...long.slice(0, 1).map((f) => ({ name: f, files: [f] })),
    ...batches.map((files, i) => ({ name: `batch-${i + 1}-of-${count}`, files })),
    ...[...long.slice(1), ...own.filter((f) => !long.includes(f))].map((f) => ({ name: f, files: [f] })),
  ];
  const runnerFiles = groups.map(({ name, files }, i) => {
    const entry = join(dir, `${String(i).padStart(3, '0')}-${name.replace(/^test\//, '').replace(/\.test\.ts$/, '').replace(/\//g, '_')}.test.mjs`);
    writeFileSync(entry, files.map((f) => `import ${JSON.stringify(pathToFileURL(join(root, f)).href)};\n`).join(''));
    return entry;
  });
  return { runnerFiles, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** runs `command` to its end; resolves with its exit status (1 when killed) and, when `capture`, its output */
function run(command, argv, capture) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (capture) for (const stream of [child.stdout, child.stderr]) stream.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ status: code ?? 1, output }));
  });
}

if (!times) {
  const { runnerFiles, cleanup } = plan(files);
  const tsc = typecheck ? run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', '.', ...INCREMENTAL], true) : null;
  const tests = await run(process.execPath, runnerArgs(runnerFiles, 'spec'), false);
  cleanup();
  const types = tsc ? await tsc : { status: 0, output: '' };
  if (types.status !== 0) console.error(`${types.output}run-tests: the type-check (tsc --noEmit -p .) failed`);
  process.exit(tests.status !== 0 ? tests.status : types.status);
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
/** CPU seconds of every reaped descendant so far */
function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / CLK_TCK;
}

const rows = [];
for (const file of files) {
  const cpu0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  const r = testRunner([file], 'dot');
  rows.push({ file, cpu: childrenCpu() - cpu0, wall: Number(process.hrtime.bigint() - t0) / 1e9, ok: r.status === 0 });
}
rows.sort((a, b) => b.cpu - a.cpu);
const total = (key) => rows.reduce((s, r) => s + r[key], 0);
console.log(`\n${'cpu s'.padStart(8)} ${'wall s'.padStart(8)}  file`);
for (const r of rows) console.log(`${r.cpu.toFixed(1).padStart(8)} ${r.wall.toFixed(1).padStart(8)}  ${r.file}${r.ok ? '' : '  FAILED'}`);
console.log(`${total('cpu').toFixed(1).padStart(8)} ${total('wall').toFixed(1).padStart(8)}  total, ${rows.length} files`);
process.exit(rows.every((r) => r.ok) ? 0 : 1);
