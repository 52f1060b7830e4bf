// What is known to make a measured exit count differ from the model's, by exit reason and what the run
// says about itself. Only causes found on real runs are here; anything else is left unexplained in the
// report, which is the point: an unexplained difference is the model's to look into.
import type { RunResult } from '../../harness/results.ts';

export function explainDifference(reason: string, run: RunResult): string | null {
  const emulated = run.measured?.timingsRepresentative === false;
  if (reason === 'EXTERNAL_INTERRUPT' && emulated) {
    // Linux's periodic tick and the host's device interrupts arrive per unit of wall-clock time
    return 'host interrupts come per unit of wall-clock time, and the emulated guest runs far slower than native';
  }
  return null;
}

/** why a total differs: when it agrees once host interrupts are left out on both sides, it is those */
export const TOTAL_IS_INTERRUPTS = 'agrees without EXTERNAL_INTERRUPT (host interrupts, per unit of wall-clock time)';
