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
const c = domuCounters({ ...run, ops: OPS, about: {} });
const m = c.measured as { splitDriver: { ringRequests: { reads: number; writes: number }; persistentGrants: object; notifications: { guest: number } }; ops: { hypercalls: Record<string, number>; events: Record<string, number>; status: string }[] };

test('blkfront\'s ring requests: a 1 MiB request is 8 requests of 128 KiB', () => {
  // blkfront caps a request at 32 segments (xen-blkfront.c xen_blkif_max_segments) of 4 KiB = 128 KiB, so
  // reads: 8 × 4 KiB + 4 × 1 MiB = 8 + 32 = 40; writes: 4 × 64 KiB + 4 × 1 MiB = 4 + 32 = 36
  assert.deepEqual(m.splitDriver.ringRequests, { reads: 40, writes: 36 });
  assert.equal(c.events.ringRequests, 76);
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
  assert.throws(() => domuCounters({ ...run, ops: OPS.slice(1), about: {} }), /13 operations of the domU for 12/);
});
