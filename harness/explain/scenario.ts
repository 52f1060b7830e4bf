// What `hvbench explain` runs: one operation, the setup it needs (a region mapped and faulted in for the
// operations that name one, a second process for `switch`), and the same operation once before it, so that
// the operation explained is a steady-state one (the TLB and the caches as a loop of it leaves them). An
// operation that cannot repeat on the same state (mapping a region already mapped, exiting a process that has
// exited) is explained cold, and says so. The operation comes either from its name with optional fields
// (`touch {write:true}`) or from a workload: the first operation of its measured phase, repeated once.
import type { GuestOp, GuestOpName } from '../../engines/types.ts';
import type { Workload } from '../../workloads/types.ts';
import { Rng } from '../../engines/rng.ts';
import { defaultParams } from '../../workloads/registry.ts';
import { KiB, mapTouched } from '../../workloads/ops.ts';
import { OP_NAMES, workloadFileSchema } from '../../workloads/file-schema.ts';
import { describe } from '../../workloads/file.ts';
import { UsageError } from '../errors.ts';
import { DEFAULT_OPS, EXPLAINABLE_OPS } from './default-ops.ts';

export interface Scenario {
  /** what is explained: `syscall`, `touch {write:true}`, `micro/cpuid` */
  label: string;
  /** the VM's work before the warm-up: mapping the region the operation uses, forking the process it runs */
  setup: GuestOp[];
  /** run after setup and before the measured phase; empty when the operation is explained cold */
  warmup: GuestOp[];
  /** the one operation traced */
  op: GuestOp;
  /** why the operation is the first, cold one; null when it was warmed up */
  cold: string | null;
  /** how the operation was derived from a workload (`the first of 2,000 measured operations`), if it was */
  derived: string | null;
}

/** the size of the region an operation named on the command line works on (default-ops.ts), mapped in setup: 16 pages, each written once */
const REGION_BYTES = 16 * 4 * KiB;

/** why an operation cannot run twice on the same state, for those that cannot */
function coldReason(op: GuestOp): string | null {
  switch (op.op) {
    case 'map': return `a region is mapped once: this is the first map of "${op.region}"`;
    case 'unmap':
    case 'shootdown': return `a region is unmapped once: this is the unmap of "${op.region}", mapped in setup`;
    case 'exit': return 'a process exits once: this is the exit of the process setup forked';
    default: return null;
  }
}

/** the operation again as the warm-up, plus what puts the state back where the traced one expects it */
function warmupFor(op: GuestOp, current: number): GuestOp[] {
  if (op.op === 'switch') return [op, { op: 'switch', to: current }];
  if (op.op === 'protect') return [op, { ...op, writable: !op.writable }];
  return [op];
}

/** the process running after `ops` (pid 1 at boot; a switch changes it, an exit returns to pid 1 at worst) */
function runningAfter(ops: readonly GuestOp[]): number {
  let pid = 1;
  for (const op of ops) {
    if (op.op === 'switch') pid = op.to;
    else if (op.op === 'exit') pid = 1;
  }
  return pid;
}

function build(label: string, setup: GuestOp[], op: GuestOp, derived: string | null): Scenario {
  const cold = coldReason(op);
  return { label, setup, warmup: cold === null ? warmupFor(op, runningAfter(setup)) : [], op, cold, derived };
}

