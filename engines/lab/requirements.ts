// What the lab needs installed on the host (everything else, kernels and busybox included, is fetched
// with `apt-get download` and unpacked into the cache without installing): `hvbench lab setup` installs the
// missing ones with apt, or prints the command.
import { existsSync } from 'node:fs';
import { findExecutable } from './executables.ts';

export interface LabRequirement {
  /** the Debian package that provides it */
  package: string;
  /** present when this program is on $PATH … */
  program?: string;
  /** … or this file exists */
  file?: string;
  why: string;
}

export const LAB_REQUIREMENTS: readonly LabRequirement[] = [
  { package: 'qemu-system-x86', program: 'qemu-system-x86_64', why: 'boots the lab images' },
  { package: 'gcc', program: 'cc', why: 'builds the static VMM, guest and op-runner copied into the images' },
  { package: 'libc6-dev', file: '/usr/lib/x86_64-linux-gnu/libc.a', why: 'static linking of the programs in the images' },
  { package: 'apt', program: 'apt-get', why: 'downloads the kernel and busybox packages' },
];

export function missingRequirements(reqs: readonly LabRequirement[] = LAB_REQUIREMENTS, path = process.env.PATH ?? ''): LabRequirement[] {
  return reqs.filter((r) => !((r.program && findExecutable(r.program, path)) || (r.file && existsSync(r.file))));
}

/** the apt command that installs `missing`; sudo unless this process is root */
export function aptInstallCommand(missing: readonly LabRequirement[], isRoot = process.getuid?.() === 0): string[] {
  return [...(isRoot ? [] : ['sudo']), 'apt-get', 'install', '-y', '--no-install-recommends', ...new Set(missing.map((r) => r.package))];
}
