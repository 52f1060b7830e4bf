// The simulated engine's boot the model check takes out of the model's setup: an empty stream run again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResults } from '../../fixtures/results.ts';
import { modelBoot } from '../../../reports/model-check/model-boot.ts';
import { xenEngine } from '../../../engines/paravirtual/index.ts';
import { getProfile } from '../../../engines/machine/profiles/index.ts';

const OPTIONS = { xpti: false, pcid: 'xpti', batch: 32, arch: 'x86_64', blk: 'persistent', net: 'copy' };

test('a built-in profile: the engine\'s counts for an empty stream, as running it directly gives', () => {
  const sim = { ...buildResults().runs[0], options: OPTIONS };
  const boot = modelBoot(xenEngine, sim, 'amd-modern');
  const direct = xenEngine.run({ ops: [], profile: getProfile('amd-modern'), options: OPTIONS, seed: 0 });
  assert.deepEqual(boot, direct);
  // the domain's boot builds and pins its page tables: not an empty count
  assert.ok(boot !== null && (boot.setup?.events.tablesPinned ?? 0) + (boot.events.tablesPinned ?? 0) > 0);
});

test('a profile that is not built in (one from a file): null, so the boot stays in', () => {
  const sim = { ...buildResults().runs[0], options: OPTIONS };
  assert.equal(modelBoot(xenEngine, sim, 'my-lab-box'), null);
});
