import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliHost } from '../cli-host-client.ts';

// commands run in the CLI host: test/scripts/cli-host-client.ts says why a check fails there as in a process
const host = new CliHost();
const hvbench = (args: string[]) => host.run(args);
const dir = mkdtempSync(join(tmpdir(), 'hvbench-merge-'));
test.after(async () => {
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

const RUN = ['run', '--workloads', 'micro/cpuid,micro/hlt,memory/ctx-switch', '--engines', 'native,xen,kvm', '--no-timing', '--no-png', '--no-html', '--quiet'];
/** results.json without the creation time and the host: what the model computed */
const model = (path: string) => {
  const r = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  return JSON.stringify({ ...r, createdAt: '', host: null });
};

test('run --shard 1/2 and 2/2, merged, write the results and CSV of one run', async () => {
  for (const [out, extra] of [['whole', []], ['s1', ['--shard', '1/2']], ['s2', ['--shard', '2/2']]] as const) {
    const r = await hvbench([...RUN, ...extra, '--out', join(dir, out)]);
    assert.equal(r.code, 0, r.stderr);
  }
  const m = await hvbench(['merge', join(dir, 's1/results.json'), join(dir, 's2/results.json'), '--out', join(dir, 'merged'), '--no-png', '--no-html', '--quiet']);
  assert.equal(m.code, 0, m.stderr);
  assert.equal(model(join(dir, 'merged/results.json')), model(join(dir, 'whole/results.json')));
  assert.equal(readFileSync(join(dir, 'merged/results.csv'), 'utf8'), readFileSync(join(dir, 'whole/results.csv'), 'utf8'));
});

test('a bad --shard or a merge of one suite\'s slice with itself is one line, exit 2, nothing written', async () => {
  const shard = await hvbench([...RUN, '--shard', '3/2', '--out', join(dir, 'bad')]);
  assert.equal(shard.code, 2);
  assert.match(shard.stderr, /^hvbench: --shard: expected i\/n with 1 ≤ i ≤ n ≤ 1000 \(e\.g\. 2\/4\), got "3\/2"\n$/);
  assert.equal(existsSync(join(dir, 'bad')), false);
  const twice = await hvbench(['merge', join(dir, 's1/results.json'), join(dir, 's1/results.json'), '--out', join(dir, 'bad2')]);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /^hvbench: merge: .*s1\/results\.json: workload \S+ is also in .*s1\/results\.json; give each shard once\n$/);
  assert.equal(existsSync(join(dir, 'bad2')), false);
});
