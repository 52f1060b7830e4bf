// validation.json: the report as data. JSON has no infinity, so a one-sided band's open end is null.
import type { ValidationReport } from './run.ts';

export function renderValidationJson(report: ValidationReport): string {
  return JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}
