// Booting a lab image under QEMU and driving it over the serial console (console-protocol.ts). One QEMU
// process per session; requests are queued, since the one serial line carries one conversation. Everything
// that can go wrong (QEMU missing or refusing its arguments, a boot that never reaches the agent, a panic,
// a command past its deadline) ends the session with a one-line reason that names the last console line.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { base64Chunks, LineSplitter, parseAgentLine, PUT_CHUNK_CHARS, type AgentMessage } from './console-protocol.ts';
import { findExecutable } from './executables.ts';

export const QEMU = 'qemu-system-x86_64';

/** the one-line reason QEMU cannot run here, or null */
export function qemuProblem(path = process.env.PATH ?? ''): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `the lab needs Linux on x86-64 (this is ${process.platform}/${process.arch})`;
  return findExecutable(QEMU, path) ? null : `${QEMU} not found (hvbench lab setup installs it)`;
}

export type Accel = 'kvm' | 'tcg';

/**
 * KVM when /dev/kvm is usable, else TCG, and what the timings then are: neither is representative of a
 * guest on bare metal (under TCG every guest instruction is translated; under KVM the lab's guests run nested).
 */
export function pickAccel(): { accel: Accel; timings: string } {
  try {
    if (existsSync('/dev/kvm')) {
      accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
      return { accel: 'kvm', timings: 'nested KVM (L1 itself runs under KVM)' };
    }
  } catch { /* no access: TCG */ }
  return { accel: 'tcg', timings: 'TCG (QEMU translates every guest instruction)' };
}

export interface QemuBootOptions {
  kernel: string;
  initrd: string;
  /** extra kernel command line, after the console settings the protocol needs */
  append?: string;
  memMb: number;
  cpus: number;
  accel: Accel;
  /** -cpu model; `max` gives TCG's AMD-compatible SVM with nested paging */
  cpu?: string;
  bootTimeoutMs: number;
  /**
   * characters the guest's console input can hold unread (console-protocol.ts): a request line or `put`
   * chunk never exceeds it; unset, the guest's own serial port and tty take PUT_CHUNK_CHARS at a time
   */
  consoleInputChars?: number;
  /** progress messages while booting ("booting: <last console line>") */
  onProgress?: (message: string) => void;
  qemu?: string;
}

export function qemuArgv(o: QemuBootOptions): string[] {
  // loglevel=1 keeps all but KERN_EMERG off the console, so kernel messages do not interleave with replies;
  // panic=-1 with -no-reboot turns a panic into QEMU's exit; no_timer_check skips the boot-time test of the
  // timer interrupt through the IO-APIC (check_timer in arch/x86/kernel/apic/io_apic.c), which a TCG guest
  // on a busy host fails for lack of time ("IO-APIC + timer doesn't work!" panic), as cloud images do too
  const append = ['console=ttyS0', 'loglevel=1', 'panic=-1', 'no_timer_check', o.append ?? ''].join(' ').trim();
  return [
    '-accel', o.accel, '-cpu', o.cpu ?? 'max', '-m', String(o.memMb), '-smp', String(o.cpus),
    '-nodefaults', '-display', 'none', '-serial', 'stdio', '-no-reboot',
    '-kernel', o.kernel, '-initrd', o.initrd, '-append', append,
  ];
}

export interface RunResult { status: number; stdout: Buffer; stderr: string[] }

interface Waiter { id: number; onMessage(m: AgentMessage): void; fail(reason: string): void }

const TAIL_LINES = 20;

