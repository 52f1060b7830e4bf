import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparsePhysicalMemory } from '../../../engines/machine/physical-memory.ts';
import { PageTables } from '../../../engines/machine/page-table.ts';
import { EPT_FORMAT, EPT_R, EPT_W, EPT_X } from '../../../engines/machine/pte.ts';

test('unwritten frames read as zero and take no storage', () => {
  const mem = new SparsePhysicalMemory();
  const f = mem.allocFrame();
  assert.equal(mem.readLo(f, 7), 0);
  assert.equal(mem.readHi(f, 7), 0);
  assert.equal(mem.framesAllocated, 1);
  assert.equal(mem.framesStored, 0);
  mem.write(f, 7, 0xdeadbeef, 0x80000001);
  assert.equal(mem.readLo(f, 7), 0xdeadbeef);
  assert.equal(mem.readHi(f, 7), 0x80000001);
  assert.equal(mem.readLo(f, 6), 0);
  mem.setLoBits(f, 7, 0x10);
  assert.equal(mem.readLo(f, 7), 0xdeadbeff);
  assert.equal(mem.framesStored, 1);
});

test('freed frames are reused and come back zeroed', () => {
  const mem = new SparsePhysicalMemory();
  const a = mem.allocFrame();
  mem.write(a, 0, 5, 6);
  mem.freeFrame(a);
  assert.equal(mem.framesAllocated, 0);
  assert.equal(mem.framesStored, 0);
  const b = mem.allocFrame();
  assert.equal(b, a);
  assert.equal(mem.readLo(b, 0), 0);
  const c = mem.allocFrame();
  mem.write(c, 1, 1, 1); // reuses the freed storage slot, which must be zero elsewhere
  assert.equal(mem.readLo(c, 0), 0);
});

test('contiguous ranges are aligned and the gap is not lost', () => {
  const mem = new SparsePhysicalMemory();
  mem.allocFrame();
  const base = mem.allocContiguous(512);
  assert.equal(base % 512, 0);
  assert.equal(base, 512);
  assert.equal(mem.allocFrame(), 511, 'gap frames go to the free list');
  assert.throws(() => mem.allocContiguous(3));
});

test('a 64 GiB guest mapped by EPT with 2 MiB pages stays small', () => {
  const host = new SparsePhysicalMemory();
  const ept = new PageTables(host, EPT_FORMAT);
  const root = host.allocFrame();
  const GiB = 2 ** 30;
  for (let gpa = 0; gpa < 64 * GiB; gpa += 2 ** 21) {
    const backing = host.allocContiguous(512);
    ept.map(root, gpa, backing, 1, EPT_R | EPT_W | EPT_X, 0);
  }
  assert.equal(host.framesAllocated, 64 * 512 * 512 + 1 + 1 + 64);
  // PML4 + PDPT + 64 PDs: the 16 M backing frames hold no storage
  assert.equal(host.framesStored, 66);
  assert.ok(host.bytesUsed < 2 * 2 ** 20, `bytesUsed ${host.bytesUsed} < 2 MiB`);
  assert.ok(ept.read(root, 63 * GiB + 4096 * 3));
  assert.equal(ept.size, 1);
});
