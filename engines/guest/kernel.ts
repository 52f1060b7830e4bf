// The guest kernel, written once over Platform (docs/architecture.md#guest-kernel): processes with their own page tables, demand
// paging, COW fork, exec/exit, mmap/munmap/mprotect with TLB invalidation, context switches with PCIDs, the
// periodic timer and idle HLT, block/net I/O, IPIs, and threads on several vCPUs whose TLBs every flush of
// their address space reaches (guest-cpus.ts). It never touches privileged state except through the platform;
// its own work is charged from profile.native under the same names on every engine.
import type { GuestOp, InterruptSource, Platform } from '../types.ts';
import type { Rng } from '../rng.ts';
import { UsageError } from '../../harness/errors.ts';
import { PageTables } from '../machine/page-table.ts';
import { FAULT_NONE } from '../machine/types.ts';
import { entryFrame, entryHi, entryLo, PTE_RW } from '../machine/pte.ts';
import type { LeafVisitor } from '../machine/page-table.ts';
import type { PageSizeCode } from '../machine/types.ts';
import { AddressSpace, type Region } from './address-space.ts';
import { GuestCpus } from './guest-cpus.ts';
import { FrameRefs } from './frame-refs.ts';
import { PageFaultHandler } from './page-fault.ts';
import { ForkCopier } from './fork-copy.ts';
import { Unmapper } from './unmap.ts';
import { AccessPatternCursor } from './access-pattern.ts';
import { doIo } from './block-net-driver.ts';
import { KernelImage } from './kernel-image.ts';
import { ElapsedTicks } from '../machine/elapsed-ticks.ts';
import { GUEST_HALT_POLL, HaltPollWindow } from '../halt-poll.ts';

interface Process {
  pid: number;
  parent: number;
  space: AddressSpace;
  /** distinct per address space (exec gives a new one), the key of the PCID allocator */
  spaceId: number;
}

const PAGE = 4096;
/** the guest kernel's tick rate: kernel/Kconfig.hz `default HZ_250`, the value of Debian's amd64 kernels. With
 *  CONFIG_NO_HZ_IDLE (the default) the tick is stopped while the CPU idles, so it runs per second of non-idle
 *  time; an idle wait's own wake-up is the `timer` operation's one-shot timer */
export const GUEST_HZ = 250;
/** a fault at one address that is not resolved after this many rounds is a kernel-model bug */
const MAX_FAULT_ROUNDS = 4;

export class GuestKernel implements LeafVisitor {
  private readonly tables: PageTables;
  private readonly refs = new FrameRefs();
  private readonly cpus: GuestCpus;
  private readonly faults: PageFaultHandler;
  private readonly forker: ForkCopier;
  private readonly unmapper: Unmapper;
  private readonly image: KernelImage;
  private readonly procs = new Map<number, Process>();
  private current: Process;
  private nextPid = 1;
  private nextSpaceId = 1;
  /** protect(): the permission being applied */
  private protectWritable = false;
  /** the periodic tick while the CPU is busy */
  private readonly tick: ElapsedTicks;
  /** cpuidle-haltpoll's poll window, when the platform has the guest load it */
  private readonly haltPoll: HaltPollWindow | null;

  constructor(
    private readonly p: Platform,
    private readonly rng: Rng,
  ) {
    // the platform is the TableWriter: every entry write and new table goes through it (paravirt_ops)
    this.tables = new PageTables(p.memory, p.layout.format, p);
    this.cpus = new GuestCpus(p);
    this.faults = new PageFaultHandler(p, this.tables, this.refs, this.cpus);
    this.forker = new ForkCopier(p, this.tables, this.refs);
    this.image = new KernelImage(p);
    this.unmapper = new Unmapper(p, this.tables, this.refs, this.cpus, this.image);
    this.tick = new ElapsedTicks((p.profile.ghz * 1e9) / GUEST_HZ);
    this.haltPoll = p.guestHaltPoll === true ? new HaltPollWindow(GUEST_HALT_POLL, p.profile.ghz) : null;
    this.current = this.newProcess(0);
    this.image.boot(this.current.space.root, this.tables);
    p.enterMmap(this.current.space.root);
    this.load(this.current);
  }

