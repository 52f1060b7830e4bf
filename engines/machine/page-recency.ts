// Which pages a cache level holds, by page recency. The machine model has no cache lines: for each level it
// keeps the frame numbers of the pages touched most recently, direct-mapped by frame number (the low bits of
// the physical page number pick the slot, as the low bits of a physical address pick the set of a physically
// indexed cache). A page is "in" the level while no other page of its slot was touched since: with accesses
// spread over W pages and S slots that is a hit rate of S / W, what a cache of S pages gives them. Two pages
// whose frames differ by a multiple of S evict each other, as pages of one cache colour do in a real cache,
// where ways soften it. Used by the MMU (mmu.ts) for the latency of data accesses.
export class PageRecency {
  /** the frame each slot holds, -1 for none; the MMU reads it directly on its hot path (mmu.ts) */
  readonly frames: Float64Array;
  /** a frame's slot is `frame & mask` */
  readonly mask: number;

  /** `pages`: the level's capacity in 4 KiB pages, a power of two (profile-ranges.ts checks profile files) */
  constructor(pages: number) {
    if (!Number.isInteger(pages) || pages < 1 || (pages & (pages - 1)) !== 0) throw new RangeError(`page recency: pages must be a power of two, got ${pages}`);
    // -1 is no frame: every slot starts empty
    this.frames = new Float64Array(pages).fill(-1);
    this.mask = pages - 1;
  }

  /**
   * `frame` is touched: true when the level held it (the last page of its slot), false when it did not — then it
   * does now. The slot is the frame's low bits: `&` takes a frame number below 2^53 modulo 2^32, exactly.
   */
  touch(frame: number): boolean {
    const slot = frame & this.mask;
    if (this.frames[slot] === frame) return true;
    this.frames[slot] = frame;
    return false;
  }
}
