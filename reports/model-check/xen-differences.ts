// Why the simulated `xen` engine and the measured `xen-qemu` engine differ where they do: each entry names
// the row (`hypercall <op>`, `trap <name>`, `event <name>`), the workloads it applies to (all when absent)
// and the reason, found by reading both traces of a real run. The model check prints the reason beside a
// flagged row; a flagged row without one is a difference nobody has explained yet.
export interface XenDifference {
  what: string;
  workloads?: readonly string[];
  /** the reason holds only for a run in xen-qemu's domU (guest=domu) */
  domu?: boolean;
  reason: string;
}

const TICKS_AND_SWITCHES =
  'a real dom0 keeps time with VCPUOP_set_singleshot_timer at every tick and switches to kernel threads ' +
  '(stack_switch, set_segment_base, sched_op block at idle); the model charges ticks by elapsed time and ' +
  'runs no other task';

const RING0 = 'the op-runner is a user process: hlt, msr, mmio and invlpg need ring 0 and are skipped (measured.skipped)';
const DOM0_PORTS =
  'the op-runner runs in dom0 with ioperm, so Xen emulates each IN for a privileged domain (emulate privop) and Linux ' +
  'loads the I/O bitmap with physdev_op at ioperm and at every context switch; the workload models a domU without ' +
  'I/O privilege, whose IN is a #GP bounced to its kernel';

const DOM0_STRING_PORTS =
  'the op-runner runs in dom0 with ioperm, so Xen emulates each rep insb in one trap (emulate privop): rep_ins in ' +
  'xen/arch/x86/pv/emul-priv-op.c reads the bytes one guest_io_read at a time from the real port and stops early when ' +
  'hypercall_preempt_check sees work pending, and the guest runs the rest of the instruction again, one more trap; ' +
  'each byte from QEMU\'s fw_cfg under TCG is slow, so that happens often (1,688 traps for 1,000 instructions in a real ' +
  'run). The workload models a domU without I/O privilege, whose INS is a #GP bounced to its kernel'
const OP_RUNNER_TABLES =
  'the op-runner is a static ELF process: besides the heap (a PUD, a PMD and a PTE page, all the model\'s process has) ' +
  'its image and brk heap sit in PML4 slot 0 (a PUD, a PMD and two PTE pages) and its stack a GiB above the mmap area ' +
  '(a PMD and a PTE page), so every fork pins and every exit unpins 6 more table pages (11 with both PGDs, 5 in the model)';
const OP_RUNNER_PAGES =
  'the op-runner\'s own pages: each fork also copies its data, bss, brk and stack PTEs (a dozen, write-protected by ptwr ' +
  'in the parent), and each child\'s first run faults its executable\'s text back in (file pages fork does not copy: ' +
  '9 faults mapping 16 pages each by fault-around, mm/filemap.c filemap_map_pages) and COW-faults its stack';

const MULTICALL_CONTINUATIONS =
  'Xen preempts a long multicall between two of its calls and the guest enters it again with the calls left ' +
  '(xen/common/multicall.c do_multicall: hypercall_preempt_check, hypercall_create_continuation), so the trace has ' +
  'one more multicall record per preemption (measured.ops[].continuations.multicall); the pin and unpin multicalls of ' +
  'a fork and an exit (32 entries, each pinned PTE page an update_va_mapping and an MMUEXT_PIN_L1_TABLE, ' +
  'arch/x86/xen/mmu_pv.c xen_pin_page) are long enough under emulation: memory/fork-exit, measured phase, 78 records = ' +
  'the 4 x 17 batches Linux flushed (xen_mc_flush), as in the model, + 10 continuations';

/** the workloads that fork the op-runner: memory/fork-exit, and the second process of micro/set-cr3 and
 *  memory/ctx-switch (forked in setup: its copied PTEs and pins there, the child's first run measured) */
const FORKERS = ['memory/fork-exit', 'micro/set-cr3', 'memory/ctx-switch'];

const MMAP_NEIGHBOURS =
  'the op-runner\'s stream and shared-state mappings sit beside the workload\'s regions in the mmap area, so munmap\'s ' +
  'free_pgtables (bounded by the neighbouring VMAs, mm/memory.c free_pgd_range) keeps the PUD and PMD pages and only PTE ' +
  'pages are released and pinned again (a two-entry multicall each); the model\'s process has nothing beside its region, ' +
  'so each unmap frees the PUD and PMD too and the next map pins them again (xen_alloc_ptpage: a lone update_va_mapping each)';
