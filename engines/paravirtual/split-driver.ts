// Xen's split block/net drivers (Barham et al. 2003 §3.2; Linux drivers/block/xen-blkfront.c and
// xen-blkback, public/io/ring.h). The front end places requests carrying grant references in a shared ring
// and pushes them with RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: it notifies the back end through an event channel
// only when the back end asked (req_event), i.e. when it had gone idle — so one notification wakes it for a
// whole batch. Dom0's back end (cycles: `host`) is scheduled, maps or copies the granted pages (a grant unmap
// forces a TLB flush), does the I/O, pushes responses and notifies back the same way.
import type { DeviceKind, IoDirection } from '../types.ts';
import type { Counters } from '../machine/counters.ts';
import type { CostProfile } from '../machine/profile.ts';
import type { Hypercalls } from './hypercalls.ts';

export type GrantMode = 'map' | 'copy';

export class SplitDriver {
  constructor(
    private readonly counters: Counters,
    private readonly profile: CostProfile,
    private readonly calls: Hypercalls,
    private readonly grant: GrantMode,
  ) {}

  /** one batch of `requests` pushed while the back end is idle; returns the completion upcalls (1) */
  submit(device: DeviceKind, _dir: IoDirection, bytes: number, requests: number): number {
    const c = this.counters;
    const { native, pv } = this.profile;
    const pages = Math.max(1, Math.ceil(bytes / 4096));
    c.event('ringRequests', requests);
    // front end: the first push finds req_event == the new request (back end idle) and notifies; the rest of
    // the batch is pushed before the back end runs and needs none
    this.calls.call('event_channel_op', 'event-channel', 1, pv.eventChannelNotify, 'hypervisor');
    c.event('eventChannel');
    // Dom0: its back-end vCPU is woken and serves the whole ring
    c.charge('host', 'split-driver', pv.backendWakeup + pv.backendRequest * requests);
    if (this.grant === 'map') {
      // one GNTTABOP_map_grant_ref and one unmap per request (all its segments in one call); each unmap batch
      // flushes the TLB of Dom0's CPUs (Xen's gnttab_unmap flushes before the frame can be reused)
      this.calls.call('grant_table_op', 'grant-map', 2 * requests, (pv.grantMap + pv.grantUnmap) * pages * requests, 'host');
      c.charge('host', 'grant-map', native.cr3Write * requests);
      c.flush('nonGlobal', 'grantUnmap', requests);
    } else {
      // GNTTABOP_copy: Xen copies between the granted page and Dom0's buffer, no mapping and no flush
      this.calls.call('grant_table_op', 'grant-copy', requests, Math.round(native.copyPerByte * bytes * requests), 'host');
    }
    c.event('grantOps', (this.grant === 'map' ? 2 : 1) * pages * requests);
    c.event(device === 'disk' ? 'blkbackRequests' : 'netbackRequests', requests);
    // back end: responses pushed; the front end is waiting (rsp_event set) so exactly one notification
    this.calls.call('event_channel_op', 'event-channel', 1, pv.eventChannelNotify, 'host');
    c.event('eventChannel');
    return 1;
  }
}
