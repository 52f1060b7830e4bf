// `npm run perf`: how fast the simulated machine runs, in simulated memory accesses per second of wall time.
// A benchmark, not a test: TLB hits, native 1-D walks (every access misses the TLB), and 2-D walks with and
// without caches (the uncached case is the worst-case 24-reference walk on every access).
//
// Each case runs in its own child process (this script with `--case <n>`), one after another: measured in one
// process, the first case's JIT state (type feedback, inlining decisions on the shared MMU code) slowed the
// later ones (full 2-D walks 2.4–2.5 M/s there, 2.7–3.1 M/s alone). `--case <n>` alone measures one case.
import { execFileSync } from 'node:child_process';
import { Bench } from 'tinybench';
import { Counters } from '../engines/machine/counters.ts';
import { Mmu } from '../engines/machine/mmu.ts';
import { SparsePhysicalMemory } from '../engines/machine/physical-memory.ts';
import { PageTables } from '../engines/machine/page-table.ts';
import { EPT_FORMAT, EPT_R, EPT_W, EPT_X, PTE_RW, PTE_US, X86_FORMAT } from '../engines/machine/pte.ts';
import { getProfile, DEFAULT_PROFILE } from '../engines/machine/profiles/index.ts';
import type { CostProfile } from '../engines/machine/profile.ts';

const BASE = 0x5555_0000_0000;
/** simulated accesses per benchmark iteration, so the timer's resolution does not matter */
const ACCESSES = 100_000;

interface Setup {
  mmu: Mmu;
  counters: Counters;
  pages: number;
}

/**
 * `pages` 4 KiB guest pages mapped at BASE; nested: guest tables in guest-physical memory behind an EPT of
 * 4 KiB leaves, or of 2 MiB leaves with `hugeEpt` (KVM's THP)
 */
function setup(profile: CostProfile, pages: number, nested: boolean, hugeEpt = false): Setup {
  const guest = new SparsePhysicalMemory();
  const host = nested ? new SparsePhysicalMemory() : guest;
  const tables = new PageTables(guest, X86_FORMAT);
  const root = guest.allocFrame();
  const first = guest.allocContiguous(pages);
  for (let i = 0; i < pages; i++) tables.map(root, BASE + i * 4096, first + i, 0, PTE_RW | PTE_US, 0);
  const counters = new Counters();
  const mmu = new Mmu(profile, counters, host, nested ? guest : undefined);
  if (nested) {
    const ept = new PageTables(host, EPT_FORMAT);
    const eptRoot = host.allocFrame();
    // every guest frame handed out so far: the data pages end at first + pages, the tables came from below
    const per = hugeEpt ? 512 : 1;
    for (let gfn = 0; gfn < first + pages; gfn += per) {
      ept.map(eptRoot, gfn * 4096, host.allocContiguous(per), hugeEpt ? 1 : 0, EPT_R | EPT_W | EPT_X, 0);
    }
    mmu.setContext('nested', root, 0, 1, eptRoot);
  } else {
    mmu.setContext('native', root, 0, 0);
  }
  return { mmu, counters, pages };
}

/** a sequential sweep: with more pages than TLB entries and LRU, every access misses */
function sweep(s: Setup): () => void {
  let page = 0;
  return () => {
    const { mmu, pages } = s;
    for (let i = 0; i < ACCESSES; i++) {
      if (mmu.access(BASE + page * 4096, false, true) !== 0) throw new Error('perf: unexpected fault');
      page = page + 1 === pages ? 0 : page + 1;
    }
  };
}

const profile = getProfile(DEFAULT_PROFILE);
const uncached: CostProfile = { ...profile, pwc: { pml4: 0, pdpt: 0, pd: 0, nestedTlb: 0 } };
/** the cases, built lazily: a child sets up only its own */
const cases: [string, () => Setup][] = [
  ['TLB hits (32 pages, L1)', () => setup(profile, 32, false)],
  ['native 1-D walks (TLB misses, PWCs warm)', () => setup(profile, 65536, false)],
  ['2-D walks (TLB misses, PWCs + nested TLB warm)', () => setup(profile, 65536, true)],
  ['2-D walks, 2 MiB EPT leaves (THP; caches warm)', () => setup(profile, 65536, true, true)],
  ['full 2-D walks (no caches: 24 refs each)', () => setup(uncached, 65536, true)],
];

interface Row {
  case: string;
  'M accesses/s': string;
  'rme %': string;
  'refs / miss': string;
}

/** measure case `index` in this process */
async function measure(index: number): Promise<Row> {
  const [name, make] = cases[index];
  const s = make();
  const bench = new Bench({ time: 1000, warmupTime: 200 });
  bench.add(name, sweep(s));
  await bench.run();
  const r = bench.tasks[0].result;
  if (!r || !('period' in r)) throw new Error(`perf: ${name} did not complete: ${JSON.stringify(r)}`);
  const { counters } = s;
  return {
    case: name,
    'M accesses/s': (ACCESSES / r.period / 1000).toFixed(2),
    'rme %': r.latency.rme.toFixed(1),
    'refs / miss': counters.tlbMisses === 0 ? '-' : (counters.walkRefs / counters.tlbMisses).toFixed(2),
  };
}

const at = process.argv.indexOf('--case');
if (at >= 0) {
  const index = Number(process.argv[at + 1]);
  if (!Number.isInteger(index) || index < 0 || index >= cases.length) throw new RangeError(`perf: --case takes 0–${cases.length - 1}`);
  const row = await measure(index);
  // a child reports one JSON line to its parent; run by hand, it prints the row
  console.log(process.env.HVBENCH_PERF_CHILD ? JSON.stringify(row) : row);
} else {
  // one fresh process per case (same Node flags, so tsx's loader too), run one at a time
  const rows: Row[] = [];
  for (let i = 0; i < cases.length; i++) {
    const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1], '--case', String(i)], {
      encoding: 'utf8',
      env: { ...process.env, HVBENCH_PERF_CHILD: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    rows.push(JSON.parse(out.trim().split('\n').pop()!) as Row);
  }
  console.table(rows);
}
