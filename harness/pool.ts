// Runs pairs on worker threads, one per CPU by default (docs/architecture.md#harness), each loading the catalog
// once and taking the next pair when it finishes one. Pairs always run off the main thread, even with
// --workers 1: an engine is code the harness does not control (a plugin may loop forever, never resolve,
// call process.exit() or print to stdout), and only a worker can be stopped whatever it does, while the main
// thread stays free to keep the per-pair timeout and to answer Ctrl-C at once. A worker that times out is
// terminated; one that exits or dies is noticed; either way its pair fails with the reason and a fresh worker
// takes the remaining pairs. What a worker prints goes to stderr (harness/worker.ts posts it here): stdout
// carries hvbench's own output only. Outcomes come back in task order whatever order they finish in.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { BUNDLE_URL } from './bundled.ts';
import type { CatalogSpec } from './catalog.ts';
import type { PairOutcome, PairTask } from './pair.ts';
import type { ClockMessage } from './pair-clock.ts';

export interface PoolOptions {
  /** worker threads */
  workers: number;
  /** a pair still running after this many ms fails and its worker is terminated */
  timeoutMs: number;
  onDone(task: PairTask, outcome: PairOutcome): void;
  /** aborts outstanding work (Ctrl-C): workers are terminated and the promise rejects */
  signal?: AbortSignal;
}

type WorkerMessage = { type: 'ready' } | { type: 'print'; text: string } | ClockMessage | { type: 'outcome'; slot: number; outcome: PairOutcome };

/** the worker's entry: the worker bundle beside the CLI's (scripts/cli-build.mjs), or one that registers tsx */
const WORKER_ENTRY = BUNDLE_URL ? new URL('./worker.mjs', BUNDLE_URL) : new URL('./worker-entry.mjs', import.meta.url);

export function defaultWorkerCount(): number {
  return os.availableParallelism();
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toPrecision(6))} s`;
}

export function runPairs(spec: CatalogSpec, tasks: PairTask[], opts: PoolOptions): Promise<PairOutcome[]> {
  return new Promise((resolve, reject) => {
    const outcomes = new Array<PairOutcome>(tasks.length);
    /** running workers, each with what stops it: its pair's timer must not outlive the pool either */
    const live = new Map<Worker, () => void>();
    let next = 0;
    let finished = 0;
    let settled = false;

    const stop = (err?: unknown) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const halt of live.values()) halt();
      live.clear();
      if (err === undefined) resolve(outcomes);
      else reject(err);
    };
    const onAbort = () => stop(opts.signal?.reason);
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const record = (task: PairTask, outcome: PairOutcome) => {
      outcomes[task.slot] = outcome;
      opts.onDone(task, outcome);
      if (++finished === tasks.length) stop();
    };

    /** one worker: takes pairs until none are left; replaced when it times out or dies mid-pair */
    const start = () => {
      const worker = new Worker(WORKER_ENTRY, { workerData: spec });
      let current: PairTask | undefined;
      let timer: NodeJS.Timeout | undefined;
      const halt = () => {
        clearTimeout(timer);
        void worker.terminate();
      };
      live.set(worker, halt);
      let ready = false;
      let lastError: unknown;

      /** this worker is done for; its pair (if any) fails with `reason` and another worker carries on */
      const retire = (reason: string) => {
        live.delete(worker);
        halt();
        const task = current;
        current = undefined;
        if (settled || task === undefined) return;
        record(task, { ok: false, error: reason });
        if (!settled && next < tasks.length) start();
      };
      /** the pair's clock: what is left of its timeout, and since when it runs (null: stopped, pair-clock.ts) */
      let left = 0;
      let since: number | null = null;
      const runClock = () => {
        since = Date.now();
        timer = setTimeout(() => retire(`timed out after ${seconds(opts.timeoutMs)} (--timeout); its worker was stopped`), left);
      };
      const stopClock = () => {
        if (since === null) return;
        clearTimeout(timer);
        left -= Date.now() - since;
        since = null;
      };
      const feed = () => {
        if (next >= tasks.length) return;
        const task = (current = tasks[next++]);
        left = opts.timeoutMs;
        runClock();
        worker.postMessage({ type: 'task', task });
      };

      worker.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'print') return void process.stderr.write(msg.text);
        if (settled || !live.has(worker)) return;
        if (msg.type === 'ready') {
          ready = true;
          return feed();
        }
        if (msg.type === 'clock') {
          if (current === undefined) return;
          return msg.running ? (since === null ? runClock() : undefined) : stopClock();
        }
        clearTimeout(timer);
        since = null;
        const task = current!;
        current = undefined;
        record(task, msg.outcome);
        if (!settled) feed();
      });
      worker.on('error', (err) => {
        lastError = err;
      });
      worker.on('exit', (code) => {
        if (settled || !live.has(worker)) return;
        const why = lastError instanceof Error ? `: ${lastError.message.split('\n')[0]}` : '';
        // the catalog loaded in this thread before the pool started, so a worker that cannot load it is a
        // fault of the harness, not of one pair
        if (!ready) return stop(new Error(`a worker thread stopped before it was ready (exit code ${code})${why}`));
        if (current === undefined) return retire('');
        retire(`its worker thread exited (code ${code}) before the pair finished${why || ' (process.exit() in the engine?)'}`);
      });
    };

    if (tasks.length === 0) return stop();
    const count = Math.max(1, Math.min(opts.workers, tasks.length));
    for (let i = 0; i < count; i++) start();
  });
}
