// "How to read this": paravirtual vs hardware-assisted explained with the counters the report shows. What the
// designs do is stated as mechanism; every result it quotes (the span of overheads, walk references per miss,
// which engine has the lower overhead where, what dominates) is computed from the results it describes
// (reports/findings.ts), and left out when the run has nothing to compute it from.
import type { ResultsFile } from '../../harness/results.ts';
import { escapeHtml as h } from '../escape.ts';
import { hvmParagraph } from './xen-hvm-vs-kvm.ts';
import { dominantMechanisms, missHeaviest, overheadSpan, refsPerMiss, shadowCacheStory, winsByCategory, type RefsPerMiss, type ShadowCacheStory } from '../findings.ts';

const ratio = (r: number) => `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
const perMiss = (list: RefsPerMiss[]) => list.map((e) => `${h(e.engine)} ${e.refsPerMiss.toFixed(2)}`).join(', ');

function spanSentence(results: ResultsFile): string {
  const span = overheadSpan(results);
  if (!span) return '';
  const { min, max } = span;
  return ` In this run the ratio goes from ${ratio(min.ratio)} (<code>${h(min.workload)}</code> on ${h(min.engine)}) to ` +
    `${ratio(max.ratio)} (<code>${h(max.workload)}</code> on ${h(max.engine)}).`;
}

function walkSentence(results: ResultsFile): string {
  const all = refsPerMiss(results);
  if (all.length === 0) return '';
  const heaviest = missHeaviest(results);
  const there = heaviest ? refsPerMiss(results, [heaviest]) : [];
  return `<p><b>Walk references per TLB miss</b> in this run's measured phases: ${perMiss(all)} over all workloads` +
    (heaviest ? `; ${perMiss(there)} on <code>${h(heaviest)}</code>, the workload with the most TLB misses` : '') + '.</p>';
}

const cyc = (n: number) => Math.round(n).toLocaleString('en-US');
const one = (n: number) => (n >= 10 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n === Math.round(n) ? 0 : 2));

/** the shadow-page cache on memory/ctx-switch, when the run has kvm:mmu=shadow with shadowcache on and off */
/** Xen's own shadow paging on the same workload, when xen:mode=hvm ran without EPT */
function xenShadowSentence(s: ShadowCacheStory): string {
  const x = s.xen;
  if (x === null) return '';
  return ` <b>Xen's shadow paging</b> (<code>xen:mode=hvm</code> on this CPU without EPT) caches shadows the same way, by ` +
    `guest frame and type (shadow_hash_lookup): ${one(x.fixups)} shadow fault fix-ups and ${one(x.exits)} exits per switch, ` +
    `${cyc(x.cycles)} cycles. Its write protection differs: at most 3 tables per vCPU go out of sync (SHADOW_OOS_PAGES), ` +
    `a fourth crushes one, and every CR3 write resyncs them against the snapshot taken when they unsynced ` +
    `(${cyc(x.unsyncs)} unsyncs, ${cyc(x.evictions)} evictions, ${cyc(x.resyncs)} resyncs in this run, setup included).`;
}

function shadowCacheParagraph(results: ResultsFile): string {
  const s = shadowCacheStory(results);
  if (!s) return '';
  const rebuild = s.rebuild.map(([m, n]) => `<code>${h(m)}</code> ${cyc(n)}`).join(', ');
  const ept = s.ept === null ? '' :
    ` <b>What EPT removes</b>: the guest's own tables are walked by the hardware, so a CR3 write is native and there is no shadow ` +
    `table to build, cache or protect — ${cyc(s.ept)} cycles per switch with ${one(s.eptExits!)} exits (native ${cyc(s.native)}).`;
  return `<p><b>Shadow page tables across context switches</b> (<code>${h(s.workload)}</code>, ${cyc(s.switches)} switches in ` +
    `the measured phase). Without the shadow-page cache (<code>shadowcache=off</code>, KVM before 2007) every CR3 write drops ` +
    `all shadow tables and flushes the TLB, and the incoming process rebuilds them by shadow faults: ${one(s.offFaults)} shadow ` +
    `faults and ${one(s.offPages)} shadow pages per switch, one fault per page it touches, ${cyc(s.off)} cycles per switch; ` +
    `the rebuild is ${rebuild} cycles per switch. With the cache (Kivity et al., OLS 2007) the shadow tables of both ` +
    `processes stay, keyed by guest table frame and level, and switching back finds them: ${one(s.onFaults)} shadow faults and ` +
    `${one(s.onExits)} exits (the CR3 write's) per switch, ${cyc(s.on)} cycles. Its price is write protection: every guest ` +
    `table with a shadow page is read-only, so the guest's first store to one exits (${cyc(s.onWriteProtect)} write-protect ` +
    `exits in this run, setup included — the loop itself writes no page table).${xenShadowSentence(s)}${ept}</p>`;
}

function winsParagraph(results: ResultsFile): string {
  const wins = winsByCategory(results);
  if (wins.length === 0) return '';
  const items = wins.map(({ category, wins: byEngine, ties }) => {
    const parts = [...byEngine].map(([engine, ids]) => `${h(engine)} in ${ids.length} (${ids.map((id) => `<code>${h(id)}</code>`).join(', ')})`);
    if (ties.length > 0) parts.push(`a tie in ${ties.length}`);
    return `<li><b>${h(category)}</b>: ${parts.join('; ')}</li>`;
  });
  const dominant = dominantMechanisms(results).map(({ engine, top }) =>
    `<li><b>${h(engine)}</b>: ${top.map(([m, n]) => `<code>${h(m)}</code> in ${n} workload${n === 1 ? '' : 's'}`).join(', ')}</li>`);
  return `<p><b>Which design has the lower overhead, workload by workload</b> (measured phase, per category):</p><ul>${items.join('')}</ul>` +
    (dominant.length > 0 ? `<p><b>What dominates</b>: the mechanism most often largest in each engine's overhead:</p><ul>${dominant.join('')}</ul>` : '');
}