const MMAP_CHURNERS = ['memory/fault-storm', 'memory/mmap-churn', 'memory/munmap-shootdown'];
const MMAP_NEIGHBOURS_UPDATES =
  `${MMAP_NEIGHBOURS}. The same tables cost mmu_update requests: the model's first touch links the fresh PTE, PMD and PUD ` +
  'pages (set_pmd, set_pud, and set_p4d, which a 64-bit PV kernel writes into both the kernel\'s and the user\'s PGD: ' +
  'arch/x86/xen/mmu_pv.c xen_set_p4d) and its munmap clears all four entries again, 8 requests per cycle beside the PTEs; ' +
  'the real process only links and clears the PTE page\'s PMD entry, 2 per cycle (memory/munmap-shootdown: 500 × (64 + 8) = ' +
  '36,000 in the model; 500 × (64 + 1) + 499 × 1 = 32,999 measured, the op-runner skipping the shootdown so each buffer is ' +
  'unmapped by the next cycle\'s map and the last one never)';
const PV_NO_SUPERPAGES =
  'a Xen PV guest maps no 2 MiB pages (xen/arch/x86/mm.c get_page_from_l2e refuses any flag in L2_DISALLOW_MASK, ' +
  '_PAGE_PSE among them), ' +
  'so the real dom0 backs the region with 4 KiB pages despite MADV_HUGEPAGE: one #PF, one mmu_update and one iret per ' +
  'page first touched, and a PTE page pinned per 2 MiB; the model maps it with 2 MiB pages on xen too';

const BUFFER_BESIDE_SHARED =
  'the real process\'s mmap puts the 16-page buffer right beside the 64-page shared region (Linux\'s top-down mmap area, ' +
  'mm/mmap.c unmapped_area_topdown), under the PTE page that already maps it, so munmap\'s free_pgtables keeps that page: ' +
  'no table is linked, pinned, unpinned or cleared in 200 rounds, only the buffer\'s 16 PTEs are written (200 × 16 = ' +
  '3,200 mmu_updates); the model gives each region its own 2 MiB-aligned tables (engines/guest/address-space.ts ' +
  'REGION_ALIGN), so each round links and pins a fresh PTE page and frees it (200 × 18 = 3,600 mmu_updates, 200 pins ' +
  'and unpins, each a two-entry multicall). The touches on vCPUs 1 to 3 are skipped in the one-vCPU dom0';

const SMP_SKIPPED =
  'the op-runner skips IPIs and shootdowns (they need a second CPU running the process, measured.skipped); the model ' +
  'sends them by event channel and, for a shootdown, maps, writes and unmaps a page shared with another vCPU';

// xen-qemu:guest=domu (engines/lab/xen-qemu/domu-run.ts): the stream in a PV domU, its disk on blkfront and
// blkback over a loop device in dom0; read in the per-operation records of io/disk-seq and io/disk-random runs
const RING_SLOTS =
  'blkfront caps a request at 32 segments of 4 KiB (drivers/block/xen-blkfront.c xen_blkif_max_segments, with ' +
  'indirect descriptors), so a 1 MiB request is 8 ring requests; the model puts each workload request in one ring slot';
const RING_ROUNDS =
  `${RING_SLOTS}. A record of 16 is then 128 ring requests, four times blkfront's one-page ring of 32 slots ` +
  '(public/io/blkif.h): blkfront notifies again whenever blkback has drained the ring, and blkback answers as the ' +
  'loop device completes requests, each answer waking the domU (Xen switching to it and back to dom0); the model ' +
  'submits a record as one batch with one send each way and one round trip to dom0';
const DOM0_BACKEND =
  'dom0 serves the disk from a loop device over a file in its own memory: the loop worker and blkback threads, ' +
  'page-cache copies and dom0\'s own ticks and context switches are dom0 kernel work, made of hypercalls; the ' +
  'model\'s back end is a fixed cost per request (split-driver.ts) with only its grant and event-channel hypercalls';
