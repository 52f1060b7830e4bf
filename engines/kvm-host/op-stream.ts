// The operation stream the guest interprets: a binary form of GuestOp[] laid out as include/abi.h says
// (a 16-byte header, one 32-byte record per op, then a names table the guest ignores). Region names become
// indices; the names table makes `deserialize(serialize(ops))` give back the same ops, which the round-trip
// test checks for every op kind.
import type { GuestOp, GuestOpName, PageSize, AccessPattern } from '../types.ts';
import { UsageError } from '../../harness/errors.ts';

export const OPS_MAGIC = 0x504f5648; // "HVOP"
export const OPS_VERSION = 1;
export const HEADER_BYTES = 16;
export const RECORD_BYTES = 32;
/** ABI_OPS_MAX in abi.h: the stream's slot in guest memory */
export const MAX_STREAM_BYTES = 0x100000;
export const MAX_REGIONS = 16;
/** ABI_MAX_PROCS in abi.h: the guest's process slots */
export const MAX_PROCESSES = 64;

/** enum abi_op_kind, in order */
export const OP_KINDS: readonly GuestOpName[] = [
  'compute', 'syscall', 'cpuid', 'rdtsc', 'msr', 'hlt', 'hypercall', 'pio', 'mmio', 'map', 'unmap', 'protect',
  'touch', 'invlpg', 'fork', 'exec', 'exit', 'switch', 'io', 'timer', 'ipi', 'shootdown', 'phase',
];

const F_WRITE = 0x01;
const F_PAT_SHIFT = 1;
const F_PS_SHIFT = 3;
const F_NET = 0x20;
const F_HAS_STRIDE = 0x40;
const F_VFORK = 0x80;
const F_MASKED = 0x80;
const PATTERNS: readonly AccessPattern[] = ['seq', 'random', 'stride'];
const PAGE_SIZES: readonly PageSize[] = ['4k', '2m', '1g'];

interface Fields { flags: number; region: number; a: number; b: bigint; c: bigint }

function u64(value: number, what: string): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new UsageError(`kvm-host: ${what} must be a non-negative integer, got ${value}`);
  return BigInt(value);
}

function u32(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new UsageError(`kvm-host: ${what} must fit 32 bits, got ${value}`);
  return value;
}

export interface SerializedStream {
  bytes: Uint8Array;
  /** region names by index */
  regions: string[];
}

export function serialize(ops: Iterable<GuestOp>): SerializedStream {
  const regions: string[] = [];
  const regionIndex = (name: string): number => {
    let i = regions.indexOf(name);
    if (i < 0) {
      if (regions.length === MAX_REGIONS) throw new UsageError(`kvm-host: more than ${MAX_REGIONS} distinct regions (the guest has ${MAX_REGIONS} region slots)`);
      i = regions.push(name) - 1;
    }
    return i;
  };
  const records: Array<{ kind: number } & Fields> = [];
  let alive = 1; // pid 1; pid 1's own exit is refused by the guest and leaves it alive
  for (const op of ops) {
    const f: Fields = { flags: 0, region: 0, a: 0, b: 0n, c: 0n };
    // the measured guests run unmap and protect on vCPU 0 (a touch may name a CPU: the op-runner's helper thread
    // there runs it, freestanding.ts refuses it): on another one they would silently run on vCPU 0
    if ((op.op === 'unmap' || op.op === 'protect') && (op.cpu ?? 0) !== 0) {
      throw new UsageError(`kvm-host: ${op.op}.cpu ${op.cpu}: the measured guests run it on vCPU 0 only`);
    }
    switch (op.op) {
      case 'compute': f.b = u64(op.cycles, 'compute.cycles'); break;
      case 'syscall': case 'cpuid': case 'rdtsc': case 'hlt': case 'hypercall': f.b = u64(op.count, `${op.op}.count`); break;
      case 'msr': f.a = u32(op.index, 'msr.index'); f.flags = op.write ? F_WRITE : 0; f.b = u64(op.count, 'msr.count'); break;
      case 'pio':
        if (!Number.isInteger(op.port) || op.port < 0 || op.port > 0xffff) throw new UsageError(`kvm-host: pio.port must be 0..65535, got ${op.port}`);
        if ((op.rep ?? 1) !== 1) throw new UsageError('kvm-host: pio.rep (a string PIO) is not in the binary operation stream');
        f.a = op.port; f.flags = op.write ? F_WRITE : 0; f.b = u64(op.count, 'pio.count'); break;
      case 'mmio': f.flags = op.write ? F_WRITE : 0; f.b = u64(op.count, 'mmio.count'); break;
      case 'map': f.region = regionIndex(op.region); f.b = u64(op.bytes, 'map.bytes'); f.flags = PAGE_SIZES.indexOf(op.pageSize) << F_PS_SHIFT; break;
      case 'unmap': f.region = regionIndex(op.region); break;
      case 'protect': f.region = regionIndex(op.region); f.flags = op.writable ? F_WRITE : 0; break;
      case 'touch':
        f.region = regionIndex(op.region);
        f.flags = (op.write ? F_WRITE : 0) | (PATTERNS.indexOf(op.pattern) << F_PAT_SHIFT) | (op.stride === undefined ? 0 : F_HAS_STRIDE);
        f.b = u64(op.accesses, 'touch.accesses');
        f.c = op.stride === undefined ? 0n : u64(op.stride, 'touch.stride');
        f.a = u32(op.cpu ?? 0, 'touch.cpu');
        break;
      case 'invlpg': f.region = regionIndex(op.region); f.b = u64(op.count, 'invlpg.count'); break;
      case 'fork':
        if (++alive > MAX_PROCESSES) throw new UsageError(`kvm-host: more than ${MAX_PROCESSES} processes alive at once (the guest has ${MAX_PROCESSES} process slots)`);
        f.flags = op.vfork === true ? F_VFORK : 0;
        break;
      case 'exit': alive = Math.max(1, alive - 1); break;
      case 'exec': break;
      case 'switch': f.a = u32(op.to, 'switch.to'); break;
      case 'io':
        f.flags = (op.device === 'net' ? F_NET : 0) | (op.dir === 'write' ? F_WRITE : 0);
        f.b = u64(op.requests, 'io.requests');
        f.c = u64(op.bytes, 'io.bytes');
        break;
      case 'timer': f.a = u32(op.periodUs, 'timer.periodUs'); f.b = u64(op.ticks, 'timer.ticks'); break;
      case 'ipi': f.flags = (op.target === 'other' ? F_NET : 0) | (op.masked === true ? F_MASKED : 0); f.b = u64(op.count, 'ipi.count'); break;
      case 'shootdown': f.region = regionIndex(op.region); f.a = u32(op.cpus, 'shootdown.cpus'); break;
      case 'phase': break;
      default: throw new UsageError(`kvm-host: unknown operation ${JSON.stringify((op as { op: unknown }).op)}`);
    }
    records.push({ kind: OP_KINDS.indexOf(op.op) + 1, ...f });
  }
  const names = new TextEncoder().encode(JSON.stringify(regions));
  const namesOffset = HEADER_BYTES + records.length * RECORD_BYTES;
  const total = namesOffset + names.length;
  if (total > MAX_STREAM_BYTES) throw new UsageError(`kvm-host: the workload has ${records.length} operations, more than fit the guest's ${MAX_STREAM_BYTES}-byte stream slot`);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, OPS_MAGIC, true);
  view.setUint32(4, OPS_VERSION, true);
  view.setUint32(8, records.length, true);
  view.setUint32(12, namesOffset, true);
  records.forEach((r, i) => {
    const at = HEADER_BYTES + i * RECORD_BYTES;
    view.setUint8(at, r.kind);
    view.setUint8(at + 1, r.flags);
    view.setUint16(at + 2, r.region, true);
    view.setUint32(at + 4, r.a, true);
    view.setBigUint64(at + 8, r.b, true);
    view.setBigUint64(at + 16, r.c, true);
  });
  bytes.set(names, namesOffset);
  return { bytes, regions };
}

