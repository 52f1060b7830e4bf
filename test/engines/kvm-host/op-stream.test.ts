// The operation-stream serializer: every op kind survives a round trip, the layout matches include/abi.h, and
// a stream the guest cannot hold is refused with a one-line UsageError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { GuestOp } from '../../../engines/types.ts';
import { deserialize, serialize, OPS_MAGIC, OPS_VERSION, OP_KINDS, MAX_REGIONS, MAX_PROCESSES, MAX_STREAM_BYTES, HEADER_BYTES, RECORD_BYTES } from '../../../engines/kvm-host/op-stream.ts';
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
  assert.throws(() => serialize([{ op: 'pio', port: 70000, write: true, count: 1 }]), /pio.port/);
  assert.throws(() => serialize([{ op: 'cpuid', count: -1 }]), UsageError);
  // unmap and protect run on vCPU 0 in both measured guests: another CPU is refused, vCPU 0 named explicitly is fine
  assert.throws(() => serialize([{ op: 'unmap', region: 'r', cpu: 1 }]), /unmap\.cpu 1: the measured guests run it on vCPU 0 only/);
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
