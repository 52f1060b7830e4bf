// The JSON form of a user power scenario (`hvbench run --power-file F`): the host's CPUs, the run's length,
// and per VM its pinning, booking, cap, weight, deadline and demand, drawn by the same generators as the
// built-in scenarios (workloads/power/traces.ts) or given request by request.
import { z } from 'zod';
import { POWER_POLICIES } from '../../engines/power/policies.ts';
import { MAX_POWER_REQUESTS } from '../../harness/limits.ts';

/** a host bigger than this is not a consolidation scenario but a data centre */
export const MAX_POWER_CPUS = 64;
export const MAX_POWER_VMS = 256;

const positive = z.number().positive();
const ms = z.number().nonnegative();

const demand = z.discriminatedUnion('kind', [
  /** `perMs` f_max-ms of work every millisecond: always more than a CPU at f_max can do when ≥ 1 */
  z.strictObject({ kind: z.literal('saturating'), perMs: positive }),
  z.strictObject({ kind: z.literal('periodic'), periodMs: z.number().int().positive(), jitterMs: z.number().int().nonnegative(), workMin: ms, workMax: ms }),
  z.strictObject({ kind: z.literal('on-off'), meanOnMs: positive, meanOffMs: positive, arrivalProb: z.number().min(0).max(1), meanWork: positive }),
  /** explicit requests: arrival times (whole ms, non-decreasing) and their work in f_max-ms */
  z.strictObject({
    kind: z.literal('requests'),
    arrivalMs: z.array(z.number().int().nonnegative()).max(MAX_POWER_REQUESTS),
    work: z.array(ms).max(MAX_POWER_REQUESTS),
  }),
]);

const vm = z.strictObject({
  id: z.string().min(1).max(64),
  cpu: z.number().int().nonnegative(),
  booked: z.number().min(0).max(1),
  cap: z.number().gt(0).max(1).nullable().default(null),
  weight: z.number().int().min(1).max(65535).default(256),
  deadlineMs: positive.nullable().default(null),
  demand,
});

export const powerFileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes').max(64),
  title: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  cpus: z.number().int().positive().max(MAX_POWER_CPUS),
  durationMs: z.number().int().positive(),
  vms: z.array(vm).min(1).max(MAX_POWER_VMS),
  /** the host's firmware lets P0 turbo to the profile's turbo limits */
  turbo: z.boolean().optional(),
  /**
   * a package power limit (engines/power/rapl.ts): watts, and the windows its averages are taken over; a
   * window of at least the simulation's 1 ms step, so one step never moves an average past the step's power
   */
  rapl: z
    .strictObject({ pl1Watts: positive.max(100_000), tauMs: z.number().min(1).max(3_600_000), pl2Watts: positive.max(100_000), pl2WindowMs: z.number().min(1).max(3_600_000) })
    .optional(),
  /** the policies to run; all of them when absent */
  policies: z.array(z.enum(POWER_POLICIES as [string, ...string[]])).min(1).optional(),
});

export type PowerFile = z.infer<typeof powerFileSchema>;
