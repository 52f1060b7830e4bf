// The guest RAM a stream gets when memMb is left at 0: enough for the regions it maps at once, with their
// page tables, above the frame pool's base. Expected sizes are worked out by hand from engines/kvm-host/
// guest-ram.ts's accounting (pool base 8 MiB, slack 8 MiB, one 4 KiB table per 2 MiB of 4 KiB pages).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guestRamMb } from '../../../engines/kvm-host/guest-ram.ts';
import { builtinWorkloads, defaultParams } from '../../../workloads/registry.ts';
import { Rng } from '../../../engines/rng.ts';

const stream = (id: string) => {
  const w = builtinWorkloads().find((x) => x.id === id)!;
  return [...w.generate(defaultParams(w), new Rng(1))];
};

test('micro/set-page-table fits: 256 MiB mapped, unmapped, mapped again never holds more than 256 MiB at once', () => {
  // 65,536 pages + 128 page tables = 256.5 MiB live at the peak (the warm-up region is unmapped before the
  // measured one is mapped, and its frames go back to the pool): 8 + ceil(256.5) + 8 = 273 MiB, where the
  // old fixed 256 MiB could not even hold the region
  assert.equal(guestRamMb(stream('micro/set-page-table')), 273);
});

test('two regions live together add up; a region mapped again under its name replaces it; 2 MiB pages need no tables', () => {
  assert.equal(guestRamMb([
    { op: 'map', region: 'a', bytes: 64 << 20, pageSize: '4k' },   // 64 MiB + 32 tables (128 KiB)
    { op: 'map', region: 'b', bytes: 32 << 20, pageSize: '2m' },   // 16 huge frames, 32 MiB
    { op: 'map', region: 'a', bytes: 16 << 20, pageSize: '4k' },   // replaces a: now 16 MiB + 8 tables
  ]), 8 + Math.ceil(64 + 128 / 1024 + 32) + 8);
  // nothing mapped: the VMM's smallest RAM
  assert.equal(guestRamMb([{ op: 'cpuid', count: 1 }]), 16);
  // more than the VMM can give: its 768 MiB cap, where the guest will report its pool exhausted
  assert.equal(guestRamMb([{ op: 'map', region: 'a', bytes: 1 << 30, pageSize: '4k' }]), 768);
});
