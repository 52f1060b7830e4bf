// kvm-qemu on a real QEMU: boots Debian's kernel (built and cached at first use), runs a short stream on
// L1's kvm_amd and counts exits by reason from the kvm_exit tracepoint. Skipped, with the reason printed,
// where the lab cannot run (no QEMU, no apt, no package lists).
import { spawnSync } from 'node:child_process';
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
  // the guest has PCID and INVPCID only if this QEMU's TCG emulates them (7.2 does not), since L1's KVM
  // passes on no more than L1's CPU has
  const g = (c.measured as { guest: { pcid: boolean; invpcid: boolean } }).guest;
  assert.deepEqual([g.pcid, g.invpcid], [tcgOffers('pcid'), tcgOffers('invpcid')]);
});

/** QEMU warns "TCG doesn't support requested feature: … .pcid" when asked for a feature it does not emulate,
 *  as it creates the CPU; the missing kernel file then stops it */
function tcgOffers(feature: string): boolean {
  const r = spawnSync('qemu-system-x86_64', ['-accel', 'tcg', '-cpu', `max,+${feature}`, '-display', 'none', '-nodefaults', '-kernel', '/nonexistent'],
    { encoding: 'utf8', timeout: 30_000 });
  return !new RegExp(`doesn't support requested feature: .*\\.${feature} `).test(r.stderr);
}

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

test('MSR writes KVM would refuse, and writes to the TSC MSRs the VMM protects, come back to the guest as #GP', { skip, timeout: 900_000 }, async () => {
  const ops: GuestOp[] = [
    { op: 'msr', index: 0x10, write: true, count: 3 },      // IA32_TSC: KVM would take it; the VMM's filter denies it
    { op: 'msr', index: 0x3b, write: true, count: 2 },      // IA32_TSC_ADJUST: likewise
    { op: 'msr', index: 0xc0011fff, write: true, count: 1 }, // no such MSR: KVM injects #GP; user-space MSR exits bring it to the VMM first
  ];
  const c = await kvmQemuEngine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 64, computeCap: 0 }, seed: 1 });
  const m = c.measured as { devices: { msr: number; msrRefused: number }; l1Exits: { byReason: Record<string, number>; baseline: Record<string, number> } };
  // each WRMSR exits once (none of the three is in kvm_amd's pass-through MSR list) and reaches the VMM as
  // KVM_EXIT_X86_WRMSR: 3 + 2 + 1 = 6; the VMM refuses all six, so the guest's #GP handler counts six faults
  assert.equal(c.exits.byReason.MSR_WRITE, 6);
  assert.equal(m.devices.msrRefused, 6);
  assert.equal(c.events.msrFaults, 6);
  assert.equal((m.l1Exits.byReason.MSR_WRITE ?? 0) - (m.l1Exits.baseline.MSR_WRITE ?? 0), 6);
});

test('guest=linux: 20 CPUID in the op-runner under a Linux L2 exit exactly 20 times inside their bracket', { skip, timeout: 1_200_000 }, async () => {
  const ops: GuestOp[] = [{ op: 'cpuid', count: 20 }, { op: 'syscall', count: 5 }];
  const c = await kvmQemuEngine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 128, computeCap: 0, guest: 'linux' }, seed: 1 });
  const m = c.measured as { ops: Array<{ status: string; exits: Record<string, number> }> };
  // CPUID exits unconditionally under SVM, whatever the CPL; the markers' own CPUIDs are outside (begin) or
  // taken off (end). A system call stays in L2: no exit of its own (interrupts may land in its window)
  assert.equal(m.ops[0].exits.CPUID, 20);
  assert.equal(m.ops[1].status, 'ok');
  assert.equal(m.ops[1].exits.CPUID ?? 0, 0);
});
