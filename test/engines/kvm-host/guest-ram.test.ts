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

test('memory/fork-exit: a forked child holds its own page tables and the frames its writes copy, and gives them back at exit', () => {
  // the 512 MiB heap: 131,072 frames + 256 PTE pages = 513 MiB. Each fork adds the child's PML4 (4 KiB) and a
  // copy of the 256 PTE pages (1 MiB); the child's 256 random writes may copy up to 256 frames (1 MiB). Its
  // exit returns all of it before the next fork: the peak is 513 MiB + 2 MiB + 4 KiB → 516 MiB.
  assert.equal(guestRamMb(stream('memory/fork-exit')), 8 + 516 + 8);
});

test('vfork shares the address space; exec starts an empty one and frees the old one unless a vfork parent keeps it', () => {
  assert.equal(guestRamMb([
    { op: 'map', region: 'make', bytes: 4 << 20, pageSize: '4k' }, // 4 MiB + 2 PTE pages
    { op: 'fork', vfork: true },                                     // nothing new
    { op: 'switch', to: 2 },
    { op: 'exec' },                                                  // a PML4; make's pages stay with pid 1
    { op: 'map', region: 'heap', bytes: 6 << 20, pageSize: '4k' },  // 6 MiB + 3 PTE pages
    { op: 'exit' },                                                  // back to pid 1; the heap goes
    { op: 'fork', vfork: true },
    { op: 'switch', to: 3 },
    { op: 'exec' },
    { op: 'map', region: 'heap', bytes: 2 << 20, pageSize: '4k' },
  ]), 8 + Math.ceil(4 + 2 / 256 + 1 / 256 + 6 + 3 / 256) + 8);
});
