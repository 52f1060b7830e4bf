// The VMM's virtio-blk queue (engines/kvm-host/vmm/devices/virtqueue.c, virtio-blk.c) against what an untrusted
// guest can put in its rings, with no KVM needed: virtio-blk-harness.c builds each case in a buffer standing
// in for guest RAM and prints what the device did. Malformed input breaks the queue with a reason and
// completes nothing; it never crashes the VMM. Skipped, with the reason printed, without a C compiler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RING_SLOTS } from '../../../../../engines/guest/block-net-driver.ts';

const here = new URL('.', import.meta.url).pathname;
const devices = new URL('../../../../../engines/kvm-host/vmm/devices/', import.meta.url).pathname;
const binary = join(mkdtempSync(join(tmpdir(), 'hvb-virtio-')), 'harness');
let skip: string | false = false;
try {
  execFileSync(process.env.CC || 'cc', ['-O2', '-Wall', '-Werror', '-std=gnu11', '-o', binary, join(here, 'virtio-blk-harness.c'),
    join(devices, 'virtqueue.c'), join(devices, 'virtio-blk.c'), join(devices, 'disk-store.c')], { stdio: 'pipe' });
} catch (err) {
  skip = `cannot build the harness: ${String((err as { stderr?: unknown }).stderr ?? err).split('\n')[0]}`;
  console.log(`# skipping: ${skip}`);
}

interface Outcome {
  result: number; error: string; requests: number; interrupts: number; suppressed: number; signals: number;
  usedIdx: number; availEvent: number; status: [number, number]; usedLen: [number, number]; readBack: string;
}
const run = (name: string): Outcome => JSON.parse(execFileSync(binary, [name], { encoding: 'utf8' })) as Outcome;

test('a write then a read of the same sector: both complete, one publication, one interrupt', { skip }, () => {
  const o = run('write-read');
  assert.equal(o.result, 0);
  assert.equal(o.requests, 2);
  // used_event is 0 (the guest wants the next completion): the one publication of used index 0 → 2 crosses it
  assert.equal(o.interrupts, 1);
  assert.equal(o.signals, 1);
  assert.equal(o.usedIdx, 2);
  // the device asks to be notified at the next avail entry it has not taken: avail_event = 2
  assert.equal(o.availEvent, 2);
  assert.deepEqual(o.status, [0, 0]);
  // written lengths: the status byte for the write; 12 data bytes and the status byte for the read
  assert.deepEqual(o.usedLen, [1, 13]);
  assert.equal(o.readBack, 'hello, disk');
});

test('used_event past the batch: the publication is suppressed, no interrupt', { skip }, () => {
  const o = run('used-event-later');
  // vring_need_event(5, 2, 0): (u16)(2 - 5 - 1) = 65532, not below 2 − 0
  assert.equal(o.requests, 2);
  assert.equal(o.interrupts, 0);
  assert.equal(o.suppressed, 1);
  assert.equal(o.signals, 0);
});

test('an unknown request type completes as VIRTIO_BLK_S_UNSUPP without breaking the queue', { skip }, () => {
  const o = run('unknown-type');
  assert.equal(o.result, 0);
  assert.equal(o.status[0], 2);
  assert.equal(o.usedLen[0], 1);
});

const malformed: Array<[string, RegExp]> = [
  ['head-out-of-range', /avail entry 0 names descriptor 200, past the queue's 128/],
  ['next-out-of-range', /descriptor 1 chains to 500, past the queue's 128/],
  ['buffer-outside-ram', /descriptor 1 points at 0x7ffff8\+16, outside guest RAM/],
  ['buffer-wraps', /descriptor 1 points at 0xfffffffffffffffe\+4, outside guest RAM/],
  ['chain-loop', /the chain from descriptor 0 loops/],
  ['avail-index-jump', /moved the avail index from 0 to 1000/],
  ['writable-header', /the chain at descriptor 0 is not header, data, status/],
  ['broken-stays-broken', /avail entry 0 names descriptor 200/],
];

for (const [name, reason] of malformed) {
  test(`malformed guest input (${name}) is refused with its reason: nothing completes, nothing is written`, { skip }, () => {
    const o = run(name);
    assert.equal(o.result, -1);
    assert.match(o.error, reason);
    assert.equal(o.requests, 0);
    assert.equal(o.signals, 0);
    assert.equal(o.usedIdx, 0);
    assert.equal(o.status[0], 0xff, 'the status byte the guest set is untouched');
  });
}

test("the guest's requests per notify are the model's batch", () => {
  const abi = readFileSync(new URL('../../../../../engines/kvm-host/include/abi.h', import.meta.url), 'utf8');
  const batch = /#define ABI_VQ_BATCH\s+(\d+)u/.exec(abi);
  assert.ok(batch, 'ABI_VQ_BATCH in abi.h');
  assert.equal(Number(batch[1]), RING_SLOTS);
});
