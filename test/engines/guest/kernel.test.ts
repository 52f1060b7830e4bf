import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { delta, run } from './run-engine.ts';
import { UsageError } from '../../../harness/errors.ts';

const ENGINES = ['native', 'xen', 'kvm', 'kvm:mmu=shadow'];
const map = (region: string, pages: number): GuestOp => ({ op: 'map', region, bytes: pages * 4096, pageSize: '4k' });
const touch = (region: string, accesses: number, write = true, pattern: 'seq' | 'random' = 'seq'): GuestOp =>
  ({ op: 'touch', region, pattern, accesses, write });

test('touching N fresh pages faults N times on every engine, and not again', () => {
  for (const e of ENGINES) {
    const first = delta(e, [map('a', 10)], [touch('a', 10)]);
    assert.equal(first.events.pageFaults, 10, e);
    const again = delta(e, [map('a', 10), touch('a', 10)], [touch('a', 10)]);
    assert.equal(again.events.pageFaults, undefined, e);
  }
});

test('fork makes writes copy-on-write: one COW fault per written page, in parent and child', () => {
  for (const e of ENGINES) {
    const d = delta(e, [map('a', 6), touch('a', 6)], [{ op: 'fork' }, touch('a', 6), { op: 'switch', to: 2 }, touch('a', 6)]);
    assert.equal(d.events.cowFaults, 12, e);
    assert.equal(d.events.pageFaults, undefined, e);
  }
});

test('vfork shares the address space: nothing copied or write-protected, no CR3 write until the child execs', () => {
  const prefix: GuestOp[] = [map('a', 6), touch('a', 6)];
  for (const e of ENGINES) {
    // vfork, the switch to the child, the child's exec and exit, the parent writing its 6 pages: the parent's
    // PTEs were never write-protected, so no COW fault; the only page faults are none (exec maps nothing)
    const d = delta(e, prefix, [{ op: 'fork', vfork: true }, { op: 'switch', to: 2 }, { op: 'exec' }, { op: 'exit' }, touch('a', 6)]);
    assert.equal(d.events.cowFaults, undefined, e);
    assert.equal(d.events.pageFaults, undefined, e);
    assert.deepEqual([d.events.forks, d.events.execs, d.events.exits, d.events.contextSwitches], [1, 1, 1, 2], e);
  }
  // native, intel-modern (PCIDs): vfork is forkBase (25,000) alone: no PTE copied (forkPage, pteWrite), no
  // flush; the switch to the child is a context switch (1,500) without a CR3 write (same mm)
  const vfork = delta('native', prefix, [{ op: 'fork', vfork: true }, { op: 'switch', to: 2 }]);
  assert.deepEqual(vfork.attribution, { fork: 25_000, 'context-switch': 1500 });
  assert.deepEqual(vfork.flushScope, {});
  // the child's exec loads its new address space (one CR3 write, 206); the parent's pages stay: its exit
  // and the switch back to the parent (a CR3 write) leave the parent's 6 translations intact, no misses
  const back = delta('native', [...prefix, { op: 'fork', vfork: true }, { op: 'switch', to: 2 }], [{ op: 'exec' }, { op: 'exit' }, touch('a', 6)]);
  assert.equal(back.attribution['cr3-write'], 2 * 206);
  assert.equal(back.misses, 0);
  // a vfork child that exits without exec leaves the mm to its parent: no teardown, no CR3 write either way
  const noExec = delta('native', prefix, [{ op: 'fork', vfork: true }, { op: 'switch', to: 2 }, { op: 'exit' }, touch('a', 6)]);
  assert.equal(noExec.attribution['cr3-write'] ?? 0, 0);
  assert.equal(noExec.attribution['pte-write'] ?? 0, 0);
  // xen: no pin, no write-protect trap; each of the two context switches has no NEW_BASEPTR in its lazy-CPU
  // batch, and xen_load_sp0 comes after that batch: one stack_switch hypercall alone
  const xen = delta('xen:arch=x86_32', prefix, [{ op: 'fork', vfork: true }, { op: 'switch', to: 2 }, { op: 'exit' }]);
  assert.deepEqual(xen.hypercalls, { stack_switch: 2 });
  assert.deepEqual(xen.exits, {});
  assert.equal(xen.events.tablesPinned, undefined);
});

test('munmap invalidates page by page up to 33 pages, then flushes once (tlb_single_page_flush_ceiling)', () => {
  const at33 = delta('native', [map('a', 33), touch('a', 33)], [{ op: 'unmap', region: 'a' }]);
  assert.deepEqual(at33.flushScope, { single: 33 });
  const at34 = delta('native', [map('a', 34), touch('a', 34)], [{ op: 'unmap', region: 'a' }]);
  // intel-modern has PCIDs: the full flush drops the current PCID's entries
  assert.deepEqual(at34.flushScope, { tagged: 1 });
  const core2 = delta('native', [map('a', 34), touch('a', 34)], [{ op: 'unmap', region: 'a' }], 'core2-2007');
  assert.deepEqual(core2.flushScope, { nonGlobal: 1 });
});

