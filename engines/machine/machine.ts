// One simulated machine for one run: host memory, guest-physical memory where the guest's tables live apart
// from the host's (EPT and shadow engines), a per-vCPU MMU over them, the counters and the cost profile.
// Native and paravirtual engines use host memory for everything (PV guests hold machine frames directly).
import type { CostProfile } from './profile.ts';
import { Counters } from './counters.ts';
import { SparsePhysicalMemory } from './physical-memory.ts';
import { Mmu } from './mmu.ts';
import type { EntryFormat } from './types.ts';

export interface MachineOptions {
  vcpus: number;
  /** give the guest its own guest-physical address space (hardware-assisted engines) */
  guestPhysical: boolean;
  /** the paging mode of 1-D walks (default x86-64 4-level; PAE_FORMAT for a 32-bit PAE guest) */
  paging?: EntryFormat;
}

export class Machine {
  readonly memory = new SparsePhysicalMemory();
  readonly guestMemory: SparsePhysicalMemory | null;
  readonly mmus: readonly Mmu[];

  constructor(readonly profile: CostProfile, readonly counters: Counters, options: MachineOptions) {
    if (!Number.isInteger(options.vcpus) || options.vcpus < 1) throw new RangeError(`machine: vcpus must be ≥ 1, got ${options.vcpus}`);
    this.guestMemory = options.guestPhysical ? new SparsePhysicalMemory() : null;
    const mmus: Mmu[] = [];
    for (let i = 0; i < options.vcpus; i++) mmus.push(new Mmu(profile, counters, this.memory, this.guestMemory ?? undefined, options.paging));
    this.mmus = mmus;
  }
}
