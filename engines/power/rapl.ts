// A package power limit enforced by lowering frequency, as RAPL does (Intel SDM Vol. 3B §15.10.3, the package
// RAPL domain: MSR_PKG_POWER_LIMIT holds PL1 with its time window and PL2 with its own; Linux exposes them as
// intel_rapl's constraint_0 "long_term" and constraint_1 "short_term"). The SDM specifies what is held — the
// package's average power over each window stays at or below its limit — not the controller that holds it.
// Estimate of that controller: the averages are exponentially weighted with the window as time constant (how
// Intel describes the Turbo Boost 2.0 energy budget), and after every 1 ms step the package's frequency
// ceiling moves one operating point slower while either average is over its limit, one faster otherwise.
// Starting from an average of 0 W (a package that was idle), the short-term limit alone binds for roughly
// the first time window: the burst above PL1 that PL2 exists for.
import type { RaplLimit } from './types.ts';

export class RaplLimiter {
  private longW = 0;
  private shortW = 0;
  /** the fastest operating point any core may run at (0: the fastest there is, no limit in force) */
  ceiling = 0;

  constructor(
    private readonly limit: RaplLimit,
    private readonly slowest: number,
  ) {}

  /** the package drew `watts` for `dtMs`; moves the ceiling for the next step */
  step(watts: number, dtMs: number): void {
    this.longW += ((watts - this.longW) * dtMs) / this.limit.tauMs;
    this.shortW += ((watts - this.shortW) * dtMs) / this.limit.pl2WindowMs;
    if (this.longW > this.limit.pl1Watts || this.shortW > this.limit.pl2Watts) {
      if (this.ceiling < this.slowest) this.ceiling++;
    } else if (this.ceiling > 0) this.ceiling--;
  }

  /** the package's average power over the long-term window, W */
  get averageW(): number {
    return this.longW;
  }
}
