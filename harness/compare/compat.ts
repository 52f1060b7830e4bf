// Whether two results files may be compared at all. Different profiles or seeds compute different things:
// refused (one-line UsageError) unless --force. (A different schema version never gets here: the reader,
// reports/results-schema.ts, refuses any file that is not hvbench/results@1.) Different hosts make wall-clock timings
// incomparable — the A/B-across-hosts trap (DESIGN §8) — so timing verdicts are withheld unless --force;
// deterministic counters are comparable anywhere.
import { UsageError } from '../errors.ts';
import type { ResultsFile } from '../results.ts';

export interface Compatibility {
  warnings: string[];
  /** false when the hosts differ and --force was not given */
  timingComparable: boolean;
}

function hostLabel(host: ResultsFile['host']): string {
  return `${host.cpuModel} ×${host.cpus} ${host.platform}/${host.arch} node ${host.node}`;
}

/** `timingSelected`: whether timings are among the metrics to judge (no host warning when they are not) */
export function checkCompatible(base: ResultsFile, head: ResultsFile, baseName: string, headName: string, force: boolean, timingSelected: boolean): Compatibility {
  const warnings: string[] = [];
  const mismatches: [string, unknown, unknown][] = [
    ['profile', base.profile, head.profile],
    ['seed', base.seed, head.seed],
  ];
  for (const [what, b, h] of mismatches) {
    if (b === h) continue;
    const reason = `${baseName} and ${headName} have different ${what}s (${String(b)} vs ${String(h)})`;
    if (!force) throw new UsageError(`${reason}: their results are not comparable (use --force to compare anyway)`);
    warnings.push(`${reason}; compared anyway because of --force`);
  }
  const sameHost = hostLabel(base.host) === hostLabel(head.host);
  if (!sameHost && timingSelected) {
    const hosts = `${baseName} ran on ${hostLabel(base.host)}, ${headName} on ${hostLabel(head.host)}`;
    warnings.push(
      force
        ? `different hosts (${hosts}): timings compared anyway because of --force — differences may be the hosts, not the change`
        : `different hosts (${hosts}): timing comparisons across hosts are a trap, so timings were not judged (--force to judge them); counters are deterministic and were compared`,
    );
  }
  return { warnings, timingComparable: sameHost || force };
}
