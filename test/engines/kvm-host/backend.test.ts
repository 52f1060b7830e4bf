// Which vendor module serves /dev/kvm: the one whose reference count an open /dev/kvm raises, not the first
// one found loaded in /sys/module. A fake /sys/module and a fake open stand in for the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundModule, detectBackend } from '../../../engines/kvm-host/backend.ts';

function sysModule(counts: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-sysmod-'));
  for (const [name, n] of Object.entries(counts)) {
    mkdirSync(join(dir, name, 'parameters'), { recursive: true });
    writeFileSync(join(dir, name, 'refcnt'), `${n}\n`);
    writeFileSync(join(dir, name, 'parameters', 'nested'), 'Y\n');
  }
  return dir;
}

/** an open of /dev/kvm as the kernel does it: the owner module's count goes up while the file is open */
function openOwnedBy(dir: string, owner: string) {
  return () => {
    const file = join(dir, owner, 'refcnt');
    const n = Number(readFileSync(file, 'utf8'));
    writeFileSync(file, `${n + 1}\n`);
    return () => writeFileSync(file, `${n}\n`);
  };
}

test('kvm_pvm loaded but not bound: the backend is the module the open /dev/kvm holds (kvm_intel)', () => {
  // kvm_pvm comes first in the /sys/module scan, which is what labelled such a host kvm_pvm before
  const dir = sysModule({ kvm: 3, kvm_pvm: 0, kvm_intel: 2 });
  assert.equal(boundModule(dir, openOwnedBy(dir, 'kvm_intel')), 'kvm_intel');
  const b = detectBackend(dir, '/nonexistent', openOwnedBy(dir, 'kvm_intel'));
  assert.equal(b.module, 'kvm_intel');
  assert.equal(b.label, 'kvm_intel (VT-x)');
  assert.deepEqual(b.disabledOps, []);
  // the count is back where it was once the probe closed its file
  assert.equal(readFileSync(join(dir, 'kvm_intel', 'refcnt'), 'utf8'), '2\n');
});

test('kvm_pvm bound: its ops that never return are disabled', () => {
  const dir = sysModule({ kvm: 1, kvm_pvm: 0 });
  const b = detectBackend(dir, '/nonexistent', openOwnedBy(dir, 'kvm_pvm'));
  assert.equal(b.module, 'kvm_pvm');
  assert.deepEqual(b.disabledOps, ['hypercall', 'syscall']);
});

test('no /dev/kvm to open: the first vendor module loaded is the guess, and nothing loaded is none', () => {
  const dir = sysModule({ kvm: 0, kvm_amd: 0 });
  assert.equal(boundModule(dir, () => null), null);
  assert.equal(detectBackend(dir, '/nonexistent', () => null).module, 'kvm_amd');
  assert.equal(detectBackend(sysModule({}), '/nonexistent', () => null).module, 'none');
});
