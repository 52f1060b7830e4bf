import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliHost } from '../cli-host-client.ts';

// commands run in the CLI host: test/scripts/cli-host-client.ts says why a check fails there as in a process
const host = new CliHost();
after(() => host.stop());
const hvbench = (args: string[]) => host.run(args);

test('run --sweep and --seeds: bad input is one hvbench: line, exit 2, nothing written', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'hvbench-run-')), 'out');
  const cases: [string[], RegExp][] = [
    [['--sweep', 'hyperv:batch=1,2'], /^hvbench: --sweep hyperv:batch=1,2: unknown engine "hyperv"; known engines: native, xen, kvm/],
    [['--sweep', 'xen:bacth=8,16'], /^hvbench: --sweep xen:bacth=8,16: xen: unknown option "bacth"; options: .*batch/],
    [['--sweep', 'kvm:mmu=ept,nested'], /^hvbench: --sweep kvm:mmu=ept,nested: kvm: option mmu must be one of ept, shadow, got "nested"/],
    [['--sweep', 'xen:batch=1,2,3,4,5,6', '--sweep', 'xen:net=copy,map', '--sweep', 'xen:blk=persistent,map', '--sweep', 'xen:xpti=on,off'],
      /^hvbench: --sweep: 48 engine columns \(48\), more than the 32 one run sweeps/],
    [['--seeds', '1..3', '--seed', '2'], /^hvbench: --seed runs one seed, --seeds several: give one of them/],
    [['--seeds', '4'], /^hvbench: --seeds: "4" is one seed/],
  ];
  for (const [args, pattern] of cases) {
    const r = await hvbench(['run', '--workloads', 'micro/cpuid', '--no-timing', '--out', out, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(out), false);
  }
});
