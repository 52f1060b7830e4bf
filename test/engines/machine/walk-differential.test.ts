// The three page-walk loops kept apart for speed — Walker1D (x86-64, PAE and EPT tables), the guest dimension
// and the EPT dimension of NestedWalker2D — held to one reference walk (reference-walk.ts) on random tables
// and random addresses: the same result, the same references, the same Accessed/Dirty bits left in memory, as
// tlb-differential.test.ts holds the TLB to its reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Walker1D } from '../../../engines/machine/page-walker.ts';
import { NestedWalker2D } from '../../../engines/machine/nested-walker.ts';
import { PagingStructureCache } from '../../../engines/machine/paging-structure-cache.ts';
import { PageTables } from '../../../engines/machine/page-table.ts';
import { SparsePhysicalMemory } from '../../../engines/machine/physical-memory.ts';
import {
  EPT_FORMAT, EPT_R, EPT_W, EPT_X, PAE_FORMAT, PTE_RW, PTE_US, X86_FORMAT, entryHi, entryLo,
} from '../../../engines/machine/pte.ts';
import { FAULT_EPT_VIOLATION, type EntryFormat, type PageSizeCode, type WalkResult } from '../../../engines/machine/types.ts';
import type { PagingStructureCacheProfile } from '../../../engines/machine/profile.ts';
import { Rng } from '../../../engines/rng.ts';
import { referenceWalk1D, referenceWalk2D, type ReferenceResult } from './reference-walk.ts';

/** the nested TLB stays off: it is a cache of whole translations, held to its own tests (prefix-cache.test.ts) */
const CACHE_SIZES: PagingStructureCacheProfile[] = [
  { pml4: 0, pdpt: 0, pd: 0, nestedTlb: 0 },
  { pml4: 2, pdpt: 2, pd: 4, nestedTlb: 0 },
  { pml4: 4, pdpt: 16, pd: 32, nestedTlb: 0 },
];

/** a small index space per level so that mappings share tables, with some addresses nothing maps */
const SPAN = [0, 24, 12, 6, 3];
const PAGES = [0, 1, 512, 512 * 512, 512 * 512 * 512];

function randomVpn(rng: Rng, f: EntryFormat): number {
  let vpn = 0;
  for (let level = f.levels; level >= 1; level--) vpn += rng.int(f.levels === 3 && level === 3 ? 4 : SPAN[level]) * PAGES[level];
  // x86-64 user space starts in PML4 slot 1 here, so that slot 0 is a hole a walk meets from the root
  return f.levels === 4 && f !== EPT_FORMAT ? vpn + PAGES[4] : vpn;
}

/**
 * Random tables of format `f` in `mem`: pages of every size the format has, with random rights, then random
 * damage: entries cleared, and rights taken from upper-level entries (the walk ANDs them, SDM §4.6).
 */
function randomTables(rng: Rng, mem: SparsePhysicalMemory, f: EntryFormat, mappings: number, largest: PageSizeCode = 2): RandomTables {
  const tables = new PageTables(mem, f);
  const root = mem.allocFrame();
  const ept = f === EPT_FORMAT;
  // PAE has no 1 GiB pages
  const hugest = Math.min(largest, f.levels === 3 ? 1 : 2);
  const mapped: [vpn: number, pages: number][] = [];
  for (let i = 0; i < mappings; i++) {
    const roll = rng.int(20);
    const size = (roll === 0 ? Math.min(2, hugest) : roll < 4 ? 1 : 0) as PageSizeCode;
    const vpn = randomVpn(rng, f);
    const pages = PAGES[size + 1];
    const flags = ept ? EPT_R | EPT_X | (rng.int(5) === 0 ? 0 : EPT_W) : (rng.int(3) === 0 ? 0 : PTE_RW) | (rng.int(5) === 0 ? 0 : PTE_US);
    try {
      tables.map(root, (vpn - (vpn % pages)) * 4096, mem.allocContiguous(pages), size, flags, 0);
      mapped.push([vpn - (vpn % pages), pages]);
    } catch {
      // a huge page over an existing table or a table under a huge page: not this mapping
    }
  }
  // entries cleared in page tables and directories (higher up, unmapped slots already make holes; clearing
  // one of the few root entries would unmap a quarter of everything), rights taken at every level but PAE's
  // PDPTEs, which have none
  for (let i = 0; i < mappings / 4; i++) {
    const level = 1 + rng.int(f.levels);
    const va = randomVpn(rng, f) * 4096;
    if (!tables.locate(root, va, level, false)) continue;
    const lo = mem.readLo(tables.tableFrame, tables.index);
    const hi = mem.readHi(tables.tableFrame, tables.index);
    if (level <= 2 && rng.int(3) === 0) mem.write(tables.tableFrame, tables.index, 0, 0);
    else if (!(f.levels === 3 && level === 3)) mem.write(tables.tableFrame, tables.index, (lo & ~(rng.int(2) === 0 ? f.writable : f.user)) >>> 0, hi);
  }
  return { root, mapped };
}

