// The hostile-input corpus: every case file under test/fixtures/hostile/<class>/<name>.json runs hvbench's
// command line and must get the outcome it states — in bounded time and memory, and with the previous output
// left byte-identical whenever the command fails. The promise it holds the CLI to: every input either runs
// correctly or is refused in one line naming the file and field, exit 2, with nothing replaced.
//
// Where a case runs: most run in one long-lived CLI host process (test/scripts/cli-host.mjs), which calls the
// CLI's entry function with the case's arguments and returns its exit code, stdout and stderr: the code path of
// bin/hvbench.js after its startup, without loading every command and engine again per case. The host is a
// process of its own, so the limits stay those of a process: its CPU time over the case (/proc/<pid>/stat), its
// peak resident set since the case began (VmHWM, reset through /proc/<pid>/clear_refs), and a host over its
// limit is killed and replaced. A case runs as `node bin/hvbench.js` of its own when it sets `ownProcess` (plugin
// code runs in the CLI's process: its process.exit(), its prints at import and its module cache must be that
// process's; and a few refusals keep checking the whole binary's contract) or `env`.
//
// A case file:
//   about   one line: what is hostile here
//   files   { name: JSON value (written with JSON.stringify) | string (verbatim) | { $concat: [...] } }, where a
//           $concat part is a string or { $repeat: string, times: n } — for inputs too big to commit
//   setup   hvbench argument lists run first; each must exit 0
//   args    the hvbench arguments under test
//   env     extra environment (the case then runs in a process of its own)
//   ownProcess  true: run bin/hvbench.js in a process of its own, not in the CLI host
//   expect  { exit, stderr?, stdout?, maxSeconds = 30, maxMiB = 1024, outputIntact = (exit !== 0) }
//           maxSeconds is CPU time (user + system of the hvbench process, /proc/<pid>/stat), not wall-clock:
//           a loop that never ends burns CPU and is caught the same on an idle or a loaded machine, where a
//           wall-clock limit failed cases taking 3-11 s alone once the load average reached 25. A process
//           that blocks without using CPU is caught by a wall-clock backstop WALL_FACTOR times longer.
// Placeholders in strings: {tmp} the case's temp dir (files are written there), {out} an output directory
// pre-filled with an old results set, {fixtures} the case file's folder, {repo} the repository root.
// Every .json file in the corpus is a case: helper files committed beside cases (plugin modules) are not .json.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { CliHost } from './cli-host-client.ts';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const BIN = join(REPO, 'bin/hvbench.js');
const CORPUS = join(REPO, 'test/fixtures/hostile');

type Part = string | { $repeat: string; times: number };
type FileContent = string | { $concat: Part[] } | unknown;
interface Expect {
  exit: number;
  stderr?: string;
  stdout?: string;
  maxSeconds?: number;
  maxMiB?: number;
  outputIntact?: boolean;
}
interface Case {
  about: string;
  files?: Record<string, FileContent>;
  setup?: string[][];
  args: string[];
  env?: Record<string, string>;
  ownProcess?: boolean;
  expect: Expect;
}

function caseFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return caseFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

function isConcat(v: unknown): v is { $concat: Part[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { $concat?: unknown }).$concat);
}

function render(content: FileContent, fill: (s: string) => string): string {
  if (typeof content === 'string') return fill(content);
  if (isConcat(content)) return content.$concat.map((p) => (typeof p === 'string' ? fill(p) : p.$repeat.repeat(p.times))).join('');
  return JSON.stringify(content, (_k, v: unknown) => (typeof v === 'string' ? fill(v) : v));
}

/** every file under dir with its bytes, for the byte-identical check */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  cpuSeconds: number;
  peakMiB: number;
  /** why it was killed: over its CPU time, or blocked past the wall-clock backstop */
  timedOut: 'cpu' | 'wall' | null;
}

/** the wall-clock backstop, as a multiple of the CPU limit: only for a process that hangs without computing */
const WALL_FACTOR = 20;
/** clock ticks per second of /proc/<pid>/stat's times (proc(5): sysconf(_SC_CLK_TCK)) */
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** user + system CPU seconds of a live process, all its threads (proc(5) fields 14 and 15); null once gone */
function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name, which is in parentheses and may hold spaces: state is field 3
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** peak resident set of a live process in MiB (VmHWM), or 0 once it has gone */
function peakMiBOf(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** watches a process while it runs one command: kills it past maxSeconds of CPU time since `cpuAtStart` (or
 *  WALL_FACTOR times that of wall-clock time), sampling its peak resident set and CPU time; `finish` stops the
 *  watch and gives the figures */
function watch(child: ChildProcess, maxSeconds: number, cpuAtStart: number) {
  const started = process.hrtime.bigint();
  let peakMiB = 0;
  let cpuSeconds = 0;
  let timedOut: Outcome['timedOut'] = null;
  const kill = (why: 'cpu' | 'wall') => {
    timedOut ??= why;
    child.kill('SIGKILL');
  };
  const sample = () => {
    peakMiB = Math.max(peakMiB, peakMiBOf(child.pid!));
    cpuSeconds = (cpuSecondsOf(child.pid!) ?? cpuAtStart + cpuSeconds) - cpuAtStart;
    if (cpuSeconds > maxSeconds) kill('cpu');
  };
  const sampler = setInterval(sample, 50);
  const killer = setTimeout(() => kill('wall'), maxSeconds * WALL_FACTOR * 1000);
  return {
    finish(): Pick<Outcome, 'seconds' | 'cpuSeconds' | 'peakMiB' | 'timedOut'> {
      sample();
      clearInterval(sampler);
      clearTimeout(killer);
      return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds, peakMiB, timedOut };
    },
  };
}

