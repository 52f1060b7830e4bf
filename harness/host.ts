// The host a results file was produced on. Deterministic counters are comparable across hosts; timings are
// not, so `compare` warns when hosts differ (docs/architecture.md#comparing-across-hosts).
import os from 'node:os';
import type { ResultsFile } from './results.ts';

export function describeHost(): ResultsFile['host'] {
  return {
    platform: os.platform(),
    arch: os.arch(),
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
  };
}
