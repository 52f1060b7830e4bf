// Cycles per operation, for workloads that name what their measured phase repeats (WorkloadInfo.perOp): the
// run's measured cycles ÷ that count, beside native's, as kvm-unit-tests x86/vmexit prints `cpuid 1776` and
// HyperBench reports cycles per iteration. A cost of a million cycles or more per unit (fork of a GiB) also
// reads in milliseconds at the profile's clock, the unit Redis's fork-latency table uses.
import type { ResultsFile, RunResult, WorkloadInfo } from '../harness/results.ts';
import { formatCount, formatStat } from './format.ts';
import { findRun } from './model.ts';

const NATIVE = 'native';

/** measured cycles per operation of `run`, or null when its workload names no operation or the run failed */
export function cyclesPerOp(workload: WorkloadInfo | undefined, run: RunResult | undefined): number | null {
  if (!workload?.perOp || !run || run.error) return null;
  return run.cycles.total / workload.perOp.count;
}

/** `1,776 cycles`, or `7,518,956 cycles (3.01 ms)` from a million cycles up when the clock is known */
export function formatCycles(results: ResultsFile, cycles: number): string {
  const ms = results.clockGhz && cycles >= 1e6 ? ` (${formatStat(cycles / (results.clockGhz * 1e6))} ms)` : '';
  return `${formatCount(cycles)} cycles${ms}`;
}

/** a cost per operation in a table cell: `1,776`, or `8,474,031 (3.39 ms)` from a million cycles up */
export function formatPerOp(results: ResultsFile, cycles: number): string {
  return formatCycles(results, cycles).replace(' cycles', '');
}

/** `1,776 cycles per cpuid vs 150 native` for one engine's run; '' when the workload names no operation */
export function perOpLine(results: ResultsFile, workload: WorkloadInfo, run: RunResult): string {
  const cycles = cyclesPerOp(workload, run);
  if (cycles === null) return '';
  const native = run.engine === NATIVE ? null : cyclesPerOp(workload, findRun(results, workload.id, NATIVE));
  return `${formatCycles(results, cycles)} per ${workload.perOp!.unit}${native === null ? '' : ` vs ${formatCount(native)} native`}`;
}
