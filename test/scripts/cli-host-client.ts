// The test side of the CLI host (test/scripts/cli-host.mjs): starts the host on first use (and again after one
// ended), sends it one command line at a time and resolves with the exit code `main` returned and what the
// command wrote. A test file that runs many `hvbench` command lines pays the load of every command and engine
// once, in the host, instead of once per spawned process. A check fails in the host as it would against a
// process of its own: what it reads (main's exit code, which bin/hvbench.js makes the process's exit
// status; everything printed on stdout and stderr; the files written) comes from the code path bin/hvbench.js
// runs after its startup. The process-level contract (exit status, no stack trace, signals) is held by the
// tests that still spawn the binary (test/scripts/cli.test.ts, output-targets.test.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const REPO = new URL('../..', import.meta.url).pathname;

export interface HostOutcome {
  /** main's exit code, or the host's own exit code (null when a signal ended it) if it ended during the command */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class CliHost {
  private child: ChildProcess | null = null;
  /** one command at a time: each waits for the one before */
  private queue: Promise<unknown> = Promise.resolve();
  /** what the host wrote outside a command (a crash of its own): the stderr of the command it ended */
  private stray = '';

  /** the host process, started if none runs */
  process(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(process.execPath, [join(REPO, 'test/scripts/cli-host.mjs')], {
      cwd: REPO,
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout!.on('data', (d: Buffer) => (this.stray += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.stray += d.toString()));
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    this.child = child;
    return child;
  }

  /**
   * runs `hvbench ARGS` in the host, in directory `cwd` (the host's own by default); `beforeSend` is called
   * with the host process right before the command is sent (hostile-corpus.test.ts starts its CPU and memory
   * watch there)
   */
  run(args: string[], options: { cwd?: string; beforeSend?: (child: ChildProcess) => void } = {}): Promise<HostOutcome> {
    const run = () =>
      new Promise<HostOutcome>((resolve) => {
        const child = this.process();
        options.beforeSend?.(child);
        const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
          child.off('message', onMessage);
          resolve({ code, signal, stdout: '', stderr: `the CLI host ended: ${this.stray}` });
          this.stray = '';
        };
        const onMessage = (m: { code: number; stdout: string; stderr: string }) => {
          child.off('exit', onExit);
          resolve({ code: m.code, signal: null, stdout: m.stdout, stderr: m.stderr });
        };
        child.once('exit', onExit);
        child.once('message', onMessage);
        child.send({ args, cwd: options.cwd });
      });
    const outcome = this.queue.then(run);
    this.queue = outcome;
    return outcome;
  }

  /**
   * ends the host and resolves once it has exited (a test file's `after` awaits it): a host still running when
   * the test file's process exits is never reaped by it, so its CPU time would be missing from the file's
   * (scripts/run-tests.mjs --times reads it from the reaped children's times)
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  }
}