  get pid(): number {
    return this.current.pid;
  }

  run(op: GuestOp): void {
    const p = this.p;
    const c = p.counters;
    const native = p.profile.native;
    switch (op.op) {
      case 'compute':
        c.charge('guest', 'compute', op.cycles);
        return;
      case 'syscall':
        p.syscall(op.count, this.image);
        c.charge('guest', 'syscall-work', native.syscallKernelWork * op.count);
        c.event('syscalls', op.count);
        return;
      case 'cpuid':
        return p.cpuid(op.count);
      case 'rdtsc':
        return p.rdtsc(op.count);
      case 'msr':
        return p.msr(op.index, op.write, op.count);
      case 'hypercall':
        return p.hypercall(op.count);
      case 'pio':
        return p.pio(op.port, op.write, op.count, op.rep ?? 1, op.width ?? 1);
      case 'mmio':
        return p.mmio(op.write, op.count);
      case 'hlt':
        // an explicit HLT (kvm-unit-tests' hlt, HyperBench idle), not the cpuidle path: the wake-up is already
        // on its way
        for (let i = 0; i < op.count; i++) {
          p.halt(0);
          p.interrupt('timer', true);
        }
        return;
      case 'timer':
        return this.timer(op.periodUs, op.ticks);
      case 'ipi':
        if (op.masked === true && op.target !== 'self') throw new UsageError("ipi: masked applies to a self-IPI (the sender's own interrupt flag)");
        return p.sendIpi(op.target, op.count, op.masked === true);
      case 'map':
        return this.map(op.region, op.bytes, op.pageSize);
      case 'unmap':
        this.enterCpu(op.cpu);
        this.unmapper.unmapRegion(this.current.space, this.region(op.region, 'unmap'));
        return this.leaveCpu();
      case 'shootdown':
        return this.shootdown(op.region, op.cpus);
      case 'protect':
        this.enterCpu(op.cpu);
        this.protect(this.region(op.region, 'protect'), op.writable);
        return this.leaveCpu();
      case 'touch':
        this.enterCpu(op.cpu);
        this.touch(this.region(op.region, 'touch'), op.pattern, op.accesses, op.write, op.stride ?? 1);
        return this.leaveCpu();
      case 'invlpg': {
        const r = this.region(op.region, 'invlpg');
        for (let i = 0; i < op.count; i++) p.invalidatePage(r.base + (i % r.pages) * r.pageBytes);
        return;
      }
      case 'fork':
        return op.vfork === true ? this.vfork() : this.fork();
      case 'exec':
        return this.exec();
      case 'exit':
        return this.exit();
      case 'switch': {
        const to = this.procs.get(op.to);
        if (to === undefined) throw new UsageError(`switch: no process with pid ${op.to} (running: ${[...this.procs.keys()].join(', ')})`);
        if (to !== this.current) this.contextSwitch(to);
        return;
      }
      case 'io':
        return doIo(p, op.device, op.dir, op.bytes, op.requests, this);
    }
  }

  /**
   * The periodic tick (tick_sched_timer: scheduler_tick, update_process_times) that fell due while the CPU was
   * busy: GUEST_HZ per second of non-idle time, taken after each operation (ElapsedTicks). Each tick is the
   * local timer's interrupt arriving at a running CPU and the re-arm of the one-shot timer for the next one
   * (tick_program_event → lapic_next_deadline).
   */
  takeTicks(): void {
    const p = this.p;
    const c = p.counters.cycles;
    const n = this.tick.due(c.guest + c.hypervisor + c.host);
    if (n === 0) return;
    p.counters.event('guestTicks', n);
    p.interrupt('timer', false, n);
    p.armTimer(n);
  }

