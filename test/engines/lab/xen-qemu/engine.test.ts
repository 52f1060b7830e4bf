// xen-qemu where it cannot run: one line naming what is missing, exit 2, nothing written. (The real runs are
// the .ci/run smoke and the fixtures the parser tests read: booting Xen under TCG takes minutes.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { xenQemuEngine, xenCommandLine, streamForSerial } from '../../../../engines/lab/xen-qemu/engine.ts';
import { serialize } from '../../../../engines/kvm-host/op-stream.ts';
import type { GuestOp } from '../../../../engines/types.ts';
import { ctxSwitch } from '../../../../workloads/memory/ctx-switch.ts';
import { defaultParams } from '../../../../workloads/registry.ts';

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

test('a stream the op-runner cannot run is refused before the engine looks for QEMU, naming xen-qemu and the workload\'s op', async () => {
  // op 0 cpuid, op 1 the phase (left out of the op-runner's stream), op 2 a string PIO of 65,537 bytes: one
  // more than the 64 KiB buffer
  const ops: GuestOp[] = [{ op: 'cpuid', count: 1 }, { op: 'phase' }, { op: 'pio', port: 0x511, write: false, count: 1, rep: 65537, width: 1 }];
  await assert.rejects(async () => xenQemuEngine.run({ ops, options: {}, seed: 1, profile: undefined as never }),
    /^UsageError: xen-qemu: op 2 \(pio\) rep 65537 × width 1 is more than the guests' 65536-byte string PIO buffer$/);
});

test('memory/ctx-switch\'s stream crosses the serial line gzipped, small enough for the copy timeout under load', () => {
  const ops = [...ctxSwitch.generate(defaultParams(ctxSwitch), undefined as never)].filter((op): op is GuestOp => op.op !== 'phase');
  const stream = serialize(ops).bytes;
  // 2,000 round trips of 6 records plus map, touch and fork: 12,003 records of 32 bytes after the 16-byte
  // header, then the region names table (["ws"], 6 bytes)
  assert.equal(stream.length, 16 + 12_003 * 32 + 6);
  const packed = streamForSerial(stream);
  // the round trip's 192 bytes repeat 2,000 times: deflate's 258-byte matches take them in a few bits each,
  // so the copy is far below a hundredth of the raw stream (≈10 KB/s serial: under a second, not 38 s)
  assert.ok(packed.length < stream.length / 100, `${packed.length} bytes`);
  assert.deepEqual(gunzipSync(packed), Buffer.from(stream));
});

test('a timed run is warned that the times are an emulator\'s: the caveat names where Xen runs and the accelerator', () => {
  // no /dev/kvm: QEMU translates every instruction (TCG); with it Xen runs nested under KVM, still not bare
  const expected = existsSync('/dev/kvm') ? /^Xen and its dom0 run inside QEMU, under (TCG|nested KVM)/ : /^Xen and its dom0 run inside QEMU, under TCG \(QEMU translates every guest instruction\)$/;
  assert.match(xenQemuEngine.timingsCaveat!({}) ?? '', expected);
});

test('vcpus: dom0 on that many vCPUs, one emulated CPU each; outside 1 to 8 a one-line usage error', () => {
  assert.match(xenCommandLine(1536, 256, 2), / dom0_max_vcpus=2 /);
  xenQemuEngine.checkOptions!({ vcpus: 2 }, {} as never);
  for (const vcpus of [0, 9, 1.5]) {
    assert.throws(() => xenQemuEngine.checkOptions!({ vcpus }, {} as never), new RegExp(`^UsageError: xen-qemu: option vcpus must be an integer from 1 to 8, got ${vcpus}$`));
  }
});
