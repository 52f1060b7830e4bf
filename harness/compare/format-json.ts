// The machine-readable form of a comparison (`--format json`): every judged row, including identical ones.
// Infinite Δ% (from a base of 0) is written as the string "Infinity" / "-Infinity", since JSON has no ∞.
import type { Comparison } from './compare.ts';
import type { Verdict } from './verdict.ts';
import type { FailOn } from './choices.ts';

export const COMPARE_SCHEMA = 'hvbench/compare@1';

export function formatJson(comparison: Comparison, verdict: Verdict, failOn: FailOn): string {
  const document = { schema: COMPARE_SCHEMA, failOn, verdict, ...comparison };
  const replacer = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);
  return JSON.stringify(document, replacer, 2) + '\n';
}
