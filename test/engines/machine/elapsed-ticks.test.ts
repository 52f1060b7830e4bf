import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ElapsedTicks } from '../../../engines/machine/elapsed-ticks.ts';

test('ticks are handed out once: split at a phase boundary they sum to one count at the end', () => {
  // period 1000: by 2,500 guest cycles 2 ticks are due; by 4,100 floor(4.1) = 4, of which 2 are new
  const t = new ElapsedTicks(1000);
  assert.equal(t.due(2500), 2);
  assert.equal(t.due(4100), 2);
  assert.equal(t.due(4100), 0);
  assert.equal(new ElapsedTicks(1000).due(4100), 4);
});
