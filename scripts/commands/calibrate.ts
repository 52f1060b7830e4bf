// `hvbench calibrate [--out FILE] [--base PROFILE]`: measure this host through the kvm-host engine and write
// a cost profile (the base profile with the measured fields replaced, the measurements and the backend kept
// in its `calibration` block) for `--profile host` to load. Default file: ~/.hvbench/host-profile.json.
import { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_PROFILE, getProfile, listProfiles } from '../../engines/machine/profiles/index.ts';
import { describeThrown, UsageError } from '../../harness/errors.ts';
import { HOST_PROFILE_PATH, profileFileContent } from '../../engines/machine/profiles/profile-file.ts';
import { assertReplaceableFile, writeFileAtomic } from '../../harness/write-atomic.ts';

export function calibrateCommand(): Command {
  return new Command('calibrate')
    .description('measure exit round trips, hypercall and memory access costs through kvm-host and write a cost profile for --profile host')
    .option('--out <file>', 'where to write the profile', HOST_PROFILE_PATH)
    .option('--base <profile>', 'profile whose unmeasured fields are kept', DEFAULT_PROFILE)
    .action(async (opts: { out: string; base: string }) => {
      const base = getProfile(opts.base);
      // a target that cannot be replaced is refused before minutes of measuring
      await assertReplaceableFile(opts.out);
      const [{ kvmHostEngine, overriddenPaths }, { buildHostProfile, measureHost }] = await Promise.all([
        import('../../engines/kvm-host/engine.ts'),
        import('../../engines/kvm-host/calibration.ts'),
      ]);
      const availability = kvmHostEngine.availability();
      if (!availability.available) throw new UsageError(`calibrate needs kvm-host: ${availability.reason}`);
      let m;
      try {
        m = await measureHost(overriddenPaths);
      } catch (err) {
        // a run that failed on this host is not a bug of hvbench: one line, exit 1, nothing written
        process.stderr.write(`hvbench: calibrate failed: ${describeThrown(err)}\n`);
        process.exitCode = 1;
        return;
      }
      const profile = buildHostProfile(base, m);
      mkdirSync(dirname(opts.out), { recursive: true });
      // over a built-in base the file states only what was measured and extends the base, so it keeps loading
      // when a later hvbench adds profile fields
      const content = listProfiles().includes(base) ? profileFileContent(profile, base) : profile;
      await writeFileAtomic(opts.out, JSON.stringify(content, null, 2) + '\n');
      const f = (n: number | null) => (n === null ? 'not runnable on this backend' : `${Math.round(n)} cycles`);
      process.stdout.write([
        `backend: ${m.backend.label}${m.backend.hostIsGuest ? ' (this host is itself a guest)' : ''}`,
        `  in-kernel exit (CPUID)   ${f(m.cpuidExit)}`,
        `  user-space exit (PIO)    ${f(m.pioExit)}`,
        `  MMIO exit                ${f(m.mmioExit)}`,
        `  null hypercall           ${f(m.hypercall)}`,
        `  cold access (first touch) ${f(m.coldAccess)}`,
        `  hot access               ${f(m.hotAccess)}`,
        ...(m.timingsRepresentative ? [] : [`warning: timings are not representative: a 2-instruction loop costs ${m.loopCyclesPerIteration.toFixed(0)} cycles per iteration (the backend emulates the guest)`]),
        `wrote ${opts.out}`,
        '',
      ].join('\n'));
    });
}
