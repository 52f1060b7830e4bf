// "How to read this": paravirtual vs hardware-assisted explained with the counters the report shows.
export const HOW_TO_READ = `
<p><b>Overhead</b> is <code>(engine cycles − native cycles) / native cycles</code> for the same workload, seed and
profile. The first chart plots <code>engine cycles ÷ native cycles</code> on a logarithmic axis (1 = native,
10 = ten times native), because micro-benchmarks reach thousands of percent while compute stays within a few; each
category's section repeats its workloads in percent on a linear axis, where small differences show. Every cycle an engine charges is attributed to a mechanism, and the per-mechanism difference to native
adds up to the overhead exactly: that is the "why is … slower here?" table under each workload. Cycles are split
into <code>guest</code> (the guest itself), <code>hypervisor</code> (Xen or KVM), <code>host</code> (Dom0's back
ends or KVM's user-space device model) and <code>idle</code>.</p>
<p><b>Paravirtual (Xen PV)</b>: the guest kernel knows it is virtualised and asks the hypervisor for every
privileged change, so its cost shows as <b>hypercalls by op</b>: <code>mmu_update</code>,
<code>update_va_mapping</code> and <code>mmuext_op</code> for page-table changes (batched by
<code>multicall</code>), <code>iret</code> on the way back from every system call, <code>event_channel_op</code>
and <code>grant_table_op</code> for split-driver I/O. It has <b>no VM exits</b>. On x86-64 the guest kernel
has its own page table, so each system call switches address space twice (<code>cr3Writes</code>): Xen makes
user pages global, so without XPTI the switches cost the guest kernel's own TLB entries
(<code>kernelTlbMisses</code>), not the user's; with XPTI (Xen's Meltdown mitigation, on by default on Intel)
every entry to and exit from Xen switches CR3 too (<code>xpti</code>), and without PCIDs each switch flushes
everything. Its TLB misses are ordinary one-dimensional walks: <b>walk refs per miss</b> stays close to
native's. <code>xen:arch=x86_32</code> is the 2003 design the Xen paper measured (Linux build +3 %, null call
≈ native): the 32-bit kernel runs in ring 1 beside Xen, which sits at the top of every address space behind
segment limits, so a system call goes straight to the guest kernel with no Xen entry and no page-table switch.
Published figures from that paper describe that configuration, not the 64-bit default.</p>
<p><b>Hardware-assisted (KVM with VT-x/AMD-V)</b>: the guest kernel runs unmodified in non-root mode; system
calls, CR3 writes and PTE writes cost nothing extra. The hypervisor runs only on a <b>VM exit</b>, counted by
VMX reason: <code>CPUID</code> always exits, <code>HLT</code>, <code>MSR_WRITE</code>,
<code>IO_INSTRUCTION</code>, <code>EPT_VIOLATION</code> (first touch of unbacked guest memory),
<code>EPT_MISCONFIG</code> (MMIO). Its price is paid on TLB misses instead: a two-dimensional walk through guest
and nested (EPT/NPT) tables takes up to 24 references, so <b>walk refs per miss</b> is several times native's.
VPID keeps TLB entries across exits (flush scope <code>tagged</code>). With <code>mmu=shadow</code> (no EPT) the
2007 design returns: page faults, CR3 writes and <code>INVLPG</code> exit and the hypervisor synchronises shadow
page tables (<code>shadow-sync</code>). Each workload's exit table reads like <code>perf kvm stat report</code>: Samples, Samples % and Time % per reason
(Time % from the cycles charged under <code>exit:&lt;reason&gt;</code>); on AMD profiles the SVM exit name
(<code>npf</code>, <code>io</code>, <code>msr</code>, …) stands beside it.</p>
<p>In short: a workload heavy in system calls and page-table changes favours hardware assistance; one heavy in
TLB misses over a large working set favours paravirtual paging; device I/O depends on the device model
(split drivers vs virtio vs emulated registers) more than on either design.</p>
<p>Counters of simulated engines are deterministic for a given seed and profile and comparable across hosts.
Runs marked <span class="badge">measured</span> come from a real KVM on the host that produced this file: their
counters are what the hardware reported and their cycles are noisy. Timings (mean ± rme, p75, p99, in the
"Simulation cost" section) are the host's wall-clock time to simulate a run, not guest performance; a run whose
margin of error exceeds 10 % is marked noisy.</p>
`;
