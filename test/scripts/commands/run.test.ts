import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

// a measured engine whose guest an emulator runs, as xen-qemu and kvm-qemu under TCG say of themselves
const EMULATED_ENGINE = `export default { id: 'emu', title: 'Emulated', description: 'a guest under an emulator', mode: 'measured', options: [],
  availability: () => ({ available: true }),
  timingsCaveat: () => 'an emulator runs its guest',
  run: () => ({ cycles: { total: 0, guest: 0, hypervisor: 0, host: 0, idle: 0 }, attribution: {}, exits: { total: 0, byReason: {} },
    hypercalls: { total: 0, byOp: {} }, tlb: { flushes: { total: 0, byScope: {}, byCause: {} }, misses: 0, walkRefs: 0 }, events: {},
    measured: { timingsRepresentative: false, timingsNote: 'every guest instruction is translated' } }) };
`;

test('a timed run of an engine whose timings mean nothing starts with one warning naming it, under --quiet too; --no-timing has none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-emu-'));
  const plugin = join(dir, 'emu.mjs');
  writeFileSync(plugin, EMULATED_ENGINE);
  const warning = "hvbench: warning: emu's timings are not representative (an emulator runs its guest); its counts are real. --no-timing skips them";
  const base = ['run', '--engine-module', plugin, '--engines', 'emu', '--workloads', 'micro/cpuid', '--no-png'];
  const timed = await hvbench([...base, '--out', join(dir, 'timed')]);
  assert.equal(timed.code, 0, timed.stderr);
  const lines = timed.stderr.split('\n');
  assert.equal(lines[0], warning, 'the first line on stderr, before any progress');
  assert.equal(lines.filter((l) => l.includes('warning')).length, 1, timed.stderr);
  // the outputs label the timings with the run's own note
  assert.match(readFileSync(join(dir, 'timed', 'summary.md'), 'utf8'), /⚠ emu's timings are not representative: every guest instruction is translated\./);
  assert.match(readFileSync(join(dir, 'timed', 'report.html'), 'utf8'), /emu's timings are not representative<\/span>: every guest instruction is translated\./);
  // --quiet drops progress and the table, not the warning: it is all stderr holds
  const quiet = await hvbench([...base, '--quiet', '--out', join(dir, 'quiet')]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr, `${warning}\n`);
  const untimed = await hvbench([...base, '--quiet', '--no-timing', '--out', join(dir, 'untimed')]);
  assert.equal(untimed.code, 0, untimed.stderr);
  assert.equal(untimed.stderr, '');
});

