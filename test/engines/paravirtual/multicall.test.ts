import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counters } from '../../../engines/machine/counters.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';
import { MMUEXT_OP_BYTES, MulticallBatcher } from '../../../engines/paravirtual/multicall.ts';
import { Hypercalls } from '../../../engines/paravirtual/hypercalls.ts';

function batcher(): { mc: MulticallBatcher; c: Counters } {
  const c = new Counters();
  const pv = getProfile('intel-modern').pv;
  // no XPTI in this test: the entry and exit hooks do nothing
  const cr3 = { enter(): void {}, exit(): void {} };
  const calls = new Hypercalls(c, pv, cr3 as never);
  return { mc: new MulticallBatcher(calls, c, pv, 32), c };
}

test('xen_extend_mmuext_op merges into the last entry; xen_mc_entry (INVLPG_LOCAL, TLB_FLUSH_LOCAL) never does', () => {
  const merged = batcher();
  merged.mc.enterLazy();
  merged.mc.submit('mmuext_op', 'mmuext-op', 0, MMUEXT_OP_BYTES);
  merged.mc.submit('mmuext_op', 'mmuext-op', 0, MMUEXT_OP_BYTES);
  merged.mc.leaveLazy();
  // one entry carrying 2 requests: issued as a single mmuext_op hypercall
  assert.deepEqual(merged.c.snapshot().hypercalls.byOp, { mmuext_op: 1 });
  const apart = batcher();
  apart.mc.enterLazy();
  apart.mc.submit('mmuext_op', 'mmuext-op', 0, MMUEXT_OP_BYTES, false);
  apart.mc.submit('mmuext_op', 'mmuext-op', 0, MMUEXT_OP_BYTES, false);
  apart.mc.leaveLazy();
  // two entries: a multicall
  assert.deepEqual(apart.c.snapshot().hypercalls.byOp, { multicall: 1 });
  assert.equal(apart.c.snapshot().events.multicallEntries, 2);
});
