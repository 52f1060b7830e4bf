// A recorded domU run of netperf-TCP_RR-like transactions over netfront → netback (fixtures.ts
// domuNetFixture) mapped onto the shared counters as the xen engine's split driver names them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDomuRun } from '../../../../engines/lab/xen-qemu/domu-run.ts';
import { domuCounters } from '../../../../engines/lab/xen-qemu/domu-counters.ts';
import type { GuestOp } from '../../../../engines/types.ts';
import { domuNetFixture } from './fixtures.ts';

const TRANSACTION: GuestOp[] = [
  { op: 'syscall', count: 2 },
  { op: 'io', device: 'net', dir: 'write', bytes: 1, requests: 1 },
  { op: 'io', device: 'net', dir: 'read', bytes: 1, requests: 1 },
];
// the dump holds the first 5 transactions' windows
const OPS = Array.from({ length: 5 }, () => TRANSACTION).flat();

const run = parseDomuRun(domuNetFixture());
// no phase: every transaction measured
const c = domuCounters({ ...run, ops: OPS, measuredFrom: 0, about: {} });
type Op = { hypercalls: Record<string, number>; dom0: Record<string, number>; grants: Record<string, number>; events: Record<string, number> };
const m = c.measured as { wholeRun: { events: Record<string, number> }; splitDriver: { net: Record<string, number>; ringRequests: { reads: number; writes: number } }; ops: Op[] };

test('eth0 and netback\'s rings: the 50 requests and 50 answers, one slot each, nothing else on the link', () => {
  // by hand: the console's eth0 lines (1 0 before, 51 50 after) give 50 packets each way during the run;
  // netback's indexes (51 tx requests, 50 rx responses) less the frame eth0 sent before the run: 50 and 50
  assert.deepEqual(m.splitDriver.net, { txSlots: 50, rxSlots: 50, txPackets: 50, rxPackets: 50, rxPosted: 306 });
  assert.deepEqual(m.splitDriver.ringRequests, { reads: 0, writes: 0 });
  // the whole run's ring slots, as the model counts one per io request: 50 writes + 50 reads, read from
  // netback's indexes around the whole run, so in neither phase
  assert.equal(m.wholeRun.events.ringRequests, 100);
  assert.equal(c.events.ringRequests, undefined);
});

test('per transaction: one netfront notification, and one GNTTABOP_copy and one notification from netback per datagram, no grant map', () => {
  for (let t = 0; t < 5; t++) {
    const [sys, write, read] = m.ops.slice(3 * t, 3 * t + 3);
    // the syscall op touches no device
    assert.equal(sys.dom0.grant_table_op ?? 0, 0);
    // where dom0 ran the answer (inside the write's window when Xen switched to dom0 at the request's
    // notification, else in the read's) is the scheduler's choice; the transaction's sum is not:
    const sum = (f: (o: Op) => number) => f(write) + f(read);
    // netfront notifies for the request (netback idle: req_event due); the answer lands in a buffer posted
    // ahead, so the domU makes no send for it
    assert.equal(sum((o) => o.hypercalls.event_channel_op ?? 0), 1, `transaction ${t}`);
    assert.equal(read.hypercalls.event_channel_op ?? 0, 0);
    // netback: the request's 43-byte frame is under XEN_NETBACK_TX_COPY_LEN (128), so it is copied, not
    // mapped; the answer is copied into the posted buffer: 2 copies, each its own GNTTABOP_copy, and a send
    // each (the tx response, the rx response)
    assert.equal(sum((o) => o.grants.copy ?? 0), 2, `transaction ${t}`);
    assert.equal(sum((o) => o.dom0.grant_table_op ?? 0), 2, `transaction ${t}`);
    assert.equal(sum((o) => o.grants.map_grant_ref ?? 0), 0);
    assert.equal(sum((o) => o.dom0.event_channel_op ?? 0), 2, `transaction ${t}`);
  }
});

test('a console without eth0 lines (a run before the vif) counts no network slots', () => {
  const console = Buffer.from(domuNetFixture().console.toString('utf8').replace(/^hvbench eth0-.*\n/gm, ''));
  assert.equal(parseDomuRun({ ...domuNetFixture(), console }).net, null);
});
