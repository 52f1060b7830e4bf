// The model check's numbers (docs/architecture.md#measured-engines): for every workload a measured engine
// ran, its exits next to the simulated `kvm` engine's, reason by reason, with the difference, whether it is
// within tolerance, and what is known to cause it when it is not.
// - kvm-qemu: exits from L1's kvm_exit tracepoint (every exit, whether KVM handled it or the VMM), phase by
//   phase: the measured phase less the end of a guest that runs nothing (the baseline after its phase op)
//   against the simulated measured phase, setup less the baseline's boot against the simulated setup less the
//   model's boot (its counts for an empty stream). A results file from before the split: the whole run less
//   the whole baseline against the simulated setup and measured phase together.
// - kvm-host: the exits the VMM saw in user space, reason by reason, and KVM's total from its statistics,
//   the measured phase against the simulated one and setup (the boot included on both sides) against setup.
// A workload whose stream had operations the guest skipped is not compared: it is listed with those
// operations instead, since the measured guest did less than the simulation.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { RunCounters } from '../../engines/types.ts';
import { kvmEngine } from '../../engines/hardware-assisted/index.ts';
import { listProfiles } from '../../engines/machine/profiles/index.ts';
import { modelBoot } from './model-boot.ts';
import { explainDifference, TOTAL_IS_EXPLAINED, totalAgreesWithout } from './known-differences.ts';
import type { CheckPhase } from './xen-rows.ts';

/** a count agrees when within 5 % or 2 exits of the other: setup and teardown add a few exits either way */
export const RELATIVE_TOLERANCE = 0.05;
export const ABSOLUTE_TOLERANCE = 2;

export interface ModelCheckRow {
  workload: string;
  /** the measured engine's label */
  engine: string;
  phase: CheckPhase;
  /** VMX exit reason, `total`, or `total (KVM stats)` */
  what: string;
  simulated: number;
  measured: number;
  agrees: boolean;
  /** why they differ, when they do beyond tolerance and the cause is known */
  why: string | null;
}

export interface ExcludedWorkload {
  workload: string;
  engine: string;
  /** operation kind → how many the guest skipped */
  skipped: Record<string, number>;
}

export interface MeasuredEngineNote {
  engine: string;
  backend: string;
  timingsNote: string | null;
  /** what the measured guest's CPU lacked that the simulated profile has, when it matters to the counts */
  cpuNote: string | null;
}

export interface ModelCheck {
  rows: ModelCheckRow[];
  excluded: ExcludedWorkload[];
  engines: MeasuredEngineNote[];
}

const MEASURED_ENGINES = new Set(['kvm-host', 'kvm-qemu']);

export function agrees(a: number, b: number): boolean {
  const diff = Math.abs(a - b);
  return diff <= ABSOLUTE_TOLERANCE || diff <= RELATIVE_TOLERANCE * Math.max(a, b);
}

/** the simulated run to check a measured one against: plain `kvm` first, else any kvm variant */
function simulatedPeer(results: ResultsFile, workload: string): RunResult | undefined {
  const candidates = results.runs.filter((r) => r.workload === workload && r.engineId === 'kvm' && !r.error);
  return candidates.find((r) => r.engine === 'kvm') ?? candidates[0];
}

const record = (v: unknown): Record<string, number> => (v && typeof v === 'object' ? v as Record<string, number> : {});

function skippedOps(run: RunResult): Record<string, number> {
  return record((run.measured?.skipped as { byOp?: unknown } | undefined)?.byOp);
}

function sum(...parts: Array<Record<string, number> | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p ?? {})) out[k] = (out[k] ?? 0) + v;
  return out;
}

function row(run: RunResult, phase: CheckPhase, what: string, simulated: number, measured: number): ModelCheckRow {
  const ok = agrees(simulated, measured);
  return { workload: run.workload, engine: run.engine, phase, what, simulated, measured, agrees: ok, why: ok ? null : explainDifference(what, run) };
}

/** a − b by reason, never below 0 (a baseline may have an interrupt the run did not) */
function less(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, Math.max(0, v - (b[k] ?? 0))]));
}

/** the simulated kvm engine's exits for an empty stream: its VM's boot ({} for a profile from a file) */
function bootExits(sim: RunResult, profileId: string): Record<string, number> {
  const boot = modelBoot(kvmEngine, sim, profileId);
  return boot ? sum(boot.exits.byReason, boot.setup?.exits.byReason) : {};
}

/** one row per exit reason either side counted, and the total */
function compareExits(run: RunResult, phase: CheckPhase, simulated: Record<string, number>, measured: Record<string, number>): ModelCheckRow[] {
  const reasons = [...new Set([...Object.keys(measured), ...Object.keys(simulated)])].sort();
  const rows: ModelCheckRow[] = [];
  let simTotal = 0;
  let measuredTotal = 0;
  for (const reason of reasons) {
    const m = measured[reason] ?? 0;
    const s = simulated[reason] ?? 0;
    if (m === 0 && s === 0) continue;
    simTotal += s;
    measuredTotal += m;
    rows.push(row(run, phase, reason, s, m));
  }
  if (rows.length === 0) return rows;
  const total = row(run, phase, 'total', simTotal, measuredTotal);
  // the total differs by its rows when it agrees once those that differ for a stated cause (and host
  // interrupts, which come per unit of wall-clock time) are left out on both sides
  const known = rows.filter((r) => !r.agrees && (r.why !== null || r.what === 'EXTERNAL_INTERRUPT'));
  const without = (side: 'simulated' | 'measured', all: number) => known.reduce((left, r) => left - r[side], all);
  if (!total.agrees && known.length && agrees(without('simulated', simTotal), without('measured', measuredTotal))) total.why = totalAgreesWithout(known.map((r) => r.what));
  else if (!total.agrees && rows.every((r) => r.agrees || r.why)) total.why = TOTAL_IS_EXPLAINED;
  rows.push(total);
  return rows;
}

