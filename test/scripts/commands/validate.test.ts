// `hvbench validate` as a user runs it: bad input is one line and exit 2, before any simulation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = new URL('../../../bin/hvbench.js', import.meta.url).pathname;

function hvbench(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--explain of an unknown case: one line naming the flag, exit 2', () => {
  const r = hvbench(['validate', '--explain', 'no/such-case']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^hvbench: --explain: unknown case "no\/such-case"; cases: kvm-unit-tests\/cpuid/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

// a case whose configuration the model cannot run is covered in test/harness/validate/run.test.ts: every
// built-in case runs now that xen:arch=x86_32 exists
test('--explain of a case with nothing to run: exit 2 with the reason', () => {
  const none = hvbench(['validate', '--explain', 'kvm-unit-tests/mov_to_cr8']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no configuration to run .*no CR8\/TPR operation/);
});

test('--out that is a file: exit 2 at once, nothing written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvbench-validate-'));
  try {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    const r = hvbench(['validate', '--out', join(file, 'sub')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^hvbench: --out: cannot create .*ENOTDIR/);
    assert.equal(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
