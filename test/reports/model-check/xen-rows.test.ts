// The Xen model check's rows: the simulated xen run less its boot beside the measured xen-qemu run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResults } from '../../fixtures/results.ts';
import { xenCheckRows } from '../../../reports/model-check/xen-rows.ts';
import { xenModelCheckSections } from '../../../reports/model-check/xen-section.ts';
import { modelCheckMarkdown, modelCheckTerminal } from '../../../reports/model-check/text.ts';
import { xenEngine } from '../../../engines/paravirtual/index.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { Counters } from '../../../engines/machine/counters.ts';
import type { ResultsFile, RunResult } from '../../../harness/results.ts';
import type { GuestOp } from '../../../engines/types.ts';

const OPTIONS = { xpti: false, pcid: 'xpti', batch: 32, arch: 'x86_64', blk: 'persistent', net: 'copy' };

/** a results file with a real simulated xen run of `ops` and a measured run built by `measure` */
function results(ops: GuestOp[], measure: (c: Counters) => void, workload = 'memory/probe', measuredOptions: Record<string, string> = {}): ResultsFile {
  const file = buildResults();
  file.profile = 'amd-modern';
  const sim = xenEngine.run({ ops, profile: getProfile('amd-modern'), options: OPTIONS, seed: 1 });
  if (sim instanceof Promise) throw new Error('xen is synchronous');
  const base = file.runs[0];
  const run = (engineId: string, counters: object): RunResult => ({
    ...base, workload, engine: engineId, engineId, mode: engineId === 'xen' ? 'simulated' : 'measured', options: OPTIONS, ...counters,
  } as RunResult);
  const c = new Counters();
  measure(c);
  file.runs = [run('xen', sim), { ...run('xen-qemu', c.snapshot()), options: measuredOptions }];
  return file;
}

test('the model less its boot: 16 first touches are 16 page_fault traps and 16 mmu_updates on both sides', () => {
  // 16 pages written once after a map: each a #PF bounced by Xen and one mmu_update for its new PTE; the
  // model's boot (its initial tables) is not in the measured windows and must not be in the comparison
  const ops: GuestOp[] = [
    { op: 'map', region: 'r', bytes: 16 * 4096, pageSize: '4k' },
    { op: 'touch', region: 'r', pattern: 'seq', accesses: 16, write: true },
  ];
  const rows = xenCheckRows(results(ops, (c) => {
    c.exit('page_fault', 16);
    c.hypercall('mmu_update', 17);
    c.hypercall('iret', 16);
  }));
  const row = (what: string) => rows.find((r) => r.what === what)!;
  assert.equal(row('trap page_fault').simulated, 16);
  assert.equal(row('trap page_fault').agrees, true);
  assert.ok(row('hypercall mmu_update').agrees, JSON.stringify(row('hypercall mmu_update')));
});

test('a flagged difference carries its known reason; an unknown one carries none', () => {
  const rows = xenCheckRows(results([{ op: 'cpuid', count: 100 }], (c) => {
    c.hypercall('vcpu_op', 40);
    c.exit('mystery', 50);
  }));
  const cpuid = rows.find((r) => r.what === 'trap forced_invalid_op')!;
  // the model traps every kernel CPUID (100); user-mode CPUID under QEMU does not trap at all
  assert.deepEqual([cpuid.simulated, cpuid.measured, cpuid.agrees], [100, 0, false]);
  assert.equal(cpuid.reason, undefined, 'the CPUID reason applies to micro/cpuid only');
  assert.match(rows.find((r) => r.what === 'hypercall vcpu_op')!.reason!, /set_singleshot_timer/);
  assert.equal(rows.find((r) => r.what === 'trap mystery')!.reason, undefined);
  const [section] = xenModelCheckSections(results([{ op: 'cpuid', count: 100 }], (c) => c.exit('mystery', 50)));
  assert.match(section.html, /2 of \d+ counts differ, 2 without a known reason/);
});

