// The rows of the Xen model check: for every workload run by both the simulated `xen` engine and the
// measured `xen-qemu` engine, each hypercall, PV trap and paging event either counted beside the other,
// phase by phase: the measured phase beside the model's measured phase, setup beside the model's setup.
// xen-qemu counts only inside the op-runner's operation windows, so its setup has no boot and the model's
// boot (its counts for an empty stream) is taken out of the model's setup. What xen-qemu could only count
// over the whole run (measured.wholeRun) is compared with the model's whole run less its boot, and so is
// everything of a results file written before xen-qemu separated the phases.
// A difference beyond the tolerance is flagged with the reason when it is a known one (XEN_DIFFERENCES).
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { PhaseCounters, RunCounters } from '../../engines/types.ts';
import { xenEngine } from '../../engines/paravirtual/index.ts';
import { modelBoot } from './model-boot.ts';
import { XEN_DIFFERENCES } from './xen-differences.ts';

/** a count agrees within 10 % or 3 of the other: the real dom0 runs timer ticks and kernel threads too */
export const XEN_RELATIVE_TOLERANCE = 0.1;
export const XEN_ABSOLUTE_TOLERANCE = 3;

/** the paging events both engines count under the same name; `shootdownTargets` is the vCPUs other than the
 *  caller's a flush_tlb_multi reached, one flush each (engines/lab/xen-qemu/to-counters.ts remoteTargets) */
export const XEN_COMPARED_EVENTS = ['mmuUpdates', 'multicallEntries', 'tablesPinned', 'tablesUnpinned', 'pageFaults', 'shootdownTargets'] as const;
/** what only Linux's tracepoints give, which a domU run does not record */
const LINUX_TRACE_EVENTS: readonly string[] = ['tablesPinned', 'tablesUnpinned', 'shootdownTargets'];
/** the split driver's events (engines/paravirtual/split-driver.ts), compared for a domU run beside dom0's `dom0:<op>` hypercalls */
export const XEN_SPLIT_DRIVER_EVENTS = ['eventChannel', 'grantOps', 'domainSwitches', 'ringRequests'] as const;

/** which part of the run a row compares */
export type CheckPhase = 'measured' | 'setup' | 'whole run';

export interface XenCheckRow {
  workload: string;
  phase: CheckPhase;
  /** `hypercall <op>`, `trap <name>` or `event <name>` */
  what: string;
  simulated: number;
  measured: number;
  agrees: boolean;
  /** why they differ, when the difference is a known one */
  reason?: string;
}

function agrees(a: number, b: number): boolean {
  const diff = Math.abs(a - b);
  return diff <= XEN_ABSOLUTE_TOLERANCE || diff <= XEN_RELATIVE_TOLERANCE * Math.max(a, b);
}

type Flat = { hypercalls: Record<string, number>; traps: Record<string, number>; events: Record<string, number> };

function flat(c: PhaseCounters): Flat {
  return { hypercalls: { ...c.hypercalls.byOp }, traps: { ...c.exits.byReason }, events: { ...c.events } };
}

function add(a: Flat, b: Flat, sign = 1): Flat {
  const out: Flat = { hypercalls: { ...a.hypercalls }, traps: { ...a.traps }, events: { ...a.events } };
  for (const k of ['hypercalls', 'traps', 'events'] as const) {
    for (const [name, n] of Object.entries(b[k])) out[k][name] = (out[k][name] ?? 0) + sign * n;
  }
  return out;
}

const EMPTY: Flat = { hypercalls: {}, traps: {}, events: {} };

function whole(c: RunCounters): Flat {
  return c.setup ? add(flat(c), flat(c.setup)) : flat(c);
}

