// `hvbench list`: what a run can use — engines with their options, workloads by category, cost profiles.
import { Command } from 'commander';
import { DEFAULT_PROFILE, getProfile, listProfiles } from '../../engines/machine/profiles/index.ts';
import { collect } from './options.ts';

interface ListOptions {
  workloadFile: string[];
  engineModule: string[];
}

export function listCommand(): Command {
  return new Command('list')
    .description('list engines (with options), workloads and cost profiles')
    .option('--workload-file <file>', 'include a user workload file (repeatable)', collect, [])
    .option('--engine-module <file>', 'include a third-party engine module (repeatable)', collect, [])
    .action(async (opts: ListOptions) => {
      const [{ loadCatalog }, { powerWorkloads }] = await Promise.all([import('../../harness/catalog.ts'), import('../../workloads/power/index.ts')]);
      const catalog = await loadCatalog({ profile: DEFAULT_PROFILE, workloadFiles: opts.workloadFile, engineModules: opts.engineModule });
      const out: string[] = ['Engines'];
      for (const e of catalog.engines) {
        const a = e.availability();
        out.push(`  ${e.id.padEnd(10)} ${e.mode.padEnd(9)} ${e.title}${a.available ? '' : `  [unavailable: ${a.reason}]`}`);
        for (const o of e.options) {
          const values = o.values ? o.values.join('|') : o.type;
          out.push(`      ${o.name}=${values} (default ${String(o.default)})  ${o.description}`);
        }
        if (e.profileDefaults !== undefined) {
          const byProfile = listProfiles().map((p) => {
            const d = e.profileDefaults!(getProfile(p.id));
            return `${p.id}: ${Object.entries(d).map(([k, v]) => `${k}=${String(v)}`).join(',') || '-'}`;
          });
          out.push(`      defaults by profile: ${byProfile.join('; ')}`);
        }
      }
      out.push('', 'Workloads');
      let category = '';
      for (const w of catalog.workloads) {
        if (w.category !== category) {
          category = w.category;
          out.push(`  ${category}/`);
        }
        out.push(`    ${w.id.padEnd(28)} ${w.description}`);
      }
      out.push('  power/  (several VMs sharing CPUs in the power model: every design × frequency policy)');
      for (const s of powerWorkloads) out.push(`    ${s.id.padEnd(28)} ${s.description}`);
      out.push('', 'Profiles');
      for (const p of listProfiles()) out.push(`  ${p.id.padEnd(14)}${p.id === DEFAULT_PROFILE ? '*' : ' '} ${p.title}`);
      out.push('', '* default');
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
