// `hvbench validate [--out DIR] [--explain CASE]`: every curated case (harness/validate/cases.ts) evaluated on
// the model and held to its published band; the table on stdout, and with --out validation.json, .md and
// .html written atomically into DIR. Exit 1 when a case not listed in harness/validate/known-outside.ts
// leaves its band. --explain ranks the profile's costs by their effect on one case instead.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { getProfile } from '../../engines/machine/profiles/index.ts';
import { UsageError } from '../../harness/errors.ts';
import { writeFileAtomic } from '../../harness/write-atomic.ts';
import { VALIDATION_CASES } from '../../harness/validate/cases.ts';
import { KNOWN_OUTSIDE } from '../../harness/validate/known-outside.ts';
import { builtinContext, runValidation } from '../../harness/validate/run.ts';
import { caseValue } from '../../harness/validate/evaluate.ts';
import { explain } from '../../harness/validate/explain.ts';
import { exitCode } from '../../harness/validate/judge.ts';
import { renderValidationText } from '../../harness/validate/format-text.ts';
import { renderValidationMarkdown } from '../../harness/validate/format-md.ts';
import { renderValidationJson } from '../../harness/validate/format-json.ts';
import { renderValidationPage } from '../../harness/validate/section-html.ts';
import { renderExplainText } from '../../harness/validate/explain-text.ts';

interface ValidateOptions {
  out?: string;
  explain?: string;
  quiet: boolean;
}

async function explainCase(id: string): Promise<void> {
  const c = VALIDATION_CASES.find((x) => x.id === id);
  if (!c) throw new UsageError(`--explain: unknown case "${id}"; cases: ${VALIDATION_CASES.map((x) => x.id).join(', ')}`);
  const ctx = builtinContext();
  const valueOf = async (profile: Parameters<typeof caseValue>[1]) => {
    let value: number | null;
    try {
      value = await caseValue(c, profile, ctx);
    } catch (err) {
      throw new UsageError(`--explain ${id}: the case cannot run on this model: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (value === null) throw new UsageError(`--explain ${id}: the case has no configuration to run (${c.missing ?? 'nothing to measure'})`);
    return value;
  };
  const { base, ranking } = await explain(getProfile(c.profile), valueOf);
  process.stdout.write(renderExplainText(c, base, ranking));
}

export function validateCommand(): Command {
  return new Command('validate')
    .description('hold the model to published measurements (kvm-unit-tests, HyperBench, Xen 2003, VMware EPT, Redis fork, Bhargava, Gandhi, Hagimont)')
    .option('--out <dir>', 'also write validation.json, validation.md and validation.html into this directory')
    .option('--explain <case>', 'rank the profile\'s costs by their effect on one case (±20 %, one at a time)')
    .option('--quiet', 'no table on stdout', false)
    .action(async (opts: ValidateOptions) => {
      if (opts.explain !== undefined) {
        await explainCase(opts.explain);
        return;
      }
      // the output directory first, so that a bad --out fails before a quarter of a minute of simulation
      if (opts.out !== undefined) {
        try {
          mkdirSync(opts.out, { recursive: true });
        } catch (err) {
          throw new UsageError(`--out: cannot create ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        }
      }
      const report = await runValidation(VALIDATION_CASES, KNOWN_OUTSIDE);
      if (opts.out !== undefined) {
        await writeFileAtomic(join(opts.out, 'validation.json'), renderValidationJson(report));
        await writeFileAtomic(join(opts.out, 'validation.md'), renderValidationMarkdown(report));
        await writeFileAtomic(join(opts.out, 'validation.html'), renderValidationPage(report));
      }
      if (!opts.quiet) process.stdout.write(renderValidationText(report));
      process.exitCode = exitCode(report.rows.map((r) => r.result));
    });
}
