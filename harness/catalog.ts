// Everything a run can draw on, loaded from a serializable spec so that each worker thread can rebuild the
// same catalog: built-in engines plus third-party engine modules, built-in workloads plus user workload
// files, and the cost profile. Engines and workloads are plugins of the harness, not special cases in it.
import type { CostProfile } from '../engines/machine/profile.ts';
import type { Engine, OptionValue } from '../engines/types.ts';
import type { Workload } from '../workloads/types.ts';
import { getProfile } from '../engines/machine/profiles/index.ts';
import { builtinEngines, loadEngineModule, resolveEngine } from '../engines/registry.ts';
import { builtinWorkloads } from '../workloads/registry.ts';
import { loadWorkloadFile } from '../workloads/file.ts';
import { UsageError } from './errors.ts';

export interface CatalogSpec {
  profile: string;
  engineModules: string[];
  workloadFiles: string[];
}

export interface ResolvedEngine {
  engine: Engine;
  options: Record<string, OptionValue>;
  label: string;
}

export interface Catalog {
  profile: CostProfile;
  engines: Engine[];
  /** built-in workloads first, then user files in the order given */
  workloads: Workload[];
  workload(id: string): Workload;
  resolveEngine(spec: string): ResolvedEngine;
}

export async function loadCatalog(spec: CatalogSpec): Promise<Catalog> {
  const profile = getProfile(spec.profile);
  const engines: Engine[] = [...builtinEngines()];
  for (const path of spec.engineModules) {
    const engine = await loadEngineModule(path);
    if (engines.some((e) => e.id === engine.id)) throw new UsageError(`${path}: engine id "${engine.id}" is already taken`);
    engines.push(engine);
  }
  const workloads: Workload[] = [...builtinWorkloads()];
  for (const path of spec.workloadFiles) {
    const workload = loadWorkloadFile(path, workloads.map((w) => w.id));
    workloads.push(workload);
  }
  const byId = new Map(workloads.map((w) => [w.id, w]));
  return {
    profile,
    engines,
    workloads,
    workload(id) {
      const w = byId.get(id);
      if (!w) throw new UsageError(`unknown workload "${id}"`);
      return w;
    },
    resolveEngine: (s) => resolveEngine(s, engines, profile),
  };
}
