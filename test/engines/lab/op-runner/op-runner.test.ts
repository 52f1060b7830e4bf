// The op-runner as a real program on this machine: real mmap/fork/exec/exit, real page faults and context
// switches, counted by the kernel. Expected counts are Linux's mechanism, derived in each test. Skipped,
// with the reason printed, where the runner is not built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestOp } from '../../../../engines/types.ts';
import { serialize, HEADER_BYTES } from '../../../../engines/kvm-host/op-stream.ts';
import { parseRunnerOutput, RUNNER_PATH, runnerProblem, type RunnerOutput } from '../../../../engines/lab/op-runner/output.ts';

const skip = runnerProblem() ?? false;
if (skip) console.log(`# skipping op-runner tests: ${skip}`);
const dir = mkdtempSync(join(tmpdir(), 'op-runner-test-'));

function run(ops: GuestOp[], args: string[] = []): { out: RunnerOutput; status: number | null } {
  const result = spawnSync(RUNNER_PATH, [...args, '-'], { input: serialize(ops).bytes, encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  return { out: parseRunnerOutput(result.stdout), status: result.status };
}

test('first touches of fresh anonymous pages fault once per page, later ones not at all', { skip }, () => {
  // 64 pages, not 2 MiB aligned or sized, so no huge page. Linux mm/memory.c do_anonymous_page: a write to an
  // unmapped page faults once and maps a fresh writable page; rewriting (128 accesses = each page twice) and
  // reading pages already mapped fault no more. (Reads first are left out: whether they map the shared zero
  // page, and so fault again on the write, depends on the kernel.)
  const { out } = run([
    { op: 'map', region: 'a', bytes: 64 * 4096, pageSize: '4k' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 64, write: true },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 128, write: true },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 64, write: false },
    { op: 'unmap', region: 'a' },
  ]);
  assert.deepEqual(out.ops.map((o) => o.status), ['ok', 'ok', 'ok', 'ok', 'ok']);
  if (out.counts === 'perf') {
    assert.deepEqual(out.ops.slice(1, 4).map((o) => o.pageFaults), [64, 0, 0]);
  } else {
    // system-wide counts: other processes add to them, never take away
    assert.ok(out.ops[1].pageFaults >= 64);
  }
});

test('fork, switch and exit pass control between real processes on one CPU', { skip }, () => {
  // pid 1 forks pid 2 (the child waits), switches to it (pid 1 blocks on its pipe: at least one context
  // switch), pid 2 writes the inherited region (copy-on-write: one fault per page it writes, 8), exits, and
  // pid 1 finishes the exit op and the last touch.
  const { out } = run([
    { op: 'map', region: 'a', bytes: 8 * 4096, pageSize: '4k' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 8, write: true },
    { op: 'fork' },
    { op: 'switch', to: 2 },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 8, write: true },
    { op: 'exit' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 8, write: true },
  ]);
  assert.deepEqual(out.ops.map((o) => [o.kind, o.status, o.pid]), [
    ['map', 'ok', 1], ['touch', 'ok', 1], ['fork', 'ok', 1], ['switch', 'ok', 2], ['touch', 'ok', 2], ['exit', 'ok', 1], ['touch', 'ok', 1],
  ]);
  // pid 1 blocks on its pipe from the switch until the exit hands control back: at least one switch away
  // from it in between (on which op's clock it lands depends on when the woken child first reads the counter)
  assert.ok(out.ops.slice(3, 6).reduce((sum, o) => sum + o.contextSwitches, 0) >= 1, 'the switch blocked pid 1');
  if (out.counts === 'perf') {
    assert.equal(out.ops[4].pageFaults, 8, 'COW: the child copies each page it writes');
    // fork write-protected the parent's PTEs too (copy_present_pte); with the child gone each page has one
    // user again and do_wp_page reuses it in place, still one fault per page
    assert.equal(out.ops[6].pageFaults, 8);
  }
});

