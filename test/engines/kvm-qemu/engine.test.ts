// The kvm-qemu engine end to end against a fake QEMU (test/fixtures/lab/fake-qemu.mjs) that replays what L1
// printed on a real run (Debian 6.1 cloud kernel, kvm_amd, QEMU 7.2 TCG): the boot probe's empty stream,
// then a stream of 100 CPUID, 10 port-0x80 writes, 10 MMIO writes, 5 writes of MSR 0x6e0 and 3 HLT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { GuestOp } from '../../../engines/types.ts';
import { watchdogMs } from '../../../engines/kvm-qemu/engine.ts';
import { shutdownL1 } from '../../../engines/kvm-qemu/l1-session.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { builtinEngines, resolveEngine } from '../../../engines/registry.ts';
import { fakeKvmQemu } from './fake-lab.ts';
import { UsageError } from '../../../harness/errors.ts';

test.after(shutdownL1);

const ops: GuestOp[] = [
  { op: 'cpuid', count: 100 },
  { op: 'pio', port: 0x80, write: true, count: 10 },
  { op: 'mmio', write: true, count: 10 },
  { op: 'msr', index: 0x6e0, write: true, count: 5 },
  { op: 'hlt', count: 3 },
];

test('a run returns the VMM counters plus L1 kvm_exit counts by VMX reason, with the boot baseline beside them', async () => {
  const engine = fakeKvmQemu(['kvm-qemu-run-empty.txt', 'kvm-qemu-run-mixed.txt']);
  assert.deepEqual(engine.availability(), { available: true });
  const c = await engine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 64, computeCap: 0 }, seed: 1 });
  const m = c.measured as Record<string, any>;
  // the VMM's own view, as kvm-host reports it: user-space exits only (10 port writes, 10 MMIO writes, 3 HLT)
  assert.deepEqual(c.exits.byReason, { IO_INSTRUCTION: 10, HLT: 3, EPT_MISCONFIG: 10 });
  // L1's histogram of the run, line by line from the fixture: CPUID 100; IOIO 10 (port 0x80) + 1 (the
  // guest's done port); MSR info1=1 6 (5 TSC-deadline writes + 1 at boot), info1=0 1; HLT 3; NPF without the
  // reserved bit 1 + 2 + 3 + 4 = 10 (the first MMIO access among them, which installs KVM's MMIO SPTE), with
  // it 9 (the other nine MMIO writes)
  assert.deepEqual(m.l1Exits.byReason, { CPUID: 100, IO_INSTRUCTION: 11, MSR_WRITE: 6, MSR_READ: 1, HLT: 3, EPT_VIOLATION: 10, EPT_MISCONFIG: 9 });
  assert.equal(m.l1Exits.total, 140);
  // the empty stream's histogram: MSR write 1, read 1, NPF 1 + 2 + 2 + 3 = 8, INTR 1, IOIO 1
  assert.deepEqual(m.l1Exits.baseline, { MSR_WRITE: 1, MSR_READ: 1, EPT_VIOLATION: 8, EXTERNAL_INTERRUPT: 1, IO_INSTRUCTION: 1 });
  assert.equal(m.timingsRepresentative, false);
  assert.match(m.timingsNote, /^(TCG|nested KVM) .*; a 2-instruction guest loop costs \d+ TSC cycles per iteration$/);
  assert.match(m.backend.label, /^kvm_amd \(SVM\) in linux-image-test 1 under QEMU (TCG|KVM)$/);
  // TSC cycles under emulation are never charged as cycles
  assert.equal(c.cycles.total, 0);
  // the VMM's 60 s watchdog stretched by the guest's slowdown under TCG: the boot probe's loop took 39,816
  // TSC cycles per 1,000 iterations (the fixture's loopCyclesX1000), 39.816 where hardware takes 1, so
  // 60,000 ms × 39.816 = 2,388,960 ms
  assert.equal(m.watchdogMs, 2_388_960);
});

test('the watchdog is stretched by the slowdown only: a guest as fast as hardware (nested KVM) keeps timeoutMs', () => {
  assert.equal(watchdogMs(60_000, 0.9), 60_000);
  assert.equal(watchdogMs(60_000, 1), 60_000);
  assert.equal(watchdogMs(1_000, 40), 40_000);
  // a loaded TCG host (loop at 75 cycles) would ask 60 s × 75 = 75 min: the VMM takes at most one hour
  assert.equal(watchdogMs(60_000, 75), 3_600_000);
});

test('without QEMU on PATH, asking for kvm-qemu is one line naming what is missing, exit 2, nothing written', async () => {
  const { spawnSync } = await import('node:child_process');
  const { existsSync, mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'hvb-kvmq-'));
  try {
    const bin = fileURLToPath(new URL('../../../bin/hvbench.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'run', '--engines', 'kvm-qemu', '--workloads', 'micro/cpuid', '--out', join(dir, 'out')],
      { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent', CI: 'true' } });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'hvbench: engine kvm-qemu is unavailable here: qemu-system-x86_64 not found (hvbench lab setup installs it)\n');
    assert.equal(existsSync(join(dir, 'out')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kvm-host and kvm-qemu refuse, in one line, numbers the VMM would refuse with its usage text', () => {
  const intel = getProfile('intel-modern');
  for (const id of ['kvm-host', 'kvm-qemu']) {
    // the VMM's bounds (vmm/main.c): --timeout-ms 1 to 3,600,000; --mem-mb 16 to 768 (0: sized to the workload)
    assert.doesNotThrow(() => resolveEngine(`${id}:timeoutMs=3600000,memMb=0`, builtinEngines(), intel));
    assert.doesNotThrow(() => resolveEngine(`${id}:memMb=768`, builtinEngines(), intel));
    for (const [spec, why] of [['timeoutMs=3600001', /option timeoutMs must be an integer from 1 to 3600000, got 3600001/], ['memMb=8', /option memMb must be 0 \(sized to the workload\) or an integer from 16 to 768, got 8/], ['computeCap=1.5', /option computeCap must be 0/]] as const) {
      assert.throws(() => resolveEngine(`${id}:${spec}`, builtinEngines(), intel), (e: Error) => e instanceof UsageError && why.test(e.message) && e.message.startsWith(`${id}: `) && !e.message.includes('\n'));
    }
  }
});
