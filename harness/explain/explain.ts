// `hvbench explain ENGINE OP`: one operation's path through an engine, step by step, from the engine's own
// charging path (engines/types.ts ChargeTrace, recorded by step-recorder.ts) — not a description written per
// operation. The scenario (scenario.ts) runs setup and a warm-up before the `phase` operation, so the measured
// phase holds the one operation explained, and its steps add up to the measured phase's cycles.
import type { GuestOp, RunCounters } from '../../engines/types.ts';
import type { Catalog } from '../catalog.ts';
import { checkCounters } from '../check-counters.ts';
import { UsageError } from '../errors.ts';
import { workloadOptions } from '../pair.ts';
import { scenarioFromOp, scenarioFromWorkload, type Scenario } from './scenario.ts';
import { StepRecorder, type TraceEntry } from './step-recorder.ts';

export interface Explanation {
  /** the engine's label (`kvm:mmu=shadow`) and the profile it ran on */
  engine: string;
  profile: string;
  scenario: Scenario;
  entries: TraceEntry[];
  /** the measured phase's counters: the one operation */
  counters: RunCounters;
}

/** a workload id (it contains a slash) or an operation name with fields */
export function scenarioFor(catalog: Catalog, what: string, seed: number): Scenario {
  return /^[^{]*\//.test(what) ? scenarioFromWorkload(catalog.workload(what.trim()), seed) : scenarioFromOp(what);
}

export async function explain(catalog: Catalog, engineSpec: string, what: string, seed: number): Promise<Explanation> {
  const resolved = catalog.resolveEngine(engineSpec);
  const engine = resolved.engine;
  if (engine.mode !== 'simulated') throw new UsageError(`explain: ${engine.id} is a measured engine; explain traces the simulated engines' charging path`);
  if (!engine.phases) throw new UsageError(`explain: ${engine.id} does not separate setup from the measured phase (Engine.phases), so one operation cannot be traced apart`);
  const scenario = scenarioFor(catalog, what, seed);
  const isWorkload = scenario.label.includes('/');
  const options = isWorkload ? workloadOptions(catalog.workload(scenario.label), engine, resolved.options) : resolved.options;
  const ops: GuestOp[] = [...scenario.setup, ...scenario.warmup, { op: 'phase' }, scenario.op];
  const recorder = new StepRecorder();
  const counters = checkCounters(await engine.run({ ops, profile: catalog.profile, options, seed, trace: recorder }));
  const entries = recorder.entries;
  if (entries.length === 0 && counters.cycles.total > 0) {
    throw new UsageError(`explain: ${engine.id} charged ${counters.cycles.total} cycles but reported no trace (it does not pass EngineRunInput.trace on)`);
  }
  checkAddsUp(entries, counters, resolved.label);
  return { engine: resolved.label, profile: catalog.profile.id, scenario, entries, counters };
}

/**
 * The trace is the counters' own path, so it must account for them exactly: every cycle (to rounding of
 * fractional costs summed in another order), every exit, hypercall, flush, TLB miss and walk reference.
 */
function checkAddsUp(entries: readonly TraceEntry[], counters: RunCounters, engine: string): void {
  let cycles = 0;
  const counted: Record<string, number> = {};
  for (const e of entries) {
    if (e.kind === 'charge') cycles += e.cycles;
    else for (const [key, n] of Object.entries(e.counts)) {
      // `exit CPUID` → exit; `tlb misses` and `walk refs` are their own kind
      const kind = key === 'tlb misses' || key === 'walk refs' ? key : key.slice(0, key.indexOf(' '));
      counted[kind] = (counted[kind] ?? 0) + n;
    }
  }
  const total = counters.cycles.total;
  const wants: [string, number, number][] = [
    ['cycles', cycles, total],
    ['exits', counted.exit ?? 0, counters.exits.total],
    ['hypercalls', counted.hypercall ?? 0, counters.hypercalls.total],
    ['flushes', counted.flush ?? 0, counters.tlb.flushes.total],
    ['TLB misses', counted['tlb misses'] ?? 0, counters.tlb.misses],
    ['walk references', counted['walk refs'] ?? 0, counters.tlb.walkRefs],
  ];
  for (const [what, traced, measured] of wants) {
    if (Math.abs(traced - measured) > 1e-9 * Math.max(1, Math.abs(measured))) {
      throw new Error(`explain: the trace of ${engine} holds ${traced} ${what}, the measured phase ${measured}`);
    }
  }
}
