// How many vCPUs the VMM is asked for, and how it is asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestOp } from '../../../engines/types.ts';
import { refuseCpuTouches, vcpusFor, vmmArgsFrom } from '../../../engines/kvm-host/engine.ts';
import { MAX_VCPUS, vmmArgv } from '../../../engines/kvm-host/vmm-process.ts';

const shootdown = (cpus: number): GuestOp => ({ op: 'shootdown', region: 'r', cpus });

test("the VMM gets as many vCPUs as the stream's largest shootdown it can run, at least 2", () => {
  assert.equal(vcpusFor([{ op: 'cpuid', count: 1 }]), 2);
  // memory/munmap-shootdown's 4 CPUs
  assert.equal(vcpusFor([shootdown(2), shootdown(4), shootdown(3)]), 4);
  assert.equal(vcpusFor([shootdown(MAX_VCPUS)]), 8);
  // 16 CPUs do not fit the guest's AP stacks: that op is skipped, and the rest runs on 2
  assert.equal(vcpusFor([shootdown(16)]), 2);
  assert.equal(vmmArgsFrom({}, false, [], [shootdown(4)]).cpus, 4);
  const { argv } = vmmArgv({ vmm: '/vmm', guest: '/g' }, { memMb: 16, timeoutMs: 1000, io: 'virtio', computeCap: 1, disable: [], cpus: 4 });
  assert.deepEqual(argv.slice(-2), ['--cpus', '4']);
  // not given: the VMM's own default (2), no flag
  assert.equal(vmmArgv({ vmm: '/vmm', guest: '/g' }, { memMb: 16, timeoutMs: 1000, io: 'virtio', computeCap: 1, disable: [] }).argv.includes('--cpus'), false);
});

test("a touch on CPU k needs k + 1 vCPUs (the op-runner's helper threads); the freestanding guest refuses it with the op", () => {
  const touch = (cpu?: number): GuestOp => ({ op: 'touch', region: 'r', pattern: 'seq', accesses: 1, write: true, ...(cpu === undefined ? {} : { cpu }) });
  // memory/threads-shootdown's threads on CPUs 0 to 3: 4 vCPUs; a shootdown to 5 beside them: 5
  assert.equal(vcpusFor([touch(), touch(1), touch(3), touch(2)]), 4);
  assert.equal(vcpusFor([touch(3), shootdown(5)]), 5);
  // CPU 8 would be a 9th vCPU, past the guest's 8: left at 2
  assert.equal(vcpusFor([touch(MAX_VCPUS)]), 2);
  assert.doesNotThrow(() => refuseCpuTouches('kvm-host', [touch(), touch(0)]));
  assert.throws(() => refuseCpuTouches('kvm-qemu', [touch(), touch(0), touch(2)]),
    /^UsageError: kvm-qemu: op 2 \(touch\) cpu 2: the freestanding guest runs touches on vCPU 0 only/);
});

test("the apic option reaches the VMM as --apic xapic, and x2APIC (the default) adds no flag", () => {
  const base = { memMb: 16, timeoutMs: 1000, io: 'virtio' as const, computeCap: 1, disable: [] };
  assert.equal(vmmArgsFrom({ apic: 'xapic' }, false, [], []).apic, 'xapic');
  assert.equal(vmmArgsFrom({ apic: 'x2apic' }, false, [], []).apic, undefined);
  assert.deepEqual(vmmArgv({ vmm: '/vmm', guest: '/g' }, { ...base, apic: 'xapic' }).argv.slice(-2), ['--apic', 'xapic']);
  assert.equal(vmmArgv({ vmm: '/vmm', guest: '/g' }, base).argv.includes('--apic'), false);
});
