// Reads what the op-runner prints (engines/lab/op-runner/main.c states the format): one record per operation
// with its status, time and the page faults and context switches during it. Lines that are not the
// runner's (a guest console interleaves kernel messages) are ignored; a run without the closing line is
// an error naming how far it got.
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';

export const RUNNER_DIR = new URL('.', import.meta.url).pathname;
export const RUNNER_PATH = join(RUNNER_DIR, 'build', 'op-runner');

export type RunnerStatus = 'ok' | 'skipped' | 'failed';

export interface RunnerOp {
  index: number;
  kind: string;
  status: RunnerStatus;
  /** enum runner_detail in op-runner.h: why an op was skipped or failed, or 3 for a capped compute */
  detail: number;
  errno: number;
  ns: number;
  pageFaults: number;
  contextSwitches: number;
  /** the vocabulary pid (1 = the first process) that finished the op */
  pid: number;
}

export interface RunnerOutput {
  /** `perf`: the run's own processes (perf software events); `proc`: the whole system (/proc deltas) */
  counts: 'perf' | 'proc';
  ops: RunnerOp[];
}

/** what op-runner.h's enum runner_detail numbers mean, for error messages and the report */
export const RUNNER_DETAILS: Readonly<Record<number, string>> = {
  1: 'needs ring 0', 2: 'no device', 3: 'compute capped', 4: 'region not mapped', 5: 'system call failed',
  6: 'no such process', 7: 'needs --privileged', 8: 'needs a second CPU', 9: 'string PIO larger than the buffer',
  10: 'port access faulted: no I/O privilege',
};

const HEADER = /^op-runner 1 ops=(\d+) counts=(perf|proc)$/;
const OP = /^op (\d+) (\w+) (ok|skipped|failed) (\d+) (-?\d+) (\d+) (\d+) (\d+) (\d+)$/;

export function parseRunnerOutput(text: string): RunnerOutput {
  let header: { ops: number; counts: 'perf' | 'proc' } | null = null;
  let done = false;
  const ops: RunnerOp[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const h = HEADER.exec(line);
    if (h) { header = { ops: Number(h[1]), counts: h[2] as 'perf' | 'proc' }; continue; }
    if (line === 'op-runner done') { done = true; continue; }
    const m = OP.exec(line);
    if (!m || !header) continue;
    ops.push({
      index: Number(m[1]), kind: m[2], status: m[3] as RunnerStatus, detail: Number(m[4]), errno: Number(m[5]),
      ns: Number(m[6]), pageFaults: Number(m[7]), contextSwitches: Number(m[8]), pid: Number(m[9]),
    });
  }
  if (!header) throw new Error('op-runner: no output header (the runner did not start)');
  if (!done) throw new Error(`op-runner: stopped after ${ops.length} of ${header.ops} operations`);
  ops.sort((a, b) => a.index - b.index);
  if (ops.length !== header.ops || ops.some((o, i) => o.index !== i)) throw new Error(`op-runner: reported ${ops.length} operations for ${header.ops}`);
  return { counts: header.counts, ops };
}

/** null when the runner is built, else why not (build/status.json, written by build.mjs) */
export function runnerProblem(): string | null {
  const status = join(RUNNER_DIR, 'build', 'status.json');
  if (!existsSync(status)) return 'the op-runner is not built (npm install runs engines/lab/op-runner/build.mjs)';
  try {
    const s = JSON.parse(readFileSync(status, 'utf8')) as { ok?: boolean; reason?: string };
    if (!s.ok) return `the op-runner build failed: ${s.reason ?? 'no reason recorded'}`;
  } catch {
    return `unreadable build status ${status}`;
  }
  return existsSync(RUNNER_PATH) ? null : `no op-runner at ${RUNNER_PATH}`;
}
