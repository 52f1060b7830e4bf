// Software operations on 4-level tables held in simulated memory: what a kernel does to its page tables and a
// hypervisor to EPT or shadow tables. One mechanism for every layout, parameterised by EntryFormat (x86-64,
// EPT, and PAE's 3 levels below a 4-entry PDPT). Every
// entry write and every new or freed table goes through a TableWriter, so the paravirtual engine can turn
// writes into validated mmu_update hypercalls and pin new tables, and shadow paging can trap them.
import type { EntryFormat, PageSizeCode, PhysicalMemory } from './types.ts';
import { entryFrame, entryHi, entryLo, FLAG_MASK, LEAF_LEVEL, LEVEL_SPAN, tableIndex } from './pte.ts';

/** how table memory is changed; the default writes straight into memory */
export interface TableWriter {
  /** a zeroed frame for a new table at `level` (3 = PDPT, 2 = PD, 1 = PT) */
  allocTable(level: number): number;
  writeEntry(tableFrame: number, index: number, lo: number, hi: number): void;
  /** a table at `level` became empty and was unlinked from its parent */
  freeTable(frame: number, level: number): void;
}

/** native kernels and the hypervisor's own EPT: plain stores into memory */
export class DirectTableWriter implements TableWriter {
  constructor(private readonly mem: PhysicalMemory) {}
  allocTable(_level: number): number {
    return this.mem.allocFrame();
  }
  writeEntry(tableFrame: number, index: number, lo: number, hi: number): void {
    this.mem.write(tableFrame, index, lo, hi);
  }
  freeTable(frame: number, _level: number): void {
    this.mem.freeFrame(frame);
  }
}

/** free_pgtables' limits: the gap between the neighbouring VMAs, and whether the root's tables stay (PAE) */
export interface FreeBounds {
  floor: number;
  ceiling: number;
  keepRootChildren: boolean;
}

/** called once per present leaf by forEachLeaf; the visitor may rewrite the entry through the writer */
export interface LeafVisitor {
  leaf(tableFrame: number, index: number, va: number, size: PageSizeCode, lo: number, hi: number): void;
}

export class PageTables {
  // results of locate() and read(), reused
  /** table holding the located entry */
  tableFrame = 0;
  index = 0;
  /** read(): the leaf entry and its page size */
  lo = 0;
  hi = 0;
  size: PageSizeCode = 0;

  constructor(
    private readonly mem: PhysicalMemory,
    private readonly format: EntryFormat,
    private readonly writer: TableWriter = new DirectTableWriter(mem),
  ) {}

  /**
   * Find the table at `level` covering `va` below `root`; with `create`, missing tables on the way are
   * allocated and linked through the writer. Sets `tableFrame` and `index`. Returns false when a table is
   * missing (without `create`) or a huge leaf covers `va` above `level`.
   */
  locate(root: number, va: number, level: number, create: boolean): boolean {
    const f = this.format;
    let table = root;
    for (let l: number = f.levels; l > level; l--) {
      const i = tableIndex(va, l);
      const lo = this.mem.readLo(table, i);
      if ((lo & f.present) === 0) {
        if (!create) return false;
        const child = this.writer.allocTable(l - 1);
        this.writer.writeEntry(table, i, entryLo(child, l === f.levels ? f.rootTableFlags : f.tableFlags), entryHi(child, 0));
        table = child;
        continue;
      }
      if ((lo & f.pageSize) !== 0) {
        if (create) throw new Error(`page-table: a huge leaf at level ${l} covers 0x${va.toString(16)}`);
        return false;
      }
      table = entryFrame(lo, this.mem.readHi(table, i));
    }
    this.tableFrame = table;
    this.index = tableIndex(va, level);
    return true;
  }

  /**
   * Map the page of `size` at `va` (aligned) to `frame` (its first 4 KiB frame) with leaf `flags` (bits 0–11;
   * present and, for huge pages, page-size are added) and `hiFlags` (NX). Intermediate tables are created.
   */
  map(root: number, va: number, frame: number, size: PageSizeCode, flags: number, hiFlags: number): void {
    const f = this.format;
    const level = LEAF_LEVEL[size];
    if (va % LEVEL_SPAN[level] !== 0) throw new Error(`page-table: 0x${va.toString(16)} not aligned to its page size`);
    if (level >= f.levels) throw new Error(`page-table: no ${LEVEL_SPAN[level] / 2 ** 20} MiB pages in ${f.levels}-level paging`);
    this.locate(root, va, level, true);
    const existing = this.mem.readLo(this.tableFrame, this.index);
    if (level > 1 && (existing & f.present) !== 0 && (existing & f.pageSize) === 0) {
      throw new Error(`page-table: a table already maps part of the huge page at 0x${va.toString(16)}`);
    }
    const leafFlags = (flags & FLAG_MASK) | f.present | (level > 1 ? f.pageSize : 0);
    this.writer.writeEntry(this.tableFrame, this.index, entryLo(frame, leafFlags), entryHi(frame, hiFlags));
  }

