import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Rng } from '../../engines/rng.ts';
import type { GuestOp } from '../../engines/types.ts';
import { builtinWorkloads, defaultParams } from '../../workloads/registry.ts';
import { workloadFileSchema } from '../../workloads/file-schema.ts';
import { checkStream } from '../../workloads/stream-check.ts';
import type { Workload } from '../../workloads/types.ts';

/** counts the draws a generator makes, to tell randomized workloads from fixed ones */
class CountingRng extends Rng {
  draws = 0;
  override nextU32(): number {
    this.draws++;
    return super.nextU32();
  }
}

function run(w: Workload, seed: number): { ops: GuestOp[]; hash: string; draws: number } {
  const rng = new CountingRng(seed);
  const ops = [...w.generate(defaultParams(w), rng)];
  const hash = createHash('sha256').update(JSON.stringify(ops)).digest('hex');
  return { ops, hash, draws: rng.draws };
}

for (const w of builtinWorkloads()) {
  test(`${w.id}: same seed gives the same stream; a different seed differs exactly when it draws`, () => {
    const a = run(w, 1), b = run(w, 1), c = run(w, 2);
    assert.equal(a.hash, b.hash);
    if (a.draws > 0) assert.notEqual(a.hash, c.hash, 'a randomized workload ignores its seed');
    else assert.equal(a.hash, c.hash);
  });

  test(`${w.id}: default stream is valid workload-file content and runs in order`, () => {
    const { ops } = run(w, 1);
    assert.ok(ops.length > 0);
    const parsed = workloadFileSchema.safeParse({ id: 'check/x', category: w.category, title: 't', ops });
    assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues[0]));
    assert.equal(checkStream(ops), null);
  });

  test(`${w.id}: default stream is short enough to simulate quickly`, () => {
    const { ops } = run(w, 1);
    const accesses = ops.reduce((s, o) => s + (o.op === 'touch' ? o.accesses : 0), 0);
    // the largest are memory/random-4k-*: 131,072 setup touches + 200,000 measured random loads
    assert.ok(accesses <= 420_000, `${accesses} memory accesses`);
    assert.ok(ops.length <= 20_000, `${ops.length} records`);
  });
}

test('workloads that model variable work draw from the seed', () => {
  const randomized = builtinWorkloads().filter((w) => run(w, 1).draws > 0).map((w) => w.id);
  for (const id of ['cpu/syscall-server', 'cpu/kernel-build', 'memory/mmap-churn', 'io/interrupt-heavy']) {
    assert.ok(randomized.includes(id), `${id} should be randomized`);
  }
});

test('every built-in has a category/name id, a title, a one- or two-sentence description, valid defaults', () => {
  const ids = new Set<string>();
  for (const w of builtinWorkloads()) {
    assert.match(w.id, /^[a-z]+\/[a-z0-9-]+$/);
    assert.equal(w.id.split('/')[0], w.category);
    assert.ok(!ids.has(w.id), `duplicate ${w.id}`);
    ids.add(w.id);
    assert.ok(w.title.length > 0);
    const sentences = w.description.split(/(?<=[.;])\s+(?=[A-Z])/).length;
    assert.ok(sentences >= 1 && sentences <= 2 && w.description.endsWith('.'), w.description);
    for (const [name, spec] of Object.entries(w.params)) {
      assert.ok(Number.isInteger(spec.default) && spec.min <= spec.default && spec.default <= spec.max, `${w.id} ${name}`);
      assert.ok(spec.description.length > 0);
    }
  }
});

test('the random-access workloads differ only in guest page size and the host page size they fix on kvm', () => {
  const byId = (id: string) => builtinWorkloads().find((w) => w.id === id)!;
  const [a, b, c] = ['memory/random-4k-4k', 'memory/random-4k-2m', 'memory/random-2m-2m'].map((id) => run(byId(id), 1).ops);
  assert.deepEqual(a[0], { op: 'map', region: 'table', bytes: 512 * 1024 * 1024, pageSize: '4k' });
  assert.deepEqual(c[0], { op: 'map', region: 'table', bytes: 512 * 1024 * 1024, pageSize: '2m' });
  // setup writes every 4 KiB of the table whatever the page size (GUPS's initialisation): 512 MiB / 4 KiB =
  // 131,072 writes — with 2 MiB pages, 256 of them fault, the rest are plain writes
  assert.deepEqual(a[1], { op: 'touch', region: 'table', pattern: 'stride', stride: 1, accesses: 131_072, write: true });
  assert.deepEqual(a, b);
  assert.deepEqual(a.slice(1), c.slice(1));
  assert.deepEqual(a[2], { op: 'phase' });
  assert.deepEqual([byId('memory/random-4k-4k'), byId('memory/random-4k-2m'), byId('memory/random-2m-2m')].map((w) => w.engineOptions),
    [{ kvm: { thp: 'off' } }, { kvm: { thp: 'on' } }, { kvm: { thp: 'on' } }]);
});

test('micro workloads mirror the kvm-unit-tests ports and MSR', () => {
  const first = (id: string) => run(builtinWorkloads().find((w) => w.id === id)!, 1).ops[0];
  assert.deepEqual(first('micro/pio-kernel'), { op: 'pio', port: 0x4d0, write: false, count: 10_000 });
  assert.deepEqual(first('micro/pio-user'), { op: 'pio', port: 0x1234, write: false, count: 10_000 });
  assert.deepEqual(first('micro/tsc-deadline'), { op: 'msr', index: 0x6e0, write: true, count: 10_000 });
});
