import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCounters, CountersError } from '../../harness/check-counters.ts';
import { Counters } from '../../engines/machine/counters.ts';

/** a run that keeps the contract, built by hand: 100 guest + 40 hypervisor + 10 host + 5 idle = 155 cycles */
function good() {
  return {
    cycles: { total: 155, guest: 100, hypervisor: 40, host: 10, idle: 5 },
    attribution: { compute: 100, 'exit:CPUID': 40, 'device-model': 10, halt: 5 },
    exits: { total: 4, byReason: { CPUID: 3, HLT: 1 } },
    hypercalls: { total: 2, byOp: { mmu_update: 2 } },
    tlb: { flushes: { total: 3, byScope: { full: 1, single: 2 }, byCause: { cr3: 1, invlpg: 2 } }, misses: 7, walkRefs: 28 },
    events: { pageFaults: 1 },
  };
}

test('counters that keep the contract come back as a fresh copy with only the contract fields', () => {
  const input = { ...good(), workload: 'forged/id', engine: 'forged', measured: { backend: 'kvm_intel', perOp: [1, 2] } };
  const out = checkCounters(input);
  const { workload: _w, engine: _e, ...expected } = input;
  assert.deepEqual(out, expected);
  assert.notEqual(out.cycles, input.cycles);
  assert.notEqual(out.measured, input.measured);
});

test('what the shared Counters accumulator produces keeps the contract', () => {
  const c = new Counters();
  c.charge('guest', 'b', 0.1);
  c.charge('guest', 'c', 0.1);
  c.charge('hypervisor', 'a', 1.1);
  c.exit('CPUID', 2);
  c.flush('tagged', 'vmentry');
  c.event('interrupts', 3);
  const snap = c.snapshot();
  // domains give (0.1 + 0.1) + 1.1 = 1.3 in binary, the attribution in key order (1.1 + 0.1) + 0.1 =
  // 1.3000000000000003: the same cycles summed in another order, which the check allows for non-integer cycles
  assert.notEqual(Object.values(snap.attribution).reduce((a, b) => a + b, 0), snap.cycles.total);
  assert.deepEqual(checkCounters(snap), snap);
});

test('each broken promise fails naming the field and the value', () => {
  const cases: Array<[string, (c: ReturnType<typeof good>) => unknown, RegExp]> = [
    ['not an object', () => undefined, /^run\(\) returned counters = undefined; the counters contract wants an object$/],
    ['an array', () => [], /counters = an array/],
    ['NaN cycles', (c) => ((c.cycles.guest = NaN), c), /cycles\.guest = NaN; .* a finite number ≥ 0/],
    ['infinite cycles', (c) => ((c.cycles.total = Infinity), c), /cycles\.total = Infinity/],
    ['negative cycles', (c) => ((c.cycles.idle = -5), c), /cycles\.idle = -5/],
    ['a string count', (c) => ((c.exits.total = '4' as unknown as number), c), /exits\.total = "4"; .* a finite integer ≥ 0/],
    ['a fractional count', (c) => ((c.tlb.walkRefs = 28.5), c), /tlb\.walkRefs = 28\.5/],
    ['a negative attribution', (c) => ((c.attribution.compute = -1), c), /attribution\.compute = -1/],
    ['a missing section', (c) => ({ ...c, hypercalls: undefined }), /hypercalls = undefined; .* an object/],
    // 100 + 40 + 10 + 5 = 155, not 156
    ['total ≠ domains', (c) => ((c.cycles.total = 156), (c.attribution.compute = 101), c), /cycles\.total = 156 but guest \+ hypervisor \+ host \+ idle = 155/],
    // 100 + 40 + 10 + 4 = 154 attributed of 155
    ['attribution short of the total', (c) => ((c.attribution.halt = 4), c), /cycles\.total = 155 but the attribution sums to 154/],
    // 3 + 1 = 4 reasons, total 5
    ['exits total', (c) => ((c.exits.total = 5), c), /exits\.total = 5 but exits\.byReason sum to 4/],
    ['hypercalls total', (c) => ((c.hypercalls.byOp.mmu_update = 3), c), /hypercalls\.total = 2 but hypercalls\.byOp sum to 3/],
    // by scope 1 + 2 = 3 agrees with the total; by cause 1 + 1 = 2 does not
    ['flushes by cause', (c) => ((c.tlb.flushes.byCause.invlpg = 1), c), /tlb\.flushes\.total = 3 but tlb\.flushes\.byCause sum to 2/],
    ['an unknown flush scope', (c) => ((c.tlb.flushes.byScope = { everything: 3 } as never), c), /tlb\.flushes\.byScope key "everything" = 3; .* one of full, nonGlobal/],
    ['a measured record that is not JSON', (c) => ({ ...c, measured: { n: 1n } }), /measured record that is not JSON/],
  ];
  for (const [name, breakIt, message] of cases) {
    assert.throws(() => checkCounters(breakIt(good())), (err: unknown) => err instanceof CountersError && message.test(err.message) && !err.message.includes('\n'), name);
  }
});

test('a long string value is cut in the message', () => {
  const c = good();
  (c.events as Record<string, unknown>).pageFaults = 'x'.repeat(10_000);
  assert.throws(() => checkCounters(c), (err: Error) => err.message.length < 200 && /"x{40}…"/.test(err.message));
});