/** the pairs of counts to compare: the measured phase, setup less the model's boot, and the whole-run remainder */
function comparisons(sim: RunResult, measured: RunResult, profileId: string): Array<{ phase: CheckPhase; model: Flat; real: Flat }> {
  // a profile from a file keeps its boot in: a handful of pins and mmu_updates
  const counted = modelBoot(xenEngine, sim, profileId);
  const boot = counted ? whole(counted) : EMPTY;
  const modelWhole = add(whole(sim), boot, -1);
  if (!measured.setup) return [{ phase: 'whole run', model: modelWhole, real: flat(measured) }];
  const wholeRun = (measured.measured?.wholeRun as { events?: Record<string, number> } | undefined)?.events ?? {};
  // a count only the whole run has is compared there and left out of both phases
  const phased = (f: Flat): Flat => ({ ...f, events: Object.fromEntries(Object.entries(f.events).filter(([k]) => !(k in wholeRun))) });
  const out: Array<{ phase: CheckPhase; model: Flat; real: Flat }> = [
    { phase: 'measured', model: phased(flat(sim)), real: flat(measured) },
    { phase: 'setup', model: phased(add(sim.setup ? flat(sim.setup) : EMPTY, boot, -1)), real: flat(measured.setup) },
  ];
  if (Object.keys(wholeRun).length) {
    const events = Object.fromEntries(Object.keys(wholeRun).map((k) => [k, modelWhole.events[k] ?? 0]));
    out.push({ phase: 'whole run', model: { ...EMPTY, events }, real: { ...EMPTY, events: wholeRun } });
  }
  return out;
}

function reasonFor(workload: string, what: string, domu: boolean): string | undefined {
  return XEN_DIFFERENCES.find((d) => d.what === what && (!d.workloads || d.workloads.includes(workload)) && (!d.domu || domu))?.reason;
}

export function xenCheckRows(results: ResultsFile): XenCheckRow[] {
  const rows: XenCheckRow[] = [];
  for (const measured of results.runs.filter((r) => r.engineId === 'xen-qemu' && !r.error)) {
    const candidates = results.runs.filter((r) => r.workload === measured.workload && r.engineId === 'xen' && !r.error);
    const sim = candidates.find((r) => r.engine === 'xen') ?? candidates[0];
    if (!sim) continue;
    // xen-qemu:guest=domu runs the stream in a domU with split drivers (engines/lab/xen-qemu/domu-run.ts)
    const domu = measured.options.guest === 'domu';
    const workload = domu ? `${measured.workload} (domU)` : measured.workload;
    for (const { phase, model, real } of comparisons(sim, measured, results.profile)) {
      rows.push(...phaseRows(workload, phase, model, real, (what) => reasonFor(measured.workload, what, domu), domu));
    }
  }
  return rows;
}

function phaseRows(workload: string, phase: CheckPhase, model: Flat, real: Flat, reason: (what: string) => string | undefined, domu: boolean): XenCheckRow[] {
  const rows: XenCheckRow[] = [];
  const push = (what: string, s: number, m: number) => {
    if (s === 0 && m === 0) return;
    const ok = agrees(s, m);
    rows.push({ workload, phase, what, simulated: s, measured: m, agrees: ok, ...(ok ? {} : { reason: reason(what) }) });
  };
  for (const op of [...new Set([...Object.keys(model.hypercalls), ...Object.keys(real.hypercalls)])].sort()) {
    push(`hypercall ${op}`, model.hypercalls[op] ?? 0, real.hypercalls[op] ?? 0);
  }
  for (const name of [...new Set([...Object.keys(model.traps), ...Object.keys(real.traps)])].sort()) {
    push(`trap ${name}`, model.traps[name] ?? 0, real.traps[name] ?? 0);
  }
  const dom0Calls = domu ? [...new Set([...Object.keys(model.events), ...Object.keys(real.events)].filter((k) => k.startsWith('dom0:')))].sort() : [];
  const paging = domu ? XEN_COMPARED_EVENTS.filter((e) => !LINUX_TRACE_EVENTS.includes(e)) : XEN_COMPARED_EVENTS;
  for (const name of [...paging, ...(domu ? XEN_SPLIT_DRIVER_EVENTS : []), ...dom0Calls]) push(`event ${name}`, model.events[name] ?? 0, real.events[name] ?? 0);
  return rows;
}
