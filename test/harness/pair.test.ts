import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine, GuestOp } from '../../engines/types.ts';
import { Counters } from '../../engines/machine/counters.ts';
import { getProfile } from '../../engines/machine/profiles/index.ts';
import type { Catalog } from '../../harness/catalog.ts';
import { runPairTask } from '../../harness/pair.ts';
import { defineWorkload } from '../../workloads/params.ts';

const workload = defineWorkload({
  id: 'cpu/split', title: 'split', description: 'setup, then one CPUID', params: {},
  *generate() {
    yield { op: 'compute', cycles: 10 };
    yield { op: 'phase' };
    yield { op: 'cpuid', count: 1 };
  },
});

function spy(phases: boolean): { engine: Engine; seen: string[] } {
  const seen: string[] = [];
  const engine: Engine = {
    id: 'spy', title: 'spy', description: 'records the operations it is given', mode: 'simulated', options: [], phases,
    availability: () => ({ available: true }),
    run({ ops }) {
      for (const op of ops as Iterable<GuestOp>) seen.push(op.op);
      return new Counters().snapshot();
    },
  };
  return { engine, seen };
}

function catalogOf(engine: Engine): Catalog {
  return {
    profile: getProfile('intel-modern'), engines: [engine], workloads: [workload],
    workload: () => workload, resolveEngine: () => ({ engine, options: {}, label: engine.id }),
  };
}

test('an engine that does not declare phases never sees the phase operation; one that does sees it in place', async () => {
  for (const phases of [false, true]) {
    const { engine, seen } = spy(phases);
    const outcome = await runPairTask(catalogOf(engine), { slot: 0, workloadId: workload.id, engineSpec: 'spy', seed: 1, timing: false });
    assert.ok(outcome.ok);
    assert.deepEqual(seen, phases ? ['compute', 'phase', 'cpuid'] : ['compute', 'cpuid']);
  }
});
