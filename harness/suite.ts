// `hvbench run`: every (workload, engine) pair with the same seed and profile, then overhead against the
// native run of the same workload. The native baseline is always part of a run: overhead has no meaning
// without it.
import { Counters } from '../engines/machine/counters.ts';
import { callHook } from '../engines/registry.ts';
import type { Availability } from '../engines/types.ts';
import { loadCatalog, type Catalog, type CatalogSpec, type ResolvedEngine } from './catalog.ts';
import { UsageError } from './errors.ts';
import { describeHost } from './host.ts';
import { computeOverhead } from './overhead.ts';
import { workloadOptions, type PairOutcome, type PairTask } from './pair.ts';
import { runPairs } from './pool.ts';
import type { ProgressSink } from './progress.ts';
import { RESULTS_SCHEMA, type ResultsFile, type RunResult } from './results.ts';
import { TOOL_VERSION } from './version.ts';
import { profileHash } from './profile-hash.ts';
import { defaultParams, selectWorkloads } from '../workloads/registry.ts';
import type { PerOp, Workload } from '../workloads/types.ts';
import { runPowerSuite, powerEngineOf, type PowerDesign, type PowerEngine, type PowerScenario } from '../engines/power/index.ts';
import { powerWorkloads } from '../workloads/power/index.ts';
import { loadPowerFile } from '../workloads/power/file.ts';
import { runEnergyJ } from '../engines/power/run-energy.ts';
import { shardSlice, type Shard } from './shard.ts';
import { expandSweeps, type SweepFlag } from './sweep.ts';
import { seedsRecord } from './seeds.ts';
import { MAX_RUNS } from './limits.ts';

export interface SuiteRequest extends CatalogSpec {
  /** engine specs, e.g. `kvm:mmu=shadow` */
  engines: string[];
  /** workload ids or categories; empty = every built-in workload plus the user's files */
  workloads: string[];
  /** user power scenario files (workloads/power/file.ts), run beside the power scenarios selected */
  powerFiles?: string[];
  seed: number;
  workers: number;
  /** a pair still running after this many ms fails (its worker is stopped) */
  timeoutMs: number;
  timing: boolean;
  progress: ProgressSink;
  signal?: AbortSignal;
  /** one-line notes for the user (the CLI prints them on stderr), e.g. two engine specs that are one engine */
  note?: (line: string) => void;
  /** one-line warnings, before any pair runs: a timed run of an engine whose timings mean nothing here */
  warn?: (line: string) => void;
  /** run only this slice of the workloads (harness/shard.ts); the power section runs with shard 1 */
  shard?: Shard;
  /** `--sweep`: engine columns beside `engines`, one per value (harness/sweep.ts) */
  sweeps?: SweepFlag[];
  /** `--seeds`: the suite once per seed, `seed` being the first (harness/seeds.ts); the power section and the
   *  timing run with the first only */
  seeds?: number[];
}

const NATIVE = 'native';

/**
 * The engines of `--engines`, native first. The same spec twice is a typo and refused; two different specs that
 * resolve to one engine on this profile — `kvm` and `kvm:mmu=shadow` on a CPU without EPT, where kvm falls back
 * to the shadow MMU as KVM does — run once, with a note saying why.
 */
function resolveEngines(catalog: Catalog, specs: string[], profile: string, note: (line: string) => void): ResolvedEngine[] {
  const all = specs.map((spec) => ({ spec, engine: catalog.resolveEngine(spec) }));
  const firstSpec = new Map<string, string>();
  const resolved: ResolvedEngine[] = [];
  for (const { spec, engine } of all) {
    const earlier = firstSpec.get(engine.label);
    if (earlier === undefined) {
      firstSpec.set(engine.label, spec);
      resolved.push(engine);
    } else if (earlier === spec) {
      throw new UsageError(`--engines: ${spec} is listed twice`);
    } else {
      note(`--engines: ${earlier} and ${spec} are the same engine on profile ${profile} (${engine.label}); it runs once`);
    }
  }
  for (const r of resolved) {
    const a: Partial<Availability> | undefined = callHook(r.engine, 'availability()', () => r.engine.availability());
    if (a?.available !== true) {
      const reason = a?.available === false && typeof a.reason === 'string' ? a.reason : 'its availability() gave no reason';
      throw new UsageError(`engine ${r.label} is unavailable here: ${reason}`);
    }
  }
  if (!firstSpec.has(NATIVE)) resolved.unshift(catalog.resolveEngine(NATIVE));
  return resolved;
}

