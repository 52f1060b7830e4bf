// xen-qemu where it cannot run: one line naming what is missing, exit 2, nothing written. (The real runs are
// the .ci/run smoke and the fixtures the parser tests read: booting Xen under TCG takes minutes.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xenQemuEngine, xenCommandLine, refuseStringPio } from '../../../../engines/lab/xen-qemu/engine.ts';

const root = new URL('../../../../', import.meta.url).pathname;

test('without QEMU on $PATH: unavailable with the reason, and `run` exits 2 writing nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xen-qemu-path-'));
  symlinkSync(process.execPath, join(dir, 'node'));
  const saved = process.env.PATH;
  process.env.PATH = dir;
  try {
    const a = xenQemuEngine.availability();
    assert.equal(a.available, false);
    assert.match(a.available ? '' : a.reason, /^qemu-system-x86_64 not found/);
  } finally {
    process.env.PATH = saved;
  }
  const out = join(dir, 'results');
  const r = spawnSync(process.execPath, [join(root, 'bin/hvbench.js'), 'run', '--engines', 'xen-qemu', '--workloads', 'micro/cpuid', '--no-timing', '--out', out],
    { env: { ...process.env, PATH: dir }, encoding: 'utf8', cwd: root });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^hvbench: engine xen-qemu is unavailable here: qemu-system-x86_64 not found[^\n]*\n$/);
  assert.equal(existsSync(out), false);
});

test("Xen's command line gives dom0 all but 256 MiB, one vCPU, the console on COM1", () => {
  assert.equal(xenCommandLine(1536), 'console=com1 com1=115200,8n1 sync_console dom0_mem=1280M,max:1280M dom0_max_vcpus=1 noreboot');
  assert.match(xenCommandLine(300), /dom0_mem=256M,max:256M/, 'never below 256 MiB');
});

test('a string port input is refused in one line naming the reason; single INs are not', () => {
  assert.throws(() => refuseStringPio([{ op: 'pio', port: 0x511, write: false, count: 10, rep: 4096, width: 1 }]),
    { message: "xen-qemu: string port I/O (pio.rep 4096) cannot run: the op-runner's operation stream has no repeat count, and single INs would measure another instruction" });
  refuseStringPio([{ op: 'pio', port: 0x511, write: false, count: 10 }, { op: 'pio', port: 0x511, write: false, count: 1, rep: 1 }]);
});

test('the engine refuses micro/pio-string before it looks for QEMU or boots anything', async () => {
  const ops = [{ op: 'pio' as const, port: 0x511, write: false, count: 1000, rep: 4096, width: 1 as const }];
  await assert.rejects(async () => xenQemuEngine.run({ ops, options: {}, seed: 1, profile: undefined as never }), /^UsageError: xen-qemu: string port I\/O \(pio\.rep 4096\)/);
});