test('summary.md and the terminal carry the Xen model check: its line and each flagged count with its reason', () => {
  const file = results([{ op: 'cpuid', count: 100 }], (c) => c.exit('mystery', 50));
  const rows = xenCheckRows(file);
  const md = modelCheckMarkdown(file).join('\n');
  // the same two flagged rows as the report's table: the model's 100 CPUID traps against none, and 50 traps the
  // model has no name for; neither has a reason outside micro/cpuid
  assert.match(md, new RegExp(`Model check \\(simulated xen vs measured xen-qemu; tolerance 10 % or 3\\): ${rows.length - 2} of ${rows.length} counts agree, 2 differ without a known reason\\.`));
  assert.match(md, /- `memory\/probe` on xen-qemu, whole run, `trap forced_invalid_op`: simulated 100, measured 0 — not explained/);
  assert.match(md, /- `memory\/probe` on xen-qemu, whole run, `trap mystery`: simulated 0, measured 50 — not explained/);
  assert.match(modelCheckTerminal(file), /\n {2}memory\/probe on xen-qemu, whole run, trap mystery: simulated 0, measured 50 — not explained\n/);
});

/** memory/fork-exit's shape at a 4-page heap: two forks and their exits */
const TWO_FORKS: GuestOp[] = [
  { op: 'map', region: 'heap', bytes: 4 * 4096, pageSize: '4k' },
  { op: 'touch', region: 'heap', pattern: 'seq', accesses: 4, write: true },
  { op: 'fork' }, { op: 'switch', to: 2 }, { op: 'exit' },
  { op: 'fork' }, { op: 'switch', to: 3 }, { op: 'exit' },
];

test('memory/fork-exit at a small heap: the op-runner\'s own tables explain the pins; the mmuext_op reason holds for any workload', () => {
  // two forks of a 4-page heap and their exits: the model pins 3 tables at the first touch (the heap's PUD,
  // PMD and PTE page linked into the pinned tree) and 5 per fork (those and both PGDs): 13, and unpins 5 per
  // exit: 10; the real op-runner's tree already has the first three and pins 11 per fork (its image, brk and
  // stack add 6): 22 each way
  const ops = TWO_FORKS;
  const measure = (c: Counters) => {
    c.event('tablesPinned', 22);
    c.event('tablesUnpinned', 22);
    c.hypercall('mmuext_op', 40);
  };
  const forkRows = xenCheckRows(results(ops, measure, 'memory/fork-exit'));
  const pinned = forkRows.find((r) => r.what === 'event tablesPinned')!;
  assert.deepEqual([pinned.simulated, pinned.agrees], [13, false], JSON.stringify(pinned));
  const unpinned = forkRows.find((r) => r.what === 'event tablesUnpinned')!;
  assert.deepEqual([unpinned.simulated, unpinned.agrees], [10, false], JSON.stringify(unpinned));
  assert.match(pinned.reason!, /static ELF process/);
  assert.match(forkRows.find((r) => r.what === 'hypercall mmuext_op')!.reason!, /xentrace/);
  const other = xenCheckRows(results(ops, measure, 'memory/probe'));
  assert.equal(other.find((r) => r.what === 'event tablesPinned')!.reason, undefined, 'the op-runner\'s tables are named for fork-exit only');
  assert.match(other.find((r) => r.what === 'hypercall mmuext_op')!.reason!, /xentrace/);
});

test("memory/fork-exit's extra multicall records are Xen's continuations of preempted pin and unpin batches", () => {
  // the same two forks: every multicall the model makes is one batch Linux flushed; a real trace has one more
  // record per preemption (10 over the default workload's 2 forks and 2 exits), far beyond the tolerance here
  const ops = TWO_FORKS;
  const rows = xenCheckRows(results(ops, (c) => c.hypercall('multicall', 100), 'memory/fork-exit'));
  const multicall = rows.find((r) => r.what === 'hypercall multicall')!;
  assert.equal(multicall.agrees, false);
  assert.match(multicall.reason!, /hypercall_create_continuation/);
  const other = xenCheckRows(results(ops, (c) => c.hypercall('multicall', 100), 'memory/probe'));
  assert.equal(other.find((r) => r.what === 'hypercall multicall')!.reason, undefined, 'named for the forking workloads only');
});

