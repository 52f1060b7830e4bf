// The VMM's fw_cfg data port (engines/kvm-host/vmm/devices/fw-cfg.c), which micro/pio-string reads with rep
// insb: the item selected at reset is FW_CFG_SIGNATURE, "QEMU", and reads past its end give zeros, as QEMU's
// hw/nvram/fw_cfg.c does; writes change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCase, skip } from './port-io-harness.ts';

test('reads give "QEMU" then zeros across read-ahead chunks; an OUTSB moves nothing', { skip }, () => {
  const r = runCase('fw-cfg') as Record<string, unknown>;
  // chunk 1 (1,024 bytes): "QEMU" then zeros, so its bytes sum to 'Q' 81 + 'E' 69 + 'M' 77 + 'U' 85 = 312;
  // chunks 2 (1,024) and 3 (2) are past the item's end: 0
  assert.equal(r.head, 'QEMU');
  assert.deepEqual(r.afterSignature, [0, 0]);
  assert.deepEqual(r.sums, [312, 0, 0]);
  // the OUTSB's 4 bytes (0x5a = 90) stay as the guest wrote them and the item's offset stays at 1,024 +
  // 1,024 + 2 = 2,050
  assert.equal(r.outLeft, 90);
  assert.equal(r.offsetAfterOut, 2050);
  // one more IN: a zero, offset 2,051; five accesses in all (3 reads, the write, the read)
  assert.equal(r.lastIn, 0);
  assert.equal(r.offset, 2051);
  assert.equal(r.accesses, 5);
});
