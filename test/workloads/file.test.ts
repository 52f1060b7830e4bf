import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../../engines/rng.ts';
import { UsageError } from '../../harness/errors.ts';
import { loadWorkloadFile } from '../../workloads/file.ts';

const dir = mkdtempSync(join(tmpdir(), 'hvbench-workloads-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function fileWith(content: unknown): string {
  const path = join(dir, `w${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const base = { id: 'custom/t', category: 'cpu', title: 'T' };
const buf = { op: 'map', region: 'buf', bytes: 1048576, pageSize: '4k' };

/** loading must fail with one UsageError line naming the file and matching `pattern` */
function rejects(content: unknown, pattern: RegExp, taken?: string[]): void {
  const path = fileWith(content);
  assert.throws(() => loadWorkloadFile(path, taken), (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    assert.ok(!e.message.includes('\n'), e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

test('the shipped examples load and generate their operations', () => {
  for (const name of ['cpuid-1000', 'fault-storm', 'mixed-io']) {
    const w = loadWorkloadFile(`workloads/examples/${name}.json`);
    assert.equal(w.id, `custom/${name}`);
    assert.ok(w.description.length > 0);
    assert.ok([...w.generate({}, new Rng(1))].length > 0);
  }
  const cpuid = loadWorkloadFile('workloads/examples/cpuid-1000.json');
  assert.deepEqual([...cpuid.generate({}, new Rng(1))].at(-1), { op: 'cpuid', count: 1000 });
});

test('a valid file becomes a parameterless workload that replays its ops', () => {
  const ops = [buf, { op: 'touch', region: 'buf', pattern: 'stride', stride: 2, accesses: 10, write: false }, { op: 'fork' }, { op: 'switch', to: 1 }];
  const w = loadWorkloadFile(fileWith({ ...base, ops }));
  assert.deepEqual(w.params, {});
  assert.equal(w.category, 'cpu');
  assert.match(w.description, /User-defined workload from .*\.json/);
  assert.deepEqual([...w.generate({}, new Rng(1))], ops);
  assert.deepEqual([...w.generate({}, new Rng(2))], ops);
});

test('unreadable file and invalid JSON are one-line errors', () => {
  const missing = join(dir, 'absent.json');
  assert.throws(() => loadWorkloadFile(missing), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.equal(e.message, `${missing}: cannot read the workload file (no such file)`);
    return true;
  });
  assert.throws(() => loadWorkloadFile(dir), /cannot read the workload file \(it is a directory\)/);
  rejects('{ "id": "custom/t", ', /not JSON \(/);
});

test('schema violations name the JSON path and the problem', () => {
  rejects({ ...base, ops: [{ op: 'cpuidd', count: 1 }] }, /: ops\[0\]\.op: unknown op "cpuidd"; did you mean cpuid/);
  rejects({ ...base, ops: [{ op: 'frobnicate' }] }, /ops\[0\]\.op: unknown op "frobnicate"; known ops: compute, syscall/);
  rejects({ ...base, ops: [{ count: 1 }] }, /ops\[0\]\.op: missing; every operation needs "op"/);
  rejects({ ...base, ops: [{ op: 'cpuid' }] }, /ops\[0\]\.count: missing required field \(number\)/);
  rejects({ ...base, ops: [{ op: 'cpuid', count: '5' }] }, /ops\[0\]\.count: expected number, got a string \("5"\)/);
  rejects({ ...base, ops: [{ op: 'cpuid', count: 1 }, { op: 'syscall', count: -3 }] }, /ops\[1\]\.count: must be non-negative \(got -3\)/);
  rejects({ ...base, ops: [{ op: 'cpuid', count: 2.5 }] }, /ops\[0\]\.count: must be an integer \(got 2\.5\)/);
  rejects({ ...base, ops: [{ op: 'cpuid', count: 1, cout: 2 }] }, /ops\[0\]\.cout: unknown field "cout"/);
  rejects({ ...base, ops: [{ ...buf, pageSize: '3m' }] }, /ops\[0\]\.pageSize: expected one of "4k", "2m", "1g" \(got "3m"\)/);
  rejects({ ...base, ops: [{ op: 'pio', port: 70000, write: false, count: 1 }] }, /ops\[0\]\.port: must be ≤ 65535/);
  rejects({ ...base, ops: [] }, /: ops: must not be empty/);
  rejects({ ...base, extra: 1, ops: [buf] }, /: extra: unknown field "extra"/);
  rejects({ ...base, category: 'gpu', ops: [buf] }, /: category: expected one of "cpu", "memory", "io", "micro", "power"/);
  rejects({ ...base, id: 'no-slash', ops: [buf] }, /: id: must look like "category\/name"/);
  rejects({ category: 'cpu', title: 'T', ops: [buf] }, /: id: missing required field \(string\)/);
  rejects([buf], /: \(top level\): expected object, got an array/);
});

test('operations on regions not mapped at that point are rejected', () => {
  const touch = (region: string) => ({ op: 'touch', region, pattern: 'seq', accesses: 1, write: false });
  rejects({ ...base, ops: [touch('buf')] }, /: ops\[0\]\.region: region "buf" is not mapped in pid 1 at this point \(mapped: none\)/);
  rejects({ ...base, ops: [buf, { op: 'unmap', region: 'buf' }, touch('buf')] }, /ops\[2\]\.region: region "buf" is not mapped/);
  rejects({ ...base, ops: [buf, { op: 'protect', region: 'heap', writable: true }] }, /ops\[1\]\.region: .*\(mapped: "buf"\)/);
  rejects({ ...base, ops: [buf, { op: 'invlpg', region: 'hep', count: 1 }] }, /ops\[1\]\.region: region "hep"/);
  rejects({ ...base, ops: [buf, { op: 'shootdown', region: 'buf', cpus: 2 }, { op: 'unmap', region: 'buf' }] }, /ops\[2\]\.region/);
  rejects({ ...base, ops: [{ op: 'unmap', region: 'x' }] }, /ops\[0\]\.region/);
  rejects({ ...base, ops: [buf, buf] }, /ops\[1\]\.region: region "buf" is already mapped in pid 1/);
  // exec replaces the address space; the forked child's exit gives the CPU back to its parent
  const toChild = [buf, { op: 'fork' }, { op: 'switch', to: 2 }];
  rejects({ ...base, ops: [...toChild, { op: 'exec' }, touch('buf')] }, /ops\[4\]\.region: region "buf" is not mapped in pid 2/);
  assert.doesNotThrow(() => loadWorkloadFile(fileWith({ ...base, ops: [...toChild, touch('buf'), { op: 'exec' }, { op: 'exit' }, touch('buf')] })));
  rejects({ ...base, ops: [buf, { ...touch('buf'), stride: 4 }] }, /ops\[1\]\.stride: stride is only meaningful with pattern "stride"/);
});

test('processes: switch to a pid that does not exist, and exit of pid 1, are rejected', () => {
  rejects({ ...base, ops: [{ op: 'switch', to: 2 }] }, /ops\[0\]\.to: no process with pid 2 at this point \(live: 1\)/);
  rejects({ ...base, ops: [{ op: 'fork' }, { op: 'switch', to: 2 }, { op: 'exit' }, { op: 'switch', to: 2 }] }, /ops\[3\]\.to: no process with pid 2/);
  rejects({ ...base, ops: [{ op: 'exit' }] }, /ops\[0\]\.op: pid 1 cannot exit/);
  // fork keeps the parent running, so an exit right after it ends pid 1
  rejects({ ...base, ops: [{ op: 'fork' }, { op: 'exit' }] }, /ops\[1\]\.op: pid 1 cannot exit/);
  assert.doesNotThrow(() => loadWorkloadFile(fileWith({ ...base, ops: [{ op: 'fork' }, { op: 'fork' }, { op: 'switch', to: 1 }, { op: 'switch', to: 3 }] })));
});

test('duplicate ids are rejected against built-ins and against files loaded before', () => {
  rejects({ ...base, id: 'micro/cpuid', ops: [buf] }, /: id: "micro\/cpuid" is already used by a built-in workload/);
  rejects({ ...base, ops: [buf] }, /: id: "custom\/t" is already used by another workload file/, ['micro/cpuid', 'custom/t']);
});

test('work and memory past a limit are refused naming the file, the op field and the limit', () => {
  rejects({ ...base, ops: [{ op: 'hlt', count: 1e15 }] }, /: ops\[0\]\.count: .* the limit is 262144$/);
  // 2^53 is past the exact integers; 2^53 − 1 is one, but far past the event budget
  rejects({ ...base, ops: [buf, { op: 'touch', region: 'buf', pattern: 'random', accesses: 2 ** 53, write: true }] }, /ops\[1\]\.accesses: must be ≤ 9007199254740991/);
  rejects({ ...base, ops: [buf, { op: 'touch', region: 'buf', pattern: 'random', accesses: 2 ** 53 - 1, write: true }] }, /ops\[1\]\.accesses: .* the limit is 262144$/);
  rejects({ ...base, ops: [{ op: 'map', region: 'huge', bytes: 64 * 2 ** 40, pageSize: '4k' }] }, /ops\[0\]\.bytes: region "huge" would end at .* past the end of user space at 0x7ffffffff000/);
  rejects({ ...base, ops: [{ op: 'timer', periodUs: 1e308, ticks: 1 }] }, /ops\[0\]\.periodUs: must be ≤ 1000000000/);
  rejects({ ...base, ops: [buf, { op: 'shootdown', region: 'buf', cpus: 1e6 }] }, /ops\[1\]\.cpus: must be ≤ 64/);
});

test('a thread op names a vCPU from 0 to MAX_VCPUS − 1 (64: each vCPU is simulated state)', () => {
  rejects({ ...base, ops: [buf, { op: 'touch', region: 'buf', pattern: 'seq', accesses: 1, write: true, cpu: 64 }] }, /ops\[1\]\.cpu: must be ≤ 63/);
  rejects({ ...base, ops: [buf, { op: 'unmap', region: 'buf', cpu: -1 }] }, /ops\[1\]\.cpu: must be non-negative \(got -1\)/);
  rejects({ ...base, ops: [buf, { op: 'protect', region: 'buf', writable: false, cpu: 1.5 }] }, /ops\[1\]\.cpu: /);
  assert.doesNotThrow(() => loadWorkloadFile(fileWith({ ...base, ops: [buf, { op: 'touch', region: 'buf', pattern: 'seq', accesses: 1, write: true, cpu: 63 }] })));
});