const DOMU_TSC =
  'Xen emulates a domU\'s RDTSC when the CPU has no invariant TSC, as QEMU\'s TCG CPU (xen/arch/x86/time.c, ' +
  'tsc_mode default), and Linux\'s Xen clocksource reads the TSC at every clock read; dom0\'s TSC is never emulated';
const DOMU_IDLE =
  'the domU\'s kernel idles in SCHEDOP_block while its requests are in dom0 and keeps time with ' +
  'VCPUOP_set_singleshot_timer, switching to its idle task and back (stack_switch, set_segment_base) at each wait; ' +
  'the model\'s guest waits for completions without a hypercall';
const DISK = ['io/disk-seq', 'io/disk-random'];
const DOMU_WAKES =
  'under TCG dom0 takes long enough over one request that the domU\'s own wake-ups (its singleshot timer) fall ' +
  'inside it: credit2 runs the domU and then dom0 again, so about a third of the 4 KiB reads see two or more round ' +
  'trips to dom0 (the per-operation records); the model\'s guest stays blocked while its request is in dom0';
const GRANT_TABLE_GROWTH =
  'blkfront needs more grant references for 1 MiB requests than its grant table held, and the domU grows the table ' +
  '(GNTTABOP_query_size, GNTTABOP_setup_table: drivers/xen/grant-table.c gnttab_expand); the model\'s table is never full';
const LAZY_FPU =
  'Xen restores a PV vCPU\'s FPU state lazily after running another domain (xen/arch/x86/i387.c ' +
  'vcpu_restore_fpu_lazy): the domU\'s first FPU instruction after a round trip to dom0 traps (math state restore)';

// xen-qemu:guest=domu's network (engines/lab/op-runner/net-peer.c): UDP datagrams between the domU and the
// op-runner's peer in dom0 over netfront and netback; read in runs of 50 one-byte transactions and of 64
// messages of 64 KiB in 4 batches
const NET = ['io/net-rr', 'io/net-stream', 'io/interrupt-heavy'];
const UDP_FRAGMENTS =
  'the op-runner sends each 64 KiB message as one UDP datagram, which IP fragments at the vif\'s MTU of 1,500 into 45 ' +
  'frames, each its own tx slot (2,880 for 64 messages) with netback copying its first 128 bytes and mapping and ' +
  'unmapping the rest (xen-netback/netback.c xenvif_tx_build_gops); the model puts a message in one ring request of ' +
  '16 pages. The 256-slot ring then fills and drains many times per batch: netfront notifies again whenever netback ' +
  'drained it, netback answers in NAPI batches of 64, and each round trip is a switch to dom0 and back';
const NET_DOM0 =
  'dom0 is the other end of the link: its network stack, the op-runner\'s peer process and netback\'s threads are dom0 ' +
  'kernel and user work made of hypercalls (and dom0\'s own ticks, and the wait loop that polls the domU\'s console, ' +
  'fork and exec); the model\'s back end is a fixed cost per request with only its grant and event-channel hypercalls';

