// Sparse physical memory of 4 KiB frames. Only frames that are written get storage, so a 64 GiB guest whose
// data pages are allocated but never written as tables costs almost nothing: the simulator stores page-table
// contents, not data. Frame numbers are handed out densely from 0, so a two-level directory (4,096 frames per
// leaf array) maps a frame to its storage slot with two array loads and no hashing. Slots live in one flat
// word array that doubles when full, so a walker reads an entry as `words[offsetOf(frame) + 2 * index]`.
import type { PhysicalMemory } from './types.ts';

const ENTRIES = 512;
/** uint32 words per frame: 512 entries × (lo, hi) */
const WORDS = ENTRIES * 2;
const DIR_SHIFT = 12;
const DIR_MASK = (1 << DIR_SHIFT) - 1;
/** slots of storage to start with (grown by doubling) */
const INITIAL_SLOTS = 16;

export class SparsePhysicalMemory implements PhysicalMemory {
  /** directory: frame >>> DIR_SHIFT → (slot + 1) per frame, 0 = no storage */
  private readonly directory: (Int32Array | undefined)[] = [];
  /** entry storage: slot s holds words [s * 1024, s * 1024 + 1024); replaced (copied) when it grows */
  words = new Uint32Array(INITIAL_SLOTS * WORDS);
  private readonly freeFrames: number[] = [];
  private readonly freeSlots: number[] = [];
  private nextFrame = 0;
  private slotsUsed = 0;
  framesAllocated = 0;
  framesStored = 0;
  /**
   * bumped whenever a frame loses its storage slot (freeFrame): a walker that remembers frame → offset pairs
   * may keep them while this is unchanged (a slot, once given, stays the frame's until then; growth copies the
   * words but keeps every offset).
   */
  layoutEpoch = 0;

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
    const leaf = this.directory[Math.floor(frame / (DIR_MASK + 1))];
    const i = frame & DIR_MASK;
    if (leaf !== undefined && leaf[i] !== 0) {
      const slot = leaf[i] - 1;
      leaf[i] = 0;
      this.layoutEpoch++;
      this.freeSlots.push(slot);
      this.framesStored--;
    }
    this.framesAllocated--;
    this.freeFrames.push(frame);
  }

  readLo(frame: number, index: number): number {
    const at = this.offsetOf(frame);
    return at < 0 ? 0 : this.words[at + index * 2];
  }

  readHi(frame: number, index: number): number {
    const at = this.offsetOf(frame);
    return at < 0 ? 0 : this.words[at + index * 2 + 1];
  }

  write(frame: number, index: number, lo: number, hi: number): void {
    const at = this.storageFor(frame) * WORDS + index * 2;
    this.words[at] = lo;
    this.words[at + 1] = hi;
  }

  setLoBits(frame: number, index: number, bits: number): void {
    const at = this.storageFor(frame) * WORDS + index * 2;
    this.words[at] = (this.words[at] | bits) >>> 0;
  }

  /**
   * word offset in `words` of entry 0 of `frame`, or a negative number if the frame was never written. On
   * every walk's path (table-memo.ts): frames below 2^32 take the integer shift, larger ones the division.
   */
  offsetOf(frame: number): number {
    const leaf = this.directory[frame <= 0xffffffff ? frame >>> DIR_SHIFT : Math.floor(frame / (DIR_MASK + 1))];
    return leaf === undefined ? -1 : (leaf[frame & DIR_MASK] - 1) * WORDS;
  }

  /** bytes of typed-array storage actually held (directory leaves + entry storage) */
  get bytesUsed(): number {
    let leaves = 0;
    for (const leaf of this.directory) if (leaf !== undefined) leaves++;
    return leaves * (DIR_MASK + 1) * 4 + this.words.byteLength;
  }

  private storageFor(frame: number): number {
    const d = Math.floor(frame / (DIR_MASK + 1));
    let leaf = this.directory[d];
    if (leaf === undefined) {
      while (this.directory.length < d) this.directory.push(undefined);
      leaf = new Int32Array(DIR_MASK + 1);
      this.directory[d] = leaf;
    }
    const i = frame & DIR_MASK;
    if (leaf[i] !== 0) return leaf[i] - 1;
    let slot: number;
    if (this.freeSlots.length > 0) {
      slot = this.freeSlots.pop()!;
      this.words.fill(0, slot * WORDS, slot * WORDS + WORDS);
    } else {
      slot = this.slotsUsed++;
      if ((slot + 1) * WORDS > this.words.length) {
        const grown = new Uint32Array(this.words.length * 2);
        grown.set(this.words);
        this.words = grown;
      }
    }
    leaf[i] = slot + 1;
    this.framesStored++;
    return slot;
  }
}
