import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparsePhysicalMemory } from '../../../engines/machine/physical-memory.ts';
import { DirectTableWriter, PageTables, type LeafVisitor } from '../../../engines/machine/page-table.ts';
import { entryFrame, PAE_FORMAT, PTE_P, PTE_PS, PTE_RW, PTE_US, X86_FORMAT } from '../../../engines/machine/pte.ts';

/** a writer that records what it is asked to do, as the PV engine's mmu_update path would */
class RecordingWriter extends DirectTableWriter {
  writes = 0;
  tables: number[] = [];
  freed: number[] = [];
  override allocTable(level: number): number {
    this.tables.push(level);
    return super.allocTable(level);
  }
  override writeEntry(t: number, i: number, lo: number, hi: number): void {
    this.writes++;
    super.writeEntry(t, i, lo, hi);
  }
  override freeTable(frame: number, level: number): void {
    this.freed.push(level);
    super.freeTable(frame, level);
  }
}

test('map creates intermediate tables through the writer, read finds the leaf', () => {
  const mem = new SparsePhysicalMemory();
  const w = new RecordingWriter(mem);
  const pt = new PageTables(mem, X86_FORMAT, w);
  const root = mem.allocFrame();
  pt.map(root, 0x40_0000_0000, 1234, 0, PTE_RW | PTE_US, 0);
  assert.deepEqual(w.tables, [3, 2, 1]);
  assert.equal(w.writes, 4);
  assert.ok(pt.read(root, 0x40_0000_0000 + 100));
  assert.equal(pt.size, 0);
  assert.equal(entryFrame(pt.lo, pt.hi), 1234);
  assert.equal(pt.lo & 0xfff, PTE_P | PTE_RW | PTE_US);
  assert.ok(!pt.read(root, 0x40_0000_1000));
  // a second page in the same PT creates nothing new
  pt.map(root, 0x40_0000_1000, 99, 0, PTE_RW, 0);
  assert.equal(w.tables.length, 3);
});

test('huge leaves set PS, stop the walk, and block 4 KiB maps beneath them', () => {
  const mem = new SparsePhysicalMemory();
  const pt = new PageTables(mem, X86_FORMAT);
  const root = mem.allocFrame();
  pt.map(root, 2 ** 21, 512, 1, PTE_RW, 0);
  assert.ok(pt.read(root, 2 ** 21 + 5 * 4096));
  assert.equal(pt.size, 1);
  assert.ok((pt.lo & PTE_PS) !== 0);
  assert.throws(() => pt.map(root, 2 ** 21 + 4096, 7, 0, PTE_RW, 0), /huge leaf/);
  assert.throws(() => pt.map(root, 4096, 7, 1, PTE_RW, 0), /aligned/);
  pt.map(root, 2 ** 30, 2 ** 18, 2, PTE_RW, 0);
  assert.ok(pt.read(root, 2 ** 30 + 2 ** 29));
  assert.equal(pt.size, 2);
});

test('forEachLeaf visits exactly the leaves in range; freeEmptyTables prunes what is empty', () => {
  const mem = new SparsePhysicalMemory();
  const w = new RecordingWriter(mem);
  const pt = new PageTables(mem, X86_FORMAT, w);
  const root = mem.allocFrame();
  const base = 0x1000_0000;
  for (let i = 0; i < 600; i++) pt.map(root, base + i * 4096, 1000 + i, 0, PTE_RW, 0);
  pt.map(root, 0x8000_0000, 4096, 1, PTE_RW, 0);
  const seen: number[] = [];
  const clear: LeafVisitor = {
    leaf(table, index, va) {
      seen.push(va);
      w.writeEntry(table, index, 0, 0);
    },
  };
  pt.forEachLeaf(root, base + 4096, base + 600 * 4096, clear);
  assert.equal(seen.length, 599);
  assert.equal(seen[0], base + 4096);
  assert.equal(seen[598], base + 599 * 4096);
  const stored = mem.framesStored;
  // the first PT still holds page 0, the second PT (pages 512..599) is now empty
  assert.equal(pt.freeEmptyTables(root, base, base + 600 * 4096, { floor: 0, ceiling: 2 ** 48, keepRootChildren: false }), 1);
  assert.deepEqual(w.freed, [1]);
  assert.equal(mem.framesStored, stored - 1);
  assert.ok(pt.read(root, base));
  const all: number[] = [];
  pt.forEachLeaf(root, 0, 2 ** 48, { leaf: (_t, _i, va) => all.push(va) });
  assert.deepEqual(all, [base, 0x8000_0000]);
});

test('freeEmptyTables frees a table only when the whole range it maps lies between floor and ceiling (free_pgd_range)', () => {
  const unmapOne = (floor: number, ceiling: number): number[] => {
    const mem = new SparsePhysicalMemory();
    const w = new RecordingWriter(mem);
    const pt = new PageTables(mem, X86_FORMAT, w);
    const root = mem.allocFrame();
    // one page at 0x7f00_0040_0000: PML4 slot 254, PDPT slot 0, PD slot 2 — a PDPT, a PD and a PT
    const va = 254 * 2 ** 39 + 4 * 2 ** 20;
    pt.map(root, va, 9, 0, PTE_RW, 0);
    pt.forEachLeaf(root, va, va + 4096, { leaf: (t, i) => w.writeEntry(t, i, 0, 0) });
    pt.freeEmptyTables(root, va, va + 4096, { floor, ceiling, keepRootChildren: false });
    return w.freed;
  };
  // no neighbour at all (floor 0, ceiling the top): PT, PD and PDPT go, as for a lone VMA on Linux
  assert.equal(unmapOne(0, 2 ** 47).length, 3);
  // a VMA ending 2 MiB below (in the same GiB): the PT's 2 MiB is inside the gap, the PD's 1 GiB and the
  // PDPT's 512 GiB start below the floor: 1 table
  assert.equal(unmapOne(254 * 2 ** 39 + 2 * 2 ** 20, 2 ** 47).length, 1);
  // a VMA starting right after the page, inside its 2 MiB: not even the PT goes
  assert.equal(unmapOne(0, 254 * 2 ** 39 + 4 * 2 ** 20 + 8192).length, 0);
});

test('PAE tables: 3 levels below a 4-entry PDPT whose entries hold P only; no 1 GiB pages', () => {
  const mem = new SparsePhysicalMemory();
  const t = new PageTables(mem, PAE_FORMAT);
  const root = mem.allocFrame();
  // 0xbffff000, the last user page of the 3G/1G split: PDPT slot 2, PD slot 511, PT slot 511
  t.map(root, 0xbfff_f000, 77, 0, PTE_RW | PTE_US, 0);
  assert.equal(mem.readLo(root, 2) & 0xfff, PTE_P);
  assert.ok(t.read(root, 0xbfff_f000));
  assert.deepEqual([t.index, t.size, t.lo >>> 12], [511, 0, 77]);
  // root + PD + PT: 3 tables, the walk a 4-level layout would need (a PML4 above) is absent
  assert.equal(mem.framesAllocated, 3);
  const seen: number[] = [];
  t.forEachLeaf(root, 0, 2 ** 32, { leaf: (_t, _i, va) => { seen.push(va); } });
  assert.deepEqual(seen, [0xbfff_f000]);
  assert.throws(() => t.map(root, 0, 0, 2, PTE_RW, 0), /no 1024 MiB pages in 3-level paging/);
});
