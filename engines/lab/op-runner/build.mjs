// Builds the op-runner as one static executable with the machine's C compiler, so it runs unchanged in any
// x86-64 Linux guest's initramfs (a Xen PV dom0, a KVM guest) as well as here. Run by the root `postinstall`
// script beside engines/kvm-host/build.mjs; like it, it never fails `npm install`: the outcome is recorded in
// build/status.json, which the engines that need the runner read.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const out = join(here, 'build');
const cc = process.env.CC || 'cc';

function build() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`needs Linux on x86-64, this is ${process.platform}/${process.arch}`);
  mkdirSync(out, { recursive: true });
  const sources = readdirSync(here).filter((f) => f.endsWith('.c')).sort().map((f) => join(here, f));
  try {
    execFileSync(cc, ['-static', '-O2', '-Wall', '-Wextra', '-std=gnu11', '-o', join(out, 'op-runner'), ...sources], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (err) {
    throw new Error(`cc -static failed: ${String(err.stderr ?? err.message).trim().split('\n').slice(-4).join(' ')}`);
  }
  return { ok: true, builtAt: new Date().toISOString(), runner: 'op-runner' };
}

let status;
try {
  status = build();
} catch (err) {
  status = { ok: false, reason: err.message, builtAt: new Date().toISOString() };
}
try {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'status.json'), JSON.stringify(status, null, 2) + '\n');
} catch { /* nowhere to record it: the engines then report a missing build */ }
console.log(status.ok ? 'op-runner: built' : `op-runner: not built (${status.reason})`);
process.exit(0);