test('vfork: the child runs at once in the parent\'s address space, nothing copied or write-protected, until its exec', { skip }, () => {
  // pid 1 writes 8 pages, vforks pid 2 (clone with CLONE_VM | CLONE_VFORK): the child finishes the fork's
  // line and the switch to itself, then writes the same 8 pages — its parent's, present and writable, so no
  // fault (a fork would have write-protected them: 8 COW faults, as the test above counts). Its exec gives it
  // a fresh mm (region a is gone there) and lets the parent go; pid 2 maps and writes 4 pages of its own
  // (4 faults) and exits; pid 1 writes its 8 pages again, still writable: no fault.
  const { out } = run([
    { op: 'map', region: 'a', bytes: 8 * 4096, pageSize: '4k' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 8, write: true },
    { op: 'fork', vfork: true },
    { op: 'switch', to: 2 },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 8, write: true },
    { op: 'exec' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 1, write: true },
    { op: 'map', region: 'b', bytes: 4 * 4096, pageSize: '4k' },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 4, write: true },
    { op: 'exit' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 8, write: true },
  ]);
  assert.deepEqual(out.ops.map((o) => [o.kind, o.status, o.pid]), [
    ['map', 'ok', 1], ['touch', 'ok', 1], ['fork', 'ok', 2], ['switch', 'ok', 2], ['touch', 'ok', 2], ['exec', 'ok', 2],
    ['touch', 'failed', 2], ['map', 'ok', 2], ['touch', 'ok', 2], ['exit', 'ok', 1], ['touch', 'ok', 1],
  ]);
  if (out.counts === 'perf') {
    assert.equal(out.ops[4].pageFaults, 0, 'the child writes its parent\'s own pages');
    assert.equal(out.ops[8].pageFaults, 4, 'after exec the child has an mm of its own');
    assert.equal(out.ops[10].pageFaults, 0, 'vfork write-protected nothing');
  }
});

