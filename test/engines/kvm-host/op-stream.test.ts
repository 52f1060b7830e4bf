// The operation-stream serializer: every op kind survives a round trip, the layout matches include/abi.h, and
// a stream the guest cannot hold is refused with a one-line UsageError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { GuestOp } from '../../../engines/types.ts';
import { withoutPhase } from '../../../engines/lab/phase-split.ts';
import { deserialize, serialize, PIO_BUFFER_BYTES, OPS_MAGIC, OPS_VERSION, OP_KINDS, MAX_REGIONS, MAX_PROCESSES, MAX_STREAM_BYTES, HEADER_BYTES, RECORD_BYTES } from '../../../engines/kvm-host/op-stream.ts';
import { UsageError } from '../../../harness/errors.ts';

const every: GuestOp[] = [
  { op: 'compute', cycles: 123456789012 },
  { op: 'syscall', count: 3 },
  { op: 'cpuid', count: 1 },
  { op: 'rdtsc', count: 2 },
  { op: 'msr', index: 0x6e0, write: true, count: 4 },
  { op: 'hlt', count: 5 },
  { op: 'hypercall', count: 6 },
  { op: 'pio', port: 0xcf8, write: false, count: 7 },
  { op: 'pio', port: 0x511, write: false, count: 1000, rep: 4096, width: 1 },
  { op: 'pio', port: 0x1f0, write: true, count: 2, rep: 16384, width: 4 },
  { op: 'pio', port: 0x1234, write: false, count: 3, rep: 1 },
  { op: 'mmio', write: true, count: 8 },
  { op: 'map', region: 'heap', bytes: 1 << 20, pageSize: '2m' },
  { op: 'touch', region: 'heap', pattern: 'stride', accesses: 100, write: true, stride: 3 },
  { op: 'touch', region: 'heap', pattern: 'random', accesses: 10, write: false, cpu: 3 },
  { op: 'protect', region: 'heap', writable: false },
  { op: 'invlpg', region: 'heap', count: 9 },
  { op: 'unmap', region: 'heap' },
  { op: 'fork' },
  { op: 'fork', vfork: true },
  { op: 'exec' },
  { op: 'exit' },
  { op: 'switch', to: 2 },
  { op: 'io', device: 'net', dir: 'write', bytes: 1500, requests: 64 },
  { op: 'io', device: 'disk', dir: 'read', bytes: 4096, requests: 1 },
  { op: 'timer', periodUs: 1000, ticks: 10 },
  { op: 'ipi', target: 'other', count: 11 },
  { op: 'ipi', target: 'self', count: 7, masked: true },
  { op: 'shootdown', region: 'stack', cpus: 4 },
  { op: 'phase' },
];

test('every operation kind round-trips through the binary stream', () => {
  assert.deepEqual(new Set(every.map((o) => o.op)), new Set(OP_KINDS));
  const { bytes, regions } = serialize(every);
  assert.deepEqual(regions, ['heap', 'stack']);
  assert.equal(bytes.length >= HEADER_BYTES + every.length * RECORD_BYTES, true);
  assert.deepEqual(deserialize(bytes), every);
});

