import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkers } from '../../../scripts/commands/options.ts';
import { UsageError } from '../../../harness/errors.ts';

test('--workers is clamped to the CPUs and must be a positive integer', () => {
  const onFour = parseWorkers(4);
  assert.equal(onFour('1'), 1);
  assert.equal(onFour('4'), 4);
  assert.equal(onFour('1000'), 4);
  for (const bad of ['0', '-1', '1.5', '2e3', '', 'all']) {
    assert.throws(() => onFour(bad), (e: unknown) => e instanceof UsageError && e.message === `--workers: expected a positive integer, got "${bad}"`, bad);
  }
});
