// Whether two results files may be compared at all. Different profiles or seeds compute different things:
// refused (one-line UsageError) unless --force. A profile is compared by its content hash (`profileHash`),
// not only its id: a profile file can keep the id `intel-modern` and change every cost. A file written before
// hashes were recorded gets a warning instead. (A different schema version never gets here: the reader,
// reports/results-schema.ts, refuses any file that is not hvbench/results@1.) Different hosts make wall-clock timings
// incomparable — the A/B-across-hosts trap (docs/architecture.md#comparing-across-hosts) — so timing verdicts are withheld unless --force;
// deterministic counters are comparable anywhere. Different hvbench versions are compared with a warning: the
// model itself may have changed between them.
import { UsageError, clip } from '../errors.ts';
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
    ['profiles', base.profile, head.profile],
    ['seeds', base.seed, head.seed],
  ];
  // the same id with different contents; a file without a hash cannot be checked (below)
  if (base.profile === head.profile && base.profileHash !== undefined && head.profileHash !== undefined) {
    mismatches.push([`contents of profile ${clip(base.profile)}`, base.profileHash, head.profileHash]);
  }
  for (const [what, b, h] of mismatches) {
    if (b === h) continue;
    const reason = `${baseName} and ${headName} have different ${what} (${clip(String(b))} vs ${clip(String(h))})`;
    if (!force) throw new UsageError(`${reason}: their results are not comparable (use --force to compare anyway)`);
    warnings.push(`${reason}; compared anyway because of --force`);
  }
  const unhashed = [[baseName, base], [headName, head]].filter(([, f]) => (f as ResultsFile).profileHash === undefined).map(([n]) => n);
  if (unhashed.length > 0) {
    warnings.push(`${unhashed.join(' and ')} record${unhashed.length === 1 ? 's' : ''} no profileHash (written by an older hvbench): profile ${clip(head.profile)} compared by id only, its costs not checked`);
  }
  if (base.tool.version !== head.tool.version) {
    warnings.push(`${baseName} was written by hvbench ${clip(base.tool.version)}, ${headName} by ${clip(head.tool.version)}: the model may differ between versions`);
  }
  const sameHost = hostLabel(base.host) === hostLabel(head.host);
  if (!sameHost && timingSelected) {
    const hosts = `${baseName} ran on ${clip(hostLabel(base.host))}, ${headName} on ${clip(hostLabel(head.host))}`;
    warnings.push(
      force
        ? `different hosts (${hosts}): timings compared anyway because of --force — differences may be the hosts, not the change`
        : `different hosts (${hosts}): timing comparisons across hosts are a trap, so timings were not judged (--force to judge them); counters are deterministic and were compared`,
    );
  }
  return { warnings, timingComparable: sameHost || force };
}
