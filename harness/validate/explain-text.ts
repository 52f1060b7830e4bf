// `validate --explain CASE` in the terminal: the case's value, then the profile constants ranked by effect.
import type { ValidationCase } from './types.ts';
import type { Sensitivity } from './explain.ts';
import { PERTURBATION } from './explain.ts';
import { formatValue } from './format-values.ts';

const SHOWN = 15;
/** below this relative effect a cost is not what the case depends on */
const NEGLIGIBLE = 0.001;

export function renderExplainText(c: ValidationCase, base: number, ranking: readonly Sensitivity[]): string {
  const pct = `${PERTURBATION * 100} %`;
  const moving = ranking.filter((s) => s.effect > 0);
  const width = Math.max(8, ...moving.slice(0, SHOWN).map((s) => s.path.length));
  const lines = [
    `${c.id}: ${c.title}`,
    `model value ${formatValue(base)} ${c.unit}; each profile cost scaled by −${pct} and +${pct}, one at a time:`,
    '',
    `  ${'constant'.padEnd(width)}  ${'profiled'.padStart(9)}  ${`value at −${pct}`.padStart(14)}  ${`value at +${pct}`.padStart(14)}  effect`,
  ];
  for (const s of moving.slice(0, SHOWN)) {
    lines.push(
      `  ${s.path.padEnd(width)}  ${formatValue(s.base).padStart(9)}  ${formatValue(s.minus).padStart(14)}  ${formatValue(s.plus).padStart(14)}  ${(s.effect * 100).toPrecision(3)} %`,
    );
  }
  if (moving.length > SHOWN) lines.push(`  … ${moving.length - SHOWN} more with a smaller effect`);
  lines.push(`  ${ranking.length - moving.length} of ${ranking.length} constants do not change the value`);
  if (!ranking.some((s) => s.effect >= NEGLIGIBLE)) {
    lines.push('  no cost moves it by 0.1 % or more: it follows from what is not a cost (TLB and cache geometry, CPU features, the P-state table)');
  }
  lines.push('');
  return lines.join('\n');
}
