// A cross-process lock for building something once in the shared cache: mkdir is atomic, so the process that
// creates the lock directory builds and the others wait for it to go. A lock whose owner has died (its pid
// no longer exists) is taken over, so a build killed half-way never blocks the next one.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function ownerAlive(lock: string): boolean {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but is someone else's
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function withLock<T>(lock: string, body: () => T, waitMs = 15 * 60_000): T {
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // a lock without a pid file yet is being created this instant: give it a moment before judging it
      sleep(200);
      if (!ownerAlive(lock)) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`waited ${Math.round(waitMs / 1000)} s for the build holding ${lock}`);
      sleep(500);
    }
  }
  try {
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