test('a vfork must be followed by the switch to its child: refused in one line before anything runs', { skip }, () => {
  const r = spawnSync(RUNNER_PATH, ['-'], { input: serialize([{ op: 'fork' }, { op: 'fork', vfork: true }, { op: 'switch', to: 2 }]).bytes, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2);
  // the second fork gives pid 3, the switch names pid 2
  assert.equal(r.stderr, 'op-runner: op 1: a vfork child runs at once while its parent waits for its exec or exit, so op 2 must switch to pid 3\n');
  assert.equal(r.stdout, '');
});

test('exec gives a fresh address space: a region mapped before it is gone after', { skip }, () => {
  const { out } = run([
    { op: 'map', region: 'a', bytes: 4096, pageSize: '4k' },
    { op: 'exec' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 1, write: true },
    { op: 'map', region: 'a', bytes: 4096, pageSize: '4k' },
    { op: 'touch', region: 'a', pattern: 'seq', accesses: 1, write: true },
  ]);
  assert.deepEqual(out.ops.map((o) => o.status), ['ok', 'ok', 'failed', 'ok', 'ok']);
  assert.equal(out.ops[2].detail, 4, 'region not mapped');
});

test('ring-0 ops are skipped with their reason, a hypercall without privcmd too, and io runs', { skip }, () => {
  const disk = join(dir, 'disk.img');
  writeFileSync(disk, Buffer.alloc(1 << 20));
  const { out } = run([
    { op: 'hlt', count: 1 },
    { op: 'invlpg', region: 'a', count: 1 },
    { op: 'syscall', count: 100 },
    { op: 'cpuid', count: 10 },
    { op: 'io', device: 'disk', dir: 'write', bytes: 4096, requests: 4 },
    { op: 'io', device: 'net', dir: 'read', bytes: 512, requests: 4 },
    { op: 'timer', periodUs: 1000, ticks: 3 },
  ], [`--disk=${disk}`]);
  assert.deepEqual(out.ops.slice(0, 2).map((o) => [o.status, o.detail]), [['skipped', 1], ['skipped', 1]]);
  // O_DIRECT is refused by some file systems (tmpfs): then the write fails with EINVAL, which is reported
  assert.ok(out.ops[4].status === 'ok' || (out.ops[4].status === 'failed' && out.ops[4].errno === 22), JSON.stringify(out.ops[4]));
  assert.deepEqual(out.ops.slice(5).map((o) => o.status), ['ok', 'ok']);
  // (how often the timer op blocks depends on load: one read may collect several expirations)
});

test('a string PIO: skipped without --privileged; with it it runs, or ioperm\'s error or the fault is its skip reason, never a crash; past the buffer it fails', { skip }, () => {
  const rep: GuestOp = { op: 'pio', port: 0x511, write: false, count: 2, rep: 4096, width: 1 };
  assert.deepEqual(run([rep]).out.ops.map((o) => [o.status, o.detail]), [['skipped', 7]]);
  // with --privileged the outcome is the machine's (ioperm refused: detail 5 with its errno; the port access
  // faulted: detail 10), but the runner always finishes its line and the next op
  const { out, status } = run([rep, { op: 'cpuid', count: 1 }], ['--privileged']);
  assert.equal(status, 0);
  const [pio] = out.ops;
  assert.ok(pio.status === 'ok' || (pio.status === 'skipped' && (pio.detail === 5 || pio.detail === 10)), JSON.stringify(pio));
  assert.equal(out.ops[1].status, 'ok');
  // a hostile stream: c = 65,537 bytes, one past the 64 KiB buffer (the serializer would refuse it), fails
  // before ioperm is even tried
  const stream = Buffer.from(serialize([{ op: 'pio', port: 0x511, write: false, count: 1, rep: 1, width: 1 }]).bytes);
  stream.writeBigUInt64LE(65537n, HEADER_BYTES + 16);
  const r = spawnSync(RUNNER_PATH, ['--privileged', '-'], { input: stream, encoding: 'utf8', timeout: 30_000 });
  assert.deepEqual(parseRunnerOutput(r.stdout).ops.map((o) => [o.status, o.detail]), [['failed', 9]]);
});

test('a record\'s disk requests go in together by native AIO, each at its own offset', { skip }, () => {
  const disk = join(dir, 'aio.img');
  writeFileSync(disk, Buffer.alloc(1 << 20));
  // 16 writes of 64 KiB in one record: slots of 64 KiB over the 1 MiB file, request r at r × 64 KiB, so the
  // 16 cover the whole file once with the I/O buffer's 0xa5 bytes (io.c io_prepare)
  const { out } = run([{ op: 'io', device: 'disk', dir: 'write', bytes: 64 * 1024, requests: 16 }], [`--disk=${disk}`]);
  if (out.ops[0].status === 'failed' && out.ops[0].errno === 22) return; // no O_DIRECT on this file system
  assert.equal(out.ops[0].status, 'ok', JSON.stringify(out.ops[0]));
  const bytes = readFileSync(disk);
  assert.equal(bytes.length, 1 << 20);
  assert.ok(bytes.every((b) => b === 0xa5), 'every 64 KiB slot written');
});

test('bad input: a one-line error and exit 2', { skip }, () => {
  const result = spawnSync(RUNNER_PATH, ['-'], { input: 'not a stream', encoding: 'utf8' });
  assert.equal(result.status, 2);
  assert.equal(result.stderr, 'op-runner: the input is not an hvbench operation stream (version 1)\n');
  const option = spawnSync(RUNNER_PATH, ['--compute-cap=lots', '-'], { input: '', encoding: 'utf8' });
  assert.equal(option.status, 2);
  assert.match(option.stderr, /^op-runner: --compute-cap must be a non-negative integer, got "lots"\n$/);
});

test('an ipi to the other CPU and a 2-CPU shootdown run with a helper thread on a second CPU; a self-IPI and 9 CPUs are skipped', { skip }, () => {
  const { out } = run([
    { op: 'ipi', target: 'other', count: 20 },
    { op: 'ipi', target: 'self', count: 1 },
    { op: 'map', region: 'b', bytes: 4096, pageSize: '4k' },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 1, write: true },
    { op: 'shootdown', region: 'b', cpus: 2 },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 1, write: true },
    { op: 'map', region: 'c', bytes: 4096, pageSize: '4k' },
    { op: 'shootdown', region: 'c', cpus: 9 },
    { op: 'shootdown', region: 'c', cpus: 1 },
    { op: 'touch', region: 'c', pattern: 'seq', accesses: 1, write: true },
  ]);
  const two = availableParallelism() >= 2;
  // a self-IPI needs ring 0 (detail 1)
  assert.deepEqual([out.ops[1].status, out.ops[1].detail], ['skipped', 1]);
  // on one CPU there is no helper: the IPI and the 2-CPU shootdown are skipped with the two-CPU reason (8)
  assert.deepEqual([out.ops[0].status, out.ops[0].detail], two ? ['ok', 0] : ['skipped', 8]);
  assert.deepEqual([out.ops[4].status, out.ops[4].detail], two ? ['ok', 0] : ['skipped', 8]);
  // the shootdown unmapped b: touching it again finds it not mapped (detail 4)
  if (two) assert.deepEqual([out.ops[5].status, out.ops[5].detail], ['failed', 4]);
  // 9 CPUs need 8 helpers, past the 7 a stream's 8 vCPUs can have: skipped, c stays mapped; on one CPU the
  // shootdown is a plain munmap
  assert.deepEqual([out.ops[7].status, out.ops[7].detail], ['skipped', 8]);
  assert.deepEqual([out.ops[8].status, out.ops[9].status, out.ops[9].detail], ['ok', 'failed', 4]);
});

