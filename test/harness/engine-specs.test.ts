import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitEngineList } from '../../harness/engine-specs.ts';
import { UsageError } from '../../harness/errors.ts';

test('options after a colon stay with their engine across commas', () => {
  assert.deepEqual(splitEngineList('native,xen,kvm:mmu=shadow,io=emulated,xen:pcid=on'), [
    'native', 'xen', 'kvm:mmu=shadow,io=emulated', 'xen:pcid=on',
  ]);
});

test('an option before any engine or an empty entry is a usage error', () => {
  assert.throws(() => splitEngineList('mmu=shadow,kvm'), UsageError);
  assert.throws(() => splitEngineList('native,,kvm'), /empty entry/);
});
