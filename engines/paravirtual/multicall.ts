// Batching of MMU hypercalls the way Linux does it (arch/x86/xen/multicalls.c, mmu_pv.c). A per-CPU buffer
// holds up to MC_BATCH (32) multicall entries and MC_ARGS = MC_BATCH × 16 bytes of arguments. Consecutive
// requests of the same op are merged into the last entry's request array (xen_extend_mmu_update /
// xen_extend_mmuext_op → xen_mc_extend_args): 16-byte `struct mmu_update`s, 24-byte `struct mmuext_op`s,
// while the argument space lasts. The buffer is flushed when the slots or the argument space run out, when a
// lazy-MMU window closes, and at once outside a window (xen_mc_issue). A flush of one entry bypasses the
// multicall machinery and is issued as that hypercall directly (xen_mc_flush: "Singleton multicall"); more
// than one go as `multicall`. So a long run of PTE updates becomes `mmu_update` hypercalls carrying
// MC_ARGS / 16 − 1 = 31 requests each, not multicalls.
import type { Hypercalls } from './hypercalls.ts';
import type { Counters } from '../machine/counters.ts';
import type { PvCosts } from '../machine/profile.ts';

/** argument bytes of one request: struct mmu_update { u64 ptr, val }; struct mmuext_op { cmd; arg1; arg2 } */
export const MMU_UPDATE_BYTES = 16;
export const MMUEXT_OP_BYTES = 24;

export class MulticallBatcher {
  private lazy = false;
  private queued = 0;
  private argBytes = 0;
  private readonly argCapacity: number;
  // queued entries, in preallocated parallel arrays: op name, mechanism of its first request, merged requests
  private readonly ops: string[];
  private readonly mechanisms: string[];
  private readonly requests: Uint32Array;

  constructor(
    private readonly calls: Hypercalls,
    private readonly counters: Counters,
    private readonly pv: PvCosts,
    /** entries per multicall (Linux MC_BATCH = 32); the argument space scales with it (MC_ARGS) */
    private readonly batch: number,
  ) {
    this.argCapacity = batch * 16;
    this.ops = new Array<string>(batch).fill('');
    this.mechanisms = new Array<string>(batch).fill('');
    this.requests = new Uint32Array(batch);
  }

  enterLazy(): void {
    this.lazy = true;
  }

  leaveLazy(): void {
    this.lazy = false;
    this.issue();
  }

  /**
   * Queue one request of `op` whose work inside Xen is `cycles` under `mechanism`, with `argBytes` of
   * arguments in the buffer (0 for calls whose arguments fit in the entry, e.g. update_va_mapping). A request
   * with arguments joins the last entry when that is the same op and the argument space has room, unless
   * `merge` is false (a caller of xen_mc_entry rather than xen_extend_mmu_update / xen_extend_mmuext_op).
   */
  submit(op: string, mechanism: string, cycles: number, argBytes = 0, merge = true): void {
    // Xen's work for the request, whichever hypercall ends up carrying it
    this.counters.charge('hypervisor', mechanism, cycles);
    const last = this.queued - 1;
    if (merge && argBytes > 0 && last >= 0 && this.ops[last] === op && this.argBytes + argBytes < this.argCapacity) {
      this.requests[last]++;
      this.argBytes += argBytes;
      return;
    }
    // __xen_mc_entry: flush first when the slots or the (8-byte aligned) argument space are used up
    const aligned = Math.ceil(this.argBytes / 8) * 8;
    if (this.queued === this.batch || aligned + argBytes >= this.argCapacity) this.issue();
    const i = this.queued++;
    this.ops[i] = op;
    this.mechanisms[i] = mechanism;
    this.requests[i] = 1;
    this.argBytes = Math.ceil(this.argBytes / 8) * 8 + argBytes;
  }

  /** xen_mc_issue: outside a lazy-MMU window what a caller queued goes to Xen now */
  issueUnlessLazy(): void {
    if (!this.lazy) this.issue();
  }

  /** xen_mc_flush: one multicall, or the single queued entry as its own hypercall */
  issue(): void {
    const n = this.queued;
    if (n === 0) return;
    this.queued = 0;
    this.argBytes = 0;
    if (n === 1) {
      this.calls.call(this.ops[0], this.mechanisms[0]);
      return;
    }
    this.calls.call('multicall', 'multicall', 1, this.pv.multicallEntry * n);
    this.counters.event('multicallEntries', n);
  }
}