test('a shootdown to 3 CPUs runs with a helper on each of two other CPUs, and one to more CPUs than there are is skipped', { skip: skip || (availableParallelism() < 3 && 'fewer than 3 CPUs: not two helpers') }, () => {
  const { out } = run([
    { op: 'map', region: 'b', bytes: 4096, pageSize: '4k' },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 1, write: true },
    { op: 'shootdown', region: 'b', cpus: 3 },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 1, write: true },
    { op: 'map', region: 'c', bytes: 4096, pageSize: '4k' },
    { op: 'shootdown', region: 'c', cpus: availableParallelism() + 1 },
  ]);
  // b unmapped while both helpers spun in the process: touching it again finds it not mapped (detail 4)
  assert.deepEqual([out.ops[2].status, out.ops[3].status, out.ops[3].detail], ['ok', 'failed', 4]);
  // a CPU more than the machine has: one helper short (detail 8)
  assert.deepEqual([out.ops[5].status, out.ops[5].detail], ['skipped', 8]);
});

test('a touch naming CPU 1 runs on the helper thread pinned there, in the same mm; one naming a CPU with no helper is skipped', { skip: skip || (availableParallelism() < 2 && 'one CPU: no helper') }, () => {
  const { out } = run([
    { op: 'map', region: 'b', bytes: 16 * 4096, pageSize: '4k' },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 16, write: true, cpu: 1 },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 16, write: true },
    { op: 'unmap', region: 'b' },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 1, write: true, cpu: 1 },
    { op: 'touch', region: 'b', pattern: 'seq', accesses: 1, write: true, cpu: availableParallelism() },
  ]);
  // the helper's 16 first writes fault each page in once (mm/memory.c do_anonymous_page); the runner's writes
  // after it find them mapped in the one mm they share: no fault. Counted by perf, whose counters the helper
  // inherits (it starts after them)
  assert.deepEqual(out.ops.slice(0, 4).map((o) => o.status), ['ok', 'ok', 'ok', 'ok']);
  if (out.counts === 'perf') assert.deepEqual([out.ops[1].pageFaults, out.ops[2].pageFaults], [16, 0]);
  // the runner's munmap removed b for the helper too (detail 4: not mapped, the helper's own outcome)
  assert.deepEqual([out.ops[4].status, out.ops[4].detail], ['failed', 4]);
  // CPU k's helper is the k-th: a machine of n CPUs has n - 1, so CPU n has none (detail 8)
  assert.deepEqual([out.ops[5].status, out.ops[5].detail], ['skipped', 8]);
});

test('shootdowns back to back: each waits for the helper to leave its spin, so none is taken for the last', { skip: skip || (availableParallelism() < 2 && 'one CPU: no helper') }, () => {
  const ops: GuestOp[] = [];
  for (let i = 0; i < 200; i++) ops.push({ op: 'map', region: 'b', bytes: 4096, pageSize: '4k' }, { op: 'shootdown', region: 'b', cpus: 2 });
  const { out } = run(ops);
  assert.equal(out.ops.filter((o) => o.status === 'ok').length, 400);
});

