// Reading a file of dom0 back over the serial console (engines/lab/console-protocol.ts `run`).
import type { QemuSession } from '../qemu-runner.ts';

/** a file's bytes over the serial line (≈10 KB/s under TCG: memory/fork-exit's traces take minutes) */
const FETCH_TIMEOUT_MS = 900_000;

export async function fetchFile(session: QemuSession, path: string): Promise<Buffer> {
  const r = await session.run(`cat ${path}`, FETCH_TIMEOUT_MS);
  if (r.status !== 0) throw new Error(`xen-qemu: could not read ${path} in dom0`);
  return r.stdout;
}
