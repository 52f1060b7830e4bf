// Where the VMM lets a KVM_EXIT_IO's data lie (engines/kvm-host/vmm/devices/pio-data.c): a string PIO's count
// is the guest's RCX as far as KVM passes it through, so a hostile guest's size × count or a bad data_offset
// must be refused before any device touches the kvm_run mapping. The harness's mapping is 3 pages (12,288
// bytes: kvm_run, the pio_data page at 4,096, the coalesced MMIO ring).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCase, skip } from './port-io-harness.ts';

test('size × count and data_offset must lie inside the kvm_run mapping, counted in 64 bits', { skip }, () => {
  const r = runCase('bounds') as Record<string, [number, number, number]>;
  // [accepted, bytes, offset of the data]: a 4 KiB rep insb's read-ahead of a page fits at 4,096
  assert.deepEqual(r.page, [1, 4096, 4096]);
  // 2,048 dwords = 8,192 bytes end exactly at 4,096 + 8,192 = 12,288, the mapping's end
  assert.deepEqual(r['to-end'], [1, 8192, 4096]);
  // 8,193 bytes from 4,096 end one byte past it
  assert.deepEqual(r['past-end'], [0, 0, -1]);
  // an offset past the mapping, even with one byte
  assert.deepEqual(r['offset-out'], [0, 0, -1]);
  // no bytes at the very end: nothing outside is touched
  assert.deepEqual(r['offset-at-end'], [1, 0, 12288]);
  // 4 × 0x40000001 = 0x100000004 bytes, which a 32-bit product would wrap to 4 and accept
  assert.deepEqual(r.wrap, [0, 0, -1]);
});
