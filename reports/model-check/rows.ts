// The model check's numbers (docs/architecture.md#measured-engines): for every workload a measured engine
// ran, its exits next to the simulated `kvm` engine's, reason by reason, with the difference, whether it is
// within tolerance, and what is known to cause it when it is not.
// - kvm-qemu: exits from L1's kvm_exit tracepoint (every exit, whether KVM handled it or the VMM), minus the
//   exits of a guest that boots and runs nothing (the boot baseline), against the simulated run's whole
//   count (setup and measured phase: the VMM counts both).
// - kvm-host: the exits the VMM saw in user space, reason by reason, and KVM's total from its statistics.
// A workload whose stream had operations the guest skipped is not compared: it is listed with those
// operations instead, since the measured guest did less than the simulation.
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import { listProfiles } from '../../engines/machine/profiles/index.ts';
import { explainDifference, TOTAL_IS_EXPLAINED, totalAgreesWithout } from './known-differences.ts';

/** a count agrees when within 5 % or 2 exits of the other: setup and teardown add a few exits either way */
export const RELATIVE_TOLERANCE = 0.05;
export const ABSOLUTE_TOLERANCE = 2;

export interface ModelCheckRow {
  workload: string;
  /** the measured engine's label */
  engine: string;
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

function row(run: RunResult, what: string, simulated: number, measured: number): ModelCheckRow {
  const ok = agrees(simulated, measured);
  return { workload: run.workload, engine: run.engine, what, simulated, measured, agrees: ok, why: ok ? null : explainDifference(what, run) };
}

function l1Rows(run: RunResult, sim: RunResult): ModelCheckRow[] | null {
  const l1 = run.measured?.l1Exits as { byReason?: unknown; baseline?: unknown } | undefined;
  if (!l1) return null;
  const raw = record(l1.byReason);
  const baseline = record(l1.baseline);
  const simulated = sum(sim.exits.byReason, sim.setup?.exits.byReason);
  const reasons = [...new Set([...Object.keys(raw), ...Object.keys(simulated)])].sort();
  const rows: ModelCheckRow[] = [];
  let simTotal = 0;
  let measuredTotal = 0;
  for (const reason of reasons) {
    const measured = Math.max(0, (raw[reason] ?? 0) - (baseline[reason] ?? 0));
    const s = simulated[reason] ?? 0;
    if (measured === 0 && s === 0) continue;
    simTotal += s;
    measuredTotal += measured;
    rows.push(row(run, reason, s, measured));
  }
  const total = row(run, 'total', simTotal, measuredTotal);
  // the total differs by its rows when it agrees once those that differ for a stated cause (and host
  // interrupts, which come per unit of wall-clock time) are left out on both sides
  const known = rows.filter((r) => !r.agrees && (r.why !== null || r.what === 'EXTERNAL_INTERRUPT'));
  const without = (side: 'simulated' | 'measured', all: number) => known.reduce((left, r) => left - r[side], all);
  if (!total.agrees && known.length && agrees(without('simulated', simTotal), without('measured', measuredTotal))) total.why = totalAgreesWithout(known.map((r) => r.what));
  else if (!total.agrees && rows.every((r) => r.agrees || r.why)) total.why = TOTAL_IS_EXPLAINED;
  rows.push(total);
  return rows;
}

function vmmRows(run: RunResult, sim: RunResult): ModelCheckRow[] {
  const rows = Object.entries(run.exits.byReason).map(([reason, count]) => row(run, reason, sim.exits.byReason[reason] ?? 0, count));
  rows.push(...kvmStatsTotal(run, sim));
  return rows;
}

type VcpuStats = Record<string, number> | null;

/** KVM's own exit count, every vCPU's (vCPU 1 takes the IPIs and flushes): a run recorded before the VMM read
 *  the other vCPUs' statistics has vCPU 0's alone */
function kvmStatsTotal(run: RunResult, sim: RunResult): ModelCheckRow[] {
  const stats = run.measured?.kvmStats as { vcpu?: VcpuStats; vcpus?: VcpuStats[] } | undefined;
  const vcpus = stats?.vcpus ?? [stats?.vcpu ?? null];
  const counts = vcpus.map((v) => v?.exits).filter((n): n is number => typeof n === 'number');
  if (!counts.length) return [];
  return [row(run, 'total (KVM stats)', sim.exits.total, counts.reduce((a, b) => a + b, 0))];
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
    check.rows.push(...(l1Rows(run, sim) ?? vmmRows(run, sim)));
  }
  return check;
}

export function modelCheckRows(results: ResultsFile): ModelCheckRow[] {
  return modelCheck(results).rows;
}
