// The kvm-qemu engine wired to the fake QEMU (test/fixtures/lab/fake-qemu.mjs): it replays the recorded L1
// outputs given, in order (the first is the boot probe's), and an image that is never built.
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../../engines/types.ts';
import { createKvmQemuEngine } from '../../../engines/kvm-qemu/engine.ts';

export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/lab/${name}`, import.meta.url));

export function fakeKvmQemu(vmmOutputs: string[]): Engine {
  Object.assign(process.env, { HVB_FAKE_VMM_OUTPUTS: vmmOutputs.map(fixture).join(':') });
  return createKvmQemuEngine({
    qemu: fixture('fake-qemu.mjs'),
    image: () => ({ kernel: '/k', initrd: '/i', key: 'test', packages: [{ name: 'linux-image-test', version: '1' }], buildMs: 0 }),
  });
}