test('vfork is its own flag bit (ABI_F_VFORK), which a plain fork leaves clear', () => {
  const abi = readFileSync(new URL('../../../engines/kvm-host/include/abi.h', import.meta.url), 'utf8');
  const vforkBit = Number(abi.match(/#define ABI_F_VFORK\s+(0x[0-9a-f]+)/)?.[1]);
  const view = new DataView(serialize([{ op: 'fork', vfork: true }, { op: 'fork' }]).bytes.buffer);
  // byte 1 of each 32-byte record is abi_op.flags
  assert.equal(view.getUint8(HEADER_BYTES + 1), vforkBit);
  assert.equal(view.getUint8(HEADER_BYTES + RECORD_BYTES + 1), 0);
  assert.deepEqual(deserialize(serialize([{ op: 'fork', vfork: false }]).bytes), [{ op: 'fork' }]);
});

test('the header and limits match include/abi.h', () => {
  const abi = readFileSync(new URL('../../../engines/kvm-host/include/abi.h', import.meta.url), 'utf8');
  const define = (name: string) => Number(abi.match(new RegExp(`#define ${name}\\s+(0x[0-9a-f]+|\\d+)`))?.[1]?.replace(/u$/, ''));
  assert.equal(define('ABI_OPS_MAGIC'), OPS_MAGIC);
  assert.equal(define('ABI_OPS_VERSION'), OPS_VERSION);
  assert.equal(define('ABI_MAX_REGIONS'), MAX_REGIONS);
  assert.equal(define('ABI_MAX_PROCS'), MAX_PROCESSES);
  assert.equal(Number(abi.match(/#define ABI_OPS_MAX\s+(0x[0-9a-f]+)/)?.[1]), MAX_STREAM_BYTES);
  const enumBody = abi.match(/enum abi_op_kind \{([^}]*)\}/)?.[1] ?? '';
  const kinds = enumBody.match(/OPK_[A-Z]+/g)?.filter((k) => k !== 'OPK_LIMIT').map((k) => k.slice(4).toLowerCase());
  assert.deepEqual(kinds, [...OP_KINDS]);
  const view = new DataView(serialize([{ op: 'pio', port: 0x80, write: true, count: 3 }]).bytes.buffer);
  assert.equal(view.getUint32(0, true), OPS_MAGIC);
  assert.equal(view.getUint32(8, true), 1);
  assert.equal(view.getUint8(HEADER_BYTES), OP_KINDS.indexOf('pio') + 1);
  assert.equal(view.getUint32(HEADER_BYTES + 4, true), 0x80);
});

test('streams the guest cannot hold are refused with a UsageError', () => {
  const tooManyRegions: GuestOp[] = Array.from({ length: MAX_REGIONS + 1 }, (_, i) => ({ op: 'unmap', region: `r${i}` }));
  assert.throws(() => serialize(tooManyRegions), UsageError);
  const tooMany: GuestOp[] = Array.from({ length: MAX_STREAM_BYTES / RECORD_BYTES }, () => ({ op: 'cpuid', count: 1 }));
  assert.throws(() => serialize(tooMany), /more than fit/);
  assert.throws(() => serialize([{ op: 'pio', port: 70000, write: true, count: 1 }]), /^UsageError: kvm-host: op 0 \(pio\) port must be 0\.\.65535, got 70000$/);
  assert.throws(() => serialize([{ op: 'cpuid', count: -1 }]), UsageError);
  // unmap and protect run on vCPU 0 in both measured guests: another CPU is refused, vCPU 0 named explicitly is fine
  assert.throws(() => serialize([{ op: 'unmap', region: 'r', cpu: 1 }]), /^UsageError: kvm-host: op 0 \(unmap\) cpu 1: the measured guests run it on vCPU 0 only$/);
  assert.doesNotThrow(() => serialize([{ op: 'unmap', region: 'r', cpu: 0 }]));
});

test('more processes alive at once than the guest has slots is refused; exits give slots back', () => {
  // pid 1 plus 63 forks fill the 64 slots; the 64th fork would need a 65th
  const forks = (n: number): GuestOp[] => Array.from({ length: n }, () => ({ op: 'fork' }));
  assert.doesNotThrow(() => serialize(forks(MAX_PROCESSES - 1)));
  assert.throws(() => serialize(forks(MAX_PROCESSES)), /more than 64 processes alive at once/);
  // fork + exit a thousand times never has more than two alive
  const churn: GuestOp[] = Array.from({ length: 1000 }, (_, i) => [{ op: 'fork' }, { op: 'switch', to: i + 2 }, { op: 'exit' }] as GuestOp[]).flat();
  assert.doesNotThrow(() => serialize(churn));
});

test('a string PIO record carries its repeat count in c and its width in the flags; both are bounded by the buffer', () => {
  const abi = readFileSync(new URL('../../../engines/kvm-host/include/abi.h', import.meta.url), 'utf8');
  assert.equal(Number(abi.match(/#define ABI_PIO_BUF_BYTES\s+(0x[0-9a-f]+)/)?.[1]), PIO_BUFFER_BYTES);
  const widthShift = Number(abi.match(/#define ABI_F_WIDTH_SHIFT\s+(\d+)/)?.[1]);
  const view = new DataView(serialize([
    { op: 'pio', port: 0x511, write: false, count: 1000, rep: 4096, width: 1 },
    { op: 'pio', port: 0x511, write: true, count: 1, rep: 8, width: 4 },
    { op: 'pio', port: 0x80, write: true, count: 5 },
  ]).bytes.buffer);
  const at = (i: number) => HEADER_BYTES + i * RECORD_BYTES;
  // micro/pio-string: port 0x511 in a, 1,000 instructions in b, 4,096 elements in c, width 1 coded as
  // log2(1) + 1 = 1 in the width bits, not a write
  assert.equal(view.getUint32(at(0) + 4, true), 0x511);
  assert.equal(view.getBigUint64(at(0) + 8, true), 1000n);
  assert.equal(view.getBigUint64(at(0) + 16, true), 4096n);
  assert.equal(view.getUint8(at(0) + 1), 1 << widthShift);
  // rep outsl of 8: width 4 coded log2(4) + 1 = 3, plus the write bit 0x01
  assert.equal(view.getUint8(at(1) + 1), (3 << widthShift) | 1);
  // a plain OUT: c stays 0, which is what tells the guests to run OUTB
  assert.equal(view.getBigUint64(at(2) + 16, true), 0n);
  assert.equal(view.getUint8(at(2) + 1), 1);
  // the buffer is 64 KiB: 65,536 bytes or 16,384 dwords fit, one element more does not
  assert.doesNotThrow(() => serialize([{ op: 'pio', port: 0x511, write: false, count: 1, rep: 65536, width: 1 }]));
  assert.doesNotThrow(() => serialize([{ op: 'pio', port: 0x511, write: false, count: 1, rep: 16384, width: 4 }]));
  assert.throws(() => serialize([{ op: 'pio', port: 0x511, write: false, count: 1, rep: 16385, width: 4 }], 'xen-qemu'),
    /^UsageError: xen-qemu: op 0 \(pio\) rep 16385 × width 4 is more than the guests' 65536-byte string PIO buffer$/);
  assert.throws(() => serialize([{ op: 'pio', port: 0x511, write: false, count: 1, rep: 0 }]), /op 0 \(pio\) rep must be a positive integer, got 0/);
  assert.throws(() => serialize([{ op: 'pio', port: 0x511, write: false, count: 1, rep: 2, width: 3 as 4 }]), /op 0 \(pio\) width must be 1, 2 or 4, got 3/);
  // a width without rep would be an IN/OUT of that width, which the guests do not run (theirs are byte-wide)
  assert.throws(() => serialize([{ op: 'pio', port: 0x511, write: false, count: 1, width: 2 }]), /op 0 \(pio\) width 2 needs rep/);
});

test('a refusal names the engine that runs the stream and the workload\'s index of the op, the phase counted', () => {
  const ops: GuestOp[] = [{ op: 'cpuid', count: 1 }, { op: 'phase' }, { op: 'touch', region: 'r', pattern: 'seq', accesses: -2, write: false }];
  // the lab engines serialize the stream without its phase: the touch is their op 1, the workload's op 2
  const phased = withoutPhase(ops);
  assert.throws(() => serialize(phased.ops, 'kvm-qemu', phased.workloadIndex),
    /^UsageError: kvm-qemu: op 2 \(touch\) accesses must be a non-negative integer, got -2$/);
  assert.throws(() => serialize(ops), /^UsageError: kvm-host: op 2 \(touch\) accesses/);
});