/**
 * QEMUs still running, killed when this process or worker thread exits (process.exit(), the end of the event
 * loop). That covers exits setpriv's parent-death signal cannot: a host without setpriv. A death by signal
 * runs no handler; there the parent-death signal does the work (QemuSession.boot).
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class QemuSession {
  private readonly splitter = new LineSplitter();
  private readonly tail: string[] = [];
  private waiter: Waiter | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private ended: string | null = null;
  private qemuStderr = '';

  private constructor(private readonly child: ChildProcess, private readonly inputChars: number) {}

  /** boots and resolves once the agent says `ready`; rejects with a one-line reason otherwise */
  static boot(o: QemuBootOptions): Promise<QemuSession> {
    // setpriv(1) --pdeathsig: QEMU dies with the thread that started it (a harness worker that is stopped or a
    // process that exits), where a plain child would keep an emulated machine running after its owner is gone
    const setpriv = findExecutable('setpriv');
    const [file, args] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', o.qemu ?? QEMU, ...qemuArgv(o)]] : [o.qemu ?? QEMU, qemuArgv(o)];
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    const session = new QemuSession(child, o.consoleInputChars ?? PUT_CHUNK_CHARS);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        session.end(`QEMU did not finish booting within ${Math.round(o.bootTimeoutMs / 1000)} s${session.lastLine()}`);
      }, o.bootTimeoutMs);
      session.waiter = {
        id: 0,
        onMessage: (m) => {
          if (m.kind !== 'ready') return;
          clearTimeout(timer);
          session.waiter = null;
          o.onProgress?.(`booted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
          resolve(session);
        },
        fail: (reason) => { clearTimeout(timer); reject(new Error(reason)); },
      };
      session.listen((line) => o.onProgress?.(`booting: ${line.slice(0, 60)}`));
    });
  }

  private listen(onConsole: (line: string) => void): void {
    this.child.stdout!.setEncoding('latin1');
    this.child.stdout!.on('data', (chunk: string) => {
      for (const raw of this.splitter.push(chunk)) {
        const line = raw.replace(/\r$/, '');
        const m = parseAgentLine(line);
        if (m) { this.waiter?.onMessage(m); continue; }
        if (!line.trim()) continue;
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        onConsole(line);
      }
    });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (chunk: string) => { if (this.qemuStderr.length < 4096) this.qemuStderr += chunk; });
    this.child.stdin!.on('error', () => { /* QEMU exited: the close handler says why */ });
    this.child.on('error', (err) => this.end(`cannot start ${QEMU}: ${err.message}`));
    this.child.on('close', (status, signal) => {
      const own = this.qemuStderr.trim().split('\n').pop();
      this.end(`QEMU exited (${signal ?? `status ${status}`})${own ? `: ${own}` : this.lastLine()}`);
    });
  }

  private lastLine(): string {
    // a panic's own line says more than the stack trace printed after it
    const last = this.tail.find((l) => /Kernel panic/.test(l)) ?? this.tail[this.tail.length - 1];
    return last ? `; last console line: ${last.trim().slice(0, 160)}` : '; the console stayed silent';
  }

  /** QEMU's process id (undefined if it could not be started) */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** the last console lines that were not protocol messages (kernel output, a panic) */
  consoleTail(): string[] {
    return [...this.tail];
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = reason;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    this.waiter?.fail(reason);
  }

  private send(text: string): void {
    this.child.stdin!.write(text);
  }

  /** a request line, refused when the guest's console could not take it whole */
  private line(text: string): string {
    if (text.length + 1 > this.inputChars) throw new Error(`lab: a request of ${text.length + 1} characters does not fit the guest console's ${this.inputChars}`);
    return `${text}\n`;
  }

  /** one request at a time; `body` talks to the agent through `expect` */
  private request<T>(timeoutMs: number, what: string, body: (id: number, next: () => Promise<AgentMessage>) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.ended) throw new Error(this.ended);
      const id = this.nextId++;
      const inbox: AgentMessage[] = [];
      let wake: (() => void) | null = null;
      let failure: string | null = null;
      const timer = setTimeout(() => this.end(`${what} did not finish within ${Math.round(timeoutMs / 1000)} s${this.lastLine()}`), timeoutMs);
      this.waiter = {
        id,
        onMessage: (m) => { if ('id' in m && m.id === id) { inbox.push(m); wake?.(); } },
        fail: (reason) => { failure = reason; wake?.(); },
      };
      const next = async (): Promise<AgentMessage> => {
        while (!inbox.length) {
          if (failure) throw new Error(failure);
          await new Promise<void>((r) => { wake = r; });
          wake = null;
        }
        return inbox.shift()!;
      };
      try {
        return await body(id, next);
      } finally {
        clearTimeout(timer);
        this.waiter = null;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** writes `data` to `path` in the guest */
  put(path: string, data: Uint8Array, timeoutMs = 120_000): Promise<void> {
    if (/\s/.test(path)) return Promise.reject(new Error(`lab: guest path ${JSON.stringify(path)} has white space`));
    return this.request(timeoutMs, `copying ${path} into the guest`, async (id, next) => {
      const chunks = base64Chunks(data, this.inputChars);
      this.send(this.line(`put ${id} ${path} ${chunks.reduce((n, c) => n + c.length, 0)} ${this.inputChars}`));
      for (const chunk of [...chunks, null]) {
        const m = await next();
        if (m.kind !== 'ack') throw new Error(`lab agent: unexpected ${m.kind} while copying ${path}`);
        if (chunk !== null) this.send(chunk);
      }
      const m = await next();
      if (m.kind !== 'done' || m.status !== 0) throw new Error(`lab agent: could not write ${path} in the guest`);
    });
  }

  /** runs a shell command in the guest; its stdout comes back byte for byte */
  run(command: string, timeoutMs = 120_000): Promise<RunResult> {
    if (/[\r\n]/.test(command)) return Promise.reject(new Error('lab: a guest command is one line'));
    return this.request(timeoutMs, `guest command ${command.split(' ')[0]}`, async (id, next) => {
      this.send(this.line(`run ${id} ${command}`));
      const out: string[] = [];
      const stderr: string[] = [];
      for (;;) {
        const m = await next();
        if (m.kind === 'data') out.push(m.base64);
        else if (m.kind === 'err') stderr.push(m.text);
        else if (m.kind === 'done') return { status: m.status, stdout: Buffer.from(out.join(''), 'base64'), stderr };
      }
    });
  }

  /** powers the guest off; resolves when QEMU has exited */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('close', () => resolve());
      this.end('the session was closed');
    });
  }
}
