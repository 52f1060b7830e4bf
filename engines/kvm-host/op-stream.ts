// The operation stream the guest interprets: a binary form of GuestOp[] laid out as include/abi.h says
// (a 16-byte header, one 32-byte record per op, then a names table the guest ignores). Region names become
// indices; the names table makes `deserialize(serialize(ops))` give back the same ops, which the round-trip
// test checks for every op kind.
import type { GuestOp, GuestOpName, PageSize, AccessPattern } from '../types.ts';
import { UsageError } from '../../harness/errors.ts';

export const OPS_MAGIC = 0x504f5648; // "HVOP"
/** 2: a pio record carries its string repeat count and width */
export const OPS_VERSION = 2;
export const HEADER_BYTES = 16;
export const RECORD_BYTES = 32;
/** ABI_OPS_MAX in abi.h: the stream's slot in guest memory */
export const MAX_STREAM_BYTES = 0x100000;
export const MAX_REGIONS = 16;
/** ABI_MAX_PROCS in abi.h: the guest's process slots */
export const MAX_PROCESSES = 64;
/** ABI_PIO_BUF_BYTES in abi.h: the page-aligned buffer a string PIO moves its elements through */
export const PIO_BUFFER_BYTES = 0x10000;

/** enum abi_op_kind, in order */
export const OP_KINDS: readonly GuestOpName[] = [
  'compute', 'syscall', 'cpuid', 'rdtsc', 'msr', 'hlt', 'hypercall', 'pio', 'mmio', 'map', 'unmap', 'protect',
  'touch', 'invlpg', 'fork', 'exec', 'exit', 'switch', 'io', 'timer', 'ipi', 'shootdown', 'phase',
];

const F_WRITE = 0x01;
const F_PAT_SHIFT = 1;
/** pio width in the pattern's bits: 0 not given (one byte), else log2(width) + 1 */
const F_WIDTH_SHIFT = 1;
const WIDTHS = [1, 2, 4];
const F_PS_SHIFT = 3;
const F_NET = 0x20;
const F_HAS_STRIDE = 0x40;
const F_VFORK = 0x80;
const F_MASKED = 0x80;
const PATTERNS: readonly AccessPattern[] = ['seq', 'random', 'stride'];
const PAGE_SIZES: readonly PageSize[] = ['4k', '2m', '1g'];

interface Fields { flags: number; region: number; a: number; b: bigint; c: bigint }

export interface SerializedStream {
  bytes: Uint8Array;
  /** region names by index */
  regions: string[];
}

/** `engine`: the measured engine that runs the stream, named in every refusal with the workload's index of the
 *  op (`workloadIndex`: where the stream left out some of the workload's ops, engines/lab/phase-split.ts) */
