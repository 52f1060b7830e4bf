// Batching of MMU hypercalls the way Linux does it (arch/x86/xen/multicalls.c): inside a lazy-MMU window
// entries are queued and issued together as one `multicall` once MC_BATCH (32) are queued or the window closes,
// so the cost of entering Xen is paid once per batch. Outside a window each operation is issued at once. A
// batch of one bypasses the multicall machinery and is issued as its own hypercall (xen_mc_flush:
// "Singleton multicall - bypass multicall machinery and just do the call directly").
import type { Hypercalls } from './hypercalls.ts';
import type { Counters } from '../machine/counters.ts';
import type { PvCosts } from '../machine/profile.ts';

export class MulticallBatcher {
  private lazy = false;
  private queued = 0;
  // queued entries, kept in preallocated parallel arrays: op name, mechanism, Xen-side work
  private readonly ops: string[];
  private readonly mechanisms: string[];
  private readonly cycles: Float64Array;

  constructor(
    private readonly calls: Hypercalls,
    private readonly counters: Counters,
    private readonly pv: PvCosts,
    /** entries per multicall (Linux MC_BATCH = 32) */
    private readonly batch: number,
  ) {
    this.ops = new Array<string>(batch).fill('');
    this.mechanisms = new Array<string>(batch).fill('');
    this.cycles = new Float64Array(batch);
  }

  enterLazy(): void {
    this.lazy = true;
  }

  leaveLazy(): void {
    this.lazy = false;
    this.issue();
  }

  /** queue one hypercall operation `op` whose work inside Xen is `cycles` under `mechanism` (xen_mc_entry);
   *  a full batch is issued at once */
  submit(op: string, mechanism: string, cycles: number): void {
    this.ops[this.queued] = op;
    this.mechanisms[this.queued] = mechanism;
    this.cycles[this.queued] = cycles;
    this.queued++;
    if (this.queued === this.batch) this.issue();
  }

  /** xen_mc_issue: outside a lazy-MMU window what a caller queued goes to Xen now */
  issueUnlessLazy(): void {
    if (!this.lazy) this.issue();
  }

  /** issue what is queued: one multicall, or the single queued call directly */
  issue(): void {
    const n = this.queued;
    if (n === 0) return;
    this.queued = 0;
    if (n === 1) {
      this.calls.call(this.ops[0], this.mechanisms[0], 1, this.cycles[0]);
      return;
    }
    this.calls.call('multicall', 'multicall', 1, this.pv.multicallEntry * n);
    this.counters.event('multicallEntries', n);
    for (let i = 0; i < n; i++) this.counters.charge('hypervisor', this.mechanisms[i], this.cycles[i]);
  }
}