export function howToRead(results: ResultsFile): string {
  return `
<p><b>Overhead</b> is <code>(engine cycles − native cycles) / native cycles</code> for the same workload, seed and
profile, counted over the workload's <b>measured phase</b>: each workload first sets up (the VM's boot, mapping
and faulting in its memory, forking the processes it switches between) and then runs what it measures, as
HyperBench and kvm-unit-tests time only their loop. Setup is counted through the same machine but kept apart: it
is the "Setup" table under each workload, <code>setup</code> in results.json and the <code>setup.*</code> CSV
columns. Micro-benchmarks also give <b>cycles per operation</b> beside native's (<code>cpuid</code>: cycles per
CPUID), the way kvm-unit-tests' <code>x86/vmexit</code> prints them. The first chart plots <code>engine cycles ÷
native cycles</code> on a logarithmic axis (1 = native, 10 = ten times native).${spanSentence(results)} Each
category's section repeats its workloads in percent on a linear axis, where small differences show. Every cycle
an engine charges is attributed to a mechanism, and the per-mechanism difference to native adds up to the
overhead exactly: that is the "why is … slower here?" table under each workload, where a mechanism that saves
cycles against native is a negative row and the total row is the overhead itself. Cycles are split into
<code>guest</code> (the guest itself), <code>hypervisor</code> (Xen or KVM), <code>host</code> (Dom0's back ends or
KVM's user-space device model) and <code>idle</code>.</p>
<p><b>Paravirtual (Xen PV)</b>: the guest kernel knows it is virtualised and asks the hypervisor for every
privileged change, so its cost shows as <b>hypercalls by op</b>: <code>mmu_update</code>,
<code>update_va_mapping</code> and <code>mmuext_op</code> for page-table changes (batched by
<code>multicall</code>), <code>iret</code> on the way back from every system call, <code>event_channel_op</code>
and <code>grant_table_op</code> for split-driver I/O. A PV guest has no VM exits: what it does not ask for
traps into Xen (a page fault, a write to a read-only page table, a privileged instruction), counted as
<b>traps</b> under xenalyze's names wherever the report shows them. On x86-64 the guest kernel
has its own page table, so each system call switches address space twice (<code>cr3Writes</code>): Xen makes
user pages global, so without XPTI the switches cost the guest kernel's own TLB entries
(<code>kernelTlbMisses</code>), not the user's; with XPTI (Xen's Meltdown mitigation, on by default on Intel)
every entry to and exit from Xen switches CR3 too (<code>xpti</code>), and without PCIDs each switch flushes
everything. Its TLB misses are one-dimensional walks, like native's. <code>xen:arch=x86_32</code> is the 2003 design the Xen paper measured (Linux build +3 %, null call
≈ native): the 32-bit kernel runs in ring 1 beside Xen, which sits at the top of every address space behind
segment limits, so a system call goes straight to the guest kernel with no Xen entry and no page-table switch;
its tables are PAE's 3 levels, so a TLB miss reads at most 2 entries (the PDPTE comes from a register).
Published figures from that paper describe that configuration, not the 64-bit default.</p>
<p><b>Hardware-assisted (KVM with VT-x/AMD-V)</b>: the guest kernel runs unmodified in non-root mode; system
calls, CR3 writes and PTE writes need no exit. The hypervisor runs only on a <b>VM exit</b>, counted by
VMX reason: <code>CPUID</code> always exits, <code>HLT</code>, <code>MSR_WRITE</code>,
<code>IO_INSTRUCTION</code>, <code>EPT_VIOLATION</code> (first touch of unbacked guest memory),
<code>EPT_MISCONFIG</code> (MMIO). A TLB miss is a two-dimensional walk through guest and nested (EPT/NPT)
tables, up to 24 references. VPID keeps TLB entries across exits (flush scope <code>tagged</code>). With
<code>mmu=shadow</code> (no EPT) the 2007 design returns: page faults, CR3 writes and <code>INVLPG</code> exit
and the hypervisor synchronises shadow page tables (<code>shadow-sync</code>). Each workload's exit table reads
like <code>perf kvm stat report</code>: Samples, Samples % and Time % per reason (Time % from the cycles charged
under <code>exit:&lt;reason&gt;</code>); on AMD profiles the SVM exit name (<code>npf</code>, <code>io</code>,
<code>msr</code>, …) stands beside it.</p>
${hvmParagraph(results)}
${walkSentence(results)}
${shadowCacheParagraph(results)}
${winsParagraph(results)}
<p>Counters of simulated engines are deterministic for a given seed and profile and comparable across hosts.
Runs marked <span class="badge">measured</span> come from a real KVM on the host that produced this file: their
counters are what the hardware reported and their cycles are noisy. Timings (mean ± rme, p75, p99, in the
"Simulation cost" section) are the host's wall-clock time to simulate a run, not guest performance; a run whose
margin of error exceeds 10 % is marked noisy.</p>
`;
}