  /**
   * Idle until an interrupt from `source` arrives `waitCycles` from now. With cpuidle-haltpoll the kernel first
   * polls (guest cycles: haltpoll's poll state runs with the tick on); a wake-up within the poll finds the vCPU
   * running and HLT never executes. Otherwise HLT, the wait, and the interrupt wakes the halted CPU.
   */
  idle(waitCycles: number, source: InterruptSource): void {
    const p = this.p;
    let wait = waitCycles;
    const hp = this.haltPoll;
    if (hp !== null) {
      const polled = hp.idle(wait);
      p.counters.charge('guest', 'guest-halt-poll', polled);
      if (hp.woke) {
        p.counters.event('guestHaltPollWakeups');
        p.interrupt(source, false);
        return;
      }
      wait -= polled;
    }
    p.halt(wait);
    p.counters.charge('idle', source === 'device' ? 'device' : 'idle', wait);
    p.interrupt(source, true);
  }

  private newProcess(parent: number): Process {
    const space = this.newSpace();
    const proc: Process = { pid: this.nextPid++, parent, space, spaceId: this.nextSpaceId++ };
    this.procs.set(proc.pid, proc);
    return proc;
  }

  /**
   * pgd_alloc: a top-level table with the kernel's mappings linked in (none yet at boot). Under PAE it also
   * allocates and links the user PMDs (preallocate_pmds / pgd_prepopulate_pmd, arch/x86/mm/pgtable.c: the
   * processor reads PDPTEs only at MOV to CR3, so Linux never changes them under a loaded CR3).
   */
  private newSpace(): AddressSpace {
    const p = this.p;
    const { format, kernelHalfSlot, mmapBase } = p.layout;
    const root = p.allocTable(format.levels);
    if (format.levels === 3) {
      for (let i = 0; i < kernelHalfSlot; i++) {
        const pmd = p.allocTable(2);
        p.writeEntry(root, i, entryLo(pmd, format.rootTableFlags), entryHi(pmd, 0));
      }
    }
    if (this.procs.size > 0) this.image.link(root);
    return new AddressSpace(root, mmapBase);
  }

  /** load `proc`'s address space on the current vCPU: MOV CR3, keeping its PCID's entries when this vCPU's
   *  PCID for it was not reused */
  private load(proc: Process): void {
    let flush = true;
    let pcid = 0;
    if (this.p.pcid) {
      const asids = this.cpus.asid;
      pcid = asids.choose(proc.spaceId);
      flush = asids.needFlush;
    }
    this.p.switchAddressSpace(proc.space.root, pcid, flush);
    this.cpus.setLoaded(proc.space);
    this.current = proc;
  }

  /**
   * Run the next operation on vCPU `cpu` as a thread of the current process: the first time (or after the
   * vCPU ran another address space) the thread is scheduled in there — a context switch loading the address
   * space on that vCPU, which puts it in the space's mm_cpumask.
   */
  private enterCpu(cpu: number | undefined): void {
    if (cpu === undefined || cpu === 0) return;
    this.cpus.select(cpu);
    if (this.cpus.loadedHere() !== this.current.space) this.contextSwitch(this.current);
  }

  /** back to vCPU 0, where the process's main thread and every operation without `cpu` run */
  private leaveCpu(): void {
    if (this.cpus.current !== 0) this.cpus.select(0);
  }

  /** schedule(): switch_mm loads the next task's address space unless this vCPU has it loaded already (a
   *  vfork child and its parent share one: switch_mm_irqs_off returns early for the same mm, no CR3 write) */
  private contextSwitch(to: Process): void {
    const p = this.p;
    p.counters.charge('guest', 'context-switch', p.profile.native.contextSwitch);
    p.counters.event('contextSwitches');
    p.startContextSwitch?.();
    if (this.cpus.loadedHere() === to.space) this.current = to;
    else this.load(to);
    p.endContextSwitch?.();
  }

