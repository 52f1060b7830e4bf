// The engine's harness side against a fake VMM that replays a report recorded on a kvm_pvm host: parsing,
// validation and the mapping to shared counter names run everywhere, with or without /dev/kvm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestOp } from '../../../engines/types.ts';
import { createKvmHostEngine } from '../../../engines/kvm-host/engine.ts';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const fakeVmm = join(fixtures, 'fake-vmm.mjs');
const recordingPath = join(fixtures, 'recorded-kvm-pvm.json');
const recording = JSON.parse(readFileSync(recordingPath, 'utf8')) as { ops: GuestOp[]; report: Record<string, unknown> };
const input = (ops: GuestOp[]) => ({ ops, profile: {} as never, options: {}, seed: 1 });

function withRecording(content: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hvbench-fake-vmm-')), 'recording.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

test('a replayed report lands under the shared counter names, with KVM names kept in measured', async () => {
  const engine = createKvmHostEngine({ paths: { vmm: fakeVmm, guest: recordingPath } });
  assert.deepEqual(engine.availability(), { available: true });
  const counters = await engine.run(input(recording.ops));
  assert.deepEqual(counters.exits.byReason, { EPT_MISCONFIG: 2, HLT: 1, IO_INSTRUCTION: 5 });
  assert.equal(counters.exits.total, 8);
  assert.equal(counters.events.pageFaults, 8);
  const m = counters.measured as Record<string, any>;
  assert.deepEqual(m.kvmExitReasons, { KVM_EXIT_IO: 5, KVM_EXIT_HLT: 1, KVM_EXIT_MMIO: 2 });
  assert.deepEqual(m.exitNames.KVM_EXIT_IO, { vmx: 'IO_INSTRUCTION', svm: 'ioio' });
  // the recording comes from kvm_pvm, where a 2-instruction loop costs thousands of cycles
  assert.equal(m.timingsRepresentative, false);
  assert.ok(m.loopCyclesPerIteration > 100);
  assert.equal(counters.cycles.total, 0);
  assert.deepEqual(m.skipped.byOp, { syscall: 1, fork: 1 });
  assert.equal(m.opCosts.pio.units, 4);
  assert.equal(m.opCosts.pio.exitsPerUnit, 1);
  assert.equal(m.opCosts.io.exits, 1, 'eight virtio requests, one notify');
  assert.ok(m.kvmStats.vcpu.exits > 0);
  // recorded before the VMM read vCPU 1's statistics: vCPU 0's alone
  assert.deepEqual(m.kvmStats.vcpus, [m.kvmStats.vcpu]);
});

test('a stream that does not match the recording is a setup error, not a crash', async () => {
  const engine = createKvmHostEngine({ paths: { vmm: fakeVmm, guest: recordingPath } });
  await assert.rejects(engine.run(input([{ op: 'cpuid', count: 1 }])), /kvm-host run failed: fake VMM: recording has 9 ops, stream has 1/);
});

test('a VMM that crashes or prints garbage becomes a failed run with a reason', async () => {
  for (const [mode, reason] of [['crash', /killed by SIGSEGV/], ['garbage', /exited with status 1 without a valid report/]] as const) {
    const engine = createKvmHostEngine({ paths: { vmm: fakeVmm, guest: withRecording({ mode }) } });
    await assert.rejects(engine.run(input(recording.ops)), reason);
  }
});

test('a failed run reports its exit reason and where it stopped', async () => {
  const report = { ...recording.report, ok: false, error: 'guest shut down (triple fault)', exitReason: 'SHUTDOWN', rip: 0x100400,
    ops: (recording.report.ops as number[][]).map((o, i) => (i < 3 ? o : [0, 0, 0, 0])) };
  const engine = createKvmHostEngine({ paths: { vmm: fakeVmm, guest: withRecording({ mode: 'replay', report }) } });
  await assert.rejects(engine.run(input(recording.ops)), /guest shut down \(triple fault\) \(exit SHUTDOWN during operation 3, rip 0x100400\)/);
});

test('an invalid report is refused by the schema', async () => {
  const report = { ...recording.report, exits: { IO: -1 } };
  const engine = createKvmHostEngine({ paths: { vmm: fakeVmm, guest: withRecording({ mode: 'replay', report }) } });
  await assert.rejects(engine.run(input(recording.ops)), /invalid report \(exits.IO/);
});

test('a timed run on the recorded kvm_pvm backend is warned: the availability probe\'s loop cost is not native', () => {
  // the probe replays the recording, whose guest loop costs past NATIVE_LOOP_LIMIT, the rule the run's
  // timingsRepresentative follows (the first test); the backend label is this host's
  const engine = createKvmHostEngine({ paths: { vmm: fakeVmm, guest: recordingPath } });
  assert.match(engine.timingsCaveat!({}) ?? '', /does not run the guest natively: a 2-instruction loop costs \d+ TSC cycles per iteration$/);
});