interface L1Exits {
  byReason?: unknown; baseline?: unknown; setupByReason?: unknown; measuredByReason?: unknown;
  baselineByPhase?: { setupByReason?: unknown; measuredByReason?: unknown };
}

function l1Rows(run: RunResult, sim: RunResult, profileId: string): ModelCheckRow[] | null {
  const l1 = run.measured?.l1Exits as L1Exits | undefined;
  if (!l1) return null;
  if (l1.measuredByReason === undefined) {
    return compareExits(run, 'whole run', sum(sim.exits.byReason, sim.setup?.exits.byReason), less(record(l1.byReason), record(l1.baseline)));
  }
  // the linux guest counts inside its brackets only: no baseline, no boot in setup
  const base = l1.baselineByPhase ?? { setupByReason: l1.baseline, measuredByReason: {} };
  return [
    ...compareExits(run, 'measured', sim.exits.byReason, less(record(l1.measuredByReason), record(base.measuredByReason))),
    ...compareExits(run, 'setup', less(record(sim.setup?.exits.byReason), bootExits(sim, profileId)), less(record(l1.setupByReason), record(base.setupByReason))),
  ];
}

function vmmPhaseRows(run: RunResult, phase: CheckPhase, sim: RunCounters | undefined, measured: RunCounters, kvmTotal: number | undefined): ModelCheckRow[] {
  const rows = Object.entries(measured.exits.byReason).map(([reason, count]) => row(run, phase, reason, sim?.exits.byReason[reason] ?? 0, count));
  if (typeof kvmTotal === 'number') rows.push(row(run, phase, 'total (KVM stats)', sim?.exits.total ?? 0, kvmTotal));
  return rows;
}

type VcpuStats = Record<string, number> | null;
interface KvmStats { vcpu?: VcpuStats; vcpus?: VcpuStats[] }

/** KVM's own exit count, every vCPU's (vCPU 1 takes the IPIs and flushes): a run recorded before the VMM read
 *  the other vCPUs' statistics has vCPU 0's alone; undefined without statistics */
function kvmExitTotal(stats: KvmStats | undefined): number | undefined {
  const vcpus = stats?.vcpus ?? [stats?.vcpu ?? null];
  const counts = vcpus.map((v) => v?.exits).filter((n): n is number => typeof n === 'number');
  return counts.length ? counts.reduce((a, b) => a + b, 0) : undefined;
}

function vmmRows(run: RunResult, sim: RunResult): ModelCheckRow[] {
  const stats = run.measured?.kvmStats as (KvmStats & { setup?: KvmStats }) | undefined;
  const whole = kvmExitTotal(stats);
  if (!run.setup) return vmmPhaseRows(run, 'whole run', sim, run, whole);
  // KVM's statistics were read at the phase op too: the measured phase is the whole run less setup
  const setupTotal = kvmExitTotal(stats?.setup);
  const measuredTotal = whole !== undefined && setupTotal !== undefined ? whole - setupTotal : undefined;
  return [...vmmPhaseRows(run, 'measured', sim, run, measuredTotal), ...vmmPhaseRows(run, 'setup', sim.setup, run.setup, setupTotal)];
}

/** the freestanding guest reports whether CPUID offered PCID and INVPCID (guest/paging.c); without them every
 *  CR3 write flushes, so the simulated side compares only on a profile without PCID */
function cpuNote(run: RunResult, profileId: string): string | null {
  const g = run.measured?.guest as { pcid?: unknown; invpcid?: unknown } | undefined;
  if (g?.pcid !== false) return null;
  const lacks = `the guest's CPU has no PCID${g.invpcid === false ? ' and no INVPCID' : ''}, so each CR3 write flushes the non-global TLB`;
  const simulated = listProfiles().find((p) => p.id === profileId);
  if (!simulated?.features.pcid) return `${lacks}, as on profile ${profileId}`;
  return `${lacks}; profile ${profileId} has PCIDs, so the simulated switches keep their entries: compare with --profile amd-modern (no PCID)`;
}

export function modelCheck(results: ResultsFile): ModelCheck {
  const check: ModelCheck = { rows: [], excluded: [], engines: [] };
  const seen = new Set<string>();
  for (const run of results.runs.filter((r) => MEASURED_ENGINES.has(r.engineId) && !r.error)) {
    const sim = simulatedPeer(results, run.workload);
    if (!sim) continue;
    if (!seen.has(run.engine)) {
      seen.add(run.engine);
      const note = run.measured?.timingsNote;
      check.engines.push({
        engine: run.engine,
        backend: String((run.measured?.backend as { label?: unknown } | undefined)?.label ?? 'unknown'),
        timingsNote: typeof note === 'string' ? note : null,
        cpuNote: cpuNote(run, results.profile),
      });
    }
    const skipped = skippedOps(run);
    if (Object.keys(skipped).length) {
      check.excluded.push({ workload: run.workload, engine: run.engine, skipped });
      continue;
    }
    check.rows.push(...(l1Rows(run, sim, results.profile) ?? vmmRows(run, sim)));
  }
  return check;
}

export function modelCheckRows(results: ResultsFile): ModelCheckRow[] {
  return modelCheck(results).rows;
}
