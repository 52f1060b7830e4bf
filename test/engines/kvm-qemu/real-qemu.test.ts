// kvm-qemu on a real QEMU: boots Debian's kernel (built and cached at first use), runs a short stream on
// L1's kvm_amd and counts exits by reason from the kvm_exit tracepoint. Skipped, with the reason printed,
// where the lab cannot run (no QEMU, no apt, no package lists).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { kvmQemuEngine } from '../../../engines/kvm-qemu/engine.ts';
import { shutdownL1 } from '../../../engines/kvm-qemu/l1-session.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';

const a = kvmQemuEngine.availability();
const skip = a.available ? false : `kvm-qemu unavailable here: ${a.reason}`;
if (skip) console.log(`# skipping: ${skip}`);
test.after(shutdownL1);

test('50 CPUID, 20 port writes and 4 TSC-deadline MSR writes exit exactly that often, beyond the boot baseline', { skip, timeout: 600_000 }, async () => {
  const ops: GuestOp[] = [
    { op: 'cpuid', count: 50 },
    { op: 'pio', port: 0x80, write: true, count: 20 },
    { op: 'msr', index: 0x6e0, write: true, count: 4 },
  ];
  const c = await kvmQemuEngine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 64, computeCap: 0 }, seed: 1 });
  const l1 = (c.measured as { l1Exits: { byReason: Record<string, number>; baseline: Record<string, number> } }).l1Exits;
  const net = (reason: string) => (l1.byReason[reason] ?? 0) - (l1.baseline[reason] ?? 0);
  // CPUID is intercepted unconditionally on SVM (APM Vol. 2 §15.9); port 0x80 has no I/O-bitmap pass-through
  // in KVM, so each OUT exits; MSR 0x6e0 (IA32_TSC_DEADLINE) writes are intercepted by kvm_amd
  assert.equal(net('CPUID'), 50);
  assert.equal(net('IO_INSTRUCTION'), 20);
  assert.equal(net('MSR_WRITE'), 4);
  // the VMM saw the port writes in user space too
  assert.equal(c.exits.byReason.IO_INSTRUCTION, 20);
});

test('guest RAM on 2 MiB boundaries with MADV_HUGEPAGE: writing 4,096 fresh 4 KiB pages takes a nested fault per 2 MiB, not per page', { skip, timeout: 600_000 }, async () => {
  const ops: GuestOp[] = [
    { op: 'map', region: 'r', bytes: 16 << 20, pageSize: '4k' },
    { op: 'touch', region: 'r', pattern: 'seq', accesses: 4096, write: true },
  ];
  const c = await kvmQemuEngine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 64, computeCap: 0 }, seed: 1 });
  const l1 = (c.measured as { l1Exits: { byReason: Record<string, number>; baseline: Record<string, number> } }).l1Exits;
  const npf = (l1.byReason.EPT_VIOLATION ?? 0) - (l1.baseline.EPT_VIOLATION ?? 0);
  // 16 MiB of guest frames plus their page tables (16 KiB of PTE pages) span at most 9 huge pages of guest
  // RAM, some already faulted in at boot; with 4 KiB nested mappings it would be one fault per page (4,096+)
  assert.ok(npf >= 1 && npf <= 9, `nested faults: ${npf}`);
});
