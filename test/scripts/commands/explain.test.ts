import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { CliHost } from '../cli-host-client.ts';

// commands run in the CLI host: test/scripts/cli-host-client.ts says why a check fails there as in a process
const host = new CliHost();
after(() => host.stop());
const hvbench = (args: string[]) => host.run(args);

test('explain prints the path, a row per step and the total; --json the same steps', async () => {
  const r = await hvbench(['explain', 'kvm', 'cpuid']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^cpuid on kvm \(intel-modern\): 1,600 cycles, one steady-state operation/);
  assert.match(r.stdout, /· exit CPUID/);
  assert.match(r.stdout, /total\s+1,600\s+100\.0 %/);
  const json = await hvbench(['explain', 'xen', 'micro/hypercall', '--json']);
  assert.equal(json.code, 0, json.stderr);
  const x = JSON.parse(json.stdout) as { entries: { kind: string; cycles?: number }[]; counters: { cycles: { total: number } } };
  assert.equal(x.entries.reduce((s, e) => s + (e.cycles ?? 0), 0), x.counters.cycles.total);
});

test('a bad operation, field or engine is one line on stderr and exit 2', async () => {
  for (const args of [['explain', 'kvm', 'sycall'], ['explain', 'kvm', 'touch {pages:1}'], ['explain', 'vmware', 'cpuid'], ['explain', 'kvm', 'micro/nope']]) {
    const r = await hvbench(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^hvbench: [^\n]+\n$/, args.join(' '));
  }
});