  /** whether a live process other than `proc` uses `proc`'s address space (mm_users > 1: a vfork) */
  private shared(proc: Process): boolean {
    for (const other of this.procs.values()) if (other !== proc && other.space === proc.space) return true;
    return false;
  }

  private region(name: string, op: string): Region {
    const r = this.current.space.regions.get(name);
    if (r === undefined) throw new UsageError(`${op}: no region "${name}" in pid ${this.current.pid} (map it first)`);
    return r;
  }

  private map(name: string, bytes: number, requested: '4k' | '2m' | '1g'): void {
    const space = this.current.space;
    if (space.regions.has(name)) throw new UsageError(`map: region "${name}" is already mapped in pid ${this.current.pid}`);
    // a 2 MiB region is transparent huge pages: without PSE (a Xen PV guest) THP is off and it gets 4 KiB pages
    const pageSize = requested === '2m' && !this.p.superpages ? '4k' : requested;
    if (pageSize !== requested) this.p.counters.event('hugePageFallbacks');
    if (pageSize === '1g' && !this.p.profile.features.gbPages) {
      throw new UsageError(`map: 1g pages need 1 GiB page support, which profile ${this.p.profile.id} lacks`);
    }
    if (pageSize === '1g' && this.p.layout.format.levels === 3) {
      throw new UsageError('map: 1g pages do not exist under PAE paging (a PDPTE maps no page), as on xen:arch=x86_32');
    }
    if (requested === '1g' && !this.p.superpages) throw new UsageError('map: 1g pages need a guest that may map superpages, which a Xen PV guest may not');
    // mmap only creates the VMA: pages and their tables appear on first touch
    const r = space.addRegion(name, bytes, pageSize);
    // no 5-level paging here: an address past the 48-bit user half would wrap the PML4 index (user files are
    // refused earlier, in workloads/stream-check.ts; this catches a built-in's parameters, and a 32-bit guest's
    // 3 GiB of user space)
    const end = this.p.layout.userVaEnd;
    if (r.end > end) {
      space.regions.delete(name);
      throw new UsageError(`map: region "${name}" of ${bytes} bytes does not fit below the end of user space (0x${end.toString(16)})`);
    }
  }

  private touch(r: Region, pattern: 'seq' | 'random' | 'stride', accesses: number, write: boolean, stride: number): void {
    const p = this.p;
    const space = this.current.space;
    const cursor = new AccessPatternCursor(pattern, (r.end - r.base) / PAGE, stride, this.rng);
    for (let i = 0; i < accesses; i++) {
      const va = r.base + cursor.next() * PAGE;
      let fault = p.access(va, write);
      for (let round = 0; fault !== FAULT_NONE; round++) {
        if (round === MAX_FAULT_ROUNDS) throw new Error(`guest kernel: fault at 0x${va.toString(16)} not resolved`);
        if (!this.faults.handle(space, va, write)) break;
        fault = p.access(va, write);
      }
    }
  }

  private protect(r: Region, writable: boolean): void {
    this.protectWritable = writable;
    this.p.enterLazyMmu();
    this.tables.forEachLeaf(this.current.space.root, r.base, r.end, this);
    this.p.leaveLazyMmu();
    r.writable = writable;
    this.cpus.flushRange(this.current.space, r.base, r.pages, r.pageBytes);
  }

  /** protect()'s visitor: change_pte_range rewrites every present PTE; COW-shared pages stay read-only */
  leaf(tableFrame: number, index: number, _va: number, _size: PageSizeCode, lo: number, hi: number): void {
    const frame = entryFrame(lo, hi);
    const rw = this.protectWritable && this.refs.count(frame) === 1;
    this.p.writeEntry(tableFrame, index, (rw ? lo | PTE_RW : lo & ~PTE_RW) >>> 0, hi);
  }

