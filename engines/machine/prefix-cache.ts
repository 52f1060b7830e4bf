// A small fully-associative cache with true LRU, from (key, tag) to a frame and permission bits: the building
// block of the paging-structure caches (key = a virtual-address prefix) and of the nested TLB (key = a
// guest-physical frame). Typed arrays, results in fields: no allocation per lookup.

export class PrefixCache {
  /** lookup() result */
  frame = 0;
  perm = 0;
  /**
   * valid entries. Callers on hot paths skip lookup() when it is 0 and fill() when capacity is 0: neither call
   * could change anything then, and walks make several of each.
   */
  used = 0;
  private readonly keys: Float64Array;
  private readonly tags: Int32Array;
  private readonly frames: Float64Array;
  private readonly perms: Int32Array;
  private readonly stamps: Float64Array;
  private readonly valid: Uint8Array;
  /**
   * count of valid entries per hash of their key: a lookup whose key hashes to 0 misses without scanning
   * (most lookups in random-access workloads miss). Exact: it only skips scans that could not find anything.
   */
  private readonly filter: Int32Array;
  private readonly filterMask: number;
  private clock = 0;

  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.tags = new Int32Array(capacity);
    this.frames = new Float64Array(capacity);
    this.perms = new Int32Array(capacity);
    this.stamps = new Float64Array(capacity);
    this.valid = new Uint8Array(capacity);
    let size = 64;
    while (size < capacity * 4) size *= 2;
    this.filter = new Int32Array(size);
    this.filterMask = size - 1;
  }

  lookup(key: number, tag: number): boolean {
    if (this.filter[(key | 0) & this.filterMask] === 0) return false;
    const keys = this.keys;
    const n = this.capacity;
    for (let i = 0; i < n; i++) {
      if (keys[i] === key && this.tags[i] === tag && this.valid[i] !== 0) {
        this.stamps[i] = ++this.clock;
        this.frame = this.frames[i];
        this.perm = this.perms[i];
        return true;
      }
    }
    return false;
  }

  fill(key: number, tag: number, frame: number, perm: number): void {
    const n = this.capacity;
    if (n === 0) return;
    const keys = this.keys;
    const tags = this.tags;
    const stamps = this.stamps;
    // the first way that is invalid or holds (key, tag), otherwise the least recently used
    let victim = 0;
    if (this.used === n) {
      // all valid (the steady state): no invalid way to find
      let oldest = stamps[0];
      for (let i = 0; i < n; i++) {
        if (keys[i] === key && tags[i] === tag) {
          victim = i;
          break;
        }
        const st = stamps[i];
        if (st < oldest) {
          oldest = st;
          victim = i;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (this.valid[i] === 0 || (keys[i] === key && tags[i] === tag)) {
          victim = i;
          break;
        }
        if (stamps[i] < stamps[victim]) victim = i;
      }
    }
    if (this.valid[victim] === 0) this.used++;
    else this.filter[(keys[victim] | 0) & this.filterMask]--;
    this.filter[(key | 0) & this.filterMask]++;
    this.valid[victim] = 1;
    this.keys[victim] = key;
    this.tags[victim] = tag;
    this.frames[victim] = frame;
    this.perms[victim] = perm;
    this.stamps[victim] = ++this.clock;
  }

  /** drop entries whose tag, shifted right by `shift`, equals `value` (shift 0: one exact tag) */
  flushTag(value: number, shift: number): void {
    if (this.used === 0) return;
    for (let i = 0; i < this.capacity; i++) {
      if (this.tags[i] >>> shift === value && this.valid[i] !== 0) {
        this.valid[i] = 0;
        this.used--;
        this.filter[(this.keys[i] | 0) & this.filterMask]--;
      }
    }
  }

  clear(): void {
    this.valid.fill(0);
    this.filter.fill(0);
    this.used = 0;
  }

  get size(): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) n += this.valid[i];
    return n;
  }
}