/** a timed run of an engine whose wall-clock times an emulator makes: one line each, naming it and why */
function warnAboutTimings(engines: readonly ResolvedEngine[], warn: (line: string) => void): void {
  for (const r of engines) {
    const caveat = r.engine.timingsCaveat ? callHook(r.engine, 'timingsCaveat()', () => r.engine.timingsCaveat!(r.options)) : null;
    if (typeof caveat === 'string' && caveat) warn(`${r.label}'s timings are not representative (${caveat}); its counts are real. --no-timing skips them`);
  }
}

/**
 * No selection runs every built-in workload, or only the user's files when some are given; a selection
 * (ids or categories, built-in or from a file) runs what it names plus the user's files.
 */
function chooseWorkloads(catalog: Catalog, req: SuiteRequest): Workload[] {
  const fromFiles = catalog.workloads.slice(catalog.workloads.length - req.workloadFiles.length);
  if (req.workloads.length === 0) return fromFiles.length > 0 ? fromFiles : catalog.workloads;
  const selectors = req.workloads.filter((s) => !isPowerSelector(s));
  const chosen = selectors.length > 0 ? selectWorkloads(catalog.workloads, selectors) : [];
  return [...chosen, ...fromFiles.filter((w) => !chosen.includes(w))];
}

/** the power scenarios (docs/architecture.md#power) are not operation streams: they run in the power model, selected alike */
function isPowerSelector(selector: string): boolean {
  return selector === 'power' || selector.startsWith('power/');
}

/** `power` selects every built-in scenario, `power/<id>` one; the user's power files always run */
function choosePowerScenarios(req: SuiteRequest): PowerScenario[] {
  const fromFiles: PowerScenario[] = [];
  for (const path of req.powerFiles ?? []) fromFiles.push(loadPowerFile(path, [...powerWorkloads, ...fromFiles].map((s) => s.id)));
  if (req.workloads.length === 0) return req.workloadFiles.length > 0 ? fromFiles : [...powerWorkloads, ...fromFiles];
  const chosen: PowerScenario[] = [];
  for (const selector of req.workloads.filter(isPowerSelector)) {
    const matches = powerWorkloads.filter((s) => selector === 'power' || selector === `power/${s.id}`);
    if (matches.length === 0) {
      throw new UsageError(`unknown power scenario "${selector}" (known: ${powerWorkloads.map((s) => `power/${s.id}`).join(', ')})`);
    }
    for (const m of matches) if (!chosen.includes(m)) chosen.push(m);
  }
  return [...chosen, ...fromFiles];
}

function isPowerDesign(id: string): id is PowerDesign {
  return id === 'xen' || id === 'kvm';
}

/**
 * The power model runs every xen and kvm spec of `--engines` with the options it reads (sched, cpufreq, …). A
 * spec with an option it cannot honour (xen:mode=hvm) is left out of the power section — said in a note when
 * power scenarios were asked for, and the usage error itself when that leaves none of the specs.
 */
function choosePowerEngines(
  catalog: Catalog,
  engines: readonly ResolvedEngine[],
  scenarios: readonly PowerScenario[],
  asked: boolean,
  note: (line: string) => void,
): PowerEngine[] {
  const chosen: PowerEngine[] = [];
  const refused: UsageError[] = [];
  for (const e of engines) {
    const id = e.engine.id;
    if (!isPowerDesign(id)) continue;
    try {
      chosen.push(powerEngineOf(id, e.label, e.options, catalog.resolveEngine(id).options));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      refused.push(err);
    }
  }
  if (scenarios.length > 0 && chosen.length === 0 && refused.length === 0) {
    throw new UsageError(`power scenarios run on the xen and kvm designs; --engines names neither (power: ${scenarios.map((s) => s.id).join(', ')})`);
  }
  if (asked && chosen.length === 0 && refused.length > 0) throw refused[0];
  if (asked) for (const err of refused) note(`${err.message}; it is left out of the power section`);
  return chosen;
}

function perOpOf(w: Workload): { perOp?: PerOp } {
  return w.perOp ? { perOp: w.perOp(defaultParams(w)) } : {};
}