// the entries that name workloads come first: the first entry that matches a row gives its reason
export const XEN_DIFFERENCES: readonly XenDifference[] = [
  ...['event ringRequests'].map((what) => ({ what, workloads: DISK, domu: true, reason: RING_SLOTS })),
  ...['event ringRequests', 'event grantOps', 'event eventChannel', 'hypercall event_channel_op', 'event domainSwitches',
    'event dom0:event_channel_op', 'event dom0:grant_table_op'].map((what) => ({ what, workloads: ['io/net-stream'], domu: true, reason: UDP_FRAGMENTS })),
  ...['iret', 'vcpu_op', 'sched_op', 'set_segment_base', 'stack_switch', 'xen_version', 'mmu_update', 'mmuext_op', 'multicall',
    'update_va_mapping'].map((op) => ({ what: `event dom0:${op}`, workloads: NET, domu: true, reason: NET_DOM0 })),
  ...['hypercall sched_op', 'hypercall vcpu_op', 'hypercall stack_switch', 'hypercall set_segment_base', 'hypercall iret',
    'hypercall xen_version'].map((what) => ({ what, workloads: NET, domu: true, reason: DOMU_IDLE })),
  { what: 'trap emulate privop', workloads: NET, domu: true, reason: DOMU_TSC },
  ...['event eventChannel', 'hypercall event_channel_op', 'event dom0:event_channel_op', 'event domainSwitches']
    .map((what) => ({ what, workloads: ['io/disk-seq'], domu: true, reason: RING_ROUNDS })),
  { what: 'event dom0:grant_table_op', workloads: ['io/disk-seq'], domu: true, reason: `${RING_SLOTS}, and blkback ends each with an empty asynchronous unmap (one grant_table_op per ring request, as the model does per request)` },
  ...['iret', 'vcpu_op', 'sched_op', 'set_segment_base', 'stack_switch', 'xen_version', 'mmu_update', 'mmuext_op', 'multicall',
    'update_va_mapping'].map((op) => ({ what: `event dom0:${op}`, workloads: DISK, domu: true, reason: DOM0_BACKEND })),
  { what: 'trap emulate privop', workloads: DISK, domu: true, reason: DOMU_TSC },
  { what: 'event domainSwitches', workloads: ['io/disk-random'], domu: true, reason: DOMU_WAKES },
  { what: 'hypercall grant_table_op', workloads: ['io/disk-seq'], domu: true, reason: GRANT_TABLE_GROWTH },
  { what: 'trap math', workloads: DISK, domu: true, reason: LAZY_FPU },
  ...['hypercall sched_op', 'hypercall vcpu_op', 'hypercall stack_switch', 'hypercall set_segment_base', 'hypercall iret',
    'hypercall xen_version'].map((what) => ({ what, workloads: DISK, domu: true, reason: DOMU_IDLE })),
  { what: 'hypercall sched_op', workloads: ['micro/hlt'], reason: RING0 },
  { what: 'hypercall iret', workloads: ['micro/hlt', 'micro/mmio', 'micro/tsc-deadline'], reason: RING0 },
  { what: 'trap page_fault', workloads: ['micro/mmio'], reason: RING0 },
  { what: 'trap general_protection', workloads: ['micro/pio-kernel', 'micro/pio-user', 'micro/pio-string', 'micro/tsc-deadline'], reason: DOM0_PORTS },
  { what: 'trap emulate privop', workloads: ['micro/pio-kernel', 'micro/pio-user'], reason: DOM0_PORTS },
  { what: 'trap emulate privop', workloads: ['micro/pio-string'], reason: DOM0_STRING_PORTS },
  { what: 'hypercall iret', workloads: ['micro/pio-kernel', 'micro/pio-user', 'micro/pio-string'], reason: DOM0_PORTS },
  { what: 'hypercall physdev_op', workloads: ['micro/pio-kernel', 'micro/pio-user', 'micro/pio-string'], reason: DOM0_PORTS },
  ...['hypercall update_va_mapping', 'hypercall multicall', 'event multicallEntries', 'event tablesPinned', 'event tablesUnpinned']
    .map((what) => ({ what, workloads: MMAP_CHURNERS, reason: MMAP_NEIGHBOURS })),
  ...['hypercall mmu_update', 'event mmuUpdates'].map((what) => ({ what, workloads: MMAP_CHURNERS, reason: MMAP_NEIGHBOURS_UPDATES })),
  // micro/set-page-table maps its region once beside the op-runner's: the PUD and PMD it links into are there already
  { what: 'hypercall update_va_mapping', workloads: ['micro/set-page-table'], reason: MMAP_NEIGHBOURS },
  ...['trap page_fault', 'event pageFaults', 'hypercall mmu_update', 'event mmuUpdates', 'hypercall iret', 'hypercall multicall',
    'event multicallEntries', 'event tablesPinned'].map((what) => ({ what, workloads: ['memory/random-2m-2m'], reason: PV_NO_SUPERPAGES })),
  { what: 'hypercall event_channel_op', workloads: ['micro/self-ipi', 'micro/ipi'], reason: SMP_SKIPPED },
  ...['hypercall mmu_update', 'hypercall multicall', 'hypercall update_va_mapping', 'event mmuUpdates', 'event multicallEntries',
    'event tablesPinned', 'event tablesUnpinned'].map((what) => ({ what, workloads: ['micro/tlb-shootdown'], reason: SMP_SKIPPED })),
  ...['hypercall mmu_update', 'event mmuUpdates', 'hypercall multicall', 'event multicallEntries', 'event tablesPinned', 'event tablesUnpinned']
    .map((what) => ({ what, workloads: ['memory/threads-shootdown'], reason: BUFFER_BESIDE_SHARED })),
  {
    what: 'hypercall event_channel_op', workloads: ['micro/tlb-shootdown', 'memory/munmap-shootdown', 'memory/threads-shootdown'],
    reason: 'on a dom0 of two or more vCPUs (xen-qemu:vcpus) the op-runner wakes its helper thread on another vCPU with a ' +
      'futex wake, and Linux\'s reschedule IPI to that idle vCPU is an event-channel send (arch/x86/xen/smp_pv.c ' +
      'xen_send_IPI_one → EVTCHNOP_send); the model\'s threads are already running on their vCPUs',
  },
  {
    what: 'event shootdownTargets', workloads: ['micro/tlb-shootdown', 'memory/munmap-shootdown', 'memory/threads-shootdown'],
    reason: `${SMP_SKIPPED}; dom0 runs on one vCPU (dom0_max_vcpus=1), so no mm_cpumask holds another CPU and Linux never calls xen_flush_tlb_multi`,
  },
  // memory/fork-exit at a small heap (the default 512 MiB one agrees): what a real static ELF process has
  // besides the workload's heap, seen in the per-operation traces of a 1 MiB run
  { what: 'event tablesPinned', workloads: FORKERS, reason: OP_RUNNER_TABLES },
  { what: 'event tablesUnpinned', workloads: FORKERS, reason: OP_RUNNER_TABLES },
  { what: 'event multicallEntries', workloads: FORKERS, reason: `${OP_RUNNER_TABLES}; each table page is one update_va_mapping entry of the pin and unpin multicalls` },
  { what: 'hypercall multicall', workloads: FORKERS, reason: MULTICALL_CONTINUATIONS },
  ...['event mmuUpdates', 'hypercall mmu_update', 'event pageFaults', 'trap page_fault', 'trap ptwr'].map((what) => ({ what, workloads: FORKERS, reason: OP_RUNNER_PAGES })),
  // the op-runner skips invlpg (ring 0): the model's INVLPGs are MMUEXT_INVLPG_LOCAL requests
  { what: 'hypercall mmuext_op', workloads: ['micro/invlpg'], reason: RING0 },
  {
    what: 'hypercall mmuext_op',
    reason: 'xentrace in dom0 wakes every 100 ms to read its buffers (tools/xentrace/xentrace.c POLL_SLEEP_MILLIS) and kernel ' +
      'threads run between operations: each switch away from the op-runner\'s mm and back is two mmuext_op calls ' +
      '(MMUEXT_NEW_BASEPTR with NEW_USER_BASEPTR merged in), more the longer the run; the model\'s processes run alone',
  },
  { what: 'hypercall vcpu_op', reason: TICKS_AND_SWITCHES },
  { what: 'hypercall set_segment_base', reason: TICKS_AND_SWITCHES },
  { what: 'hypercall stack_switch', reason: TICKS_AND_SWITCHES },
  { what: 'hypercall sched_op', reason: TICKS_AND_SWITCHES },
  { what: 'hypercall xen_version', reason: 'Linux reads Xen\'s version while switching tasks (real dom0 only); on micro/hypercall both count the loop\'s xen_version calls' },
  {
    what: 'trap forced_invalid_op', workloads: ['micro/cpuid'],
    reason: 'the op-runner executes CPUID in user mode, which the emulated CPU (no CPUID faulting) runs without any trap; ' +
      'the workload models CPUID from the guest kernel (xen_cpuid\'s forced-emulation prefix, one trap each)',
  },
  {
    what: 'trap emulate privop',
    reason: 'a real context switch runs privileged instructions Xen emulates for a PV kernel (arch/x86/pv/emul-priv-op.c), ' +
      'and dom0 port I/O under ioperm is emulated the same way; the model\'s switch has none',
  },
  {
    what: 'hypercall iret',
    reason: 'every return from a dom0 system call or exception to user mode is HYPERVISOR_iret; the op-runner\'s own ' +
      'system calls between its markers (reading its counters) add a few per operation',
  },
];
