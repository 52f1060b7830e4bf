import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runValidation } from '../../../harness/validate/run.ts';
import { exitCode } from '../../../harness/validate/judge.ts';
import type { ValidationCase } from '../../../harness/validate/types.ts';
import { fakeEngine } from './fake-engine.ts';

const ctx = { engines: [fakeEngine], workloads: [] };

function cpuidCase(id: string, engine: string, lo: number, hi: number): ValidationCase {
  return {
    id, group: 'g', title: id, source: { citation: 'c', where: 'w', machine: 'm' }, published: 1000, publishedText: '1000',
    unit: 'cycles', band: { lo, hi, reason: 'r' }, profile: 'intel-modern',
    runs: { a: { engine, setup: [], measured: [{ op: 'cpuid', count: 5 }] } },
    metric: { kind: 'cycles-per-op', run: 'a', per: 5 },
  };
}

test('runValidation judges every case against the known-outside list, and the exit code follows', async () => {
  // every case's value is 1,000 cycles per CPUID (× cost)
  const cases = [
    cpuidCase('in', 'fake', 900, 1100),
    cpuidCase('known', 'fake:cost=2', 900, 1100),
    cpuidCase('cannot-run', 'fake:arch=x86_32', 900, 1100),
  ];
  const listed = { known: 'model lacks the cheap path', 'cannot-run': 'model lacks 32-bit PV' };
  const report = await runValidation(cases, listed, ctx);
  assert.deepEqual(report.rows.map((r) => [r.case.id, r.result.status, r.result.value]), [
    ['in', 'pass', 1000],
    ['known', 'known-outside', 2000],
    ['cannot-run', 'known-outside', null],
  ]);
  assert.equal(exitCode(report.rows.map((r) => r.result)), 0);

  const unlisted = await runValidation(cases, {}, ctx);
  assert.deepEqual(unlisted.rows.map((r) => r.result.status), ['pass', 'outside', 'error']);
  assert.equal(exitCode(unlisted.rows.map((r) => r.result)), 1);
});
