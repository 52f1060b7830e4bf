// `hvbench lab setup` without --yes: prints what is missing and the apt command, changes nothing, exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const BIN = new URL('../../../bin/hvbench.js', import.meta.url).pathname;

test('with nothing on PATH, lab setup lists QEMU, the compiler and apt and prints one apt-get install line', () => {
  const r = spawnSync(process.execPath, [BIN, 'lab', 'setup'], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^lab: missing\n {2}qemu-system-x86: boots the lab images\n/);
  assert.match(r.stdout, /\n {2}(sudo )?apt-get install -y --no-install-recommends qemu-system-x86 gcc (libc6-dev )?apt\n$/);
});
