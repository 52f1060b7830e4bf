// Contracts of the simulated x86-64 hardware (docs/architecture.md#machine). Implementations live beside this file, one job
// each: physical-memory.ts, pte.ts, page-table.ts, tlb.ts, paging-structure-cache.ts, page-walker.ts,
// nested-walker.ts, mmu.ts. Hot paths return results through fields of a reused object, never a fresh one.
//
// Addresses and frame numbers are plain numbers: 48-bit virtual and 52-bit physical addresses fit a double
// exactly. A 64-bit table entry is two uint32 halves `lo` (bits 0–31) and `hi` (bits 32–63), so the real
// bit layout is kept (P, RW, US, A, D, PS, G in `lo`, NX = bit 63 in `hi`, frame number in bits 12–51).
import type { FlushCause, PageSize } from '../types.ts';

/** sparse physical memory of 4 KiB frames; only frames that are written get storage */
export interface PhysicalMemory {
  /** a free frame number (zero-filled when first read or written) */
  allocFrame(): number;
  /** `count` contiguous frames aligned to `count` (a power of two): the backing of a 2 MiB / 1 GiB page */
  allocContiguous(count: number): number;
  freeFrame(frame: number): void;
  /** low / high 32 bits of 64-bit entry `index` (0–511) of `frame` */
  readLo(frame: number, index: number): number;
  readHi(frame: number, index: number): number;
  write(frame: number, index: number, lo: number, hi: number): void;
  /** OR `bits` into the low half of an entry (how walks set Accessed/Dirty) */
  setLoBits(frame: number, index: number, bits: number): void;
  /** frames handed out and not freed */
  readonly framesAllocated: number;
  /** frames that have storage behind them (written at least once) */
  readonly framesStored: number;
}

/** page size code used in typed arrays: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB */
export type PageSizeCode = 0 | 1 | 2;
export const PAGE_SIZE_CODE: Record<PageSize, PageSizeCode> = { '4k': 0, '2m': 1, '1g': 2 };

/** set-associative two-level TLB with LRU, entries tagged with PCID and VPID, global entries */
export interface Tlb {
  /**
   * Look up the page containing virtual page number `vpn` (va / 4096) in address space (pcid, vpid).
   * On a hit returns true and leaves the translation in `frame` (the 4 KiB frame of `vpn` itself),
   * `flags` and `hitLevel` (1 or 2).
   */
  lookup(vpn: number, pcid: number, vpid: number): boolean;
  readonly frame: number;
  readonly flags: number;
  readonly hitLevel: number;
  /** insert a translation; `frame` is the first 4 KiB frame of the page; `flags` use the PTE bit layout */
  fill(vpn: number, size: PageSizeCode, pcid: number, vpid: number, frame: number, flags: number): void;
  /** INVLPG: drop every entry (global too) covering `vpn` in `vpid` — counted as scope `single` */
  invalidatePage(vpn: number, pcid: number, vpid: number, cause: FlushCause): void;
  /** MOV CR3 without PCID: drop non-global entries of `vpid` — scope `nonGlobal` */
  flushNonGlobal(vpid: number, cause: FlushCause): void;
  /** drop the entries of one tag: one PCID of a VPID, or (pcid < 0) a whole VPID — scope `tagged` */
  flushTag(pcid: number, vpid: number, cause: FlushCause): void;
  /** drop everything, global entries included — scope `full` */
  flushAll(cause: FlushCause): void;
  /**
   * MOV to CR4 setting CR4.PGE to `on`. With PGE clear the G bit of a translation is ignored (entries filled
   * then are not global, so a CR3 write drops them); a write that changes PGE flushes everything, globals
   * included (SDM Vol. 3 §4.10.4.1) — counted as scope `full` with `cause`. Starts on (Linux sets PGE at boot).
   */
  setPge(on: boolean, cause: FlushCause): void;
  /** valid entries, for tests */
  readonly size: number;
}

/** the bit layout of one kind of table: x86-64 PTEs, or EPT entries (R/W/X, PS at bit 7, A/D at 8/9) */
export interface EntryFormat {
  present: number;
  writable: number;
  /** user-accessible bit; 0 for EPT */
  user: number;
  accessed: number;
  dirty: number;
  pageSize: number;
  /** flags of a non-leaf entry that software creates (x86: P|RW|US; EPT: R|W|X) */
  tableFlags: number;
  /** levels of the table tree: 4 (PML4 root; x86-64 and EPT), or 3 for PAE paging, whose root is a 4-entry
   *  PDPT the processor loads into its PDPTE registers on every MOV to CR3 (Intel SDM Vol. 3 §4.4.1) */
  levels: 3 | 4;
  /** flags of an entry of the root table that links a table: tableFlags, except under PAE, where a PDPTE
   *  has only P (bits 1, 2 and 5–8 are reserved, SDM Vol. 3 Table 4-8) */
  rootTableFlags: number;
}

/** result fields of a walk, reused across walks */
export interface WalkResult {
  /** 4 KiB frame of the accessed address (the huge page's base frame + offset, for huge pages) */
  frame: number;
  size: PageSizeCode;
  /** effective permission flags of the leaf, in the guest format */
  flags: number;
  /** memory references this walk made */
  refs: number;
  /** of `refs`, those that read second-dimension (EPT/NPT) tables: the nested part of a 2-D walk */
  nestedRefs: number;
  /** 0 = ok; otherwise one of the FAULT_* codes */
  fault: number;
  /** guest-physical address that faulted in the second dimension (FAULT_EPT_*) */
  faultGpa: number;
}

export const FAULT_NONE = 0;
/** guest page fault: a table entry on the path is not present */
export const FAULT_NOT_PRESENT = 1;
/** guest page fault: present but the access is not permitted (write to read-only, user to supervisor) */
export const FAULT_PROTECTION = 2;
/** second dimension: guest-physical address has no EPT mapping (EPT_VIOLATION) */
export const FAULT_EPT_VIOLATION = 3;

/** one-dimensional walker over a 4-level (or PAE 3-level) table, with paging-structure caches */
export interface PageWalker {
  readonly result: WalkResult;
  /** walk `va` from table root frame `root`; sets A (and D on write); `tag` selects PWC entries (PCID/VPID) */
  walk(root: number, va: number, write: boolean, user: boolean, tag: number): WalkResult;
}

/** two-dimensional walker: guest tables in guest-physical memory, each gPA translated through EPT */
export interface NestedWalker {
  readonly result: WalkResult;
  walk(guestRoot: number, eptRoot: number, va: number, write: boolean, user: boolean, tag: number): WalkResult;
}
