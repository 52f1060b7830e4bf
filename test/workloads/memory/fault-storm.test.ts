import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../engines/rng.ts';
import { applyParams, builtinWorkloads } from '../../../workloads/registry.ts';
import { run } from '../../engines/guest/run-engine.ts';

test('fault-storm measures guest demand faults: the host backed the frames in the setup round', () => {
  const w = builtinWorkloads().find((x) => x.id === 'memory/fault-storm')!;
  const params = applyParams(w, { rounds: 3, regionMiB: 2 });
  const kvm = run('kvm', [...w.generate(params, new Rng(1))], 'intel-modern', 1);
  // 3 measured rounds × 2 MiB / 4 KiB = 1,536 faults; the frames come back from the guest's free list after
  // each unmap, so none is new to the host
  assert.equal(kvm.events.pageFaults, 3 * 512);
  assert.equal(kvm.exits.byReason.EPT_VIOLATION, undefined);
  assert.equal(kvm.setup?.events.pageFaults, 512);
  assert.deepEqual(w.perOp?.(params), { count: 1536, unit: 'fault' });
});
