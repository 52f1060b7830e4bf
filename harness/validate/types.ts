// The shape of a validation case: a published measurement (its source, number and tolerance band) next to the
// configuration that reproduces it on the model, and what `hvbench validate` reports for it.
import type { GuestOp } from '../../engines/types.ts';
import type { PowerPolicyId, PowerDesign } from '../../engines/power/types.ts';

export interface CaseSource {
  /** authors, title, venue and year, or the document / commit / mailing-list post */
  citation: string;
  /** table, figure, section or the line of the post the number comes from */
  where: string;
  /** the machine the number was measured on, as the source names it */
  machine: string;
  url?: string;
}

/** the interval the model's value must fall in; one-sided claims ("up to", "less than") use ±Infinity */
export interface Band {
  lo: number;
  hi: number;
  /** why the band is this wide: the source's own spread, or what differs between its machine and the profile */
  reason: string;
}

/** one engine run: the setup ops, then the measured ops whose counters the case reads */
export interface RunSpec {
  /** engine with options, as on the command line: `kvm:mmu=shadow` */
  engine: string;
  setup: readonly GuestOp[];
  /** the measured ops, or a built-in workload run whole with its default parameters */
  measured: readonly GuestOp[] | { workload: string };
  /** profile fields replaced for this run only (on top of the case's patch) */
  profilePatch?: ProfilePatch;
}

/** what the case computes from its runs' measured-phase counters */
export type Metric =
  /** cycles per iteration of the measured phase (kvm-unit-tests, HyperBench) */
  | { kind: 'cycles-per-op'; run: string; per: number }
  /** cycles of one run over another's, optionally as a percentage above 1 (`(num/den − 1) × 100`) */
  | { kind: 'ratio'; num: string; den: string; asPercentAbove?: boolean }
  /** cycles one run adds over another, per iteration */
  | { kind: 'difference-per-op'; num: string; den: string; per: number }
  /** page-walk references per TLB miss */
  | { kind: 'walk-refs-per-miss'; run: string }
  /** milliseconds of measured cycles at the profile's clock per GiB of `gib` */
  | { kind: 'ms-per-gib'; run: string; gib: number };

/** a power-suite measurement: one VM's delivered capacity as a percentage of what it booked */
export interface PowerMeasure {
  scenario: string;
  design: PowerDesign;
  vm: string;
  policy: PowerPolicyId;
  /** subtract the same VM's figure under this policy (a gain in percentage points) */
  minusPolicy?: PowerPolicyId;
}

export interface ValidationCase {
  /** stable id: `kvm-unit-tests/ipi` */
  id: string;
  /** the group it is reported under: one paper, suite or document */
  group: string;
  title: string;
  source: CaseSource;
  /** the published number or ratio in `unit`; null when it could not be found (then `missing` says what was searched) */
  published: number | null;
  /** the published figure exactly as the source states it */
  publishedText: string;
  unit: string;
  /** null with `published` null: there is nothing to hold the model to */
  band: Band | null;
  /** why no number is given, when `published` is null */
  missing?: string;
  profile: string;
  /** profile fields replaced for this case (e.g. every paging-structure cache off for the 24-reference walk) */
  profilePatch?: ProfilePatch;
  runs?: Record<string, RunSpec>;
  metric?: Metric;
  power?: PowerMeasure;
}

/** a partial profile, nested objects merged field by field */
export type ProfilePatch = { [key: string]: number | ProfilePatch };

export type CaseStatus =
  /** value inside the band */
  | 'pass'
  /** value outside the band, not listed as known */
  | 'outside'
  /** value outside the band (or not computable) and listed with what the model lacks */
  | 'known-outside'
  /** listed as known-outside but now inside its band: the listing is stale */
  | 'unexpected-pass'
  /** no published number found: the model's value is shown, nothing to hold it to */
  | 'no-number'
  /** the configuration cannot run on this model (e.g. an engine option that does not exist) and is not listed */
  | 'error';

export interface CaseResult {
  id: string;
  value: number | null;
  status: CaseStatus;
  /** the known-outside reason, or the error */
  note?: string;
}
