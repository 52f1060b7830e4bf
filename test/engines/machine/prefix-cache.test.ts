import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PrefixCache } from '../../../engines/machine/prefix-cache.ts';
import { Rng } from '../../../engines/rng.ts';

/** the plain definition: scan every entry, true LRU by timestamps */
class ReferenceCache {
  frame = 0;
  perm = 0;
  private readonly keys: number[];
  private readonly tags: number[];
  private readonly frames: number[];
  private readonly perms: number[];
  private readonly stamps: number[];
  private readonly valid: boolean[];
  private clock = 0;

  constructor(readonly capacity: number) {
    this.keys = new Array<number>(capacity).fill(0);
    this.tags = new Array<number>(capacity).fill(0);
    this.frames = new Array<number>(capacity).fill(0);
    this.perms = new Array<number>(capacity).fill(0);
    this.stamps = new Array<number>(capacity).fill(0);
    this.valid = new Array<boolean>(capacity).fill(false);
  }

  lookup(key: number, tag: number): boolean {
    for (let i = 0; i < this.capacity; i++) {
      if (this.valid[i] && this.keys[i] === key && this.tags[i] === tag) {
        this.stamps[i] = ++this.clock;
        this.frame = this.frames[i];
        this.perm = this.perms[i];
        return true;
      }
    }
    return false;
  }

  fill(key: number, tag: number, frame: number, perm: number): void {
    if (this.capacity === 0) return;
    let victim = 0;
    for (let i = 0; i < this.capacity; i++) {
      if (!this.valid[i] || (this.keys[i] === key && this.tags[i] === tag)) {
        victim = i;
        break;
      }
      if (this.stamps[i] < this.stamps[victim]) victim = i;
    }
    this.valid[victim] = true;
    this.keys[victim] = key;
    this.tags[victim] = tag;
    this.frames[victim] = frame;
    this.perms[victim] = perm;
    this.stamps[victim] = ++this.clock;
  }

  flushTag(value: number, shift: number): void {
    for (let i = 0; i < this.capacity; i++) if (this.tags[i] >>> shift === value) this.valid[i] = false;
  }

  clear(): void {
    this.valid.fill(false);
  }

  get size(): number {
    return this.valid.filter(Boolean).length;
  }
}

test('PrefixCache (filter, recency list) behaves exactly like a scanning LRU under random operations', () => {
  for (const capacity of [0, 1, 2, 4, 32]) {
    const rng = new Rng(capacity + 1);
    const fast = new PrefixCache(capacity);
    const ref = new ReferenceCache(capacity);
    // few keys and tags so hits, refills of a present key, duplicates and flushes all happen; some keys ≥ 2^32
    const key = (): number => (rng.int(4) === 0 ? 2 ** 33 + rng.int(8) : rng.int(3 * capacity + 3));
    for (let step = 0; step < 20000; step++) {
      const op = rng.int(100);
      if (op < 55) {
        const k = key();
        const t = rng.int(3);
        assert.equal(fast.lookup(k, t), ref.lookup(k, t), `lookup at step ${step}`);
        assert.equal(fast.frame, ref.frame);
        assert.equal(fast.perm, ref.perm);
      } else if (op < 95) {
        const k = key();
        const t = rng.int(3);
        const f = rng.int(1000);
        const p = rng.int(8);
        fast.fill(k, t, f, p);
        ref.fill(k, t, f, p);
      } else if (op < 99) {
        const v = rng.int(3);
        fast.flushTag(v, 0);
        ref.flushTag(v, 0);
      } else {
        fast.clear();
        ref.clear();
      }
      assert.equal(fast.size, ref.size);
      assert.equal(fast.used, ref.size);
    }
  }
});
