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

/** the workloads a selector names: an id, a category, an id prefix before the `/`, or a glob where `*` stands
 *  for any run of characters (`micro/*`, `*fork*`) */
function matching(pool: readonly Workload[], sel: string): Workload[] {
  if (sel.includes('*')) {
    const glob = new RegExp(`^${sel.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return pool.filter((w) => glob.test(w.id));
  }
  return pool.filter((w) => w.id === sel || w.category === sel || w.id.startsWith(`${sel}/`));
}

/**
 * The workloads of `pool` named by `selectors`, in pool order, each once. A selector is an id, a category, an
 * id prefix before the `/` or a glob (`micro/*`); one starting with `!` excludes what it names (`!micro/hypercall`)
 * from what the others chose — from the whole pool when every selector is an exclusion. A selector that names
 * nothing is a UsageError that suggests close matches, and so is a selection that excludes everything.
 */
export function selectWorkloads(pool: readonly Workload[], selectors: readonly string[]): Workload[] {
  const named = (raw: string): Workload[] => {
    const sel = raw.trim();
    const matches = matching(pool, sel);
    if (matches.length === 0 && !(CATEGORIES as readonly string[]).includes(sel)) {
      const names = [...new Set([...CATEGORIES, ...pool.map((w) => w.id)])];
      const near = closeMatches(sel, names);
      throw new UsageError(
        `unknown workload or category "${sel}"` +
          (near.length ? `; did you mean ${near.join(', ')}?` : '') +
          ` (categories: ${CATEGORIES.join(', ')}; globs like micro/*; \`hvbench list\` shows every workload)`,
      );
    }
    return matches;
  };
  const includes = selectors.filter((s) => !s.trim().startsWith('!'));
  const excludes = selectors.filter((s) => s.trim().startsWith('!')).map((s) => s.trim().slice(1));
  const chosen = new Set<Workload>(includes.length > 0 ? includes.flatMap(named) : pool);
  for (const w of excludes.flatMap(named)) chosen.delete(w);
  if (chosen.size === 0 && excludes.length > 0) throw new UsageError(`--workloads ${selectors.join(',')}: the exclusions leave no workload`);
  return pool.filter((w) => chosen.has(w));
}
