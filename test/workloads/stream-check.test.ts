import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../engines/types.ts';
import { checkStream, type StreamBudget } from '../../workloads/stream-check.ts';
import {
  MAX_FILE_EVENTS, MAX_PROCESSES, MAX_REGIONS_PER_PROCESS, MAX_TABLE_PAGES, MAX_TOUCHED_BYTES, USER_VA_END,
} from '../../harness/limits.ts';

const FILE: StreamBudget = {
  events: MAX_FILE_EVENTS, tablePages: MAX_TABLE_PAGES, touchedBytes: MAX_TOUCHED_BYTES,
  regionsPerProcess: MAX_REGIONS_PER_PROCESS, processes: MAX_PROCESSES,
};
const GiB = 2 ** 30;
const TiB = 2 ** 40;
const map = (region: string, bytes: number, pageSize: '4k' | '2m' | '1g' = '4k'): GuestOp => ({ op: 'map', region, bytes, pageSize });
const touch = (region: string, accesses: number): GuestOp => ({ op: 'touch', region, pattern: 'random', accesses, write: true });

test('the limits are the documented numbers', () => {
  // 2^47 − 4096: the top of the canonical lower half minus Linux's guard page
  assert.equal(USER_VA_END, 0x7fff_ffff_f000);
  assert.equal(MAX_FILE_EVENTS, 262_144);
  assert.equal(MAX_TABLE_PAGES, 8192);
  assert.equal(MAX_TOUCHED_BYTES, 32 * GiB);
});

test('a region must end below the end of user space', () => {
  // regions start at PML4 slot 254 = 254 × 2^39 = 0x7f00_0000_0000, so 2^47 − 4096 − 254 × 2^39 = 1 TiB − 4 KiB fit
  const room = TiB - 4096;
  assert.equal(checkStream([map('a', room)], FILE), null);
  const over = checkStream([map('a', room + 1)], FILE);
  assert.equal(over?.index, 0);
  assert.equal(over?.field, 'bytes');
  assert.match(over!.message, /ends? at 0x800000000000, past the end of user space at 0x7ffffffff000 .*at most 1099511623680 bytes fit/);
  // without a budget (built-in streams) the address space is checked all the same
  assert.equal(checkStream([map('a', 64 * TiB)])?.field, 'bytes');
  // a second region starts after the first (2 MiB) and a 2 MiB guard gap: 4 MiB less room
  assert.equal(checkStream([map('a', 1), map('b', room - 4 * 2 ** 20)], FILE), null);
  assert.equal(checkStream([map('a', 1), map('b', room - 4 * 2 ** 20 + 1)], FILE)?.index, 1);
  // 1 GiB pages: the last whole page ending at or below 2^47 − 4096 is the 1023rd
  assert.equal(checkStream([map('g', 1023 * GiB, '1g')], FILE), null);
  assert.equal(checkStream([map('g', 1023 * GiB + 1, '1g')], FILE)?.field, 'bytes');
});

test('unmapped address space is not reused, exactly as the kernel lays regions out', () => {
  // 300 GiB, unmapped, then 800 GiB: the second starts at base + 300 GiB + 2 MiB, so it ends past 1 TiB
  const ops: GuestOp[] = [map('a', 300 * GiB), { op: 'unmap', region: 'a' }, map('b', 800 * GiB)];
  assert.equal(checkStream(ops, FILE)?.index, 2);
  // exec starts a fresh address space at the bottom again
  assert.equal(checkStream([map('a', 300 * GiB), { op: 'exec' }, map('b', 800 * GiB)], FILE), null);
});

test('events: op records plus the per-event loops, up to 2^18', () => {
  // one record + 262,143 halts = 262,144: at the limit
  assert.equal(checkStream([{ op: 'hlt', count: 2 ** 18 - 1 }], FILE), null);
  const over = checkStream([{ op: 'hlt', count: 2 ** 18 }], FILE);
  assert.deepEqual([over?.index, over?.field], [0, 'count']);
  assert.match(over!.message, /262145 simulated events .* the limit is 262144/);
  assert.equal(checkStream([{ op: 'timer', periodUs: 100, ticks: 2 ** 53 - 1 }], FILE)?.field, 'ticks');
  assert.equal(checkStream([map('a', 4096), { op: 'invlpg', region: 'a', count: 2 ** 18 }], FILE)?.field, 'count');
  assert.equal(checkStream([{ op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 2 ** 18 }], FILE)?.field, 'requests');
  // 2 records + 262,142 accesses = 262,144; one more access is over
  assert.equal(checkStream([map('a', GiB), touch('a', 2 ** 18 - 2)], FILE), null);
  assert.equal(checkStream([map('a', GiB), touch('a', 2 ** 18 - 1)], FILE)?.field, 'accesses');
  // counts that only multiply a cost are one event each, whatever their size
  assert.equal(checkStream([{ op: 'cpuid', count: 2 ** 53 - 1 }, { op: 'compute', cycles: 2 ** 53 - 1 }], FILE), null);
});

test('page-table pages: at most one per touched page at each level, bounded by the tables the region spans', () => {
  // 1 TiB − 4 KiB of 4 KiB pages from a 1 GiB-aligned base spans 2^19 PTs, 1024 PDs and 2 PDPTs (slots 254
  // and 255). N random accesses can create min(N, 2^19) + min(N, 1024) + min(N, 2) tables, + 1 root:
  // N = 7165 gives 7165 + 1024 + 2 + 1 = 8192, the limit; N = 7166 is one over
  const room = TiB - 4096;
  assert.equal(checkStream([map('a', room), touch('a', 7165)], FILE), null);
  const over = checkStream([map('a', room), touch('a', 7166)], FILE);
  assert.deepEqual([over?.index, over?.field], [1, 'accesses']);
  assert.match(over!.message, /up to 8193 page-table pages .* the limit is 8192/);
  // accesses add up over touches of the same region
  assert.equal(checkStream([map('a', room), touch('a', 7000), touch('a', 166)], FILE)?.index, 2);
  // a small region spans few tables, however often it is touched: 2 MiB = 1 PT + 1 PD + 1 PDPT
  assert.equal(checkStream([map('a', 2 ** 21), ...Array.from({ length: 100 }, () => touch('a', 2000))], FILE), null);
});

