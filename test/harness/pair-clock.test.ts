// One-time setup an engine runs off the pair clock (harness/pair-clock.ts) does not count against --timeout;
// the same setup on the clock does. The setup (10 s) is twice the timeout (5 s), and the rest of the pair (a
// native micro/cpuid run and the engine's instant run, milliseconds idle) is far shorter than the timeout even
// on a machine loaded many times over, so the outcome does not hang on the machine's speed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runPairs } from '../../harness/pool.ts';
import type { PairOutcome } from '../../harness/pair.ts';

const engine = fileURLToPath(new URL('../fixtures/harness/slow-setup-engine.mjs', import.meta.url));

function run(engineSpec: string): Promise<PairOutcome[]> {
  return runPairs({ profile: 'intel-modern', engineModules: [engine], workloadFiles: [] },
    [{ slot: 0, workloadId: 'micro/cpuid', engineSpec, seed: 1, timing: false }],
    { workers: 1, timeoutMs: 5000, onDone() {} });
}

// the two pairs sleep through their setups at the same time: one waits 10 s, the other 5 s, in the same 10 s
describe('a setup that outlasts --timeout', { concurrency: true }, () => {
  test('setup off the pair clock: the pair finishes although its setup outlasts --timeout', async () => {
    const [outcome] = await run('slow-setup:clock=off,setupMs=10000');
    assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error);
  });

  test('the same setup on the clock: the pair times out and its worker is stopped', async () => {
    const [outcome] = await run('slow-setup:clock=on,setupMs=10000');
    assert.equal(outcome.ok, false);
    assert.match(outcome.ok ? '' : outcome.error, /^timed out after 5 s \(--timeout\); its worker was stopped$/);
  });
});