test('context switches keep PCID-tagged entries natively: switching back costs no misses', () => {
  const prefix: GuestOp[] = [map('a', 8), touch('a', 8), { op: 'fork' }, { op: 'switch', to: 2 }, { op: 'switch', to: 1 }];
  const withPcid = delta('native', [...prefix, touch('a', 8)], [{ op: 'switch', to: 2 }, { op: 'switch', to: 1 }, touch('a', 8, false)]);
  assert.equal(withPcid.misses, 0);
  const noPcid = delta('native', [...prefix, touch('a', 8)], [{ op: 'switch', to: 2 }, { op: 'switch', to: 1 }, touch('a', 8, false)], 'core2-2007');
  assert.equal(noPcid.misses, 8);
});

test('the same sequence twice gives identical counters, whatever the engine order', () => {
  const ops: GuestOp[] = [map('a', 300), touch('a', 2000, true, 'random'), { op: 'fork' }, touch('a', 500, true, 'random'),
    { op: 'syscall', count: 100 }, { op: 'io', device: 'net', dir: 'write', bytes: 1500, requests: 50 }, { op: 'switch', to: 2 }, { op: 'exit' }];
  const forward = ENGINES.map((e) => JSON.stringify(run(e, ops)));
  const backward = [...ENGINES].reverse().map((e) => JSON.stringify(run(e, ops))).reverse();
  assert.deepEqual(forward, backward);
  // random addresses are the same on every engine: the same pages fault
  const faults = ENGINES.map((e) => run(e, ops).events.pageFaults);
  assert.ok(faults.every((f) => f === faults[0]));
});

test('every cycle is attributed: the mechanisms add up to the total', () => {
  const ops: GuestOp[] = [map('a', 64), touch('a', 256), { op: 'cpuid', count: 3 }, { op: 'timer', periodUs: 100, ticks: 4 }];
  for (const e of ENGINES) {
    const r = run(e, ops);
    const sum = Object.values(r.attribution).reduce((a, b) => a + b, 0);
    assert.equal(sum, r.cycles.total, e);
  }
});

test('exec and exit tear the address space down; a missing region or pid is a usage error', () => {
  const r = run('native', [map('a', 4), touch('a', 4), { op: 'fork' }, { op: 'switch', to: 2 }, { op: 'exec' }, { op: 'exit' }]);
  assert.equal(r.events.exits, 1);
  assert.throws(() => run('native', [touch('nope', 1)]), /no region "nope"/);
  assert.throws(() => run('native', [{ op: 'switch', to: 9 }]), /no process with pid 9/);
  assert.throws(() => run('native', [{ op: 'exit' }]), /pid 1/);
});

test('a region past the 48-bit user half is a usage error, never a wrapped address', () => {
  // regions start at 254 × 2^39; 2 TiB from there would end at 2^47 + 2^40, past 2^47 − 4096
  assert.throws(() => run('native', [{ op: 'map', region: 'big', bytes: 2 ** 41, pageSize: '4k' }]),
    (e: unknown) => e instanceof UsageError && /map: region "big" of 2199023255552 bytes does not fit below the end of user space \(0x7ffffffff000\)/.test(e.message));
});

test('the last pages below the end of user space are distinct pages on every engine', () => {
  // 1 TiB − 4 KiB from 254 × 2^39 is all the room there is: 2^28 − 1 pages, the last at 0x7fff_ffff_e000. A
  // stride of (pages − 1) visits unit 0, then pages − 1 (the last page), then 2 × (pages − 1) mod pages = pages − 2:
  // three distinct pages, three demand faults, and the same three again fault nothing
  const pages = 2 ** 28 - 1;
  const ops: GuestOp[] = [
    { op: 'map', region: 'top', bytes: pages * 4096, pageSize: '4k' },
    { op: 'touch', region: 'top', pattern: 'stride', stride: pages - 1, accesses: 3, write: true },
    { op: 'touch', region: 'top', pattern: 'stride', stride: pages - 1, accesses: 3, write: false },
  ];
  for (const spec of ['native', 'xen', 'kvm', 'kvm:mmu=shadow']) assert.equal(run(spec, ops).events.pageFaults, 3, spec);
});

test("the guest's periodic tick: HZ=250 per second of busy time, none while idle (NO_HZ_IDLE)", () => {
  // native, 2.5 GHz: 30,000,000 cycles of compute = 12 ms, 3 ticks of 10,000,000 cycles (boot adds far less
  // than one more). Each: interrupt delivery and handler (500), EOI (50), the TSC-deadline re-arm (WRMSR, 150)
  const d = delta('native', [], [{ op: 'compute', cycles: 30_000_000 }]);
  assert.equal(d.events.guestTicks, 3);
  assert.equal(d.events.interrupts, 3);
  assert.deepEqual(d.attribution, { compute: 30_000_000, interrupt: 1500, eoi: 150, msr: 450 });
  // 12 ms spent waiting for a timer is idle: only the timer op's own wake-up
  assert.equal(delta('native', [], [{ op: 'timer', periodUs: 12_000, ticks: 1 }]).events.guestTicks, undefined);
});
