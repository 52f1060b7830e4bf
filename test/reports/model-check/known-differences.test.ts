// The known causes of a measured count differing from the model's, each tied to what the run says it ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainDifference } from '../../../reports/model-check/known-differences.ts';
import type { RunResult } from '../../../harness/results.ts';

const run = (ops: string[], timingsRepresentative = false, eoiWrites = 0): RunResult =>
  ({ measured: { timingsRepresentative, opCosts: Object.fromEntries(ops.map((o) => [o, { ops: 1 }])), guest: { eoiWrites } } }) as unknown as RunResult;

test("the LAPIC timer's and vCPU 1's differences are explained only for runs that had those ops", () => {
  // hlt: the periodic timer started and stopped around the op
  assert.match(explainDifference('MSR_WRITE', run(['hlt'])) ?? '', /periodic LAPIC timer/);
  // without either, only the freestanding guest's missing busy tick is left to name
  assert.match(explainDifference('MSR_WRITE', run(['cpuid'])) ?? '', /^the freestanding guest keeps no periodic tick/);
  // EOIs written without the PV EOI flag are named with their count, beside the hlt op's timer writes
  assert.match(explainDifference('MSR_WRITE', run(['ipi'], false, 1234)) ?? '', /^1,234 are EOIs/);
  assert.match(explainDifference('MSR_WRITE', run(['hlt'], false, 5)) ?? '', /periodic LAPIC timer.*; 5 are EOIs/);
  // shootdown: vCPU 1 halts after each flush
  assert.match(explainDifference('HLT', run(['map', 'touch', 'shootdown'])) ?? '', /one HLT per shootdown/);
  assert.equal(explainDifference('HLT', run(['ipi'])), null);
  // timer: a tick pending at the HLT, only where the guest is emulated (slower than the period)
  assert.match(explainDifference('INTERRUPT_WINDOW', run(['timer'])) ?? '', /interrupt window/);
  assert.equal(explainDifference('INTERRUPT_WINDOW', run(['timer'], true)), null);
  assert.equal(explainDifference('INTERRUPT_WINDOW', run(['ipi'])), null);
});

test("the virtio batches the measured guest did not halt for explain its fewer HLTs and its interrupt windows", () => {
  const io = (virtioHalts: number, virtioIrqs: number): RunResult =>
    ({ measured: { io: 'virtio', timingsRepresentative: false, opCosts: { io: { ops: 1 } }, guest: { virtioHalts }, devices: { virtioIrqs, virtioIrqsSuppressed: 0 } } }) as unknown as RunResult;
  // kvm-qemu's io/disk-random: 382 HLTs for 5,000 one-request batches
  assert.match(explainDifference('HLT', io(382, 5000)) ?? '', /^the measured guest halted for 382 of 5,000 virtio batches/);
  assert.match(explainDifference('INTERRUPT_WINDOW', io(382, 5000)) ?? '', /interrupt window/);
  // a guest that halted for every batch (io/disk-seq's 32 of 32) has no such difference to explain
  assert.equal(explainDifference('HLT', io(32, 32)), null);
  assert.equal(explainDifference('INTERRUPT_WINDOW', io(32, 32)), null);
  // nor a run without io ops
  assert.equal(explainDifference('HLT', run(['cpuid'])), null);
});