  /** threads of the current process on vCPUs 1 … cpus − 1 (scheduled in where they are not yet), then the
   *  munmap on vCPU 0, whose flush reaches them all */
  private shootdown(name: string, cpus: number): void {
    if (!Number.isInteger(cpus) || cpus < 1) throw new UsageError(`shootdown: cpus must be an integer ≥ 1, got ${cpus}`);
    const r = this.region(name, 'shootdown');
    for (let cpu = 1; cpu < cpus; cpu++) {
      this.enterCpu(cpu);
      this.leaveCpu();
    }
    this.unmapper.unmapRegion(this.current.space, r);
  }

  private fork(): void {
    const c = this.p.counters;
    c.charge('guest', 'fork', this.p.profile.native.forkBase);
    c.event('forks');
    const parent = this.current;
    const child = this.newProcess(parent.pid);
    child.space.copyLayoutFrom(parent.space);
    this.forker.copy(parent.space, child.space);
    // dup_mmap's arch_dup_mmap: the child's tables, written while unpinned, are handed over (xen pins them)
    this.p.enterMmap(child.space.root);
    // dup_mmap ends with flush_tlb_mm(oldmm): the parent's writable translations just became read-only
    if (this.forker.protectedCount > 0) this.cpus.flushAll(parent.space);
  }

  /**
   * vfork (kernel/fork.c copy_process with CLONE_VM | CLONE_VFORK): the task is duplicated (forkBase), the
   * address space is not — the child runs on the parent's mm, nothing is copied, write-protected or pinned,
   * until its exec or exit hands the mm back
   */
  private vfork(): void {
    const c = this.p.counters;
    c.charge('guest', 'fork', this.p.profile.native.forkBase);
    c.event('forks');
    const parent = this.current;
    const child: Process = { pid: this.nextPid++, parent: parent.pid, space: parent.space, spaceId: parent.spaceId };
    this.procs.set(child.pid, child);
  }

  private exec(): void {
    this.p.counters.charge('guest', 'exec', this.p.profile.native.execBase);
    this.p.counters.event('execs');
    const proc = this.current;
    // a vfork child's mm is its parent's: exec_mmap's mmput only drops the child's reference
    const keep = this.shared(proc);
    const old = proc.space;
    proc.space = this.newSpace();
    // de_thread: the process's other threads are gone; their vCPUs drop the old address space
    if (!keep) this.cpus.drop(old, proc.spaceId);
    proc.spaceId = this.nextSpaceId++;
    // exec_mmap's activate_mm
    this.p.enterMmap(proc.space.root);
    this.load(proc);
    if (!keep) this.unmapper.teardown(old);
  }

  private exit(): void {
    const proc = this.current;
    if (proc.pid === 1) throw new UsageError('exit: pid 1 (init) cannot exit; fork first and exit the child');
    this.p.counters.charge('guest', 'exit', this.p.profile.native.exitBase);
    this.p.counters.event('exits');
    this.procs.delete(proc.pid);
    // do_exit → exit_mm → mmput → exit_mmap runs while this CPU still has the mm loaded; the switch to the
    // next task comes after, in do_task_dead's schedule(). A vfork child that never exec'd leaves the mm to
    // its parent
    if (!this.shared(proc)) {
      this.cpus.drop(proc.space, proc.spaceId);
      this.unmapper.teardown(proc.space);
    }
    this.contextSwitch(this.procs.get(proc.parent) ?? this.procs.get(1)!);
  }

  private timer(periodUs: number, ticks: number): void {
    const p = this.p;
    const idle = Math.round(periodUs * p.profile.ghz * 1000);
    for (let i = 0; i < ticks; i++) {
      // idle until the tick: the wait is the same on every engine, only the wake-up path differs
      this.idle(idle, 'timer');
      p.armTimer();
    }
  }
}
