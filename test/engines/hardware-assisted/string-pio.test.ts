import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pioExitsPerInstruction } from '../../../engines/hardware-assisted/string-pio.ts';

test('exits per IN/OUT: one for a plain access; rep ins per 1,024 bytes; rep outs per element to QEMU, per 1,024 in the kernel; one more for the re-execution at RCX 0', () => {
  // a plain access: one exit, to user space unless KVM emulates the port
  assert.deepEqual(pioExitsPerInstruction(1, 4, false, false), { exits: 1, toUserSpace: 1 });
  assert.deepEqual(pioExitsPerInstruction(1, 1, true, true), { exits: 1, toUserSpace: 0 });
  // 512 words = 1,024 bytes: one read-ahead to user space, then the re-executed instruction at RCX 0: 2 exits
  assert.deepEqual(pioExitsPerInstruction(512, 2, false, false), { exits: 2, toUserSpace: 1 });
  // 1,025 bytes from an in-kernel port: 2 read-aheads + the final one, none to user space
  assert.deepEqual(pioExitsPerInstruction(1025, 1, false, true), { exits: 3, toUserSpace: 0 });
  // micro/pio-string's 4 KiB rep insb from fw_cfg (and 1,024 dwords alike): 4 chunks to QEMU + 1 = 5 exits,
  // the count L1's kvm_exit recorded on kvm-qemu (5,000 for 1,000 instructions; the VMM saw 4,000)
  assert.deepEqual(pioExitsPerInstruction(4096, 1, false, false), { exits: 5, toUserSpace: 4 });
  assert.deepEqual(pioExitsPerInstruction(1024, 4, false, false), { exits: 5, toUserSpace: 4 });
  // rep outsl of 100 to QEMU: a KVM_EXIT_IO and a re-entry per element, then the one at RCX 0
  assert.deepEqual(pioExitsPerInstruction(100, 4, true, false), { exits: 101, toUserSpace: 100 });
  // rep outsw of 2,048 to an in-kernel port: re-entries at RCX 1,024 and 0 after the first exit: 3; of 2,049,
  // at 2,048, 1,024 and 0: 4
  assert.deepEqual(pioExitsPerInstruction(2048, 2, true, true), { exits: 3, toUserSpace: 0 });
  assert.deepEqual(pioExitsPerInstruction(2049, 2, true, true), { exits: 4, toUserSpace: 0 });
});
