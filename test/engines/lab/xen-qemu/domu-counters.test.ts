// A recorded domU run (fixtures.ts domuFixture) mapped onto the shared counters as the xen engine's split
// driver names them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDomuRun } from '../../../../engines/lab/xen-qemu/domu-run.ts';
import { domuCounters } from '../../../../engines/lab/xen-qemu/domu-counters.ts';
import type { GuestOp } from '../../../../engines/types.ts';
import { domuFixture } from './fixtures.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const OPS: GuestOp[] = [
  ...Array.from({ length: 8 }, (): GuestOp => ({ op: 'io', device: 'disk', dir: 'read', bytes: 4 * KiB, requests: 1 })),
  { op: 'io', device: 'disk', dir: 'write', bytes: 64 * KiB, requests: 4 },
  { op: 'io', device: 'disk', dir: 'read', bytes: MiB, requests: 4 },
  { op: 'io', device: 'disk', dir: 'write', bytes: MiB, requests: 4 },
  { op: 'syscall', count: 10 },
  { op: 'hypercall', count: 3 },
];

const run = parseDomuRun(domuFixture());
// the eight 4 KiB reads as setup, the rest measured
const c = domuCounters({ ...run, ops: OPS, measuredFrom: 8, about: {} });
const m = c.measured as { wholeRun: { events: Record<string, number> }; splitDriver: { ringRequests: { reads: number; writes: number }; persistentGrants: object; notifications: { guest: number } }; ops: { hypercalls: Record<string, number>; events: Record<string, number>; status: string }[] };

test('blkfront\'s ring requests: a 1 MiB request is 8 requests of 128 KiB', () => {
  // blkfront caps a request at 32 segments (xen-blkfront.c xen_blkif_max_segments) of 4 KiB = 128 KiB, so
  // reads: 8 × 4 KiB + 4 × 1 MiB = 8 + 32 = 40; writes: 4 × 64 KiB + 4 × 1 MiB = 4 + 32 = 36
  assert.deepEqual(m.splitDriver.ringRequests, { reads: 40, writes: 36 });
  // read from the disk's statistics around the whole run: in neither phase, kept apart
  assert.equal(m.wholeRun.events.ringRequests, 76);
  assert.equal(c.events.ringRequests, undefined);
  assert.equal(c.setup?.events.ringRequests, undefined);
  assert.deepEqual(m.splitDriver.persistentGrants, { backend: true, frontend: true });
});

test('xenalyze\'s evtchn_op is Xen\'s event_channel_op; dom0\'s hypercalls are dom0:<op> events, not the guest\'s', () => {
  const op0 = m.ops[0];
  assert.equal(op0.hypercalls.event_channel_op, 1);
  assert.equal(op0.hypercalls.evtchn_op, undefined);
  // one send each way and a switch to dom0 and back (xenalyze-domains.test.ts reads the window)
  assert.deepEqual([op0.events.eventChannel, op0.events.domainSwitches, op0.events.grantOps], [2, 2, undefined]);
  assert.equal(c.hypercalls.byOp.grant_table_op, undefined, 'the domU made no grant_table_op inside the windows');
  assert.ok(c.events['dom0:grant_table_op'] >= 8, 'blkback: at least one grant_table_op per request batch of the eight 4 KiB reads');
});

test('the refused hypercall op stays failed, and the run counts no cycles (TCG times are not representative)', () => {
  assert.equal(m.ops[12].status, 'failed');
  assert.equal(c.cycles.total, 0);
});

test('a stream of another length than the trace is an error', () => {
  assert.throws(() => domuCounters({ ...run, ops: OPS.slice(1), measuredFrom: 0, about: {} }), /13 operations of the domU for 12/);
});

test('the operations before the phase are setup: the eight 4 KiB reads there, the large I/O, syscalls and hypercalls measured', () => {
  const sum = (from: number, to: number, name: string) => m.ops.slice(from, to).reduce((a, o) => a + (o.events[name] ?? 0), 0);
  const setup = c.setup!;
  // every 4 KiB read is one request blkfront announces with one send, and blkback answers with one (op 0,
  // read in xenalyze-domains.test.ts, has exactly those two): at least 2 × 8 sends in setup
  assert.ok(setup.events.eventChannel >= 16, String(setup.events.eventChannel));
  assert.equal(setup.events.eventChannel, sum(0, 8, 'eventChannel'));
  assert.equal(c.events.eventChannel, sum(8, 13, 'eventChannel'));
  assert.equal(setup.events.pageFaults ?? 0, sum(0, 8, 'pageFaults'));
  assert.equal(c.hypercalls.byOp.event_channel_op, m.ops.slice(8).reduce((a, o) => a + (o.hypercalls.event_channel_op ?? 0), 0));
});
