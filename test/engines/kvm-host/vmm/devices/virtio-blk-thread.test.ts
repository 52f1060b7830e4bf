// The VMM's virtio-blk I/O thread (engines/kvm-host/vmm/devices/virtio-blk-thread.c) on a real KVM, fed a
// malformed ring by a hostile guest: a few instructions that name descriptor 200 of a 128-entry queue and write
// the notify register. KVM's ioeventfd wakes the thread, which must refuse the ring, end the run with the
// reason and exit 1 with its report — never crash or hang. Runs in kvm-qemu's L1 (no /dev/kvm needed); skipped,
// with the reason printed, where the lab cannot run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kvmQemuEngine } from '../../../../../engines/kvm-qemu/engine.ts';
import { l1, shutdownL1 } from '../../../../../engines/kvm-qemu/l1-session.ts';
import { GUEST_STREAM, VMM } from '../../../../../engines/kvm-qemu/l1-commands.ts';
import { serialize } from '../../../../../engines/kvm-host/op-stream.ts';
import { parseVmmOutput, vmmArgv } from '../../../../../engines/kvm-host/vmm-process.ts';

const a = kvmQemuEngine.availability();
const skip = a.available ? false : `kvm-qemu unavailable here: ${a.reason}`;
if (skip) console.log(`# skipping: ${skip}`);
test.after(shutdownL1);

/** `mov word [abs32], imm16` in 64-bit mode: 66 C7 /0 with a SIB byte for a bare 32-bit displacement */
const movWord = (addr: number, value: number): number[] =>
  [0x66, 0xc7, 0x04, 0x25, addr & 0xff, (addr >> 8) & 0xff, (addr >> 16) & 0xff, addr >>> 24, value & 0xff, value >> 8];

// include/abi.h: the avail ring at 0x400800 (flags, idx, ring[]), the notify register at 0x3ff01000
const HOSTILE_GUEST = Buffer.from([
  ...movWord(0x400804, 200), // avail->ring[0] = descriptor 200, past the queue's 128
  ...movWord(0x400802, 1), //   avail->idx = 1
  ...movWord(0x3ff01000, 0), // notify queue 0
  0xeb, 0xfe, //                then spin: only the VMM can end the run
]);

test('a guest that hands the I/O thread a descriptor past the queue ends its run with the reason, exit 1', { skip, timeout: 900_000 }, async () => {
  const machine = await l1();
  const guest = '/tmp/hostile-guest.bin';
  await machine.session.put(guest, HOSTILE_GUEST);
  await machine.session.put(GUEST_STREAM, serialize([]).bytes);
  const { argv } = vmmArgv({ vmm: VMM.vmm, guest }, { memMb: 16, timeoutMs: 600_000, io: 'virtio', computeCap: 1, disable: [] });
  const r = await machine.session.run(`${VMM.vmm} ${argv.join(' ')} < ${GUEST_STREAM}`, 660_000);
  assert.equal(r.status, 1);
  const outcome = parseVmmOutput(r.stdout.toString('utf8'), r.status, null);
  assert.equal(outcome.kind, 'report');
  if (outcome.kind !== 'report') return;
  assert.equal(outcome.report.ok, false);
  assert.equal(outcome.report.error, "virtqueue: avail entry 0 names descriptor 200, past the queue's 128");
  // the notify reached the thread through the ioeventfd (one wake-up), and nothing was served or signalled
  assert.deepEqual([outcome.report.devices.vring, outcome.report.devices.virtioRequests, outcome.report.devices.virtioIrqs], [1, 0, 0]);
  assert.deepEqual(outcome.report.exits, {}, 'the notify never exited to the VMM');
});