test('forked processes hold copies of their parent tables; exit gives them back', () => {
  // 2 GiB of 4 KiB pages at a 1 GiB boundary spans 1024 PTs, 2 PDs, 1 PDPT; touched 10,000 times all can
  // exist: 1027 tables + 1 root = 1028 per process. 7 processes hold 7196 ≤ 8192, an 8th 8224 > it
  const setup: GuestOp[] = [map('a', 2 * GiB), touch('a', 10_000)];
  const forks = (n: number): GuestOp[] => Array.from({ length: n }, () => ({ op: 'fork' }) as GuestOp);
  assert.equal(checkStream([...setup, ...forks(6)], FILE), null);
  const over = checkStream([...setup, ...forks(7)], FILE);
  assert.deepEqual([over?.index, over?.field], [8, 'op']);
  assert.match(over!.message, /8224 page-table pages; the limit is 8192/);
  // the last child (pid 7) exits, its copy going with it, before the next fork: 7 processes again
  const exitOne: GuestOp[] = [{ op: 'switch', to: 7 }, { op: 'exit' }];
  assert.equal(checkStream([...setup, ...forks(6), ...exitOne, ...forks(1)], FILE), null);
});

test('a vfork child shares its parent\'s tables until its exec gives it a root of its own', () => {
  // the same 1028 tables of pid 1 (see above): 6 forks fit (7196), a 7th does not; vforks copy nothing, so
  // 6 forks and any number of vfork children fit, and each vfork child's exec adds just its root: 6 forks +
  // 2 exec'd vfork children = 7196 + 2 ≤ 8192
  const setup: GuestOp[] = [map('a', 2 * GiB), touch('a', 10_000)];
  const forks = (n: number): GuestOp[] => Array.from({ length: n }, () => ({ op: 'fork' }) as GuestOp);
  const vforkExec = (pid: number): GuestOp[] => [{ op: 'switch', to: 1 }, { op: 'fork', vfork: true }, { op: 'switch', to: pid }, { op: 'exec' }];
  assert.equal(checkStream([...setup, ...forks(6), ...vforkExec(8), ...vforkExec(9)], FILE), null);
  // a vfork child that exits before exec leaves the tables to its parent, which still has its region
  assert.equal(checkStream([...setup, { op: 'fork', vfork: true }, { op: 'switch', to: 2 }, { op: 'exit' }, touch('a', 1)], FILE), null);
  assert.equal(checkStream([...setup, ...forks(7)], FILE)?.field, 'op');
});

test('touched memory: pages of the region size faulted in, up to 32 GiB alive', () => {
  // 64 GiB of 2 MiB pages: 16,384 touched pages are exactly 32 GiB; one more access may fault one more page
  assert.equal(checkStream([map('h', 64 * GiB, '2m'), touch('h', 16_384)], FILE), null);
  const over = checkStream([map('h', 64 * GiB, '2m'), touch('h', 16_384), touch('h', 1)], FILE);
  assert.deepEqual([over?.index, over?.field], [2, 'accesses']);
  assert.match(over!.message, /34361835520 bytes .* the limit is 34359738368/);
  // unmapping gives the pages back
  assert.equal(checkStream([map('h', 64 * GiB, '2m'), touch('h', 16_384), { op: 'unmap', region: 'h' }, map('i', 2 ** 21, '2m'), touch('i', 1)], FILE), null);
});

test('regions per process and live processes are bounded', () => {
  const maps = (n: number) => Array.from({ length: n }, (_, i) => map(`r${i}`, 4096));
  assert.equal(checkStream(maps(256), FILE), null);
  const regions = checkStream(maps(257), FILE);
  assert.deepEqual([regions?.index, regions?.field], [256, 'op']);
  assert.match(regions!.message, /already has 256 regions mapped, the limit/);
  // unmapping one makes room for another
  assert.equal(checkStream([...maps(256), { op: 'unmap', region: 'r0' }, map('again', 4096)], FILE), null);
  const forks = (n: number): GuestOp[] => Array.from({ length: n }, () => ({ op: 'fork' }) as GuestOp);
  // pid 1 + 1023 children = 1024 processes
  assert.equal(checkStream(forks(1023), FILE), null);
  assert.match(checkStream(forks(1024), FILE)!.message, /1024 processes are alive, the limit/);
});

test('one phase operation ends setup; a second is reported at its index', () => {
  assert.equal(checkStream([{ op: 'cpuid', count: 1 }, { op: 'phase' }, { op: 'cpuid', count: 1 }]), null);
  const problem = checkStream([{ op: 'phase' }, { op: 'cpuid', count: 1 }, { op: 'phase' }]);
  assert.equal(problem?.index, 2);
  assert.match(problem?.message ?? '', /setup already ended at operation 0/);
});

test('a masked IPI is a self-IPI: the sender masks its own interrupts, not another vCPU\'s', () => {
  assert.equal(checkStream([{ op: 'ipi', target: 'self', count: 3, masked: true }], FILE), null);
  const other = checkStream([{ op: 'ipi', target: 'other', count: 3, masked: true }], FILE);
  assert.deepEqual([other?.index, other?.field], [0, 'masked']);
  assert.match(other!.message, /masked applies to a self-IPI/);
});
