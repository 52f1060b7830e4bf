// Public API of the power-management model (docs/architecture.md#power), for the harness, the report and `compare`.
export { runPowerSuite, POWER_ENGINES, type PowerSuiteInput } from './suite.ts';
export { defaultPowerEngine, powerEngineOf } from './engine-options.ts';
export { powerCsvRows, powerMetrics, type PowerCsvRow } from './export.ts';
export { powerResultsSchema } from './schema.ts';
export { POWER_POLICIES, POLICY_TITLES } from './policies.ts';
export type * from './types.ts';