export async function runSuite(req: SuiteRequest): Promise<ResultsFile> {
  const spec: CatalogSpec = { profile: req.profile, engineModules: req.engineModules, workloadFiles: req.workloadFiles };
  const catalog = await loadCatalog(spec);
  const sweeps = req.sweeps && req.sweeps.length > 0 ? expandSweeps(req.sweeps, (s) => catalog.resolveEngine(s)) : undefined;
  const specs = [...req.engines, ...(sweeps ?? []).flatMap((s) => s.columns.map((c) => c.label))];
  const engines = resolveEngines(catalog, specs, catalog.profile.id, req.note ?? (() => {}));
  if (req.timing) warnAboutTimings(engines, req.warn ?? (() => {}));
  const selected = chooseWorkloads(catalog, req);
  if (selected.length * engines.length > MAX_RUNS) {
    throw new UsageError(`${selected.length} workloads × ${engines.length} engines are ${selected.length * engines.length} runs, more than the ${MAX_RUNS} a results file may hold`);
  }
  const workloads = req.shard ? shardSlice(selected, req.shard) : selected;
  // every shard checks the power files and engines; shard 1 runs them
  const chosenPower = choosePowerScenarios(req);
  const powerAsked = req.workloads.some(isPowerSelector) || (req.powerFiles ?? []).length > 0;
  const powerEngines = choosePowerEngines(catalog, engines, chosenPower, powerAsked, req.note ?? (() => {}));
  const powerScenarios = req.shard && req.shard.index !== 1 ? [] : chosenPower;

  // the first seed's pairs first: they are the file's runs, and the only ones timed
  const seeds = req.seeds ?? [req.seed];
  const tasks: PairTask[] = [];
  for (const [s, seed] of seeds.entries()) {
    for (const w of workloads) {
      for (const e of engines) {
        tasks.push({ slot: tasks.length, workloadId: w.id, engineSpec: e.label, seed, timing: req.timing && s === 0 });
      }
    }
  }
  req.progress.start(tasks.length);
  const outcomes: PairOutcome[] = await runPairs(spec, tasks, {
    workers: req.workers,
    timeoutMs: req.timeoutMs,
    signal: req.signal,
    onDone: (task, outcome) => req.progress.done(`${task.workloadId} × ${task.engineSpec}`, !outcome.ok),
  });
  req.progress.finish();

  const perSeed = workloads.length * engines.length;
  const bySeed = seeds.map((_, s) => buildRuns(catalog, engines, tasks.slice(s * perSeed, (s + 1) * perSeed), outcomes.slice(s * perSeed, (s + 1) * perSeed)));
  const runs = bySeed[0];

  // the power model runs on this thread: Ctrl-C during it is seen here, once it returns
  req.signal?.throwIfAborted();
  const power = powerScenarios.length > 0 && powerEngines.length > 0 ? runPowerSuite({ profile: catalog.profile, seed: req.seed, scenarios: powerScenarios, engines: powerEngines }) : undefined;
  return {
    schema: RESULTS_SCHEMA,
    tool: { name: 'hvbench', version: TOOL_VERSION },
    createdAt: new Date().toISOString(),
    host: describeHost(),
    profile: catalog.profile.id,
    profileHash: profileHash(catalog.profile),
    clockGhz: catalog.profile.ghz,
    seed: req.seed,
    engines: engines.map((e) => ({ label: e.label, id: e.engine.id, title: e.engine.title, mode: e.engine.mode, options: e.options })),
    workloads: workloads.map((w) => ({
      id: w.id, category: w.category, title: w.title, description: w.description, ...perOpOf(w),
      ...(w.notMeaningfulOnPv ? { notMeaningfulOnPv: w.notMeaningfulOnPv } : {}),
    })),
    runs,
    ...(sweeps ? { sweeps } : {}),
    ...(req.seeds ? { seeds: seedsRecord(seeds, bySeed) } : {}),
    ...(power ? { power } : {}),
  };
}

/** the runs of one seed's pairs, each engine's overhead against that seed's native run of the workload */
function buildRuns(catalog: Catalog, engines: readonly ResolvedEngine[], tasks: readonly PairTask[], outcomes: readonly PairOutcome[]): RunResult[] {
  const runs: RunResult[] = tasks.map((task, i) => {
    const outcome = outcomes[i];
    const workload = catalog.workload(task.workloadId);
    const engine = engines.find((e) => e.label === task.engineSpec)!;
    // a failed pair keeps zero counters beside its error, so every run has the same shape
    const counters = outcome.ok ? outcome.counters : new Counters().snapshot();
    return {
      workload: workload.id,
      category: workload.category,
      title: workload.title,
      engine: engine.label,
      engineId: engine.engine.id,
      mode: engine.engine.mode,
      options: workloadOptions(workload, engine.engine, engine.options),
      params: defaultParams(workload),
      ...counters,
      overheadPct: null,
      overheadAttribution: null,
      timing: outcome.ok ? outcome.timing : null,
      ...(outcome.ok ? { energyJ: runEnergyJ(counters, catalog.profile.ghz, catalog.profile.power) } : { error: outcome.error }),
    };
  });
  // A measured run's cycles are a real guest's TSC; native's are the model's: no overhead between the two.
  for (const run of runs) {
    if (run.engineId === NATIVE || run.error || run.mode === 'measured') continue;
    const native = runs.find((r) => r.workload === run.workload && r.engine === NATIVE && !r.error);
    const overhead = native ? computeOverhead(run, native) : null;
    if (overhead) Object.assign(run, overhead);
  }
  return runs;
}
