// A QEMU must not outlive what started it: a harness process killed by SIGTERM, a worker thread the pool
// terminates, a process that calls process.exit() on a host without setpriv. Each case runs the fake QEMU
// under test/fixtures/lab/own-qemu.mjs and then checks that QEMU's pid is gone (dead or a zombie).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from '../../../engines/lab/executables.ts';

const owner = fileURLToPath(new URL('../../fixtures/lab/own-qemu.mjs', import.meta.url));

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** polls until `pid` is gone; false if it is still there after many tries (no time is asserted) */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function start(mode: string, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, ['--import', 'tsx', owner, mode], { env: env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waitFor = (re: RegExp) => new Promise<RegExpExecArray>((resolve, reject) => {
    const check = () => { for (const l of lines) { const m = re.exec(l); if (m) return resolve(m); } };
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { lines.push(...d.split('\n')); check(); });
    child.once('exit', () => reject(new Error(`the owner exited before printing ${re}: ${lines.join('|')}`)));
  });
  return { child, qemuPid: waitFor(/^qemu (\d+)$/).then((m) => Number(m[1])), waitFor };
}

const linux = process.platform === 'linux' ? false : 'needs Linux /proc';

test('SIGTERM to the process that owns QEMU: QEMU dies with it (setpriv\'s parent-death signal)', { skip: linux || (findExecutable('setpriv') ? false : 'no setpriv here'), timeout: 120_000 }, async () => {
  const o = start('wait');
  const pid = await o.qemuPid;
  assert.ok(alive(pid));
  o.child.kill('SIGTERM');
  assert.ok(await gone(pid), `QEMU ${pid} outlived its owner`);
});

test('the worker thread that started QEMU is terminated while the process lives on: QEMU dies', { skip: linux || (findExecutable('setpriv') ? false : 'no setpriv here'), timeout: 120_000 }, async () => {
  const o = start('worker');
  const pid = await o.qemuPid;
  await o.waitFor(/^ended$/);
  try {
    assert.ok(await gone(pid), `QEMU ${pid} outlived the worker thread that started it`);
    assert.equal(o.child.exitCode, null);
  } finally {
    o.child.kill('SIGKILL');
  }
});

test('no setpriv on PATH, the owner calls process.exit(): its exit handler kills QEMU', { skip: linux, timeout: 120_000 }, async () => {
  // a PATH with node only (the fake QEMU's #! needs it), so QemuSession cannot find setpriv
  const bin = mkdtempSync(join(tmpdir(), 'hvb-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  const o = start('exit', { ...process.env, PATH: bin });
  const pid = await o.qemuPid;
  assert.ok(await gone(pid), `QEMU ${pid} outlived its owner's process.exit()`);
});
