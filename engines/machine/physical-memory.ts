// Sparse physical memory of 4 KiB frames. Only frames that are written get storage, so a 64 GiB guest whose
// data pages are allocated but never written as tables costs almost nothing: the simulator stores page-table
// contents, not data. Frame numbers are handed out densely from 0, so a two-level directory (4,096 frames per
// leaf array) maps a frame to its storage slot with two array loads and no hashing.
import type { PhysicalMemory } from './types.ts';

const ENTRIES = 512;
/** uint32 words per frame: 512 entries × (lo, hi) */
const WORDS = ENTRIES * 2;
const DIR_SHIFT = 12;
const DIR_MASK = (1 << DIR_SHIFT) - 1;
/** frames per storage chunk (chunk = 32 × 4 KiB = 128 KiB) */
const CHUNK_SHIFT = 5;
const CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

export class SparsePhysicalMemory implements PhysicalMemory {
  /** directory: frame >>> DIR_SHIFT → (slot + 1) per frame, 0 = no storage */
  private readonly dir: (Int32Array | undefined)[] = [];
  private readonly chunks: Uint32Array[] = [];
  private readonly freeFrames: number[] = [];
  private readonly freeSlots: number[] = [];
  private nextFrame = 0;
  private slotsUsed = 0;
  framesAllocated = 0;
  framesStored = 0;

  allocFrame(): number {
    this.framesAllocated++;
    return this.freeFrames.length > 0 ? this.freeFrames.pop()! : this.nextFrame++;
  }

  /**
   * `count` contiguous frames aligned to `count` (a power of two), e.g. 512 for a 2 MiB page. Taken from the
   * top of the frame space; the alignment gap is put on the free list, so nothing is lost.
   */
  allocContiguous(count: number): number {
    if (count <= 0 || (count & (count - 1)) !== 0) throw new RangeError(`allocContiguous: ${count} is not a power of two`);
    const base = Math.ceil(this.nextFrame / count) * count;
    for (let f = this.nextFrame; f < base; f++) this.freeFrames.push(f);
    this.nextFrame = base + count;
    this.framesAllocated += count;
    return base;
  }

  freeFrame(frame: number): void {
    const leaf = this.dir[Math.floor(frame / (DIR_MASK + 1))];
    const i = frame & DIR_MASK;
    if (leaf !== undefined && leaf[i] !== 0) {
      const slot = leaf[i] - 1;
      leaf[i] = 0;
      this.freeSlots.push(slot);
      this.framesStored--;
    }
    this.framesAllocated--;
    this.freeFrames.push(frame);
  }

  readLo(frame: number, index: number): number {
    const slot = this.slotOf(frame);
    return slot < 0 ? 0 : this.chunks[slot >>> CHUNK_SHIFT][((slot & CHUNK_MASK) * WORDS) + index * 2];
  }

  readHi(frame: number, index: number): number {
    const slot = this.slotOf(frame);
    return slot < 0 ? 0 : this.chunks[slot >>> CHUNK_SHIFT][((slot & CHUNK_MASK) * WORDS) + index * 2 + 1];
  }

  write(frame: number, index: number, lo: number, hi: number): void {
    const slot = this.storageFor(frame);
    const chunk = this.chunks[slot >>> CHUNK_SHIFT];
    const at = (slot & CHUNK_MASK) * WORDS + index * 2;
    chunk[at] = lo;
    chunk[at + 1] = hi;
  }

  setLoBits(frame: number, index: number, bits: number): void {
    const slot = this.storageFor(frame);
    const chunk = this.chunks[slot >>> CHUNK_SHIFT];
    const at = (slot & CHUNK_MASK) * WORDS + index * 2;
    chunk[at] = (chunk[at] | bits) >>> 0;
  }

  /** bytes of typed-array storage actually held (directory leaves + frame chunks) */
  get bytesUsed(): number {
    let leaves = 0;
    for (const leaf of this.dir) if (leaf !== undefined) leaves++;
    return leaves * (DIR_MASK + 1) * 4 + this.chunks.length * (1 << CHUNK_SHIFT) * WORDS * 4;
  }

  /** storage slot of `frame`, or -1 if it was never written */
  private slotOf(frame: number): number {
    const leaf = this.dir[Math.floor(frame / (DIR_MASK + 1))];
    return leaf === undefined ? -1 : leaf[frame & DIR_MASK] - 1;
  }

  private storageFor(frame: number): number {
    const d = Math.floor(frame / (DIR_MASK + 1));
    let leaf = this.dir[d];
    if (leaf === undefined) {
      while (this.dir.length < d) this.dir.push(undefined);
      leaf = new Int32Array(DIR_MASK + 1);
      this.dir[d] = leaf;
    }
    const i = frame & DIR_MASK;
    if (leaf[i] !== 0) return leaf[i] - 1;
    let slot: number;
    if (this.freeSlots.length > 0) {
      slot = this.freeSlots.pop()!;
      this.chunks[slot >>> CHUNK_SHIFT].fill(0, (slot & CHUNK_MASK) * WORDS, (slot & CHUNK_MASK) * WORDS + WORDS);
    } else {
      slot = this.slotsUsed++;
      if (slot >>> CHUNK_SHIFT >= this.chunks.length) this.chunks.push(new Uint32Array((1 << CHUNK_SHIFT) * WORDS));
    }
    leaf[i] = slot + 1;
    this.framesStored++;
    return slot;
  }
}