/** the inverse of serialize(), for tests and for reading a stream back from a fixture */
export function deserialize(bytes: Uint8Array): GuestOp[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER_BYTES || view.getUint32(0, true) !== OPS_MAGIC || view.getUint32(4, true) !== OPS_VERSION) {
    throw new Error('not an hvbench operation stream');
  }
  const count = view.getUint32(8, true);
  const namesOffset = view.getUint32(12, true);
  if (namesOffset !== HEADER_BYTES + count * RECORD_BYTES || namesOffset > bytes.length) throw new Error('operation stream: bad layout');
  const regions = JSON.parse(new TextDecoder().decode(bytes.subarray(namesOffset))) as string[];
  const ops: GuestOp[] = [];
  for (let i = 0; i < count; i++) {
    const at = HEADER_BYTES + i * RECORD_BYTES;
    const kind = OP_KINDS[view.getUint8(at) - 1];
    const flags = view.getUint8(at + 1);
    const region = regions[view.getUint16(at + 2, true)];
    const a = view.getUint32(at + 4, true);
    const b = Number(view.getBigUint64(at + 8, true));
    const c = Number(view.getBigUint64(at + 16, true));
    const write = (flags & F_WRITE) !== 0;
    switch (kind) {
      case 'compute': ops.push({ op: kind, cycles: b }); break;
      case 'syscall': case 'cpuid': case 'rdtsc': case 'hlt': case 'hypercall': ops.push({ op: kind, count: b }); break;
      case 'msr': ops.push({ op: kind, index: a, write, count: b }); break;
      case 'pio': ops.push({ op: kind, port: a, write, count: b }); break;
      case 'mmio': ops.push({ op: kind, write, count: b }); break;
      case 'map': ops.push({ op: kind, region, bytes: b, pageSize: PAGE_SIZES[(flags >> F_PS_SHIFT) & 3] }); break;
      case 'unmap': ops.push({ op: kind, region }); break;
      case 'protect': ops.push({ op: kind, region, writable: write }); break;
      case 'touch': {
        const touch: GuestOp = { op: kind, region, pattern: PATTERNS[(flags >> F_PAT_SHIFT) & 3], accesses: b, write };
        if (flags & F_HAS_STRIDE) touch.stride = c;
        if (a !== 0) touch.cpu = a;
        ops.push(touch);
        break;
      }
      case 'invlpg': ops.push({ op: kind, region, count: b }); break;
      case 'fork': ops.push(flags & F_VFORK ? { op: kind, vfork: true } : { op: kind }); break;
      case 'exec': case 'exit': ops.push({ op: kind }); break;
      case 'switch': ops.push({ op: kind, to: a }); break;
      case 'io': ops.push({ op: kind, device: flags & F_NET ? 'net' : 'disk', dir: write ? 'write' : 'read', bytes: c, requests: b }); break;
      case 'timer': ops.push({ op: kind, periodUs: a, ticks: b }); break;
      case 'ipi': {
        const ipi: GuestOp = { op: kind, target: flags & F_NET ? 'other' : 'self', count: b };
        if (flags & F_MASKED) ipi.masked = true;
        ops.push(ipi);
        break;
      }
      case 'shootdown': ops.push({ op: kind, region, cpus: a }); break;
      case 'phase': ops.push({ op: kind }); break;
      default: throw new Error(`operation stream: unknown kind at record ${i}`);
    }
  }
  return ops;
}
