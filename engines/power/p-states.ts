// P-state table look-ups. Governors ask for a frequency; cpufreq turns it into a table entry with
// CPUFREQ_RELATION_L ("lowest frequency at or above the target", Linux cpufreq.h and Xen's port of it), so a
// request never gets less speed than it asked for.
import type { PowerProfile } from './types.ts';

/** index of the slowest P-state whose frequency is ≥ mhz (P0 when mhz exceeds every state) */
export function atOrAbove(profile: PowerProfile, mhz: number): number {
  const states = profile.pStates;
  for (let i = states.length - 1; i > 0; i--) if (states[i].mhz >= mhz) return i;
  return 0;
}

export function slowestIndex(profile: PowerProfile): number {
  return profile.pStates.length - 1;
}

/** the checks the power model relies on; a profile failing them is a bug in the profile file */
export function validatePowerProfile(profile: PowerProfile): string[] {
  const problems: string[] = [];
  const s = profile.pStates;
  if (s.length === 0) problems.push('no P-states');
  if (!['hwp', 'cppc', 'none'].includes(profile.autonomous)) problems.push(`autonomous must be hwp, cppc or none (got ${String(profile.autonomous)})`);
  for (let i = 1; i < s.length; i++) {
    if (!(s[i].mhz < s[i - 1].mhz)) problems.push(`P${i} is not slower than P${i - 1}`);
    if (s[i].volts > s[i - 1].volts) problems.push(`P${i} has a higher voltage than P${i - 1}`);
  }
  if (s.length > 0) {
    const slow = s[s.length - 1];
    const busySlow = profile.leakWattsAtP0 * (slow.volts / s[0].volts);
    // an executing core must never draw less than an idle one, or "static × time" would not bound energy
    if (busySlow < profile.idle.watts) problems.push(`idle ${profile.idle.state} draws more than leakage at the slowest P-state`);
    const pkg = profile.packageIdle;
    // gating the uncore cannot make it draw more
    if (pkg && pkg.wattsPerCore > profile.staticWattsPerCore) problems.push(`package ${pkg.state} draws more than the static share it gates`);
  }
  // turbo groups: more active cores never turbo faster, and every group is above the base clock P0 is
  (profile.turbo ?? []).forEach((g, i, groups) => {
    if (!Number.isInteger(g.activeCores) || g.activeCores < 1) problems.push(`turbo[${i}].activeCores must be a positive integer`);
    if (s.length > 0 && !(g.mhz > s[0].mhz)) problems.push(`turbo[${i}] is not faster than P0`);
    if (s.length > 0 && g.volts < s[0].volts) problems.push(`turbo[${i}] has a lower voltage than P0`);
    const prev = groups[i - 1];
    if (prev && !(g.activeCores > prev.activeCores && g.mhz <= prev.mhz && g.volts <= prev.volts)) {
      problems.push(`turbo[${i}] must cover more active cores than turbo[${i - 1}] at no higher frequency or voltage`);
    }
  });
  return problems;
}