/** runs bin/hvbench.js in a process of its own, under the limits of `watch` */
function hvbenchProcess(args: string[], env: Record<string, string>, maxSeconds: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const watching = watch(child, maxSeconds, 0);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ...watching.finish() }));
  });
}

/** the CLI host (test/scripts/cli-host.mjs), started on first use and again after one was killed */
const host = new CliHost();

/** runs a command line in the CLI host, under the limits of `watch` counted from the moment it is sent */
async function hvbenchInHost(args: string[], maxSeconds: number): Promise<Outcome> {
  let watching: ReturnType<typeof watch> | undefined;
  const r = await host.run(args, {
    beforeSend: (child) => {
      // the peak resident set counts from here: writing 5 to clear_refs resets VmHWM (proc(5))
      writeFileSync(`/proc/${child.pid}/clear_refs`, '5');
      watching = watch(child, maxSeconds, cpuSecondsOf(child.pid!) ?? 0);
    },
  });
  return { ...r, ...watching!.finish() };
}

function hvbench(spec: Pick<Case, 'env' | 'ownProcess'>, args: string[], env: Record<string, string>, maxSeconds: number): Promise<Outcome> {
  return spec.ownProcess || spec.env ? hvbenchProcess(args, env, maxSeconds) : hvbenchInHost(args, maxSeconds);
}

const files = caseFiles(CORPUS);

test('the hostile corpus is present', () => {
  assert.ok(files.length > 0, `no case files under ${relative(REPO, CORPUS)}`);
});

// Two cases at a time: a case in a process of its own beside the CLI host's, one per core.
describe('hostile corpus', { concurrency: 2 }, () => {
  // the previous output every failing command must leave as it was, made once and copied into each case
  const prevRoot = mkdtempSync(join(tmpdir(), 'hvbench-hostile-prev-'));
  const prev = join(prevRoot, 'out');
  before(async () => {
    const r = await hvbench({}, ['run', '--workloads', 'micro/cpuid', '--engines', 'xen', '--no-png', '--no-timing', '--quiet', '--out', prev], {}, 120);
    assert.equal(r.code, 0, `making the previous output failed: ${r.stderr}`);
  });
  after(async () => {
    await host.stop();
    rmSync(prevRoot, { recursive: true, force: true });
  });

  for (const file of files) {
    const name = relative(CORPUS, file).replace(/\.json$/, '');
    const spec = JSON.parse(readFileSync(file, 'utf8')) as Case;
    test(`hostile/${name}: ${spec.about}`, async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'hvbench-hostile-'));
      try {
        const out = join(tmp, 'out');
        const fill = (s: string) =>
          s.replaceAll('{tmp}', tmp).replaceAll('{out}', out).replaceAll('{fixtures}', dirname(file)).replaceAll('{repo}', REPO);
        cpSync(prev, out, { recursive: true });
        const before = snapshot(out);
        for (const [rel, content] of Object.entries(spec.files ?? {})) {
          const path = join(tmp, rel);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, render(content, fill));
        }
        const env = Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, fill(v)]));
        for (const step of spec.setup ?? []) {
          const r = await hvbench(spec, step.map(fill), env, 120);
          assert.equal(r.code, 0, `setup ${step.join(' ')} failed: ${r.stderr}`);
        }
        const { exit, maxSeconds = 30, maxMiB = 1024 } = spec.expect;
        const r = await hvbench(spec, spec.args.map(fill), env, maxSeconds);
        const shown = `exit ${r.code}${r.signal ? ` (${r.signal})` : ''} after ${r.seconds.toFixed(1)} s (${r.cpuSeconds.toFixed(1)} s CPU), peak ${r.peakMiB.toFixed(0)} MiB\nstderr: ${r.stderr.slice(0, 2000)}`;
        assert.equal(r.timedOut, null, `still running after ${r.timedOut === 'cpu' ? `${maxSeconds} s of CPU` : `${maxSeconds * WALL_FACTOR} s without finishing`}\n${shown}`);
        assert.ok(r.peakMiB <= maxMiB, `peak resident set ${r.peakMiB.toFixed(0)} MiB > ${maxMiB} MiB\n${shown}`);
        assert.equal(r.code, exit, shown);
        if (exit === 2) {
          const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
          assert.equal(lines.length, 1, `a refusal is one line\n${shown}`);
          assert.doesNotMatch(r.stderr, /^\s+at /m, `no stack trace for a user mistake\n${shown}`);
        }
        if (spec.expect.stderr !== undefined) assert.match(r.stderr, new RegExp(spec.expect.stderr), shown);
        if (spec.expect.stdout !== undefined) assert.match(r.stdout, new RegExp(spec.expect.stdout), shown);
        if (spec.expect.outputIntact ?? exit !== 0) assert.deepEqual(snapshot(out), before, `the previous output in {out} changed\n${shown}`);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
