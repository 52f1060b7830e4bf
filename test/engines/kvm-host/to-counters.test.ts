// The freestanding guest's report under the shared counter names: each flush by the scope of the instruction
// that made it and its cause, as the simulated engines count them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseVmmOutput } from '../../../engines/kvm-host/vmm-process.ts';
import { toCounters } from '../../../engines/kvm-host/to-counters.ts';

const recording = JSON.parse(readFileSync(new URL('./fixtures/recorded-kvm-pvm.json', import.meta.url), 'utf8'));
const backend = { module: 'kvm_amd', label: 'kvm_amd (AMD-V)', nestedParam: null, hostIsGuest: true, disabledOps: [] } as const;

test("a remote vCPU's INVLPGs are single-page flushes and its CR3 reloads non-global ones, caused by the shootdown", () => {
  // 2 shootdowns of 8 pages (one INVLPG each on the AP: 16) and 1 of 64 (past the ceiling of 33: one CR3
  // reload on the AP); vCPU 0's own flushes: 16 INVLPGs and 1 CR3 write
  const guest = { ...recording.report.guest, invlpgs: 16, cr3Writes: 1, remoteInvlpgs: 16, remoteFullFlushes: 1 };
  const outcome = parseVmmOutput(JSON.stringify({ ...recording.report, guest }), 0, null);
  assert.equal(outcome.kind, 'report');
  if (outcome.kind !== 'report') return;
  const c = toCounters({ ops: recording.ops, report: outcome.report, backend: { ...backend, disabledOps: [] }, computeCap: 0, io: 'virtio' });
  assert.deepEqual(c.tlb.flushes.byScope, { single: 16 + 16, nonGlobal: 1 + 1 });
  assert.deepEqual(c.tlb.flushes.byCause, { invlpg: 16, cr3: 1, shootdown: 16 + 1 });
});
