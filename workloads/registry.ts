// Every built-in workload, by category, and how a user selects them: by id (`memory/fault-storm`), by category
// (`memory`) or by id prefix (`custom` for user files named `custom/…`). Each category's workloads come from
// one file, workloads/<category>/index.ts.
import { UsageError } from '../harness/errors.ts';
import { applyParams } from './params.ts';
import { closeMatches } from './suggest.ts';
import { CATEGORIES, type Category, type Params, type Workload } from './types.ts';
import { cpuWorkloads } from './cpu/index.ts';
import { memoryWorkloads } from './memory/index.ts';
import { ioWorkloads } from './io/index.ts';
import { microWorkloads } from './micro/index.ts';

// The power category is registered so that `power` is a valid selector, but workloads/power/index.ts
// exports PowerScenario values (several VMs with demand traces, engines/power/types.ts), not GuestOp streams:
// the power suite runs them, so no GuestOp workload of that category is listed here.
const powerWorkloads: readonly Workload[] = [];

const BY_CATEGORY: Record<Category, readonly Workload[]> = {
  cpu: cpuWorkloads,
  memory: memoryWorkloads,
  io: ioWorkloads,
  micro: microWorkloads,
  power: powerWorkloads,
};

const BUILTIN: readonly Workload[] = CATEGORIES.flatMap((c) => BY_CATEGORY[c]);

export { applyParams };

export function builtinWorkloads(): readonly Workload[] {
  return BUILTIN;
}

export function isBuiltinId(id: string): boolean {
  return BUILTIN.some((w) => w.id === id);
}

export function defaultParams(workload: Workload): Params {
  return applyParams(workload, {});
}

/**
 * The workloads of `pool` named by `selectors`, in pool order, each once. A selector is an id, a category or
 * an id prefix before the `/`. An unknown selector is a UsageError that suggests close matches.
 */
export function selectWorkloads(pool: readonly Workload[], selectors: readonly string[]): Workload[] {
  const chosen = new Set<Workload>();
  for (const raw of selectors) {
    const sel = raw.trim();
    const matches = pool.filter((w) => w.id === sel || w.category === sel || w.id.startsWith(`${sel}/`));
    if (matches.length === 0 && !(CATEGORIES as readonly string[]).includes(sel)) {
      const names = [...new Set([...CATEGORIES, ...pool.map((w) => w.id)])];
      const near = closeMatches(sel, names);
      throw new UsageError(
        `unknown workload or category "${sel}"` +
          (near.length ? `; did you mean ${near.join(', ')}?` : '') +
          ` (categories: ${CATEGORIES.join(', ')}; \`hvbench list\` shows every workload)`,
      );
    }
    for (const w of matches) chosen.add(w);
  }
  return pool.filter((w) => chosen.has(w));
}