export function serialize(ops: Iterable<GuestOp>, engine = 'kvm-host', workloadIndex = (i: number) => i): SerializedStream {
  // a refusal names the op by index and kind and its field as a workload writes it: "op 3 (touch) cpu"
  let index = -1;
  let kind = '';
  const refuse = (message: string): never => { throw new UsageError(`${engine}: op ${workloadIndex(index)} (${kind}) ${message}`); };
  const u64 = (value: number, field: string): bigint => {
    if (!Number.isSafeInteger(value) || value < 0) refuse(`${field} must be a non-negative integer, got ${value}`);
    return BigInt(value);
  };
  const u32 = (value: number, field: string): number => {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) refuse(`${field} must fit 32 bits, got ${value}`);
    return value;
  };
  const regions: string[] = [];
  const regionIndex = (name: string): number => {
    let i = regions.indexOf(name);
    if (i < 0) {
      if (regions.length === MAX_REGIONS) refuse(`region ${JSON.stringify(name)}: more than ${MAX_REGIONS} distinct regions (the guest has ${MAX_REGIONS} region slots)`);
      i = regions.push(name) - 1;
    }
    return i;
  };
  const records: Array<{ kind: number } & Fields> = [];
  let alive = 1; // pid 1; pid 1's own exit is refused by the guest and leaves it alive
  for (const op of ops) {
    index++;
    kind = String(op.op);
    const f: Fields = { flags: 0, region: 0, a: 0, b: 0n, c: 0n };
    // the measured guests run unmap and protect on vCPU 0 (a touch may name a CPU: the op-runner's helper thread
    // there runs it, freestanding.ts refuses it): on another one they would silently run on vCPU 0
    if ((op.op === 'unmap' || op.op === 'protect') && (op.cpu ?? 0) !== 0) {
      refuse(`cpu ${op.cpu}: the measured guests run it on vCPU 0 only`);
    }
    switch (op.op) {
      case 'compute': f.b = u64(op.cycles, 'compute.cycles'); break;
      case 'syscall': case 'cpuid': case 'rdtsc': case 'hlt': case 'hypercall': f.b = u64(op.count, 'count'); break;
      case 'msr': f.a = u32(op.index, 'index'); f.flags = op.write ? F_WRITE : 0; f.b = u64(op.count, 'count'); break;
      case 'pio': {
        if (!Number.isInteger(op.port) || op.port < 0 || op.port > 0xffff) refuse(`port must be 0..65535, got ${op.port}`);
        const width = WIDTHS.indexOf(op.width ?? 1);
        if (width < 0) refuse(`width must be 1, 2 or 4, got ${op.width}`);
        // c: elements per string instruction, 0 for a plain IN/OUT (one byte: the guests' plain loop is inb/outb)
        if (op.rep === undefined) {
          if (op.width !== undefined && op.width !== 1) refuse(`width ${op.width} needs rep: a plain IN/OUT moves one byte`);
        } else {
          if (!Number.isSafeInteger(op.rep) || op.rep < 1) refuse(`rep must be a positive integer, got ${op.rep}`);
          if (op.rep * WIDTHS[width] > PIO_BUFFER_BYTES) refuse(`rep ${op.rep} × width ${WIDTHS[width]} is more than the guests' ${PIO_BUFFER_BYTES}-byte string PIO buffer`);
          f.c = BigInt(op.rep);
        }
        f.a = op.port;
        f.flags = (op.write ? F_WRITE : 0) | (op.width === undefined ? 0 : (width + 1) << F_WIDTH_SHIFT);
        f.b = u64(op.count, 'count');
        break;
      }
      case 'mmio': f.flags = op.write ? F_WRITE : 0; f.b = u64(op.count, 'count'); break;
      case 'map': f.region = regionIndex(op.region); f.b = u64(op.bytes, 'bytes'); f.flags = PAGE_SIZES.indexOf(op.pageSize) << F_PS_SHIFT; break;
      case 'unmap': f.region = regionIndex(op.region); break;
      case 'protect': f.region = regionIndex(op.region); f.flags = op.writable ? F_WRITE : 0; break;
      case 'touch':
        f.region = regionIndex(op.region);
        f.flags = (op.write ? F_WRITE : 0) | (PATTERNS.indexOf(op.pattern) << F_PAT_SHIFT) | (op.stride === undefined ? 0 : F_HAS_STRIDE);
        f.b = u64(op.accesses, 'accesses');
        f.c = op.stride === undefined ? 0n : u64(op.stride, 'stride');
        f.a = u32(op.cpu ?? 0, 'cpu');
        break;
      case 'invlpg': f.region = regionIndex(op.region); f.b = u64(op.count, 'count'); break;
      case 'fork':
        if (++alive > MAX_PROCESSES) refuse(`more than ${MAX_PROCESSES} processes alive at once (the guest has ${MAX_PROCESSES} process slots)`);
        f.flags = op.vfork === true ? F_VFORK : 0;
        break;
      case 'exit': alive = Math.max(1, alive - 1); break;
      case 'exec': break;
      case 'switch': f.a = u32(op.to, 'to'); break;
      case 'io':
        f.flags = (op.device === 'net' ? F_NET : 0) | (op.dir === 'write' ? F_WRITE : 0);
        f.b = u64(op.requests, 'requests');
        f.c = u64(op.bytes, 'bytes');
        break;
      case 'timer': f.a = u32(op.periodUs, 'periodUs'); f.b = u64(op.ticks, 'ticks'); break;
      case 'ipi': f.flags = (op.target === 'other' ? F_NET : 0) | (op.masked === true ? F_MASKED : 0); f.b = u64(op.count, 'count'); break;
      case 'shootdown': f.region = regionIndex(op.region); f.a = u32(op.cpus, 'cpus'); break;
      case 'phase': break;
      default: throw new UsageError(`${engine}: op ${workloadIndex(index)}: unknown operation ${JSON.stringify((op as { op: unknown }).op)}`);
    }
    records.push({ kind: OP_KINDS.indexOf(op.op) + 1, ...f });
  }
  const names = new TextEncoder().encode(JSON.stringify(regions));
  const namesOffset = HEADER_BYTES + records.length * RECORD_BYTES;
  const total = namesOffset + names.length;
  if (total > MAX_STREAM_BYTES) throw new UsageError(`${engine}: the workload has ${records.length} operations, more than fit the guest's ${MAX_STREAM_BYTES}-byte stream slot`);
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
      case 'pio': {
        const pio: GuestOp = { op: kind, port: a, write, count: b };
        if (c !== 0) pio.rep = c;
        const width = (flags >> F_WIDTH_SHIFT) & 3;
        if (width !== 0) pio.width = WIDTHS[width - 1] as 1 | 2 | 4;
        ops.push(pio);
        break;
      }
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
