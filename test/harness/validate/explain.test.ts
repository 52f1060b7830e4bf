import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CostProfile } from '../../../engines/machine/profile.ts';
import { costPaths, explain } from '../../../harness/validate/explain.ts';

// a tiny profile: three costs and some geometry that is not a cost
const tiny = {
  id: 'tiny',
  tlb: { l1: { sets: 16, ways: 4 }, l1HitCycles: 4 },
  native: { a: 10 },
  hvm: { b: 100, exitHandler: { CPUID: 50 } },
  pv: { unused: 7 },
  power: { transitionLatencyUs: 10, pStates: [{ mhz: 2000, volts: 1 }] },
} as unknown as CostProfile;

test('costPaths: every cost number, nested ones too; TLB geometry and P-state tables are not costs', () => {
  const paths = costPaths(tiny).map((p) => p.join('.'));
  assert.deepEqual(paths, ['native.a', 'hvm.b', 'hvm.exitHandler.CPUID', 'pv.unused', 'tlb.l1HitCycles', 'power.transitionLatencyUs']);
});

test('explain ranks costs by their effect on the value, derived by hand', async () => {
  // value = 3a + b + CPUID/10 = 30 + 100 + 5 = 135
  const valueOf = async (p: CostProfile) => {
    const t = p as unknown as { native: { a: number }; hvm: { b: number; exitHandler: { CPUID: number } } };
    return 3 * t.native.a + t.hvm.b + t.hvm.exitHandler.CPUID / 10;
  };
  const { base, ranking } = await explain(tiny, valueOf);
  assert.equal(base, 135);
  // ±20 %: b moves the value by 20 → 20/135; a by 3 × 2 = 6 → 6/135; CPUID by 1 → 1/135; the rest by 0
  assert.deepEqual(ranking.map((s) => s.path), ['hvm.b', 'native.a', 'hvm.exitHandler.CPUID', 'power.transitionLatencyUs', 'pv.unused', 'tlb.l1HitCycles']);
  assert.ok(Math.abs(ranking[0].minus - 115) < 1e-9);
  assert.ok(Math.abs(ranking[0].plus - 155) < 1e-9);
  assert.ok(Math.abs(ranking[0].effect - 20 / 135) < 1e-12);
  assert.ok(Math.abs(ranking[1].effect - 6 / 135) < 1e-12);
  assert.equal(ranking[3].effect, 0);
  // the profile given is never modified
  assert.equal((tiny as unknown as { hvm: { b: number } }).hvm.b, 100);
});
