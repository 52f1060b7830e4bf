// Where Xen HVM and KVM differ, computed from a run that has both on the same VT-x/EPT machine (`kvm` and
// `xen:mode=hvm`): the VM exits each took by VMX reason (xenalyze and `perf kvm stat` print the same names) and
// what an exit cost there; where the device model lives (the workload with the most ioreqs, cycles per
// operation on each); how I/O completes (the I/O workload where the two differ most). The report states only
// what this computes; null when the run lacks either engine.
import type { ResultsFile, RunResult } from '../harness/results.ts';
import { engineLabels, findRun, workloadList } from './model.ts';
import { cyclesPerOp } from './per-op.ts';

export interface ExitContrastRow {
  reason: string;
  kvm: number;
  xen: number;
  /** cycles charged under `exit:<reason>` per exit (round trip, and the handler unless named apart) */
  kvmPerExit: number | null;
  xenPerExit: number | null;
}

export interface DeviceModelContrast {
  workload: string;
  unit: string;
  kvmPerOp: number;
  xenPerOp: number;
  ioreqs: number;
  domainSwitches: number;
  /** xen's cycles per operation in the ioreq round trip: `ioreq`, `domain-switch`, `device-model` */
  ioreqPerOp: number;
}

export interface IoContrast {
  workload: string;
  kvmOverheadPct: number;
  xenOverheadPct: number;
  kvmNotifyExits: number;
  xenEventChannel: number;
  xenDomainSwitches: number;
  xenGrantOps: number;
}

export interface HvmContrast {
  kvm: string;
  xen: string;
  exits: ExitContrastRow[];
  kvmExits: number;
  xenExits: number;
  deviceModel: DeviceModelContrast | null;
  io: IoContrast | null;
}

const ok = (r: RunResult | undefined): r is RunResult => r !== undefined && !r.error;
const IOREQ_MECHANISMS = ['ioreq', 'domain-switch', 'device-model'];

/** the first engine label whose runs are the xen engine in mode hvm */
function xenHvmLabel(results: ResultsFile): string | null {
  return results.engines.find((e) => e.id === 'xen' && e.options.mode === 'hvm')?.label ?? null;
}

function sumExits(runs: RunResult[]): { byReason: Map<string, number>; cycles: Map<string, number>; total: number } {
  const byReason = new Map<string, number>();
  const cycles = new Map<string, number>();
  let total = 0;
  for (const r of runs) {
    for (const [reason, n] of Object.entries(r.exits.byReason)) {
      byReason.set(reason, (byReason.get(reason) ?? 0) + n);
      cycles.set(reason, (cycles.get(reason) ?? 0) + (r.attribution[`exit:${reason}`] ?? 0));
      total += n;
    }
  }
  return { byReason, cycles, total };
}

function deviceModel(results: ResultsFile, kvm: string, xen: string): DeviceModelContrast | null {
  let best: DeviceModelContrast | null = null;
  for (const w of workloadList(results)) {
    const k = findRun(results, w.id, kvm);
    const x = findRun(results, w.id, xen);
    const kvmPerOp = cyclesPerOp(w, k);
    const xenPerOp = cyclesPerOp(w, x);
    const ioreqs = x?.events.ioreqs ?? 0;
    if (!ok(x) || kvmPerOp === null || xenPerOp === null || ioreqs <= (best?.ioreqs ?? 0)) continue;
    const part = IOREQ_MECHANISMS.reduce((s, m) => s + (x.attribution[m] ?? 0), 0);
    best = { workload: w.id, unit: w.perOp!.unit, kvmPerOp, xenPerOp, ioreqs, domainSwitches: x.events.domainSwitches ?? 0, ioreqPerOp: part / w.perOp!.count };
  }
  return best;
}

function io(results: ResultsFile, kvm: string, xen: string): IoContrast | null {
  let best: IoContrast | null = null;
  for (const w of workloadList(results).filter((x) => x.category === 'io')) {
    const k = findRun(results, w.id, kvm);
    const x = findRun(results, w.id, xen);
    if (!ok(k) || !ok(x) || k.overheadPct === null || x.overheadPct === null) continue;
    if (best && Math.abs(x.overheadPct - k.overheadPct) <= Math.abs(best.xenOverheadPct - best.kvmOverheadPct)) continue;
    best = {
      workload: w.id, kvmOverheadPct: k.overheadPct, xenOverheadPct: x.overheadPct, kvmNotifyExits: k.events.virtioNotify ?? 0,
      xenEventChannel: x.events.eventChannel ?? 0, xenDomainSwitches: x.events.domainSwitches ?? 0, xenGrantOps: x.events.grantOps ?? 0,
    };
  }
  return best;
}

export function hvmContrast(results: ResultsFile): HvmContrast | null {
  const xen = xenHvmLabel(results);
  const kvm = 'kvm';
  if (xen === null || !engineLabels(results).includes(kvm)) return null;
  const k = sumExits(results.runs.filter((r) => ok(r) && r.engine === kvm));
  const x = sumExits(results.runs.filter((r) => ok(r) && r.engine === xen));
  const reasons = [...new Set([...k.byReason.keys(), ...x.byReason.keys()])];
  const perExit = (s: typeof k, reason: string) => (s.byReason.get(reason) ?? 0) > 0 ? s.cycles.get(reason)! / s.byReason.get(reason)! : null;
  const exits = reasons.map((reason): ExitContrastRow => ({
    reason, kvm: k.byReason.get(reason) ?? 0, xen: x.byReason.get(reason) ?? 0, kvmPerExit: perExit(k, reason), xenPerExit: perExit(x, reason),
  })).sort((a, b) => b.kvm + b.xen - (a.kvm + a.xen) || (a.reason < b.reason ? -1 : 1));
  return { kvm, xen, exits, kvmExits: k.total, xenExits: x.total, deviceModel: deviceModel(results, kvm, xen), io: io(results, kvm, xen) };
}
