// Host backing of guest-physical memory through EPT. Guest memory gets host memory the first time the guest
// touches it: the access finds no EPT entry, exits with EPT_VIOLATION, and KVM faults the host page in and
// writes the EPT leaf (kvm_tdp_page_fault). The leaf is as large as the host mapping behind it: 4 KiB, or
// 2 MiB when a transparent huge page backs the block (the caller decides), so nested walks end one level
// early on the EPT side. Frames stay backed when the guest frees and reuses them.
import { PageTables } from '../machine/page-table.ts';
import { EPT_FORMAT, EPT_R, EPT_W, EPT_X, PAGES_PER_SIZE } from '../machine/pte.ts';
import type { PageSizeCode } from '../machine/types.ts';
import type { SparsePhysicalMemory } from '../machine/physical-memory.ts';
import { FrameBitmap } from './frame-bitmap.ts';

export class EptBacking {
  readonly root: number;
  private readonly tables: PageTables;
  private readonly backed = new FrameBitmap();

  constructor(private readonly host: SparsePhysicalMemory) {
    this.tables = new PageTables(host, EPT_FORMAT);
    this.root = host.allocFrame();
  }

  isBacked(gfn: number): boolean {
    return this.backed.has(gfn);
  }

  /** back `frames` guest frames from `gfn` (1, or a whole aligned huge page) with one EPT leaf */
  back(gfn: number, frames: number): void {
    const size: PageSizeCode = frames === PAGES_PER_SIZE[2] ? 2 : frames === PAGES_PER_SIZE[1] ? 1 : 0;
    const hostFrame = size === 0 ? this.host.allocFrame() : this.host.allocContiguous(frames);
    this.tables.map(this.root, gfn * 4096, hostFrame, size, EPT_R | EPT_W | EPT_X, 0);
    this.backed.add(gfn, frames);
  }
}
