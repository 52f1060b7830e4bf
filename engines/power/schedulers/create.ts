// The schedulers of one simulated host, one per physical CPU. Credit1's accounting is global (one
// csched_acct for all CPUs), so its per-CPU run queues share one Credit1Accounting; credit2 and CFS keep
// their state per run queue.
import type { PowerSchedulerId } from '../types.ts';
import type { SchedVcpu, VcpuScheduler } from './scheduler.ts';
import { Credit1Accounting, Credit1Scheduler } from './credit1.ts';
import { Credit2Scheduler } from './credit2.ts';
import { CfsScheduler } from './cfs.ts';

/** `members[c]`: the global indices of the vCPUs pinned to CPU c, in the order of their local indices */
export function createSchedulers(
  id: PowerSchedulerId,
  vcpus: readonly SchedVcpu[],
  members: readonly (readonly number[])[],
  dvfsAware: boolean,
): VcpuScheduler[] {
  const local = (m: readonly number[]) => m.map((v) => vcpus[v]);
  switch (id) {
    case 'credit': {
      const acct = new Credit1Accounting(vcpus, members.length);
      return members.map((m) => new Credit1Scheduler(acct, m, dvfsAware));
    }
    case 'credit2':
      return members.map((m) => new Credit2Scheduler(local(m), dvfsAware));
    case 'cfs':
      return members.map((m) => new CfsScheduler(local(m), dvfsAware));
  }
}
