// Which 4 KiB unit of a region each access of a `touch` hits. The random pattern draws from the run's seeded
// Rng, and all engines consume it identically, so every engine sees the same addresses.
import type { AccessPattern } from '../types.ts';
import type { Rng } from '../rng.ts';

export class AccessPatternCursor {
  /** unit of the next seq or stride access, kept reduced: i × stride itself could pass 2^53 and lose precision */
  private at = 0;
  /** units the position advances per access: 1 for seq, the stride (mod the region) for stride */
  private readonly step: number;

  constructor(
    private readonly pattern: AccessPattern,
    /** 4 KiB units in the region */
    private readonly units: number,
    stride: number,
    private readonly rng: Rng,
  ) {
    this.step = (pattern === 'stride' ? stride : 1) % units;
  }

  /** unit index of the next access */
  next(): number {
    if (this.pattern === 'random') return this.rng.int(this.units);
    const unit = this.at;
    this.at += this.step;
    if (this.at >= this.units) this.at -= this.units;
    return unit;
  }
}
