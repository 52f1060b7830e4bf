// `performance` and `powersave`: the static governors, pinned to P0 or to the slowest P-state
// (Documentation/cpu-freq/governors.txt).
import type { Governor } from './governor.ts';
import type { PowerProfile } from '../types.ts';
import { slowestIndex } from '../p-states.ts';

export class FixedGovernor implements Governor {
  private readonly target: number;

  constructor(
    readonly id: 'performance' | 'powersave',
    profile: PowerProfile,
  ) {
    this.target = id === 'performance' ? 0 : slowestIndex(profile);
  }

  step(_busyMs: number, _dtMs: number, current: number): number {
    return current === this.target ? -1 : this.target;
  }
}
