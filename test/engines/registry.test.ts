import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { builtinEngines, listEngines, loadEngineModule, resolveEngine } from '../../engines/registry.ts';
import { getProfile } from '../../engines/machine/profiles/index.ts';
import { UsageError } from '../../harness/errors.ts';

const modern = getProfile('intel-modern');
const core2 = getProfile('core2-2007');

test('built-in engines by id', () => {
  // kvm-host, kvm-qemu and xen-qemu are built in, opt-in and measured
  assert.deepEqual(listEngines().map((e) => e.id), ['native', 'xen', 'kvm', 'kvm-host', 'kvm-qemu', 'xen-qemu']);
});

test('specs: defaults applied, values validated, the label names what differs from the defaults', () => {
  const k = resolveEngine('kvm:mmu=shadow,io=emulated', builtinEngines(), modern);
  assert.equal(k.label, 'kvm:mmu=shadow,io=emulated');
  assert.deepEqual(k.options, { mmu: 'shadow', shadowcache: 'on', vpid: 'on', io: 'emulated', thp: 'on', prealloc: 'off', apicv: 'on', haltpoll: 'on', guesthaltpoll: 'off', pvipi: 'on', pvtlbflush: 'on', hostcpus: 0, pveoi: 'on', apic: 'x2apic', lapictimer: 'deadline', cpufreq: 'schedutil', epp: 'balance_performance', guestcpufreq: 'passthrough' });
  const x = resolveEngine('xen:pcid=on,batch=8', builtinEngines(), modern);
  assert.deepEqual(x.options, { mode: 'pv', io: 'pv', pod: 'off', ipi: 'evtchn', xpti: 'on', pcid: 'on', arch: 'x86_64', batch: 8, blk: 'persistent', net: 'copy', sched: 'credit2', cpufreq: 'xen' });
  assert.equal(x.label, 'xen:pcid=on,batch=8');
  // XPTI's default comes from the profile: off on AMD (not vulnerable to Meltdown), so the label says so
  const amd = resolveEngine('xen', builtinEngines(), getProfile('amd-modern'));
  assert.equal(amd.options.xpti, 'off');
  assert.equal(amd.label, 'xen:xpti=off');
  assert.equal(resolveEngine('kvm', builtinEngines(), modern).label, 'kvm');
});

test('unknown engines, options and values are one-line usage errors naming what is allowed', () => {
  assert.throws(() => resolveEngine('vmware', builtinEngines(), modern), /known engines: native, xen, kvm/);
  assert.throws(() => resolveEngine('kvm:mmu=nested', builtinEngines(), modern), /option mmu must be one of ept, shadow/);
  assert.throws(() => resolveEngine('kvm:foo=1', builtinEngines(), modern), /unknown option "foo"; options: mmu, shadowcache, vpid, io, thp, prealloc, apicv, haltpoll, guesthaltpoll, pvipi, pvtlbflush, hostcpus, pveoi, apic, lapictimer, cpufreq, epp, guestcpufreq/);
  assert.throws(() => resolveEngine('xen:batch=x', builtinEngines(), modern), /batch must be a number/);
  assert.throws(() => resolveEngine('xen:batch=0', builtinEngines(), modern), UsageError);
});

test('a CPU without EPT runs kvm with shadow paging by default, says so, and refuses mmu=ept', () => {
  const k = resolveEngine('kvm', builtinEngines(), core2);
  assert.equal(k.options.mmu, 'shadow');
  assert.equal(k.label, 'kvm:mmu=shadow,vpid=off,apicv=off');
  assert.throws(() => resolveEngine('kvm:mmu=ept', builtinEngines(), core2), /mmu=ept needs EPT/);
  assert.throws(() => resolveEngine('xen:pcid=on', builtinEngines(), core2), /pcid=on needs a CPU with PCID/);
});

test('third-party engine modules: default or `engine` export, shape checked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-engine-'));
  const good = join(dir, 'good.mjs');
  writeFileSync(good, `export const engine = { id: 'toy', title: 'Toy', description: 'd', mode: 'simulated', options: [],
    availability: () => ({ available: true }), run: () => ({}) };`);
  assert.equal((await loadEngineModule(good)).id, 'toy');
  const bad = join(dir, 'bad.mjs');
  writeFileSync(bad, 'export default { id: 3 };');
  await assert.rejects(loadEngineModule(bad), /expected a default or `engine` export/);
  await assert.rejects(loadEngineModule(join(dir, 'missing.mjs')), UsageError);
});