test("memory/ctx-switch forks the op-runner in setup: its own PTEs write-protected there are named", () => {
  // a 4-page working set and the fork before the phase: the model's fork write-protects the 4 heap PTEs
  // (ptwr, one each); the real op-runner also has its data, bss, brk and stack PTEs (37 in a real run)
  const ops: GuestOp[] = [...TWO_FORKS.slice(0, 3), { op: 'phase' }, { op: 'switch', to: 2 }];
  const rows = xenCheckRows(results(ops, (c) => { c.exit('ptwr', 37); c.markSetup(); }, 'memory/ctx-switch'));
  const ptwr = rows.find((r) => r.what === 'trap ptwr' && r.phase === 'setup')!;
  assert.equal(ptwr.agrees, false);
  assert.match(ptwr.reason!, /op-runner's own pages/);
});

test('the mmap-area neighbours and PV\'s missing superpages are named for the workloads they explain', () => {
  // a 2 MiB region mapped with a 2 MiB page and touched once: the model counts one fault; a PV dom0 gets no
  // superpage and faults each 4 KiB page it touches (here 8 of them)
  const ops: GuestOp[] = [
    { op: 'map', region: 'r', bytes: 2 << 20, pageSize: '2m' },
    { op: 'touch', region: 'r', pattern: 'seq', accesses: 1, write: true },
  ];
  const measure = (c: Counters) => {
    c.exit('page_fault', 1 + 8 * 4);
    c.event('tablesPinned', 40);
  };
  const huge = xenCheckRows(results(ops, measure, 'memory/random-2m-2m'));
  assert.match(huge.find((r) => r.what === 'trap page_fault')!.reason!, /no 2 MiB pages/);
  const churn = xenCheckRows(results(ops, measure, 'memory/mmap-churn'));
  assert.match(churn.find((r) => r.what === 'event tablesPinned')!.reason!, /free_pgtables/);
  assert.equal(churn.find((r) => r.what === 'trap page_fault')!.reason, undefined, 'mmap-churn faults are not the superpage case');
});

test('a domU run adds the split driver\'s rows and dom0\'s hypercalls, drops the pins, and takes the domU\'s reasons', () => {
  // one 4 KiB read on the model's persistent-grant blkfront: the fresh ring's req_event (1) is among the one
  // new request, so blkfront notifies (1 send); Dom0 maps the request's one page persistently (one
  // grant_table_op, 1 grant op), ends the request with an empty asynchronous unmap (a second grant_table_op)
  // and answers with one send; Xen switches to Dom0 and back: 2 switches
  const ops: GuestOp[] = [{ op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 1 }];
  const measure = (c: Counters) => {
    c.hypercall('event_channel_op', 1);
    c.event('dom0:event_channel_op', 1);
    c.event('dom0:grant_table_op', 2);
    c.event('eventChannel', 2);
    c.event('domainSwitches', 2);
    c.event('grantOps', 1);
    c.event('ringRequests', 1);
    c.exit('emulate privop', 40);
  };
  const rows = xenCheckRows(results(ops, measure, 'io/disk-random', { guest: 'domu' }));
  const row = (what: string) => rows.find((r) => r.what === what);
  for (const what of ['event eventChannel', 'event domainSwitches', 'event grantOps', 'event ringRequests', 'event dom0:event_channel_op', 'event dom0:grant_table_op', 'hypercall event_channel_op']) {
    assert.deepEqual([row(what)?.simulated, row(what)?.agrees], [row(what)?.measured, true], what);
  }
  assert.equal(row('event eventChannel')!.simulated, 2);
  assert.equal(row('event dom0:grant_table_op')!.simulated, 2);
  assert.equal(row('event tablesPinned'), undefined, 'no Linux tracepoints in the domU');
  assert.equal(rows[0].workload, 'io/disk-random (domU)');
  assert.match(row('trap emulate privop')!.reason!, /RDTSC/);
  // the same counts from a dom0 run: no split-driver rows, and the dom0 reason for emulate privop
  const dom0 = xenCheckRows(results(ops, measure, 'io/disk-random'));
  assert.equal(dom0.find((r) => r.what === 'event eventChannel'), undefined);
  assert.match(dom0.find((r) => r.what === 'trap emulate privop')!.reason!, /context switch/);
});

test('micro/mmio: the model\'s bounced #PF per MMIO write is named as the ring-0 op the op-runner skips', () => {
  // 5 MMIO writes: on xen a PV guest with no device model behind the page takes a #PF each (5 page_fault
  // traps); the op-runner in dom0 skips the op (ring 0), so the measured run has none
  const ops: GuestOp[] = [{ op: 'mmio', write: true, count: 5 }];
  const rows = xenCheckRows(results(ops, () => {}, 'micro/mmio'));
  const pf = rows.find((r) => r.what === 'trap page_fault')!;
  assert.deepEqual([pf.simulated, pf.measured, pf.agrees], [5, 0, false]);
  assert.match(pf.reason!, /ring 0 and are skipped/);
});

test('a domU net transaction as the real trace counts it agrees with the model; io/net-stream\'s fragments carry their reason', () => {
  // one 1-byte request and its 1-byte answer on the model: the request is pushed with a netfront send (fresh
  // ring, req_event 1), netback copies its header (one grant_table_op, one grant op: 1 byte is under the
  // 128 copied) and answers with a send; the answer lands in a posted buffer (no guest send), netback copies it
  // (one grant_table_op, one grant op) and sends. The recorded trace's sums (test/engines/lab/xen-qemu/
  // domu-net.test.ts): 1 netfront send, 2 copies in 2 grant_table_op, 2 netback sends, 2 ring slots
  const ops: GuestOp[] = [
    { op: 'io', device: 'net', dir: 'write', bytes: 1, requests: 1 },
    { op: 'io', device: 'net', dir: 'read', bytes: 1, requests: 1 },
  ];
  const measure = (c: Counters) => {
    c.hypercall('event_channel_op', 1);
    c.event('dom0:event_channel_op', 2);
    c.event('dom0:grant_table_op', 2);
    c.event('eventChannel', 3);
    c.event('grantOps', 2);
    c.event('ringRequests', 2);
    c.event('domainSwitches', 4);
  };
  const rows = xenCheckRows(results(ops, measure, 'io/net-rr', { guest: 'domu' }));
  for (const what of ['hypercall event_channel_op', 'event dom0:event_channel_op', 'event dom0:grant_table_op', 'event eventChannel', 'event grantOps', 'event ringRequests']) {
    const row = rows.find((r) => r.what === what)!;
    assert.deepEqual([row.simulated, row.agrees], [row.measured, true], what);
  }
  // 64 KiB messages: 45 fragments each on the real vif, one ring request in the model
  const stream: GuestOp[] = [{ op: 'io', device: 'net', dir: 'write', bytes: 65536, requests: 16 }];
  const frames = xenCheckRows(results(stream, (c) => c.event('ringRequests', 16 * 45), 'io/net-stream', { guest: 'domu' }));
  const slots = frames.find((r) => r.what === 'event ringRequests')!;
  assert.deepEqual([slots.simulated, slots.agrees], [16, false]);
  assert.match(slots.reason!, /45 frames/);
});

test('phase by phase: the first touches before `phase` are setup on both sides, the ones after it measured', () => {
  // 16 pages touched in setup and 8 of another region after the phase: on the model each first touch of a
  // 4 KiB page is one #PF bounced by Xen, so setup (less the boot) has 16 page_fault traps and the measured
  // phase 8; the measured run counts them in the same windows
  const ops: GuestOp[] = [
    { op: 'map', region: 'r', bytes: 16 * 4096, pageSize: '4k' },
    { op: 'touch', region: 'r', pattern: 'seq', accesses: 16, write: true },
    { op: 'phase' },
    { op: 'map', region: 's', bytes: 8 * 4096, pageSize: '4k' },
    { op: 'touch', region: 's', pattern: 'seq', accesses: 8, write: true },
  ];
  const rows = xenCheckRows(results(ops, (c) => {
    c.exit('page_fault', 16);
    c.markSetup();
    c.exit('page_fault', 8);
  }));
  const pf = (phase: string) => rows.find((r) => r.what === 'trap page_fault' && r.phase === phase)!;
  assert.deepEqual([pf('setup').simulated, pf('setup').measured, pf('setup').agrees], [16, 16, true]);
  assert.deepEqual([pf('measured').simulated, pf('measured').measured, pf('measured').agrees], [8, 8, true]);
  assert.equal(rows.find((r) => r.phase === 'whole run'), undefined);
  // the same 24 faults all counted as setup: the whole run would agree, the phases do not
  const misplaced = xenCheckRows(results(ops, (c) => {
    c.exit('page_fault', 24);
    c.markSetup();
  }));
  const measured = misplaced.find((r) => r.what === 'trap page_fault' && r.phase === 'measured')!;
  assert.deepEqual([measured.simulated, measured.measured, measured.agrees], [8, 0, false]);
});

test('a domU\'s ring requests, read around the whole run, are compared whole and left out of both phases', () => {
  // one 4 KiB read after the phase: one ring slot on the model's blkfront, 1 request in blkfront's statistics
  const ops: GuestOp[] = [{ op: 'phase' }, { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 1 }];
  const file = results(ops, (c) => {
    c.markSetup();
    c.hypercall('event_channel_op', 1);
  }, 'io/disk-random', { guest: 'domu' });
  file.runs[1].measured = { wholeRun: { events: { ringRequests: 1 } } };
  const rows = xenCheckRows(file).filter((r) => r.what === 'event ringRequests');
  assert.deepEqual(rows.map((r) => [r.phase, r.simulated, r.measured, r.agrees]), [['whole run', 1, 1, true]]);
});

test('shootdowns: the vCPUs each munmap flushed, counted per target on both sides', () => {
  // 10 map–write–munmap cycles of one page on 3 vCPUs: each munmap's flush reaches the 2 other vCPUs
  // (kernel.ts shootdown schedules the process's threads on vCPUs 1 and 2): 20 targets in the model
  const ops: GuestOp[] = Array.from({ length: 10 }, (): GuestOp[] => [
    { op: 'map', region: 'buf', bytes: 4096, pageSize: '4k' },
    { op: 'touch', region: 'buf', pattern: 'seq', accesses: 1, write: true },
    { op: 'shootdown', region: 'buf', cpus: 3 },
  ]).flat();
  const row = (rows: ReturnType<typeof xenCheckRows>) => rows.find((r) => r.what === 'event shootdownTargets');
  // measured per target: each mask of 3 less the caller, 2 per munmap
  const perTarget = row(xenCheckRows(results(ops, (c) => c.event('shootdownTargets', 20), 'memory/munmap-shootdown')))!;
  assert.deepEqual([perTarget.simulated, perTarget.measured, perTarget.agrees], [20, 20, true]);
  // one per call, as xen-qemu once counted them, is 10 against 20: beyond the tolerance
  const perCall = row(xenCheckRows(results(ops, (c) => c.event('shootdownTargets', 10), 'memory/munmap-shootdown')))!;
  assert.deepEqual([perCall.simulated, perCall.measured, perCall.agrees], [20, 10, false]);
  // a domU run records no Linux tracepoints: no row
  assert.equal(row(xenCheckRows(results(ops, () => {}, 'memory/munmap-shootdown', { guest: 'domu' }))), undefined);
});

test('memory/threads-shootdown: the model\'s fresh PTE page per round against the real buffer beside the shared region', () => {
  // 10 rounds of map, write, unmap of a one-page buffer beside a written shared page: the model's buffer has
  // its own 2 MiB-aligned PTE page, linked and pinned at each first write and freed at each unmap (the shared
  // region below keeps the PMD and PUD pages): 10 pins, after the 3 of the shared page's first write (its PUD,
  // PMD and PTE pages): 13; the real buffer shares the shared region's PTE page and pins none
  const ops: GuestOp[] = [
    { op: 'map', region: 'shared', bytes: 4096, pageSize: '4k' },
    { op: 'touch', region: 'shared', pattern: 'seq', accesses: 1, write: true },
    ...Array.from({ length: 10 }, (): GuestOp[] => [
      { op: 'map', region: 'buf', bytes: 4096, pageSize: '4k' },
      { op: 'touch', region: 'buf', pattern: 'seq', accesses: 1, write: true },
      { op: 'unmap', region: 'buf' },
    ]).flat(),
  ];
  const rows = xenCheckRows(results(ops, (c) => c.event('mmuUpdates', 10), 'memory/threads-shootdown'));
  const pinned = rows.find((r) => r.what === 'event tablesPinned')!;
  assert.deepEqual([pinned.simulated, pinned.measured, pinned.agrees], [13, 0, false]);
  assert.match(pinned.reason!, /beside the 64-page shared region/);
  // the reason is this workload's: the same rows elsewhere carry none of it
  const elsewhere = xenCheckRows(results(ops, (c) => c.event('mmuUpdates', 10), 'memory/probe')).find((r) => r.what === 'event tablesPinned')!;
  assert.doesNotMatch(elsewhere.reason ?? '', /shared region/);
});
