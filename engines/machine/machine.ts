// One simulated machine for one run: host memory, guest-physical memory where the guest's tables live apart
// from the host's (EPT and shadow engines), one MMU per vCPU over them (each with its own TLB and
// paging-structure caches, as every logical processor has: Intel SDM Vol. 3 §4.10), the counters and the cost
// profile. The vCPUs share the last-level cache's model (mmu.ts). Native and paravirtual engines use host
// memory for everything (PV guests hold machine frames directly). vCPUs are brought up on first use, so a
// workload that never names another vCPU runs on one.
import type { CostProfile } from './profile.ts';
import { Counters } from './counters.ts';
import { SparsePhysicalMemory } from './physical-memory.ts';
import { Mmu, lastLevelCache } from './mmu.ts';
import type { PageRecency } from './page-recency.ts';
import { MAX_VCPUS } from '../../harness/limits.ts';
import type { EntryFormat } from './types.ts';

export interface MachineOptions {
  /** vCPUs brought up at once; more come up on first use (vcpu()), up to MAX_VCPUS */
  vcpus: number;
  /** give the guest its own guest-physical address space (hardware-assisted engines) */
  guestPhysical: boolean;
  /** the paging mode of 1-D walks (default x86-64 4-level; PAE_FORMAT for a 32-bit PAE guest) */
  paging?: EntryFormat;
}

export class Machine {
  readonly memory = new SparsePhysicalMemory();
  readonly guestMemory: SparsePhysicalMemory | null;
  private readonly cpus: Mmu[] = [];
  /** the vCPU the engine runs on now (select()); platforms and their helpers act on its MMU */
  current: Mmu;
  currentIndex = 0;
  /** the last-level cache's pages, shared by every vCPU (each has its own near caches) */
  private readonly llc: PageRecency | null;
  /** the paging mode every vCPU's 1-D walks use (MachineOptions.paging) */
  private readonly paging: EntryFormat | undefined;
  /** called with each vCPU brought up after the first, to give it the context its engine runs vCPUs with */
  onBringUp: ((mmu: Mmu, index: number) => void) | null = null;

  constructor(readonly profile: CostProfile, readonly counters: Counters, options: MachineOptions) {
    if (!Number.isInteger(options.vcpus) || options.vcpus < 1 || options.vcpus > MAX_VCPUS) {
      throw new RangeError(`machine: vcpus must be from 1 to ${MAX_VCPUS}, got ${options.vcpus}`);
    }
    this.guestMemory = options.guestPhysical ? new SparsePhysicalMemory() : null;
    this.paging = options.paging;
    this.llc = lastLevelCache(profile);
    for (let i = 0; i < options.vcpus; i++) this.vcpu(i);
    this.current = this.cpus[0];
  }

  /** the MMUs of the vCPUs up so far, by index */
  get mmus(): readonly Mmu[] {
    return this.cpus;
  }

  /** vCPU `index`'s MMU, bringing it (and any below it) up on first use */
  vcpu(index: number): Mmu {
    if (!Number.isInteger(index) || index < 0 || index >= MAX_VCPUS) throw new RangeError(`machine: no vCPU ${index} (0 to ${MAX_VCPUS - 1})`);
    while (this.cpus.length <= index) {
      const mmu = new Mmu(this.profile, this.counters, this.memory, this.guestMemory ?? undefined, this.paging, this.llc);
      this.cpus.push(mmu);
      if (this.cpus.length > 1) this.onBringUp?.(mmu, this.cpus.length - 1);
    }
    return this.cpus[index];
  }

  /** run on vCPU `index` from now on */
  select(index: number): Mmu {
    const mmu = this.vcpu(index);
    this.current = mmu;
    this.currentIndex = index;
    return mmu;
  }
}
