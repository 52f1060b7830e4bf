// zod schema of the `power` section of results.json, for the results-file reader to validate with
// (`powerResultsSchema.parse(json.power)`). The compile-time checks at the bottom keep it and the
// TypeScript types in types.ts in step.
import { z } from 'zod';
import type { PowerResults } from './types.ts';

const governor = z.enum(['performance', 'powersave', 'ondemand', 'schedutil', 'autonomous', 'pas']);
const policy = z.enum(['performance', 'powersave', 'host-only', 'guest-host-conflict', 'soft-pstates', 'dvfs-aware-credits']);
const design = z.enum(['xen', 'kvm']);

const vmSpec = z.object({
  id: z.string(),
  cpu: z.number().int().nonnegative(),
  booked: z.number().min(0).max(1),
  cap: z.number().min(0).max(1).nullable(),
  weight: z.number().positive(),
  deadlineMs: z.number().positive().nullable(),
});

const vmResult = z.object({
  vm: z.string(),
  bookedCycles: z.number(),
  entitledCycles: z.number(),
  demandCycles: z.number(),
  deliveredCycles: z.number(),
  deliveredOfBookedPct: z.number(),
  deliveredOfEntitledPct: z.number(),
  requests: z.number().int(),
  completed: z.number().int(),
  slaMisses: z.number().int(),
  p95LatencyMs: z.number(),
});

const run = z.object({
  scenario: z.string(),
  engine: z.string(),
  design,
  policy,
  scheduler: z.enum(['credit2', 'credit', 'cfs']),
  cpufreq: z.enum(['xen', 'dom0-kernel', 'schedutil', 'hwp', 'amd-pstate']),
  hostGovernor: z.union([governor, z.literal('vpm')]),
  guestGovernor: governor.nullable(),
  energyJ: z.number(),
  avgPowerW: z.number(),
  staticFloorJ: z.number(),
  fairness: z.number(),
  transitions: z.number().int(),
  guestRequests: z.number().int(),
  residency: z.record(z.string(), z.number()),
  freqTrace: z.object({ bucketMs: z.number().positive(), mhzByCpu: z.array(z.array(z.number())) }),
  freqZoom: z.object({ fromMs: z.number().nonnegative(), stepMs: z.number().positive(), mhz: z.array(z.number()) }),
  availableCycles: z.number(),
  raplThrottled: z.number().min(0).max(1),
  vms: z.array(vmResult),
});

const interval = z.object({ mean: z.number(), lo: z.number(), hi: z.number() });

const stats = z.object({
  scenario: z.string(),
  engine: z.string(),
  design,
  policy,
  seeds: z.array(z.number().int()),
  energyJ: interval,
  fairness: interval,
  vms: z.array(z.object({ vm: z.string(), deliveredOfBookedPct: interval })),
  phase: z.object({
    offsetsMs: z.array(z.number()),
    deliveredSpreadPts: z.number(),
    energySpreadPct: z.number(),
    robust: z.boolean(),
  }),
});

export const powerResultsSchema = z.object({
  schema: z.literal('hvbench/power@5'),
  profile: z.string(),
  seed: z.number(),
  stepMs: z.number().positive(),
  pStatesMhz: z.array(z.number()),
  cStates: z.array(z.string()),
  scenarios: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      description: z.string(),
      cpus: z.number().int().positive(),
      durationMs: z.number().positive(),
      vms: z.array(vmSpec),
      turbo: z.boolean(),
      rapl: z.object({ pl1Watts: z.number().positive(), tauMs: z.number().positive(), pl2Watts: z.number().positive(), pl2WindowMs: z.number().positive() }).nullable(),
      hosts: z.number().int().positive(),
      platformWattsPerHost: z.number().min(0),
    }),
  ),
  runs: z.array(run),
  stats: z.array(stats),
});

type Parsed = z.infer<typeof powerResultsSchema>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: Same<Parsed, PowerResults> = true;
void schemaMatchesTypes;
