import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTEL_MODERN } from '../../../engines/machine/profiles/intel-modern.ts';
import { builtinEngines } from '../../../engines/registry.ts';
import { caseValue, type EvaluationContext } from '../../../harness/validate/evaluate.ts';
import type { RunSpec, ValidationCase } from '../../../harness/validate/types.ts';
import { fakeEngine } from './fake-engine.ts';

const ctx: EvaluationContext = { engines: [fakeEngine], workloads: [] };
const MAP = { op: 'map', region: 'r', bytes: 4096, pageSize: '4k' } as const;

function kase(runs: Record<string, RunSpec>, metric: ValidationCase['metric']): ValidationCase {
  return {
    id: 't', group: 'g', title: 't', source: { citation: 'c', where: 'w', machine: 'm' }, published: 1, publishedText: '1',
    unit: 'u', band: null, profile: 'intel-modern', runs, metric,
  };
}

test('cycles-per-op: measured cycles over the iterations, setup excluded', async () => {
  // measured: 40 CPUIDs × 1,000 = 40,000 cycles → 1,000 per iteration (the map's 5,000 is setup)
  const c = kase({ a: { engine: 'fake', setup: [MAP], measured: [{ op: 'cpuid', count: 40 }] } }, { kind: 'cycles-per-op', run: 'a', per: 40 });
  assert.equal(await caseValue(c, INTEL_MODERN, ctx), 1000);
});

test('ratio, ratio as a percentage above 1, and difference per op, between two engine variants', async () => {
  const runs = {
    slow: { engine: 'fake:cost=3', setup: [MAP], measured: [{ op: 'cpuid', count: 10 }] },
    fast: { engine: 'fake', setup: [MAP], measured: [{ op: 'cpuid', count: 10 }] },
  } satisfies Record<string, RunSpec>;
  // slow: 30,000 cycles, fast: 10,000
  assert.equal(await caseValue(kase(runs, { kind: 'ratio', num: 'slow', den: 'fast' }), INTEL_MODERN, ctx), 3);
  assert.equal(await caseValue(kase(runs, { kind: 'ratio', num: 'slow', den: 'fast', asPercentAbove: true }), INTEL_MODERN, ctx), 200);
  assert.equal(await caseValue(kase(runs, { kind: 'difference-per-op', num: 'slow', den: 'fast', per: 10 }), INTEL_MODERN, ctx), 2000);
});

test('walk references per miss and ms per GiB', async () => {
  const touch = { a: { engine: 'fake', setup: [MAP], measured: [{ op: 'touch', region: 'r', pattern: 'random', accesses: 25, write: false }] } } satisfies Record<string, RunSpec>;
  // 4 references per miss by construction
  assert.equal(await caseValue(kase(touch, { kind: 'walk-refs-per-miss', run: 'a' }), INTEL_MODERN, ctx), 4);
  // 2,500 cycles at 2.5 GHz = 0.001 ms, for 0.5 GiB → 0.002 ms/GiB
  const v = await caseValue(kase(touch, { kind: 'ms-per-gib', run: 'a', gib: 0.5 }), INTEL_MODERN, ctx);
  assert.ok(Math.abs((v ?? 0) - 0.002) < 1e-15);
});

test('profile patches apply per case and per run', async () => {
  // the fake engine charges profile.native.syscall per syscall: 70 on intel-modern, 100 with the case patch, 200 with the run's
  const ops = [{ op: 'syscall', count: 1 }] as const;
  const c: ValidationCase = {
    ...kase({ plain: { engine: 'fake', setup: [], measured: ops }, patched: { engine: 'fake', setup: [], measured: ops, profilePatch: { native: { syscall: 200 } } } }, { kind: 'ratio', num: 'patched', den: 'plain' }),
    profilePatch: { native: { syscall: 100 } },
  };
  assert.equal(await caseValue(c, INTEL_MODERN, ctx), 2);
});

test('a case without runs has no value; an engine option the model lacks is an error', async () => {
  assert.equal(await caseValue(kase({}, undefined), INTEL_MODERN, ctx), null);
  const c = kase({ a: { engine: 'fake:arch=x86_32', setup: [], measured: [] } }, { kind: 'cycles-per-op', run: 'a', per: 1 });
  await assert.rejects(caseValue(c, INTEL_MODERN, ctx), /unknown option "arch"/);
});

test('a power case: the regained capacity is the difference of the two policies\' delivered/booked', async () => {
  const power = { scenario: 'hagimont-capped', design: 'xen', vm: 'busy' } as const;
  const real: EvaluationContext = { engines: builtinEngines(), workloads: [] };
  const one = (policy: 'host-only' | 'dvfs-aware-credits', minusPolicy?: 'host-only'): ValidationCase => ({
    ...kase({}, undefined), power: { ...power, policy, ...(minusPolicy ? { minusPolicy } : {}) },
  });
  const lost = await caseValue(one('host-only'), INTEL_MODERN, real);
  const aware = await caseValue(one('dvfs-aware-credits'), INTEL_MODERN, real);
  const gain = await caseValue(one('dvfs-aware-credits', 'host-only'), INTEL_MODERN, real);
  assert.equal(gain, (aware ?? 0) - (lost ?? 0));
});