interface RandomTables {
  root: number;
  /** the pages mapped, as first page number and 4 KiB pages */
  mapped: [vpn: number, pages: number][];
}

/** an address to walk: mostly inside a page that was mapped (the damage may have unmapped it since), else anywhere */
function randomVa(rng: Rng, f: EntryFormat, t: RandomTables): number {
  if (rng.int(10) < 3) return randomVpn(rng, f) * 4096 + rng.int(4096);
  const [vpn, pages] = t.mapped[rng.int(t.mapped.length)];
  return (vpn + rng.int(pages)) * 4096 + rng.int(4096);
}

/** compared field by field, the message built only for a mismatch (tens of thousands of walks) */
function same(fast: WalkResult, ref: ReferenceResult, where: () => string): void {
  const translated = fast.fault === 0;
  const ept = fast.fault === FAULT_EPT_VIOLATION;
  if (
    fast.fault !== ref.fault || fast.refs !== ref.refs || fast.nestedRefs !== ref.nestedRefs ||
    (translated && (fast.frame !== ref.frame || fast.size !== ref.size || fast.flags !== ref.flags)) ||
    (ept && fast.faultGpa !== ref.faultGpa)
  ) {
    const pick = (r: WalkResult | ReferenceResult) => ({ fault: r.fault, refs: r.refs, nestedRefs: r.nestedRefs, frame: r.frame, size: r.size, flags: r.flags, faultGpa: r.faultGpa });
    assert.deepEqual(pick(fast), pick(ref), where());
  }
}

function sameMemory(a: SparsePhysicalMemory, b: SparsePhysicalMemory, where: string): void {
  assert.ok(Buffer.compare(Buffer.from(a.words.buffer), Buffer.from(b.words.buffer)) === 0, `${where}: Accessed/Dirty bits in memory`);
}

test('Walker1D walks x86-64, PAE and EPT tables exactly as the reference walk does', () => {
  const formats: [string, EntryFormat][] = [['x86-64', X86_FORMAT], ['PAE', PAE_FORMAT], ['EPT', EPT_FORMAT]];
  let walks = 0;
  for (const [name, f] of formats) {
    for (const [c, sizes] of CACHE_SIZES.entries()) {
      const seed = 1000 + 10 * formats.findIndex(([n]) => n === name) + c;
      // the same random tables twice: one memory for each walker, so that A/D updates can be compared
      const fastMem = new SparsePhysicalMemory();
      const refMem = new SparsePhysicalMemory();
      const t = randomTables(new Rng(seed), fastMem, f, 300);
      const root = t.root;
      assert.deepEqual(randomTables(new Rng(seed), refMem, f, 300), t);
      const ept = f === EPT_FORMAT;
      const fault = ept ? FAULT_EPT_VIOLATION : undefined;
      const fast = new Walker1D(fastMem, f, new PagingStructureCache(sizes), fault, fault);
      const refPwc = new PagingStructureCache(sizes);
      const rng = new Rng(seed + 1);
      const outcomes = [0, 0, 0, 0];
      for (let i = 0; i < 4000; i++) {
        const va = randomVa(rng, f, t);
        const write = rng.int(3) === 0;
        const user = !ept && rng.int(4) !== 0;
        const tag = rng.int(2);
        outcomes[fast.walk(root, va, write, user, tag).fault]++;
        same(fast.result, referenceWalk1D(refMem, f, refPwc, root, va, write, user, tag), () => `${name}, caches ${JSON.stringify(sizes)}, walk ${i}`);
        walks++;
      }
      sameMemory(fastMem, refMem, name);
      // translations, faults of the kind the format has (EPT: violations only)
      const [okCount, notPresent, protection, eptViolation] = outcomes;
      assert.ok(okCount > 400 && (ept ? eptViolation > 200 : notPresent > 200 && protection > 200), `${name}: outcomes ${outcomes.join(', ')}`);
    }
  }
  assert.equal(walks, 3 * 3 * 4000);
});

