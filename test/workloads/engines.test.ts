import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../engines/rng.ts';
import type { RunCounters } from '../../engines/types.ts';
import { DEFAULT_PROFILE, getProfile } from '../../engines/machine/profiles/index.ts';
import { builtinEngines, resolveEngine } from '../../engines/registry.ts';
import { builtinWorkloads, defaultParams } from '../../workloads/registry.ts';
import { loadWorkloadFile } from '../../workloads/file.ts';

const profile = getProfile(DEFAULT_PROFILE);
const engines = ['native', 'xen', 'kvm'].map((spec) => resolveEngine(spec, builtinEngines(), profile));

const examples = ['cpuid-1000', 'fault-storm', 'mixed-io'].map((n) => loadWorkloadFile(`workloads/examples/${n}.json`));
const workloads = [...builtinWorkloads(), ...examples];
const cache = new Map<string, Promise<Record<string, RunCounters>>>();

/** counters of one workload on each engine, by engine id; each workload is simulated once per file */
function countersOf(id: string): Promise<Record<string, RunCounters>> {
  if (!cache.has(id)) {
    const w = workloads.find((x) => x.id === id)!;
    cache.set(id, (async () => {
      const out: Record<string, RunCounters> = {};
      for (const e of engines) {
        out[e.engine.id] = await e.engine.run({ ops: w.generate(defaultParams(w), new Rng(1)), profile, options: e.options, seed: 1 });
      }
      return out;
    })());
  }
  return cache.get(id)!;
}

for (const w of workloads) {
  test(`${w.id} runs on native, xen and kvm, never cheaper virtualized than native`, async () => {
    const r = await countersOf(w.id);
    assert.ok(r.native.cycles.total > 0);
    for (const id of ['xen', 'kvm']) assert.ok(r[id].cycles.total >= r.native.cycles.total, `${id} below native`);
  });
}

test('the suites exercise the paths their descriptions name', async () => {
  const ids = ['micro/cpuid', 'custom/cpuid-1000', 'micro/pio-user', 'micro/tsc-deadline', 'memory/random-4k',
    'memory/random-2m', 'micro/null-syscall', 'memory/fork-exit', 'cpu/kernel-build'];
  const all = new Map(await Promise.all(ids.map(async (id) => [id, await countersOf(id)] as const)));
  const get = (id: string) => all.get(id)!;
  assert.equal(get('micro/cpuid').kvm.exits.byReason.CPUID, 10_000);
  assert.equal(get('micro/cpuid').native.exits.total, 0);
  assert.equal(get('custom/cpuid-1000').kvm.exits.byReason.CPUID, 1000);
  assert.ok(get('micro/pio-user').kvm.exits.byReason.IO_INSTRUCTION >= 10_000);
  assert.ok(get('micro/tsc-deadline').kvm.exits.byReason.MSR_WRITE >= 10_000);
  // huge pages take the working set inside the TLB's reach; small pages miss and pay 2-D walks on kvm
  const r4k = get('memory/random-4k'), r2m = get('memory/random-2m');
  assert.ok(r2m.native.tlb.misses * 10 < r4k.native.tlb.misses);
  // 2-D walks: the guest dimension makes exactly native's references; the EPT side is what kvm adds. With 4 KiB
  // host pages (thp=off) every 4 KiB frame needs its own nested-TLB entry and the EPT side adds 588,956
  // references (984,062 in all, 2.5× native's 395,106). With THP the nested TLB holds each 2 MiB EPT leaf in one
  // entry (SDM §29.4.1; it used to hold 4 KiB frames), so its 32 entries reach 64 MiB, the working set: the EPT
  // side shrinks to 3,364 references (was 585,593 when cached per 4 KiB frame)
  const w4k = workloads.find((x) => x.id === 'memory/random-4k')!;
  const small = resolveEngine('kvm:thp=off', builtinEngines(), profile);
  const off = small.engine.run({ ops: w4k.generate(defaultParams(w4k), new Rng(1)), profile, options: small.options, seed: 1 }) as RunCounters;
  const eptRefs = (r: RunCounters) => (r.attribution['nested-walk'] ?? 0) / profile.native.memRef;
  assert.equal(r4k.kvm.tlb.walkRefs - eptRefs(r4k.kvm), r4k.native.tlb.walkRefs);
  assert.equal(off.tlb.walkRefs - eptRefs(off), r4k.native.tlb.walkRefs);
  assert.ok(off.tlb.walkRefs > 2 * r4k.native.tlb.walkRefs);
  assert.ok(eptRefs(r4k.kvm) * 100 < eptRefs(off), 'THP leaves the EPT side of random 4 KiB walks under 1 % of thp=off');
  // a 64-bit PV syscall switches page tables; with EPT it is native
  assert.ok(get('micro/null-syscall').xen.cycles.total > 2 * get('micro/null-syscall').kvm.cycles.total);
  assert.equal(get('memory/fork-exit').native.events.forks, 8);
  assert.equal(get('cpu/kernel-build').native.events.execs, 40);
});
