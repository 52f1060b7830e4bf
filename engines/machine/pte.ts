// The real x86-64 table-entry layouts (Intel SDM Vol. 3, Tables 4-14 … 4-20 for 4-level paging, Tables 29-1 …
// 29-6 for EPT), kept in two uint32 halves: `lo` = bits 0–31, `hi` = bits 32–63. The frame number occupies
// bits 12–51: its low 20 bits in lo[31:12], its high 20 bits in hi[19:0]. Virtual addresses are 48-bit
// numbers in [0, 2^48); the upper (kernel) half is 2^47 and above, without sign extension.
import type { EntryFormat } from './types.ts';

// x86-64 paging entry bits (low half)
export const PTE_P = 1 << 0;
export const PTE_RW = 1 << 1;
export const PTE_US = 1 << 2;
export const PTE_PWT = 1 << 3;
export const PTE_PCD = 1 << 4;
export const PTE_A = 1 << 5;
export const PTE_D = 1 << 6;
/** page size: set in a PDPTE (1 GiB) or PDE (2 MiB) that maps a page instead of a table */
export const PTE_PS = 1 << 7;
export const PTE_G = 1 << 8;
/** execute-disable, bit 63 = bit 31 of the high half */
export const PTE_NX_HI = 0x80000000;

// EPT entry bits (low half)
export const EPT_R = 1 << 0;
export const EPT_W = 1 << 1;
export const EPT_X = 1 << 2;
export const EPT_PS = 1 << 7;
export const EPT_A = 1 << 8;
export const EPT_D = 1 << 9;

/** low-half bits that are flags, not frame (bits 0–11) */
export const FLAG_MASK = 0xfff;
const FRAME_LO_BITS = 20;
const FRAME_LO_SPAN = 1 << FRAME_LO_BITS;
const FRAME_HI_MASK = 0xfffff;

export const X86_FORMAT: EntryFormat = {
  present: PTE_P,
  writable: PTE_RW,
  user: PTE_US,
  accessed: PTE_A,
  dirty: PTE_D,
  pageSize: PTE_PS,
  // non-leaf entries the kernel creates: present, writable, user — permissions are decided at the leaf
  tableFlags: PTE_P | PTE_RW | PTE_US,
  levels: 4,
  rootTableFlags: PTE_P | PTE_RW | PTE_US,
};

/**
 * PAE paging (Intel SDM Vol. 3 §4.4): the same 64-bit entries (Tables 4-9 … 4-11 match the 4-level PDE and
 * PTE), 512 to a directory or table, below a root of 4 PDPTEs indexed by address bits 31:30 (tableIndex at
 * level 3 gives 0–3 for a 32-bit address). A PDPTE has only P (Linux pgalloc.h pud_populate under PAE:
 * "almost everything apart from _PAGE_PRESENT is reserved at the pmd (PDPT) level").
 */
export const PAE_FORMAT: EntryFormat = { ...X86_FORMAT, levels: 3, rootTableFlags: PTE_P };

export const EPT_FORMAT: EntryFormat = {
  // an EPT entry is present when any of R/W/X is set; reads need R, so R stands for "present"
  present: EPT_R,
  writable: EPT_W,
  user: 0,
  accessed: EPT_A,
  dirty: EPT_D,
  pageSize: EPT_PS,
  tableFlags: EPT_R | EPT_W | EPT_X,
  levels: 4,
  rootTableFlags: EPT_R | EPT_W | EPT_X,
};

/** low half of an entry mapping `frame` with `flags` (bits 0–11) */
export function entryLo(frame: number, flags: number): number {
  return (((frame % FRAME_LO_SPAN) << 12) | (flags & FLAG_MASK)) >>> 0;
}

/** high half of an entry mapping `frame`; `hiFlags` carries NX (PTE_NX_HI) */
export function entryHi(frame: number, hiFlags: number): number {
  return ((Math.floor(frame / FRAME_LO_SPAN) & FRAME_HI_MASK) | hiFlags) >>> 0;
}

/** frame number held in an entry */
export function entryFrame(lo: number, hi: number): number {
  return (lo >>> 12) + (hi & FRAME_HI_MASK) * FRAME_LO_SPAN;
}

/** the 9-bit table index of `va` at `level` (4 = PML4 … 1 = PT; at level 3 under PAE, 0–3) */
export function tableIndex(va: number, level: number): number {
  return Math.floor(va / LEVEL_SPAN[level]) & 511;
}

/** bytes mapped by one entry at each level: [_, 4 KiB, 2 MiB, 1 GiB, 512 GiB] */
export const LEVEL_SPAN: readonly number[] = [0, 4096, 2 ** 21, 2 ** 30, 2 ** 39];
/** 4 KiB pages covered by one leaf of each page-size code (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB) */
export const PAGES_PER_SIZE: readonly number[] = [1, 512, 512 * 512];
/** table level holding the leaf of each page-size code */
export const LEAF_LEVEL: readonly number[] = [1, 2, 3];