test('--net-peer against --net-serve on loopback: both read the stream, so only the workload\'s datagrams cross', { skip }, async () => {
  // a read with no write before it asks with a 1-byte pull; a read right after a write is the peer's answer
  // to it; a write that no read follows is only received. Peer's view: the pull (1), 1 + 2 = 3 datagrams of
  // the writes; runner's: 2 + 1 + 3 = 6 answers. Each socket buffer holds a record whole, so none is dropped.
  const ops: GuestOp[] = [
    { op: 'io', device: 'net', dir: 'read', bytes: 100, requests: 2 },
    { op: 'io', device: 'net', dir: 'write', bytes: 1, requests: 1 },
    { op: 'syscall', count: 2 },
    { op: 'io', device: 'net', dir: 'read', bytes: 1, requests: 1 },
    { op: 'io', device: 'net', dir: 'write', bytes: 65536, requests: 2 },
    { op: 'io', device: 'net', dir: 'read', bytes: 64, requests: 3 },
  ];
  const file = join(dir, 'net.bin');
  writeFileSync(file, serialize(ops).bytes);
  const peer = await startPeer(file);
  const { out } = run(ops, ['--net-peer=127.0.0.1', `--net-port=${peer.port}`]);
  assert.deepEqual(out.ops.map((o) => o.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  // the peer ends with the stream's last net operation
  assert.equal(await peer.exited, 0);
});

test('an exec\'d image gets its I/O buffer again, keeps the peer\'s socket, and execs again from where it is', { skip }, async () => {
  // exec replaces the address space (the buffer is gone) but keeps descriptors without close-on-exec (FD_NET):
  // the image after it re-makes the buffer before its first op, and the write's answer reaches the read
  // through the socket the first image opened. Peer's view: 1 datagram in, 2 out. The second exec is made by
  // an exec'd image: it resumes after op 3, not after the first image's op 0 (its own --resume is replaced).
  const disk = join(dir, 'exec-disk.img');
  writeFileSync(disk, Buffer.alloc(1 << 20));
  const ops: GuestOp[] = [
    { op: 'exec' },
    { op: 'io', device: 'disk', dir: 'write', bytes: 4096, requests: 2 },
    { op: 'io', device: 'net', dir: 'write', bytes: 16, requests: 1 },
    { op: 'exec' },
    { op: 'io', device: 'net', dir: 'read', bytes: 16, requests: 2 },
  ];
  const file = join(dir, 'exec-net.bin');
  writeFileSync(file, serialize(ops).bytes);
  const peer = await startPeer(file);
  const { out } = run(ops, [`--disk=${disk}`, '--net-peer=127.0.0.1', `--net-port=${peer.port}`]);
  assert.deepEqual(out.ops.map((o) => [o.kind, o.status]), [['exec', 'ok'], ['io', 'ok'], ['io', 'ok'], ['exec', 'ok'], ['io', 'ok']]);
  assert.equal(await peer.exited, 0);
});

test('--net-port: 0 only for the peer, which then names the port it took', { skip }, () => {
  const r = spawnSync(RUNNER_PATH, ['--net-port=0', '-'], { input: serialize([{ op: 'syscall', count: 1 }]).bytes, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^op-runner: --net-port: a UDP port from 1 to 65535 \(0 only with --net-serve\)/);
});

/** `op-runner --net-serve` on a free port: resolves once it has bound it (its first line names the port), so
 *  no datagram is sent to a port nobody holds yet */
async function startPeer(stream: string): Promise<{ port: number; exited: Promise<number | null> }> {
  const { spawn } = await import('node:child_process');
  const peer = spawn(RUNNER_PATH, ['--net-serve', '--net-port=0', stream], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => peer.on('exit', resolve));
  let text = '';
  const port = await new Promise<number>((resolve, reject) => {
    peer.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = /^op-runner serving udp (\d+)\n/.exec(text);
      if (m) resolve(Number(m[1]));
    });
    peer.on('exit', (code) => reject(new Error(`--net-serve exited (${code}) before binding`)));
  });
  return { port, exited };
}
