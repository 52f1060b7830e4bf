// The kvm-qemu engine end to end against a fake QEMU (test/fixtures/lab/fake-qemu.mjs) that replays what L1
// printed on a real run (Debian 6.1 cloud kernel, kvm_amd, QEMU 7.2 TCG): the boot probe's stream of one
// phase op, then 100 CPUID and 10 port-0x80 writes, the phase, 10 MMIO writes, 5 writes of MSR 0x6e0 and 3 HLT.
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

test('setup apart: the VMM keeps its tallies and L1\'s histogram at the phase op; the probe\'s boot and end are kept by phase', async () => {
  // recorded on this machine's L1 (Debian 6.1 cloud kernel, kvm_amd, QEMU 7.2 TCG) with the VMM that copies the
  // histogram at the phase op: the probe's stream of one phase op, then 100 CPUID and 10 port-0x80 writes as
  // setup, the phase, 10 MMIO writes, 5 writes of MSR 0x6e0 and 3 HLT measured
  await shutdownL1();
  const engine = fakeKvmQemu(['kvm-qemu-run-phase-only.txt', 'kvm-qemu-run-phase-mixed.txt']);
  const phased: GuestOp[] = [ops[0], ops[1], { op: 'phase' }, ops[2], ops[3], ops[4]];
  const c = await engine.run({ ops: phased, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 64, computeCap: 0 }, seed: 1 });
  const m = c.measured as Record<string, any>;
  // the VMM's user-space exits: the 10 port writes before the phase, the 10 MMIO writes after it
  assert.deepEqual(c.setup?.exits.byReason, { IO_INSTRUCTION: 10 });
  assert.deepEqual(c.exits.byReason, { EPT_MISCONFIG: 10 });
  // L1's histogram copied at the phase op, line by line: CPUID (0x72) 102, IOIO port 0x80 10 and port 0x510
  // 1 (the phase op's own write, left out), MSR write 8, read 3, INTR 11, HLT 1, three NPF lines without the
  // reserved bit 1 each
  assert.deepEqual(m.l1Exits.setupByReason, { CPUID: 102, IO_INSTRUCTION: 10, MSR_WRITE: 8, MSR_READ: 3, EXTERNAL_INTERRUPT: 11, HLT: 1, EPT_VIOLATION: 3 });
  // the whole run's histogram less that copy: NPF with the reserved bit 9 (MMIO writes after the first), the
  // first MMIO write's NPF 2 − 1, MSR write 17 − 8, HLT 3 − 1, INTR 12 − 11, VINTR 1, port 0x510 2 − 1 (the
  // run's end)
  assert.deepEqual(m.l1Exits.measuredByReason, { EPT_MISCONFIG: 9, EPT_VIOLATION: 1, MSR_WRITE: 9, HLT: 2, EXTERNAL_INTERRUPT: 1, INTERRUPT_WINDOW: 1, IO_INSTRUCTION: 1 });
  // the probe's stream of one phase op: its boot (before the phase, its own write left out) and its end (the
  // run-end port write)
  assert.deepEqual(m.l1Exits.baselineByPhase, {
    setupByReason: { EPT_VIOLATION: 3, HLT: 1, CPUID: 2, MSR_READ: 3, EXTERNAL_INTERRUPT: 4, MSR_WRITE: 8 },
    measuredByReason: { IO_INSTRUCTION: 1 },
  });
  // KVM's statistics at the phase op ride along; the guest counted 3 timer interrupts, all in the measured hlt
  assert.ok(m.kvmStats.setup.vcpu.exits > 0);
  assert.equal(c.events.timerInterrupts, 3);
  assert.equal(c.setup?.events.timerInterrupts, undefined);
  assert.equal(m.timingsRepresentative, false);
  assert.match(m.backend.label, /^kvm_amd \(SVM\) in linux-image-test 1 under QEMU (TCG|KVM)$/);
  // TSC cycles under emulation are never charged as cycles
  assert.equal(c.cycles.total + (c.setup?.cycles.total ?? 0), 0);
  // the probe's loop took 109,725 TSC cycles per 1,000 iterations (loopCyclesX1000): 60 s × 109.725 is past
  // the VMM's one-hour limit, so the watchdog is that hour
  assert.equal(m.watchdogMs, 3_600_000);
});

test('micro/pio-string on a real KVM: 4 KVM_EXIT_IO to the VMM per 4 KiB rep insb, 5 IOIO exits in L1', async () => {
  // recorded on this machine's L1 (Debian 6.1 cloud kernel, kvm_amd, QEMU 7.2 TCG): the probe's stream of one
  // phase op, then micro/pio-string's stream (1,000 rep insb of 4,096 bytes from fw_cfg's data port 0x511, no
  // phase op: setup is the boot)
  await shutdownL1();
  const engine = fakeKvmQemu(['kvm-qemu-run-pio-string-probe.txt', 'kvm-qemu-run-pio-string.txt']);
  const ops: GuestOp[] = [{ op: 'pio', port: 0x511, write: false, count: 1000, rep: 4096, width: 1 }];
  const c = await engine.run({ ops, profile: getProfile('amd-modern'), options: { io: 'virtio', timeoutMs: 60000, memMb: 64, computeCap: 0 }, seed: 1 });
  const m = c.measured as Record<string, any>;
  // the VMM: 4,096 / 1,024 = 4 read-aheads per instruction, each a KVM_EXIT_IO: 4,000
  assert.deepEqual(c.exits.byReason, { IO_INSTRUCTION: 4000 });
  // L1's histogram less its copy at the boot's phase write, line by line: IOIO port 0x511 (info1 0x0511c01d:
  // IN, string, rep, 8-bit) 5,000 − 0 — the 4 read-aheads and the re-execution at RCX 0 —, IOIO port 0x510 2 − 1
  // (the run's end), INTR 38 − 11; every other line is the same in both
  assert.deepEqual(m.l1Exits.measuredByReason, { IO_INSTRUCTION: 5001, EXTERNAL_INTERRUPT: 27 });
  // the probe: port 0x510 2 − 1 (its end), INTR 15 − 15
  assert.deepEqual(m.l1Exits.baselineByPhase.measuredByReason, { IO_INSTRUCTION: 1 });
});