/** `{write:true, pattern:seq}` → fields; values are numbers (0x… too), true/false, or words (quotes optional) */
function parseFields(text: string, label: string): Record<string, unknown> {
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) throw new UsageError(`explain: ${label}: fields go in braces, e.g. touch {write:true}`);
  const fields: Record<string, unknown> = {};
  for (const part of body.slice(1, -1).split(',')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    if (colon < 0) throw new UsageError(`explain: ${label}: "${part.trim()}" is not field:value`);
    const key = part.slice(0, colon).trim().replace(/^["']|["']$/g, '');
    const raw = part.slice(colon + 1).trim().replace(/^["']|["']$/g, '');
    fields[key] = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return fields;
}

/** the operation `name {fields}` checked as a workload file checks it (workloads/file-schema.ts) */
function namedOp(text: string): GuestOp {
  const brace = text.indexOf('{');
  const name = (brace < 0 ? text : text.slice(0, brace)).trim();
  if (!(EXPLAINABLE_OPS as string[]).includes(name)) {
    const known = OP_NAMES.includes(name as GuestOpName) ? `"${name}" marks the end of setup, not an operation to explain` : `unknown operation "${name}"`;
    throw new UsageError(`explain: ${known}; operations: ${EXPLAINABLE_OPS.join(', ')}, or a workload id (hvbench list)`);
  }
  const fields = brace < 0 ? {} : parseFields(text.slice(brace), name);
  const candidate = { ...DEFAULT_OPS[name as keyof typeof DEFAULT_OPS], ...fields, op: name };
  const file = { id: 'explain/op', category: 'micro', title: 'explain', ops: [candidate] };
  const parsed = workloadFileSchema.safeParse(file);
  if (!parsed.success) throw new UsageError(`explain: ${name}: ${describe(parsed.error.issues[0], file).replace(/^ops\[0\]\.?/, '')}`);
  return parsed.data.ops[0] as GuestOp;
}

/** the setup an operation named on the command line needs */
function setupFor(op: GuestOp): GuestOp[] {
  const setup: GuestOp[] = [];
  if ('region' in op && op.op !== 'map') setup.push(...mapTouched(op.region, REGION_BYTES, '4k'));
  if (op.op === 'switch') {
    // the processes up to the target exist (pid 1 at boot, each fork the next pid)
    for (let pid = 2; pid <= op.to; pid++) setup.push({ op: 'fork' });
  }
  if (op.op === 'exit') setup.push({ op: 'fork' }, { op: 'switch', to: 2 });
  return setup;
}

/** an operation by name, e.g. `syscall` or `touch {write:true,accesses:1}` */
export function scenarioFromOp(text: string): Scenario {
  const op = namedOp(text);
  return build(text.trim(), setupFor(op), op, null);
}

/** the operation a repeated field names one of: the fields that count repetitions, set to 1 */
function once(op: GuestOp): GuestOp {
  switch (op.op) {
    case 'syscall': case 'cpuid': case 'rdtsc': case 'msr': case 'hlt': case 'hypercall': case 'pio': case 'mmio': case 'invlpg': case 'ipi':
      return { ...op, count: Math.min(op.count, 1) };
    case 'touch': return { ...op, accesses: Math.min(op.accesses, 1) };
    case 'io': return { ...op, requests: Math.min(op.requests, 1) };
    case 'timer': return { ...op, ticks: Math.min(op.ticks, 1) };
    default: return op;
  }
}

/** the first operation of a workload's measured phase (default parameters, `seed`), once */
export function scenarioFromWorkload(workload: Workload, seed: number): Scenario {
  const ops = [...workload.generate(defaultParams(workload), new Rng(seed))];
  // without a `phase` operation only the VM's boot is setup (engines/types.ts): every operation is measured
  const phase = ops.findIndex((op) => op.op === 'phase');
  const measured = ops.slice(phase + 1);
  if (measured.length === 0) throw new UsageError(`explain: ${workload.id} measures nothing after its "phase" operation`);
  const op = once(measured[0]);
  const notes: string[] = [];
  if (measured.length > 1) notes.push(`the first of ${measured.length.toLocaleString('en-US')} measured operations`);
  if (opRepeats(measured[0]) > 1) notes.push(`one of the ${opRepeats(measured[0]).toLocaleString('en-US')} it repeats`);
  return build(workload.id, ops.slice(0, Math.max(phase, 0)), op, notes.length === 0 ? null : notes.join(', '));
}

function opRepeats(op: GuestOp): number {
  if ('count' in op) return op.count;
  if (op.op === 'touch') return op.accesses;
  if (op.op === 'io') return op.requests;
  if (op.op === 'timer') return op.ticks;
  return 1;
}
