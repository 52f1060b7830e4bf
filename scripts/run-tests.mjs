// Runs Node's test runner over every test/**/*.test.ts file, listed explicitly (Node 20 does not expand a
// quoted glob). Finding no test file is a failure, not a pass. As many files at once as there are CPUs: Node's
// default is one fewer (--test-concurrency, os.availableParallelism() − 1), which on a 2-core machine runs the
// files one after the other and leaves a core idle whenever a file waits on a child process or a browser.
// `--times`: each file in a test runner of its own, one after the other, then a table of each file's CPU time
// (user + system of its whole process tree, from this process's cutime and cstime in /proc/self/stat, proc(5)
// fields 16 and 17, which grow by a child's times once it is reaped) and wall time, slowest first: where
// `npm test`'s time goes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

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
const filter = args.filter((a) => a !== '--times');
let files = collect(join(root, 'test')).map((f) => relative(root, f));
if (filter.length > 0) files = files.filter((f) => filter.some((part) => f.includes(part)));
if (files.length === 0) {
  console.error('run-tests: no test files found under test/' + (filter.length ? ` matching ${filter.join(', ')}` : ''));
  process.exit(1);
}

const testRunner = (list, reporter) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${availableParallelism()}`, `--test-reporter=${reporter}`, ...list], {
    cwd: root,
    stdio: 'inherit',
  });

if (!times) process.exit(testRunner(files, 'spec').status ?? 1);

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
