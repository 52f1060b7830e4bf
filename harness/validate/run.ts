// Every validation case evaluated and judged: the data behind `hvbench validate`'s table, JSON and report
// section. A case whose configuration cannot run on this model (an engine option that does not exist yet)
// is judged with its error instead of a value.
import { builtinEngines } from '../../engines/registry.ts';
import { getProfile } from '../../engines/machine/profiles/index.ts';
import { builtinWorkloads } from '../../workloads/registry.ts';
import { TOOL_VERSION } from '../version.ts';
import { caseValue, type EvaluationContext } from './evaluate.ts';
import { judge } from './judge.ts';
import type { CaseResult, ValidationCase } from './types.ts';

export interface ValidationRow {
  case: ValidationCase;
  result: CaseResult;
}

export interface ValidationReport {
  schema: 'hvbench/validation@1';
  toolVersion: string;
  rows: ValidationRow[];
}

export function builtinContext(): EvaluationContext {
  return { engines: builtinEngines(), workloads: builtinWorkloads() };
}

export async function evaluateCase(c: ValidationCase, known: string | undefined, ctx: EvaluationContext): Promise<CaseResult> {
  let value: number | null;
  try {
    value = await caseValue(c, getProfile(c.profile), ctx);
  } catch (err) {
    return judge(c, null, known, err instanceof Error ? err.message : String(err));
  }
  return judge(c, value, known);
}

export async function runValidation(
  cases: readonly ValidationCase[],
  knownOutside: Readonly<Record<string, string>>,
  ctx: EvaluationContext = builtinContext(),
  onCase?: (row: ValidationRow) => void,
): Promise<ValidationReport> {
  const rows: ValidationRow[] = [];
  for (const c of cases) {
    const row = { case: c, result: await evaluateCase(c, knownOutside[c.id], ctx) };
    rows.push(row);
    onCase?.(row);
  }
  return { schema: 'hvbench/validation@1', toolVersion: TOOL_VERSION, rows };
}
