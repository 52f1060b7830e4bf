// xen-qemu:guest=domu on a real QEMU: Xen boots dom0, dom0 boots a PV domU with xl, and the domU's block
// reads go blkfront → blkback. Skipped, with the reason printed, where the lab cannot run (no QEMU, no apt,
// no package lists, no op-runner build). Takes a few minutes under TCG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../../engines/types.ts';
import { xenQemuEngine } from '../../../../engines/lab/xen-qemu/engine.ts';
import { getProfile } from '../../../../engines/machine/profiles/index.ts';

const a = xenQemuEngine.availability();
const skip = a.available ? false : `xen-qemu unavailable here: ${a.reason}`;
if (skip) console.log(`# skipping: ${skip}`);

test('two 4 KiB reads in the domU: two ring requests, each one event-channel send each way and a switch to dom0 and back', { skip, timeout: 900_000 }, async () => {
  const ops: GuestOp[] = [
    { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 1 },
    { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 1 },
  ];
  const c = await xenQemuEngine.run({ ops, profile: getProfile('amd-modern'), options: { guest: 'domu', timeoutMs: 600_000, memMb: 1536 }, seed: 1 });
  const m = c.measured as { wholeRun: { events: Record<string, number> }; ops: { hypercalls: Record<string, number>; dom0: Record<string, number>; events: Record<string, number> }[] };
  // O_DIRECT sends each 4 KiB read to blkfront as one request of one segment; nothing else uses xvda
  assert.equal(m.wholeRun.events.ringRequests, 2);
  for (const op of m.ops) {
    // blkback idles between the synchronous reads, so each request finds req_event due: blkfront notifies
    // (RING_PUSH_REQUESTS_AND_CHECK_NOTIFY) and so does blkback's response
    assert.equal(op.hypercalls.event_channel_op, 1);
    assert.equal(op.dom0.event_channel_op, 1);
    assert.ok(op.events.domainSwitches >= 2, JSON.stringify(op.events));
  }
});
