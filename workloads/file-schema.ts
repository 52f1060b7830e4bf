// The zod schema of a user workload file: the same operations and field names as engines/types.ts, strict
// (unknown fields rejected). Counts are integers up to 2^53 − 1; what they cost is bounded in stream-check.ts. The `satisfies` clause makes a new op in the vocabulary a compile error here
// until the file format accepts it too.
import { z } from 'zod';
import type { GuestOp, GuestOpName } from '../engines/types.ts';
import { CATEGORIES } from './types.ts';
import { MAX_VCPUS, MAX_TIMER_PERIOD_US } from '../harness/limits.ts';

const count = z.number().int().nonnegative();
const positive = z.number().int().positive();
const flag = z.boolean();
const region = z.string().min(1);
/** the vCPU a thread's memory operation runs on */
const cpu = z.number().int().min(0).max(MAX_VCPUS - 1).optional();

const opSchemas = {
  compute: z.strictObject({ op: z.literal('compute'), cycles: count }),
  syscall: z.strictObject({ op: z.literal('syscall'), count }),
  cpuid: z.strictObject({ op: z.literal('cpuid'), count }),
  rdtsc: z.strictObject({ op: z.literal('rdtsc'), count }),
  msr: z.strictObject({ op: z.literal('msr'), index: z.number().int().min(0).max(0xffff_ffff), write: flag, count }),
  hlt: z.strictObject({ op: z.literal('hlt'), count }),
  hypercall: z.strictObject({ op: z.literal('hypercall'), count }),
  pio: z.strictObject({
    op: z.literal('pio'), port: z.number().int().min(0).max(0xffff), write: flag, count,
    rep: positive.optional(), width: z.union([z.literal(1), z.literal(2), z.literal(4)]).optional(),
  }),
  mmio: z.strictObject({ op: z.literal('mmio'), write: flag, count }),
  map: z.strictObject({ op: z.literal('map'), region, bytes: positive, pageSize: z.enum(['4k', '2m', '1g']) }),
  unmap: z.strictObject({ op: z.literal('unmap'), region, cpu }),
  protect: z.strictObject({ op: z.literal('protect'), region, writable: flag, cpu }),
  touch: z.strictObject({
    op: z.literal('touch'), region, pattern: z.enum(['seq', 'random', 'stride']), accesses: count, write: flag,
    stride: positive.optional(), cpu,
  }),
  invlpg: z.strictObject({ op: z.literal('invlpg'), region, count }),
  fork: z.strictObject({ op: z.literal('fork'), vfork: flag.optional() }),
  exec: z.strictObject({ op: z.literal('exec') }),
  exit: z.strictObject({ op: z.literal('exit') }),
  switch: z.strictObject({ op: z.literal('switch'), to: positive }),
  io: z.strictObject({
    op: z.literal('io'), device: z.enum(['disk', 'net']), dir: z.enum(['read', 'write']), bytes: positive, requests: count,
  }),
  timer: z.strictObject({ op: z.literal('timer'), periodUs: z.number().positive().max(MAX_TIMER_PERIOD_US), ticks: count }),
  ipi: z.strictObject({ op: z.literal('ipi'), target: z.enum(['self', 'other']), count, masked: flag.optional() }),
  shootdown: z.strictObject({ op: z.literal('shootdown'), region, cpus: positive.max(MAX_VCPUS) }),
  phase: z.strictObject({ op: z.literal('phase') }),
} satisfies { [K in GuestOpName]: z.ZodType<Extract<GuestOp, { op: K }>> };

export const OP_NAMES = Object.keys(opSchemas) as GuestOpName[];

export const workloadFileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*\/[a-z0-9][a-z0-9._-]*$/i, {
    error: 'must look like "category/name" (letters, digits, "-", "_", ".")',
  }),
  category: z.enum(CATEGORIES),
  title: z.string().min(1),
  description: z.string().min(1).optional(),
  // the tuple cast only satisfies discriminatedUnion's signature; the parsed ops are GuestOps by `satisfies` above
  ops: z.array(z.discriminatedUnion('op', Object.values(opSchemas) as [typeof opSchemas.compute])).min(1),
});

export type WorkloadFile = Omit<z.infer<typeof workloadFileSchema>, 'ops'> & { ops: GuestOp[] };