test('NestedWalker2D (guest and EPT dimension loops) walks exactly as the reference 2-D walk does', () => {
  for (const [c, sizes] of CACHE_SIZES.entries()) {
    const seed = 2000 + c;
    const build = () => {
      const rng = new Rng(seed);
      const guest = new SparsePhysicalMemory();
      const host = new SparsePhysicalMemory();
      const t = randomTables(rng, guest, X86_FORMAT, 300, 1);
      const root = t.root;
      // EPT behind every guest frame handed out, 4 KiB or 2 MiB leaves, some read-only, some missing
      const eptTables = new PageTables(host, EPT_FORMAT);
      const eptRoot = host.allocFrame();
      // above every guest frame handed out (alignment gaps make the highest frame exceed framesAllocated)
      const top = guest.allocContiguous(512);
      for (let chunk = 0; chunk < top; chunk += 512) {
        const huge = rng.int(3) === 0;
        for (let gfn = chunk; gfn < chunk + 512; gfn += huge ? 512 : 1) {
          if (rng.int(30) === 0) continue;
          const flags = EPT_R | EPT_X | (rng.int(6) === 0 ? 0 : EPT_W);
          eptTables.map(eptRoot, gfn * 4096, host.allocContiguous(huge ? 512 : 1), huge ? 1 : 0, flags, 0);
        }
      }
      // and a mapping of guest frames that do not exist, so that a guest entry can point at an unbacked frame
      eptTables.map(eptRoot, (top + 7) * 4096, host.allocFrame(), 0, EPT_R | EPT_W, 0);
      const links = new PageTables(guest, X86_FORMAT);
      for (let i = 0; i < 20; i++) {
        const va = randomVpn(rng, X86_FORMAT) * 4096;
        if (links.locate(root, va, 1, false)) guest.write(links.tableFrame, links.index, entryLo(top + 7 + rng.int(3), 0x7), entryHi(top, 0));
      }
      return { guest, host, root, eptRoot, t };
    };
    const fast = build();
    const ref = build();
    const walker = new NestedWalker2D(fast.guest, fast.host, X86_FORMAT, new PagingStructureCache(sizes), sizes);
    const refGuestPwc = new PagingStructureCache(sizes);
    const refEptPwc = new PagingStructureCache(sizes);
    const rng = new Rng(seed + 1);
    let ok = 0;
    let eptFaults = 0;

    for (let i = 0; i < 4000; i++) {
      const va = randomVa(rng, X86_FORMAT, fast.t);
      const write = rng.int(3) === 0;
      const user = rng.int(4) !== 0;
      const tag = rng.int(2);
      const r = walker.walk(fast.root, fast.eptRoot, va, write, user, tag);
      same(r, referenceWalk2D(ref.guest, ref.host, X86_FORMAT, refGuestPwc, refEptPwc, ref.root, ref.eptRoot, va, write, user, tag), () => `caches ${JSON.stringify(sizes)}, walk ${i}`);
      if (r.fault === 0) ok++;
      if (r.fault === FAULT_EPT_VIOLATION) eptFaults++;
    }
    sameMemory(fast.guest, ref.guest, 'guest tables');
    sameMemory(fast.host, ref.host, 'EPT tables');
    // the random tables reach every outcome often enough to mean something
    assert.ok(ok > 400 && eptFaults > 40, `translations ${ok}, EPT violations ${eptFaults}`);
  }
});
