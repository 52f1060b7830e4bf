// The rows of the Xen model check: for every workload run by both the simulated `xen` engine and the
// measured `xen-qemu` engine, each hypercall, PV trap and paging event either counted beside the other.
// xen-qemu counts only inside the op-runner's operation windows, so the model's boot is taken out of its
// setup: the model's counts for an empty stream (its domain's boot) are subtracted from setup + measured.
// A difference beyond the tolerance is flagged with the reason when it is a known one (XEN_DIFFERENCES).
import type { ResultsFile, RunResult } from '../../harness/results.ts';
import type { PhaseCounters, RunCounters } from '../../engines/types.ts';
import { xenEngine } from '../../engines/paravirtual/index.ts';
import { getProfile } from '../../engines/machine/profiles/index.ts';
import { XEN_DIFFERENCES } from './xen-differences.ts';

/** a count agrees within 10 % or 3 of the other: the real dom0 runs timer ticks and kernel threads too */
export const XEN_RELATIVE_TOLERANCE = 0.1;
export const XEN_ABSOLUTE_TOLERANCE = 3;

/** the paging events both engines count under the same name */
export const XEN_COMPARED_EVENTS = ['mmuUpdates', 'multicallEntries', 'tablesPinned', 'tablesUnpinned', 'pageFaults'] as const;
/** the split driver's events (engines/paravirtual/split-driver.ts), compared for a domU run beside dom0's `dom0:<op>` hypercalls */
export const XEN_SPLIT_DRIVER_EVENTS = ['eventChannel', 'grantOps', 'domainSwitches', 'ringRequests'] as const;

export interface XenCheckRow {
  workload: string;
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

/** the model's whole run less its boot: what the op-runner's windows can be compared with */
function modelWithoutBoot(run: RunResult, profileId: string): Flat {
  let whole = flat(run);
  if (run.setup) whole = add(whole, flat(run.setup));
  let boot: RunCounters | null = null;
  try {
    const counted = xenEngine.run({ ops: [], profile: getProfile(profileId), options: run.options, seed: 0 });
    // the simulated engine is synchronous; a promise would be a measured engine's
    if (!(counted instanceof Promise)) boot = counted;
  } catch {
    // a profile from a file: the boot stays in (a handful of pins and mmu_updates)
  }
  if (!boot) return whole;
  return add(whole, boot.setup ? add(flat(boot), flat(boot.setup)) : flat(boot), -1);
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
    const model = modelWithoutBoot(sim, results.profile);
    const real = flat(measured);
    // xen-qemu:guest=domu runs the stream in a domU with split drivers (engines/lab/xen-qemu/domu-run.ts)
    const domu = measured.options.guest === 'domu';
    const workload = domu ? `${measured.workload} (domU)` : measured.workload;
    const push = (what: string, s: number, m: number) => {
      const ok = agrees(s, m);
      rows.push({ workload, what, simulated: s, measured: m, agrees: ok, ...(ok ? {} : { reason: reasonFor(measured.workload, what, domu) }) });
    };
    for (const op of [...new Set([...Object.keys(model.hypercalls), ...Object.keys(real.hypercalls)])].sort()) {
      push(`hypercall ${op}`, model.hypercalls[op] ?? 0, real.hypercalls[op] ?? 0);
    }
    for (const name of [...new Set([...Object.keys(model.traps), ...Object.keys(real.traps)])].sort()) {
      push(`trap ${name}`, model.traps[name] ?? 0, real.traps[name] ?? 0);
    }
    const dom0Calls = domu ? [...new Set([...Object.keys(model.events), ...Object.keys(real.events)].filter((k) => k.startsWith('dom0:')))].sort() : [];
    // pins are read from Linux's tracepoints, which a domU run does not record
    const paging = domu ? XEN_COMPARED_EVENTS.filter((e) => e !== 'tablesPinned' && e !== 'tablesUnpinned') : XEN_COMPARED_EVENTS;
    for (const name of [...paging, ...(domu ? XEN_SPLIT_DRIVER_EVENTS : []), ...dom0Calls]) {
      const s = model.events[name] ?? 0;
      const m = real.events[name] ?? 0;
      if (s || m) push(`event ${name}`, s, m);
    }
  }
  return rows;
}
