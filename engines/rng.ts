// Seeded PRNG shared by workload generators and the guest kernel (random access patterns): the same seed
// gives the same stream on every machine. sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from
// PractRand): 128-bit state, passes PractRand, only 32-bit integer ops, no allocation per draw.
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32-style seeding so that nearby seeds give unrelated streams
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** uniform integer in [0, n) for n ≤ 2^32 */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** an independent generator derived from this one (e.g. one per process or per workload phase) */
  fork(): Rng {
    return new Rng(this.nextU32());
  }
}
