import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pioExitsPerInstruction } from '../../../engines/hardware-assisted/string-pio.ts';

test('exits per IN/OUT: one for a plain access; rep ins per 1,024 bytes; rep outs per element to QEMU, per 1,024 in the kernel', () => {
  assert.equal(pioExitsPerInstruction(1, 4, false, false), 1);
  assert.equal(pioExitsPerInstruction(1, 1, true, true), 1);
  // 1,024 bytes exactly, then one byte more
  assert.equal(pioExitsPerInstruction(512, 2, false, false), 1);
  assert.equal(pioExitsPerInstruction(1025, 1, false, true), 2);
  // 4 KiB of dwords: 4 chunks of 1,024 bytes
  assert.equal(pioExitsPerInstruction(1024, 4, false, false), 4);
  assert.equal(pioExitsPerInstruction(100, 4, true, false), 100);
  assert.equal(pioExitsPerInstruction(2048, 2, true, true), 2);
});
