// One operation stream run in xen-qemu's PV domU (domu-script.ts says what runs where): the stream goes into
// dom0 as a gzipped cpio archive that dom0 unpacks and appends to the domU's initramfs, dom0 boots the domU
// with xl and waits for it, and four files come back: the domU's console (the op-runner's lines, blkfront's
// request counts and eth0's packets), the persistent-grant feature both ends negotiated, netback's ring
// indexes and Xen's trace.
import { gunzipSync, gzipSync } from 'node:zlib';
import { Initramfs } from '../initramfs.ts';
import type { QemuSession } from '../qemu-runner.ts';
import { parseRunnerOutput, type RunnerOutput } from '../op-runner/output.ts';
import { fetchFile } from './dom0-file.ts';
import { parseXenalyzeDomains, type DomainTallies } from './xenalyze-domains.ts';
import { parseNetbackRing, type NetbackRing } from './netback-ring.ts';

/** QEMU's memory less dom0's: Xen's heap and the domU (domu-script.ts DOMU_MEMORY_MB) live in it */
export const DOM0_RESERVED_FOR_DOMU_MB = 512;

export interface DomuRawRun {
  console: Buffer;
  vbd: Buffer;
  vif: Buffer;
  xenGz: Buffer;
}

export async function runInDomu(session: QemuSession, stream: Uint8Array, timeoutMs: number, progress: (m: string) => void): Promise<DomuRawRun> {
  progress('copying the stream into dom0');
  // gzipped: the serial line moves ≈10 KB/s, and io/disk-random's 5,000 alike records shrink to a few KiB
  await session.put('/tmp/stream.cpio.gz', gzipSync(new Initramfs().file('lab/stream.bin', stream).bytes()));
  progress('booting the domU and running the stream in it');
  const seconds = Math.ceil(timeoutMs / 1000);
  const ran = await session.run(`sh /lab/domu/run.sh /tmp/stream.cpio.gz ${seconds} 2>/tmp/domu.err`, timeoutMs + 120_000);
  if (ran.status !== 0) {
    const err = (await fetchFile(session, '/tmp/domu.err')).toString('utf8').trim().split('\n').slice(-2).join(' / ');
    throw new Error(`xen-qemu: the domU run failed (status ${ran.status})${err ? `: ${err}` : ''}`);
  }
  progress('reading the domU console and the trace back');
  return {
    console: await fetchFile(session, '/tmp/out/runner.txt'),
    vbd: await fetchFile(session, '/tmp/out/vbd.txt'),
    vif: await fetchFile(session, '/tmp/out/vif.txt'),
    xenGz: await fetchFile(session, '/tmp/out/xen.gz'),
  };
}

/** blkfront's completed requests (/sys/block/xvda/stat fields 1 and 5) and the negotiated persistent grants */
export interface BlockCounts {
  frontReads: number;
  frontWrites: number;
  persistent: { backend: boolean; frontend: boolean };
}

/** the vif: eth0's packets during the run (the domU kernel's netdev statistics) and netback's ring indexes */
export interface NetCounts {
  txPackets: number;
  rxPackets: number;
  /** packets before the run (eth0 sends one as it comes up): each a small frame, one ring slot */
  before: { tx: number; rx: number };
  ring: NetbackRing;
}

export interface DomuRun {
  runner: RunnerOutput;
  domains: DomainTallies[];
  block: BlockCounts;
  /** null for a run recorded before the domU had a vif (no eth0 lines on its console) */
  net: NetCounts | null;
}

function statLine(text: string, which: 'before' | 'after'): number[] {
  const m = new RegExp(`^hvbench xvda-${which} (.*)$`, 'm').exec(text);
  if (!m) throw new Error(`xen-qemu: the domU printed no xvda statistics ${which} the run`);
  return m[1].trim().split(/\s+/).map(Number);
}

function eth0Line(text: string, which: 'before' | 'after'): [number, number] | null {
  const m = new RegExp(`^hvbench eth0-${which} (\\d+) (\\d+)$`, 'm').exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function netCounts(text: string, vif: Buffer): NetCounts | null {
  const before = eth0Line(text, 'before');
  const after = eth0Line(text, 'after');
  if (!before || !after) return null;
  return {
    txPackets: after[0] - before[0],
    rxPackets: after[1] - before[1],
    before: { tx: before[0], rx: before[1] },
    ring: parseNetbackRing(vif.toString('utf8')),
  };
}

/** the four files as counts; a domU whose op-runner failed is an error naming its last words */
export function parseDomuRun(run: DomuRawRun): DomuRun {
  const text = run.console.toString('utf8');
  const status = /^hvbench runner-status (\d+)$/m.exec(text);
  if (status && status[1] !== '0') {
    const last = text.split('\n').filter((l) => l.startsWith('op-runner:')).pop();
    throw new Error(`xen-qemu: the op-runner in the domU exited with status ${status[1]}${last ? `: ${last}` : ''}`);
  }
  const before = statLine(text, 'before');
  const after = statLine(text, 'after');
  const vbd = run.vbd.toString('utf8');
  const feature = (side: string) => new RegExp(`^${side}-feature-persistent 1$`, 'm').test(vbd);
  const dump = gunzipSync(run.xenGz).toString('utf8');
  if (/lost_record/.test(dump)) throw new Error("xen-qemu: Xen's trace buffer lost records (xentrace could not keep up)");
  return {
    runner: parseRunnerOutput(text),
    domains: parseXenalyzeDomains(dump),
    block: {
      frontReads: after[0] - before[0],
      frontWrites: after[4] - before[4],
      persistent: { backend: feature('backend'), frontend: feature('frontend') },
    },
    net: netCounts(text, run.vif),
  };
}
