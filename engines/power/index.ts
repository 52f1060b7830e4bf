// Public API of the power-management model (docs/architecture.md#power), for the harness, the report and `compare`.
export { runPowerSuite, POWER_DESIGNS, type PowerSuiteInput } from './suite.ts';
export { powerCsvRows, powerMetrics, type PowerCsvRow } from './export.ts';
export { powerResultsSchema } from './schema.ts';
export { POWER_POLICIES, POLICY_TITLES } from './policies.ts';
export type * from './types.ts';
