// Builds port-io-harness.c with the VMM's KVM_EXIT_IO data check and fw_cfg device, for pio-data.test.ts and
// fw-cfg.test.ts; `skip` says why when there is no C compiler (or no <linux/kvm.h>).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const devices = new URL('../../../../../engines/kvm-host/vmm/devices/', import.meta.url).pathname;
const binary = join(mkdtempSync(join(tmpdir(), 'hvb-port-io-')), 'harness');
export let skip: string | false = false;
try {
  execFileSync(process.env.CC || 'cc', ['-O2', '-Wall', '-Werror', '-std=gnu11', '-o', binary, join(here, 'port-io-harness.c'),
    join(devices, 'pio-data.c'), join(devices, 'fw-cfg.c')], { stdio: 'pipe' });
} catch (err) {
  skip = `cannot build the harness: ${String((err as { stderr?: unknown }).stderr ?? err).split('\n')[0]}`;
  console.log(`# skipping: ${skip}`);
}

export const runCase = (name: string): unknown => JSON.parse(execFileSync(binary, [name], { encoding: 'utf8' }));
