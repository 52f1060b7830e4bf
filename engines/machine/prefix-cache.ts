// A small fully-associative cache with true LRU, from (key, tag) to a frame and permission bits: the building
// block of the paging-structure caches (key = a virtual-address prefix) and of the nested TLB (key = a
// guest-physical frame). Typed arrays, results in fields: no allocation per lookup.
//
// Replacement: the first entry (by index) that is invalid or already holds (key, tag); when every entry is valid
// and none holds it, the least recently used one. Recency is a doubly linked list of the valid entries, most
// recent at the head, so the victim is found without scanning every entry's age.

export class PrefixCache {
  /** lookup() result; `host` is a second frame an entry may carry (combined PWC entries: the table's
   *  host-physical frame beside its guest-physical one), equal to `frame` unless fill() was given one */
  frame = 0;
  perm = 0;
  host = 0;
  /**
   * valid entries. Callers on hot paths skip lookup() when it is 0 and fill() when capacity is 0: neither call
   * could change anything then, and walks make several of each.
   */
  used = 0;
  private readonly keys: Float64Array;
  private readonly tags: Int32Array;
  private readonly frames: Float64Array;
  private readonly hosts: Float64Array;
  private readonly perms: Int32Array;
  private readonly valid: Uint8Array;
  /** recency list of the valid entries: neighbours towards the head (more recent) and the tail (less recent) */
  private readonly newer: Int32Array;
  private readonly older: Int32Array;
  private head = -1;
  private tail = -1;
  /**
   * count of valid entries per hash of their key: a lookup whose key hashes to 0 misses without scanning
   * (most lookups in random-access workloads miss). Exact: it only skips scans that could not find anything.
   */
  private readonly filter: Int32Array;
  private readonly filterMask: number;

  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.tags = new Int32Array(capacity);
    this.frames = new Float64Array(capacity);
    this.hosts = new Float64Array(capacity);
    this.perms = new Int32Array(capacity);
    this.valid = new Uint8Array(capacity);
    this.newer = new Int32Array(capacity);
    this.older = new Int32Array(capacity);
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
        if (i !== this.head) {
          this.unlink(i);
          this.pushHead(i);
        }
        this.frame = this.frames[i];
        this.perm = this.perms[i];
        this.host = this.hosts[i];
        return true;
      }
    }
    return false;
  }

  fill(key: number, tag: number, frame: number, perm: number, host: number = frame): void {
    const n = this.capacity;
    if (n === 0) return;
    const keys = this.keys;
    const tags = this.tags;
    let victim = -1;
    if (this.used === n) {
      // all valid (the steady state): an entry holding (key, tag), if the filter allows one, else the LRU
      if (this.filter[(key | 0) & this.filterMask] !== 0) {
        for (let i = 0; i < n; i++) {
          if (keys[i] === key && tags[i] === tag) {
            victim = i;
            break;
          }
        }
      }
      if (victim < 0) victim = this.tail;
    } else {
      // some entry is invalid, so the first invalid-or-matching one exists
      for (let i = 0; i < n; i++) {
        if (this.valid[i] === 0 || (keys[i] === key && tags[i] === tag)) {
          victim = i;
          break;
        }
      }
    }
    if (this.valid[victim] === 0) {
      this.used++;
    } else {
      this.filter[(keys[victim] | 0) & this.filterMask]--;
      this.unlink(victim);
    }
    this.filter[(key | 0) & this.filterMask]++;
    this.valid[victim] = 1;
    keys[victim] = key;
    tags[victim] = tag;
    this.frames[victim] = frame;
    this.hosts[victim] = host;
    this.perms[victim] = perm;
    this.pushHead(victim);
  }

  /** drop the entry holding (key, tag), if any */
  drop(key: number, tag: number): void {
    if (this.filter[(key | 0) & this.filterMask] === 0) return;
    for (let i = 0; i < this.capacity; i++) {
      if (this.keys[i] === key && this.tags[i] === tag && this.valid[i] !== 0) {
        this.valid[i] = 0;
        this.used--;
        this.filter[(key | 0) & this.filterMask]--;
        this.unlink(i);
        return;
      }
    }
  }

  /** drop entries whose tag, shifted right by `shift`, equals `value` (shift 0: one exact tag) */
  flushTag(value: number, shift: number): void {
    // visit the valid entries only, through the recency list (often few: CR3 flushes come in quick succession)
    for (let i = this.head; i >= 0;) {
      const next = this.older[i];
      if (this.tags[i] >>> shift === value) {
        this.valid[i] = 0;
        this.used--;
        this.filter[(this.keys[i] | 0) & this.filterMask]--;
        this.unlink(i);
      }
      i = next;
    }
  }

  clear(): void {
    this.valid.fill(0);
    this.filter.fill(0);
    this.used = 0;
    this.head = -1;
    this.tail = -1;
  }

  get size(): number {
    let n = 0;
    for (let i = 0; i < this.capacity; i++) n += this.valid[i];
    return n;
  }

  /** take valid entry `i` out of the recency list */
  private unlink(i: number): void {
    const newer = this.newer[i];
    const older = this.older[i];
    if (newer >= 0) this.older[newer] = older;
    else this.head = older;
    if (older >= 0) this.newer[older] = newer;
    else this.tail = newer;
  }

  /** make entry `i` the most recently used */
  private pushHead(i: number): void {
    const head = this.head;
    this.newer[i] = -1;
    this.older[i] = head;
    if (head >= 0) this.newer[head] = i;
    else this.tail = i;
    this.head = i;
  }
}
