// The freestanding guest's virtio-blk path on a real KVM, replayed: test/fixtures/lab/kvm-qemu-run-io*.txt are
// what L1 printed (Debian 6.1 cloud kernel, kvm_amd, QEMU 7.2 TCG) for the boot probe's empty stream and for
// three io records — 1 disk read, 40 disk writes, 3 net writes — with the fake QEMU
// (test/fixtures/lab/fake-qemu.mjs) standing in, so this runs on every machine. The counts are set against the
// simulated kvm engine's for the same records, each derived by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { shutdownL1 } from '../../../engines/kvm-qemu/l1-session.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { delta } from '../guest/run-engine.ts';
import { fakeKvmQemu } from './fake-lab.ts';

test.after(shutdownL1);

const ops: GuestOp[] = [
  { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 1 },
  { op: 'io', device: 'disk', dir: 'write', bytes: 4096, requests: 40 },
  { op: 'io', device: 'net', dir: 'write', bytes: 64, requests: 3 },
];
// batches of at most 32 (include/abi.h ABI_VQ_BATCH): 1, then 32 + 8, then 3 = 4 notifies, 4 completions
const BATCHES = 4;

test('virtio-blk on real KVM: no user-space exit, one ioeventfd notify and one irqfd MSI per batch, as the model', async () => {
  const engine = fakeKvmQemu(['kvm-qemu-run-io-probe.txt', 'kvm-qemu-run-io.txt']);
  const c = await engine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 64, computeCap: 0 }, seed: 1 });
  const m = c.measured as Record<string, any>;
  // the notify is completed by KVM (ioeventfd) and the HLT blocks in KVM (in-kernel LAPIC): the VMM sees no exit
  assert.deepEqual(c.exits.byReason, {});
  // the guest wrote 4 notifies, none suppressed (each batch went to a device that had re-armed avail_event),
  // and halted 4 times for 4 completion MSIs
  assert.equal(c.events.virtioNotify, BATCHES);
  assert.deepEqual([m.guest.virtioKicksSuppressed, m.guest.virtioHalts, m.guest.virtioIrqs], [0, BATCHES, BATCHES]);
  // the I/O thread: 4 eventfd wake-ups, 1 + 40 + 3 = 44 requests, 4 irqfd interrupts, none suppressed by used_event
  assert.deepEqual([m.devices.vring, m.devices.virtioRequests, m.devices.virtioIrqs, m.devices.virtioIrqsSuppressed], [BATCHES, 44, BATCHES, 0]);
  // L1's kvm_exit histogram, line by line: npf with PFERR_RSVD (info1 0x10000000e) 3 = EPT_MISCONFIG; npf
  // 0x200000006 1 + 0x100000004 1 + 0x100000006 3 = 5 EPT_VIOLATION; hlt 5; intr 21; cpuid 2; ioio 1 (the done
  // port); msr 8 writes, 3 reads
  assert.deepEqual(m.l1Exits.byReason, { IO_INSTRUCTION: 1, EPT_VIOLATION: 5, CPUID: 2, MSR_READ: 3, EPT_MISCONFIG: 3, HLT: 5, EXTERNAL_INTERRUPT: 21, MSR_WRITE: 8 });
  // the probe: ioio 1, npf 1 + 1 + 2 = 4, hlt 1 (vCPU 1 idling), cpuid 2, msr 3 reads and 8 writes, intr 14
  assert.deepEqual(m.l1Exits.baseline, { IO_INSTRUCTION: 1, EPT_VIOLATION: 4, HLT: 1, CPUID: 2, MSR_READ: 3, MSR_WRITE: 8, EXTERNAL_INTERRUPT: 14 });
  const net = (r: string) => m.l1Exits.byReason[r] - (m.l1Exits.baseline[r] ?? 0);
  // the model for the same records on amd-modern: per batch one MMIO notify KVM takes in the kernel and one HLT
  // until the completion (kvm-platform.ts deviceSubmit, the guest kernel's idle)
  const sim = delta('kvm', [], ops, 'amd-modern');
  assert.deepEqual(sim.exits, { EPT_MISCONFIG: BATCHES, HLT: BATCHES });
  assert.equal(sim.events.virtioNotify, BATCHES);
  // measured: 3 reserved-bit faults plus the first notify's fault = 4 notifies; 5 − 1 = 4 HLTs
  assert.equal(net('EPT_MISCONFIG') + 1, sim.exits.EPT_MISCONFIG);
  // the one EPT_VIOLATION beyond the probe's is that first notify's (a not-present write, 0x100000006: 3 in
  // the run, 2 in the probe), where KVM installs its MMIO entry: the guest zeroes its queue at boot
  // (guest/io.c io_virtio_init), so the probe's second not-present write is the queue's 2 MiB, mapped once,
  // and no ring page faults in the measured ops (before, the queue's first access was a read in the first op:
  // L1's huge zero page, split by the write after it, and 10 EPT_VIOLATIONs here, a present write among them)
  assert.equal(net('EPT_VIOLATION'), 1);
  assert.equal(net('HLT'), sim.exits.HLT);
});
