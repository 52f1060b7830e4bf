import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../../bin/hvbench.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'hvbench-merge-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function hvbench(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const RUN = ['run', '--workloads', 'micro/cpuid,micro/hlt,memory/ctx-switch', '--engines', 'native,xen,kvm', '--no-timing', '--no-png', '--no-html', '--quiet'];
/** results.json without the creation time and the host: what the model computed */
const model = (path: string) => {
  const r = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...r, createdAt: '', host: null });
};

test('run --shard 1/2 and 2/2, merged, write the results and CSV of one run', () => {
  for (const [out, extra] of [['whole', []], ['s1', ['--shard', '1/2']], ['s2', ['--shard', '2/2']]] as const) {
    const r = hvbench([...RUN, ...extra, '--out', join(dir, out)]);
    assert.equal(r.code, 0, r.stderr);
  }
  const m = hvbench(['merge', join(dir, 's1/results.json'), join(dir, 's2/results.json'), '--out', join(dir, 'merged'), '--no-png', '--no-html', '--quiet']);
  assert.equal(m.code, 0, m.stderr);
  assert.equal(model(join(dir, 'merged/results.json')), model(join(dir, 'whole/results.json')));
  assert.equal(readFileSync(join(dir, 'merged/results.csv'), 'utf8'), readFileSync(join(dir, 'whole/results.csv'), 'utf8'));
});

test('a bad --shard or a merge of one suite\'s slice with itself is one line, exit 2, nothing written', () => {
  const shard = hvbench([...RUN, '--shard', '3/2', '--out', join(dir, 'bad')]);
  assert.equal(shard.code, 2);
  assert.match(shard.stderr, /^hvbench: --shard: expected i\/n with 1 ≤ i ≤ n ≤ 1000 \(e\.g\. 2\/4\), got "3\/2"\n$/);
  assert.equal(existsSync(join(dir, 'bad')), false);
  const twice = hvbench(['merge', join(dir, 's1/results.json'), join(dir, 's1/results.json'), '--out', join(dir, 'bad2')]);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /^hvbench: merge: .*s1\/results\.json: workload \S+ is also in .*s1\/results\.json; give each shard once\n$/);
  assert.equal(existsSync(join(dir, 'bad2')), false);
});
