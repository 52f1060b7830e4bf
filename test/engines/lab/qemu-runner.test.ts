// The QEMU session's host side against a fake QEMU that speaks the agent's side of the protocol
// (test/fixtures/lab/fake-qemu.mjs): boot, put in several acknowledged chunks, run, and every way a session
// ends with a one-line reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { qemuArgv, qemuProblem, QemuSession, type QemuBootOptions } from '../../../engines/lab/qemu-runner.ts';

const fake = fileURLToPath(new URL('../../fixtures/lab/fake-qemu.mjs', import.meta.url));
/** a backstop, not a time bound: the fake's boot is a node process starting, milliseconds idle but seconds on a
 *  2-core machine at a load average of 25, too close to a 5 s deadline; the boot watchdog is tested below */
const base: QemuBootOptions = { kernel: '/k', initrd: '/i', memMb: 512, cpus: 1, accel: 'tcg', bootTimeoutMs: 120_000, qemu: fake };

/** sets the fake's variables for the body, then restores them (process.env itself is never replaced) */
async function withEnv<T>(env: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

test('boot, put a file of several chunks, read it back byte for byte, run a command', async () => {
  await withEnv({}, async () => {
    const progress: string[] = [];
    const s = await QemuSession.boot({ ...base, onProgress: (m) => progress.push(m) });
    // 100,000 bytes are 133,336 base64 characters: four full 32,768-character chunks and a fifth of 2,264
    const data = new Uint8Array(100_000).map((_, i) => (i * 31 + 7) & 255);
    await s.put('/tmp/stream', data);
    const back = await s.run('cat /tmp/stream');
    assert.equal(back.status, 0);
    assert.deepEqual(new Uint8Array(back.stdout), data);
    await s.put('/tmp/empty', new Uint8Array(0));
    assert.equal((await s.run('cat /tmp/empty')).stdout.length, 0);
    const failed = await s.run('fail');
    assert.deepEqual([failed.status, failed.stderr], [3, ['something broke']]);
    assert.ok(progress.some((m) => m.startsWith('booting: [    0.000000] Linux version')), progress.join('|'));
    assert.ok(progress.some((m) => /^booted in \d+\.\d s$/.test(m)), progress.join('|'));
    await s.close();
    await assert.rejects(s.run('echo late'), /the session was closed/);
  });
});

test('a console that drops input beyond 128 unread characters (Xen\'s ring for dom0) takes a put in chunks that fit', async () => {
  await withEnv({ HVB_FAKE_RX_CHARS: '128' }, async () => {
    // 1,000 bytes are 1,336 base64 characters: with the console's 128, ten chunks of 128 and one of 56, each
    // sent after the previous one's ack, so none is cut
    const data = new Uint8Array(1000).map((_, i) => (i * 7 + 3) & 255);
    const fits = await QemuSession.boot({ ...base, consoleInputChars: 128 });
    await fits.put('/tmp/stream', data);
    assert.deepEqual(new Uint8Array((await fits.run('cat /tmp/stream')).stdout), data);
    // "run 3 echo " (11) + 130 + the newline
    await assert.rejects(fits.run(`echo ${'x'.repeat(130)}`), /^Error: lab: a request of 142 characters does not fit the guest console's 128$/);
    await fits.close();
    // the same put in one chunk of 1,336 loses all but 128 characters and never finishes
    const whole = await QemuSession.boot(base);
    await assert.rejects(whole.put('/tmp/stream', data, 1500), /copying \/tmp\/stream into the guest did not finish within 2 s/);
  });
});

test('a panic during boot is the reason, with the console line that says so', async () => {
  await withEnv({ HVB_FAKE_BOOT: 'panic' }, async () => {
    await assert.rejects(QemuSession.boot(base), /^Error: QEMU exited \(status 1\); last console line: \[ +1\.0+\] Kernel panic - not syncing: VFS/);
  });
});

test('a boot that never reaches the agent is stopped by the watchdog', async () => {
  await withEnv({ HVB_FAKE_BOOT: 'silent' }, async () => {
    // the fake's first console line names the kernel, unless the machine is so busy that node has not
    // started it within the deadline
    await assert.rejects(QemuSession.boot({ ...base, bootTimeoutMs: 8000 }), /^Error: QEMU did not finish booting within 8 s(; last console line: \[ +0\.0+\] Linux version 6\.1\.0 \(fake\)|; the console stayed silent)$/);
  });
});

test('a command past its deadline ends the session; the next request gets the same reason', async () => {
  await withEnv({}, async () => {
    const s = await QemuSession.boot(base);
    await assert.rejects(s.run('hang', 200), /guest command hang did not finish within 0 s/);
    await assert.rejects(s.run('echo after'), /guest command hang did not finish/);
  });
});

test('a missing QEMU is one line naming the binary; argv carries the console settings the protocol needs', () => {
  assert.match(qemuProblem('/nonexistent') ?? '', /^qemu-system-x86_64 not found \(hvbench lab setup installs it\)$/);
  const argv = qemuArgv({ ...base, append: 'hvb=1' });
  assert.deepEqual(argv.slice(0, 4), ['-accel', 'tcg', '-cpu', 'max']);
  assert.equal(argv[argv.indexOf('-append') + 1], 'console=ttyS0 loglevel=1 panic=-1 no_timer_check hvb=1');
  assert.ok(argv.includes('-no-reboot'));
});
