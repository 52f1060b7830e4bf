import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  entryFrame, entryHi, entryLo, tableIndex, PTE_A, PTE_D, PTE_G, PTE_NX_HI, PTE_P, PTE_PS, PTE_RW, PTE_US,
  X86_FORMAT, EPT_FORMAT,
} from '../../../engines/machine/pte.ts';

test('x86-64 bits sit where the SDM puts them', () => {
  assert.deepEqual([PTE_P, PTE_RW, PTE_US, PTE_A, PTE_D, PTE_PS, PTE_G], [1, 2, 4, 32, 64, 128, 256]);
  assert.equal(PTE_NX_HI, 2 ** 31);
  assert.deepEqual(
    [EPT_FORMAT.present, EPT_FORMAT.writable, EPT_FORMAT.pageSize, EPT_FORMAT.accessed, EPT_FORMAT.dirty],
    [1, 2, 128, 256, 512],
  );
  assert.equal(X86_FORMAT.user, 4);
  assert.equal(EPT_FORMAT.user, 0);
});

test('frame numbers span bits 12–51 across both halves', () => {
  const frame = 2 ** 39 + 0x12345; // a 51-bit physical address
  const lo = entryLo(frame, PTE_P | PTE_RW);
  const hi = entryHi(frame, PTE_NX_HI);
  assert.equal(lo, ((0x12345 << 12) | 3) >>> 0);
  assert.equal(hi, (2 ** 19 | 2 ** 31) >>> 0);
  assert.equal(entryFrame(lo, hi), frame);
  assert.equal(entryFrame(entryLo(0xfffff, 0), entryHi(0xfffff, 0)), 0xfffff);
});

test('table indexes per level, including the upper half', () => {
  const va = 0x7fff_ffff_f000 + 0x123; // top of the lower half
  assert.deepEqual([4, 3, 2, 1].map((l) => tableIndex(va, l)), [255, 511, 511, 511]);
  const k = 2 ** 47 + 5 * 2 ** 30 + 7 * 2 ** 21 + 9 * 4096;
  assert.deepEqual([4, 3, 2, 1].map((l) => tableIndex(k, l)), [256, 5, 7, 9]);
});
