// `hvbench explain ENGINE OP`: the mechanisms one operation goes through on a simulated engine, with cycles and
// counts per step (harness/explain/). OP is an operation name with optional fields (`syscall`,
// `touch {write:true}`) or a workload id whose first measured operation is explained (`micro/cpuid`).
import { Command } from 'commander';
import { DEFAULT_PROFILE } from '../../engines/machine/profiles/index.ts';
import { EXPLAINABLE_OPS } from '../../harness/explain/default-ops.ts';
import { collect, parseSeed } from './options.ts';

interface ExplainOptions {
  profile: string;
  seed: number;
  all: boolean;
  json: boolean;
  workloadFile: string[];
  engineModule: string[];
}

export function explainCommand(): Command {
  return new Command('explain')
    .description('the mechanisms one operation goes through on an engine, step by step with cycles and counts')
    .argument('<engine>', 'a simulated engine with options, e.g. xen, kvm:mmu=shadow')
    .argument('<op>', `an operation (${EXPLAINABLE_OPS.join(', ')}) with optional fields, e.g. 'touch {write:true}', or a workload id, e.g. micro/cpuid`)
    .option('--profile <name>', 'cost profile (hvbench list shows them)', DEFAULT_PROFILE)
    .option('--seed <n>', 'seed of the workload generator and the engine', parseSeed, 1)
    .option('--all', 'every step of a long path, not the first and last ones', false)
    .option('--json', 'the steps as JSON on stdout', false)
    .option('--workload-file <file>', 'a user workload JSON file whose id OP may name (repeatable)', collect, [])
    .option('--engine-module <file>', 'load a third-party engine module (repeatable)', collect, [])
    .action(async (engineSpec: string, op: string, opts: ExplainOptions) => {
      const [{ loadCatalog }, { explain }, { renderExplainText }] = await Promise.all([
        import('../../harness/catalog.ts'),
        import('../../harness/explain/explain.ts'),
        import('../../harness/explain/format-text.ts'),
      ]);
      const catalog = await loadCatalog({ profile: opts.profile, workloadFiles: opts.workloadFile, engineModules: opts.engineModule });
      const x = await explain(catalog, engineSpec, op, opts.seed);
      process.stdout.write(opts.json ? `${JSON.stringify(x, null, 2)}\n` : renderExplainText(x, opts.all));
    });
}
