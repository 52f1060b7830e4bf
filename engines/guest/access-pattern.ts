// Which 4 KiB unit of a region each access of a `touch` hits. The random pattern draws from the run's seeded
// Rng, and all engines consume it identically, so every engine sees the same addresses.
import type { AccessPattern } from '../types.ts';
import type { Rng } from '../rng.ts';

export class AccessPatternCursor {
  private i = 0;

  constructor(
    private readonly pattern: AccessPattern,
    /** 4 KiB units in the region */
    private readonly units: number,
    private readonly stride: number,
    private readonly rng: Rng,
  ) {}

  /** unit index of the next access */
  next(): number {
    const i = this.i++;
    if (this.pattern === 'random') return this.rng.int(this.units);
    if (this.pattern === 'stride') return (i * this.stride) % this.units;
    return i % this.units;
  }
}
