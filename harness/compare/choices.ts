// The values `hvbench compare`'s options accept, apart from the comparison itself, so that the command's
// definition and its --help load without it (scripts/commands/compare.ts).
export const FORMATS = ['text', 'md', 'json', 'html'] as const;
export type CompareFormat = (typeof FORMATS)[number];
export const DEFAULT_THRESHOLD_PCT = 5;
/** docs/ci.md and harness/compare/verdict.ts say what each one fails on */
export const FAIL_ON = ['regression', 'any-change', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];
export const BENCHMARK_ACTION_FORMAT = 'github-action-benchmark';
