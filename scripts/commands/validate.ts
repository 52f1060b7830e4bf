// `hvbench validate [--out DIR] [--explain CASE]`: every curated case (harness/validate/cases.ts) evaluated on
// the model and held to its published band; the table on stdout, and with --out validation.json, .md and
// .html written atomically into DIR. Exit 1 when a case not listed in harness/validate/known-outside.ts
// leaves its band. --explain ranks the profile's costs by their effect on one case instead. The validation
// modules are loaded when the command runs, so that the other commands start no slower.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../../harness/errors.ts';
import type { CostProfile } from '../../engines/machine/profile.ts';

interface ValidateOptions {
  out?: string;
  explain?: string;
  quiet: boolean;
}

async function explainCase(id: string): Promise<void> {
  const [{ VALIDATION_CASES }, { builtinContext }, { caseValue }, { explain }, { renderExplainText }, { getProfile }] = await Promise.all([
    import('../../harness/validate/cases.ts'),
    import('../../harness/validate/run.ts'),
    import('../../harness/validate/evaluate.ts'),
    import('../../harness/validate/explain.ts'),
    import('../../harness/validate/explain-text.ts'),
    import('../../engines/machine/profiles/index.ts'),
  ]);
  const c = VALIDATION_CASES.find((x) => x.id === id);
  if (!c) throw new UsageError(`--explain: unknown case "${id}"; cases: ${VALIDATION_CASES.map((x) => x.id).join(', ')}`);
  const ctx = builtinContext();
  const valueOf = async (profile: CostProfile) => {
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

async function validateAll(opts: ValidateOptions): Promise<void> {
  // the output directory first, so that a bad --out fails before a quarter of a minute of simulation
  if (opts.out !== undefined) {
    try {
      mkdirSync(opts.out, { recursive: true });
    } catch (err) {
      throw new UsageError(`--out: cannot create ${opts.out}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  const [{ VALIDATION_CASES }, { KNOWN_OUTSIDE }, { runValidation }, { exitCode }, text, md, json, html, { writeFileAtomic }] = await Promise.all([
    import('../../harness/validate/cases.ts'),
    import('../../harness/validate/known-outside.ts'),
    import('../../harness/validate/run.ts'),
    import('../../harness/validate/judge.ts'),
    import('../../harness/validate/format-text.ts'),
    import('../../harness/validate/format-md.ts'),
    import('../../harness/validate/format-json.ts'),
    import('../../harness/validate/section-html.ts'),
    import('../../harness/write-atomic.ts'),
  ]);
  const report = await runValidation(VALIDATION_CASES, KNOWN_OUTSIDE);
  if (opts.out !== undefined) {
    await writeFileAtomic(join(opts.out, 'validation.json'), json.renderValidationJson(report));
    await writeFileAtomic(join(opts.out, 'validation.md'), md.renderValidationMarkdown(report));
    await writeFileAtomic(join(opts.out, 'validation.html'), html.renderValidationPage(report));
  }
  if (!opts.quiet) process.stdout.write(text.renderValidationText(report));
  process.exitCode = exitCode(report.rows.map((r) => r.result));
}

export function validateCommand(): Command {
  return new Command('validate')
    .description('hold the model to published measurements (kvm-unit-tests, HyperBench, Xen 2003, VMware EPT, Redis fork, Bhargava, Gandhi, Hagimont)')
    .option('--out <dir>', 'also write validation.json, validation.md and validation.html into this directory')
    .option('--explain <case>', 'rank the profile\'s costs by their effect on one case (±20 %, one at a time)')
    .option('--quiet', 'no table on stdout', false)
    .action(async (opts: ValidateOptions) => {
      if (opts.explain !== undefined) await explainCase(opts.explain);
      else await validateAll(opts);
    });
}
