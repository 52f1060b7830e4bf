// Module load order from the modules' own .modinfo, on a tree of fake modules written for the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { moduleDepends, modulesInLoadOrder } from '../../../engines/lab/kernel-modules.ts';

// what an ELF module's .modinfo section holds: NUL-separated key=value strings among other bytes
const ko = (depends: string) => Buffer.from(`\x7fELF junk\0license=GPL\0depends=${depends}\0vermagic=6.1.0 SMP\0`, 'latin1');

test('depends= is read from .modinfo; an empty list is no dependency', () => {
  assert.deepEqual(moduleDepends(ko('irqbypass')), ['irqbypass']);
  assert.deepEqual(moduleDepends(ko('kvm,irq-bypass')), ['kvm', 'irq_bypass']);
  assert.deepEqual(moduleDepends(ko('')), []);
});

test('kvm_amd needs kvm which needs irqbypass: loaded in that order, each once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hvb-mod-'));
  try {
    mkdirSync(join(dir, 'kernel/arch/x86/kvm'), { recursive: true });
    mkdirSync(join(dir, 'kernel/virt/lib'), { recursive: true });
    writeFileSync(join(dir, 'kernel/arch/x86/kvm/kvm-amd.ko'), ko('kvm'));
    writeFileSync(join(dir, 'kernel/arch/x86/kvm/kvm.ko'), ko('irqbypass'));
    writeFileSync(join(dir, 'kernel/virt/lib/irqbypass.ko'), ko(''));
    assert.deepEqual(modulesInLoadOrder(dir, ['kvm_amd', 'kvm']).map((m) => m.name), ['irqbypass', 'kvm', 'kvm_amd']);
    assert.throws(() => modulesInLoadOrder(dir, ['kvm_intel']), /kernel module kvm_intel not found/);
    writeFileSync(join(dir, 'kernel/virt/lib/irqbypass.ko'), ko('kvm_amd'));
    assert.throws(() => modulesInLoadOrder(dir, ['kvm_amd']), /dependency cycle kvm_amd → kvm → irqbypass → kvm_amd/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
