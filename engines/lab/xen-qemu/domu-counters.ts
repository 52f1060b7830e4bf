// One domU run of xen-qemu as RunCounters under the names the `xen` engine's split driver uses
// (engines/paravirtual/split-driver.ts): the domU's hypercalls and PV traps as the guest's, dom0's hypercalls
// apart as `dom0:<op>` events, and the split driver's own events — `eventChannel` (EVTCHNOP_send by either
// side: on a PV guest an event_channel_op hypercall is a send on the I/O path, the binds happen at boot),
// `grantOps` (the grant operations dom0's grant_table_op calls carried: GNTTABOP_map_grant_ref,
// unmap_grant_ref, copy), `domainSwitches` (Xen switching between dom0 and the domU). Each operation's
// window counts into setup or the measured phase (engines/lab/phase-split.ts); `ringRequests` (blkfront's
// completed requests, one ring slot each, and the vif's tx and rx slots) is read from the disk's statistics
// and netback's ring indexes before and after the whole run, so it cannot be split and is kept apart in
// `measured.wholeRun`.
import { Counters } from '../../machine/counters.ts';
import type { GuestOp, RunCounters } from '../../types.ts';
import type { RunnerOutput } from '../op-runner/output.ts';
import type { BlockCounts, NetCounts } from './domu-run.ts';
import { prefixed, type Tally } from './op-windows.ts';
import type { DomainTallies } from './xenalyze-domains.ts';
import { countByPhase } from '../phase-split.ts';
import { PHASES_NOTE } from './to-counters.ts';

const GRANT_OPS = ['map_grant_ref', 'unmap_grant_ref', 'copy'] as const;

export interface DomuCountersInput {
  /** the operations the op-runner ran (no `phase`) and where the measured phase begins among them */
  ops: GuestOp[];
  measuredFrom: number;
  runner: RunnerOutput;
  domains: DomainTallies[];
  block: BlockCounts;
  net: NetCounts | null;
  about: Record<string, unknown>;
}

/**
 * The vif's ring slots that carried the run's packets: netfront's tx requests and netback's rx responses
 * since the vif connected, less the packets eth0 moved before the run (small frames, a slot each). Rx
 * buffers netfront posts are not requests of the workload: the ring starts full (NET_RX_RING_SIZE, 256) and
 * is refilled as it drains.
 */
export function netRingRequests(net: NetCounts): { tx: number; rx: number } {
  return { tx: net.ring.txRequests - net.before.tx, rx: net.ring.rxResponses - net.before.rx };
}

export function domuCounters(run: DomuCountersInput): RunCounters {
  const { ops, runner, domains, block, net, measuredFrom } = run;
  if (domains.length !== ops.length) throw new Error(`xen-qemu: Xen's trace has ${domains.length} operations of the domU for ${ops.length}`);
  const c = new Counters();
  let notifications = { guest: 0, dom0: 0 };
  const records = countByPhase(c, ops, measuredFrom, (op, i) => {
    const r = runner.ops[i];
    const d = domains[i];
    const guest = prefixed(d.guest, 'hypercall:');
    const dom0 = prefixed(d.dom0, 'hypercall:');
    const traps = prefixed(d.guest, 'trap:');
    for (const [name, n] of Object.entries(guest)) c.hypercall(name, n);
    for (const [name, n] of Object.entries(traps)) c.exit(name, n);
    for (const [name, n] of Object.entries(dom0)) c.event(`dom0:${name}`, n);
    const grants: Tally = Object.fromEntries(GRANT_OPS.map((g) => [g, d.dom0[`grant:${g}`] ?? 0]).filter(([, n]) => n));
    const events: Tally = {
      pageFaults: r.pageFaults,
      contextSwitches: r.contextSwitches,
      eventChannel: (guest.event_channel_op ?? 0) + (dom0.event_channel_op ?? 0),
      grantOps: Object.values(grants).reduce((a, b) => a + b, 0),
      domainSwitches: (d.sched['run:dom0'] ?? 0) + (d.sched['run:guest'] ?? 0),
      // the domU's own paging, as Xen saw it (no Linux tracepoints are read in the domU)
      mmuUpdates: d.guest['requests:mmu_update'] ?? 0,
      multicallEntries: Object.entries(d.guest).filter(([k]) => k.startsWith('entry:')).reduce((a, [, n]) => a + n, 0),
    };
    for (const [name, n] of Object.entries(events)) if (n) c.event(name, n);
    notifications = { guest: notifications.guest + (guest.event_channel_op ?? 0), dom0: notifications.dom0 + (dom0.event_channel_op ?? 0) };
    return { index: i, op: op.op, status: r.status, ns: r.ns, hypercalls: guest, traps, dom0, grants, events: Object.fromEntries(Object.entries(events).filter(([, n]) => n)) };
  });
  const slots = net ? netRingRequests(net) : { tx: 0, rx: 0 };
  const ringRequests = block.frontReads + block.frontWrites + slots.tx + slots.rx;
  const counters = c.snapshot();
  counters.measured = {
    ...run.about,
    guest: 'domU',
    counts: runner.counts === 'perf' ? 'page faults and context switches of the op-runner\'s processes in the domU (perf software events)' : 'page faults and context switches of all of the domU (/proc deltas)',
    timingsRepresentative: false,
    timingsNote: 'QEMU emulates every instruction (TCG): counts are real Xen and Linux behaviour, times are not, so no cycles are charged',
    phases: PHASES_NOTE,
    measuredFrom,
    // blkfront's statistics and netback's ring indexes are read before and after the run only: neither phase,
    // both together
    wholeRun: { events: ringRequests ? { ringRequests } : {}, note: "ringRequests is read from /sys/block/xvda/stat and netback's ring indexes before and after the whole run and cannot be split by phase" },
    splitDriver: {
      persistentGrants: block.persistent,
      ringRequests: { reads: block.frontReads, writes: block.frontWrites },
      net: net ? { txSlots: slots.tx, rxSlots: slots.rx, txPackets: net.txPackets, rxPackets: net.rxPackets, rxPosted: net.ring.rxPosted } : null,
      notifications,
      // notification suppression (public/io/ring.h RING_PUSH_REQUESTS_AND_CHECK_NOTIFY): how many requests
      // each of the domU's event-channel sends carried (blkfront's requests and netfront's tx slots)
      requestsPerNotification: notifications.guest ? (block.frontReads + block.frontWrites + slots.tx) / notifications.guest : null,
    },
    ops: records,
  };
  return counters;
}
