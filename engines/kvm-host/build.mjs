// Builds the kvm-host VMM and guest with the machine's C compiler; run by the root `postinstall` script.
// `--out DIR --static` builds a statically linked copy elsewhere: the kvm-qemu engine copies it into a
// busybox initramfs, which has no C library. It never fails `npm install`: any problem (not Linux x86-64, no cc, no <linux/kvm.h>, a compile error) is
// recorded in build/status.json, which the engine's availability() reads, and the script exits 0.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const flag = (name) => process.argv.indexOf(name);
const out = flag('--out') > 0 && process.argv[flag('--out') + 1] ? process.argv[flag('--out') + 1] : join(here, 'build');
const linkage = flag('--static') > 0 ? ['-static'] : [];
const cc = process.env.CC || 'cc';
const sources = (dir) => readdirSync(join(here, dir)).filter((f) => /\.(c|S)$/.test(f)).sort().map((f) => join(here, dir, f));
const GUEST_FLAGS = [
  '-O2', '-ffreestanding', '-nostdlib', '-mno-red-zone', '-fno-pic', '-fno-pie', '-mgeneral-regs-only',
  '-fno-stack-protector', '-fcf-protection=none', '-fno-asynchronous-unwind-tables', '-std=gnu11', '-Wall',
  '-static', '-no-pie', `-Wl,-T,${join(here, 'guest', 'guest.ld')}`, '-Wl,--build-id=none', '-Wl,--no-warn-rwx-segments',
];

function run(stage, file, args) {
  try {
    execFileSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (err) {
    const stderr = String(err.stderr ?? err.message ?? err).trim().split('\n').slice(-6).join('\n');
    throw Object.assign(new Error(`${stage} failed: ${stderr || err.message}`), { stage });
  }
}

function build() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw Object.assign(new Error(`needs Linux on x86-64, this is ${process.platform}/${process.arch}`), { stage: 'platform' });
  mkdirSync(out, { recursive: true });
  run('vmm', cc, ['-O2', '-Wall', '-Wextra', '-std=gnu11', ...linkage, '-o', join(out, 'hvbench-vmm'), ...sources('vmm'), ...sources('vmm/devices')]);
  run('guest', cc, [...GUEST_FLAGS, '-o', join(out, 'guest.elf'), ...sources('guest')]);
  run('guest image', 'objcopy', ['-O', 'binary', join(out, 'guest.elf'), join(out, 'guest.bin')]);
  let ccVersion = '';
  try { ccVersion = execFileSync(cc, ['--version'], { encoding: 'utf8' }).split('\n')[0]; } catch { /* recorded as empty */ }
  return { ok: true, builtAt: new Date().toISOString(), cc: ccVersion, vmm: 'hvbench-vmm', guest: 'guest.bin' };
}

let status;
try {
  status = build();
} catch (err) {
  status = { ok: false, stage: err.stage ?? 'build', reason: err.message, builtAt: new Date().toISOString() };
}
try {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'status.json'), JSON.stringify(status, null, 2) + '\n');
} catch { /* nowhere to record it: availability() then reports a missing build */ }
console.log(status.ok ? 'kvm-host: built the VMM and guest' : `kvm-host: not built (${status.reason})`);
process.exit(0);
