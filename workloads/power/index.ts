// The `power` workload category: consolidation scenarios for the power-management suite. They are
// PowerScenario values (engines/power/types.ts), not GuestOp workloads: several VMs with bookings and demand
// traces sharing physical CPUs over time.
import type { PowerScenario } from '../../engines/power/types.ts';
import { hagimontCapped } from './hagimont-capped.ts';
import { burstyWeb } from './bursty-web.ts';
import { batchLatency } from './batch-latency.ts';
import { baseRace, turboRace } from './turbo-race.ts';
import { raplCapped } from './rapl-capped.ts';
import { vpmConsolidated, vpmSpread } from './vpm-consolidation.ts';

export const powerWorkloads: readonly PowerScenario[] = [hagimontCapped, burstyWeb, batchLatency, turboRace, baseRace, raplCapped, vpmSpread, vpmConsolidated];
