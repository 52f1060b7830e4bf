import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPowerFile } from '../../../workloads/power/file.ts';
import { UsageError } from '../../../harness/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'hvbench-power-file-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const EXAMPLE = 'workloads/power/examples/capped-beside-idle.json';

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const base = {
  id: 'mine',
  title: 'mine',
  cpus: 1,
  durationMs: 100,
  vms: [{ id: 'a', cpu: 0, booked: 0.5, demand: { kind: 'requests', arrivalMs: [0, 10, 10], work: [1, 2, 3] } }],
};

test('the shipped example loads with its defaults (weight 256, no cap, no deadline) and its policy subset', () => {
  const s = loadPowerFile(EXAMPLE, []);
  assert.equal(s.id, 'capped-beside-idle');
  assert.deepEqual(s.vms[1], { id: 'idle', cpu: 0, booked: 0.1, cap: null, weight: 256, deadlineMs: null });
  assert.deepEqual(s.policies, ['performance', 'host-only', 'dvfs-aware-credits']);
  // saturating at 1 f_max-ms per ms: one request per millisecond of the 3000
  assert.equal(s.traces(1)[0].work.length, 3000);
});

test('explicit requests are used as given; those at or after the end never arrive', () => {
  const s = loadPowerFile(file('requests.json', { ...base, vms: [{ ...base.vms[0], demand: { kind: 'requests', arrivalMs: [0, 50, 100], work: [1, 2, 3] } }] }), []);
  const [t] = s.traces(1);
  assert.deepEqual([...t.arrivalMs], [0, 50]);
  assert.deepEqual([...t.work], [1, 2]);
});

test('every mistake is one UsageError naming the file and the field', () => {
  const cases: Array<[unknown, RegExp]> = [
    ['{ nope', /bad\.json: /],
    [{ ...base, cpus: 0 }, /bad\.json: cpus: must be > 0/],
    [{ ...base, vms: [{ ...base.vms[0], booked: 2 }] }, /bad\.json: vms\[0\]\.booked: must be ≤ 1/],
    [{ ...base, vms: [{ ...base.vms[0], demand: { kind: 'requests', arrivalMs: [5, 1], work: [1, 1] } }] }, /bad\.json: vms\[0\]\.demand\.arrivalMs\[1\]: arrivals must not go back in time/],
    [{ ...base, vms: [{ ...base.vms[0], demand: { kind: 'requests', arrivalMs: [5], work: [] } }] }, /bad\.json: vms\[0\]\.demand\.work: 0 entries for 1 arrivals/],
    [{ ...base, vms: [base.vms[0], base.vms[0]] }, /bad\.json: vms\[1\]\.id: "a" is used by an earlier VM/],
    [{ ...base, vms: [{ ...base.vms[0], cpu: 1 }] }, /bad\.json: vm a is pinned to cpu 1, which a 1-CPU host does not have/],
    [{ ...base, durationMs: 1e9 }, /bad\.json: durationMs \/ 1 ms × \(cpus \+ vms\) = 2000000000 steps; the limit is 1000000/],
    [{ ...base, extra: 1 }, /bad\.json: extra: unknown field/],
    [{ ...base, id: 'hagimont-capped' }, /bad\.json: id: "hagimont-capped" is already used/],
  ];
  for (const [content, message] of cases) {
    const path = file('bad.json', content);
    assert.throws(() => loadPowerFile(path, ['hagimont-capped']), (e: unknown) => {
      assert.ok(e instanceof UsageError, String(e));
      assert.match(e.message, message);
      assert.equal(e.message.split('\n').length, 1);
      return true;
    });
  }
});

test('a file may turn turbo on and set a package power limit; a window shorter than the 1 ms step is refused by field', () => {
  const rapl = { pl1Watts: 30, tauMs: 1000, pl2Watts: 40, pl2WindowMs: 10 };
  const s = loadPowerFile(file('rapl.json', { ...base, turbo: true, rapl }), []);
  assert.equal(s.turbo, true);
  assert.deepEqual(s.rapl, rapl);
  // absent: no turbo, no limit
  const plain = loadPowerFile(file('plain.json', base), []);
  assert.equal(plain.turbo, undefined);
  assert.equal(plain.rapl, undefined);
  assert.throws(
    () => loadPowerFile(file('tau.json', { ...base, rapl: { ...rapl, tauMs: 0.5 } }), []),
    (e: unknown) => e instanceof UsageError && /tau\.json: rapl\.tauMs/.test(e.message),
  );
});