  /** find the leaf mapping `va`; sets tableFrame, index, lo, hi, size. False if `va` is not mapped. */
  read(root: number, va: number): boolean {
    const f = this.format;
    let table = root;
    for (let l: number = f.levels; l >= 1; l--) {
      const i = tableIndex(va, l);
      const lo = this.mem.readLo(table, i);
      if ((lo & f.present) === 0) return false;
      const hi = this.mem.readHi(table, i);
      // a page-size bit below the root only: a PML4E's and a PAE PDPTE's bit 7 are reserved
      if (l === 1 || (l < f.levels && (lo & f.pageSize) !== 0)) {
        this.tableFrame = table;
        this.index = i;
        this.lo = lo;
        this.hi = hi;
        this.size = (l - 1) as PageSizeCode;
        return true;
      }
      table = entryFrame(lo, hi);
    }
    return false;
  }

  /** visit every present leaf whose page starts in [start, end) (fork's copy, munmap's teardown) */
  forEachLeaf(root: number, start: number, end: number, visitor: LeafVisitor): void {
    this.visit(root, this.format.levels, 0, start, end, visitor);
  }

  /**
   * free_pgd_range (Linux mm/memory.c): unlink and free every table below `root` that maps part of [start, end)
   * and whose whole span lies inside [bounds.floor, bounds.ceiling) — the gap between the neighbouring VMAs —
   * once its entries are all zero; with `keepRootChildren`, the tables the root links stay (PAE PMDs live as
   * long as their PGD). Returns the number of tables freed. The caller invalidates TLBs / paging-structure
   * caches afterwards.
   */
  freeEmptyTables(root: number, start: number, end: number, bounds: FreeBounds): number {
    return this.prune(root, this.format.levels, 0, start, end, bounds);
  }

  private visit(table: number, level: number, base: number, start: number, end: number, visitor: LeafVisitor): void {
    const f = this.format;
    const span = LEVEL_SPAN[level];
    const first = start > base ? Math.floor((start - base) / span) : 0;
    const last = Math.min(511, Math.floor((end - 1 - base) / span));
    for (let i = first; i <= last; i++) {
      const lo = this.mem.readLo(table, i);
      if ((lo & f.present) === 0) continue;
      const va = base + i * span;
      const hi = this.mem.readHi(table, i);
      if (level === 1 || (level < f.levels && (lo & f.pageSize) !== 0)) {
        if (va >= start) visitor.leaf(table, i, va, (level - 1) as PageSizeCode, lo, hi);
      } else {
        this.visit(entryFrame(lo, hi), level - 1, va, start, end, visitor);
      }
    }
  }

  private prune(table: number, level: number, base: number, start: number, end: number, bounds: FreeBounds): number {
    const f = this.format;
    const span = LEVEL_SPAN[level];
    const first = start > base ? Math.floor((start - base) / span) : 0;
    const last = Math.min(511, Math.floor((end - 1 - base) / span));
    let freed = 0;
    for (let i = first; i <= last && level > 1; i++) {
      const lo = this.mem.readLo(table, i);
      if ((lo & f.present) === 0 || (lo & f.pageSize) !== 0) continue;
      const child = entryFrame(lo, this.mem.readHi(table, i));
      const childBase = base + i * span;
      freed += this.prune(child, level - 1, childBase, start, end, bounds);
      const inGap = childBase >= bounds.floor && childBase + span <= bounds.ceiling;
      if (inGap && !(bounds.keepRootChildren && level === f.levels) && this.isEmpty(child)) {
        this.writer.writeEntry(table, i, 0, 0);
        this.writer.freeTable(child, level - 1);
        freed++;
      }
    }
    return freed;
  }

  private isEmpty(table: number): boolean {
    for (let i = 0; i < 512; i++) {
      if (this.mem.readLo(table, i) !== 0 || this.mem.readHi(table, i) !== 0) return false;
    }
    return true;
  }
}
