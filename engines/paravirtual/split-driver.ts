// Xen's split block/net drivers as Linux runs them today (Barham et al. 2003 §3.2; Linux
// drivers/block/xen-blkfront.c, drivers/block/xen-blkback/, drivers/net/xen-netback/, public/io/ring.h).
// The front end places requests carrying grant references in a shared ring and pushes them with
// RING_PUSH_REQUESTS_AND_CHECK_NOTIFY, notifying the back end through an event channel only when the back
// end's req_event lies among the new requests — it sets req_event = req_cons + 1 when it has drained the ring
// and goes idle (RING_FINAL_CHECK_FOR_REQUESTS); responses come back the same way under rsp_event. A woken
// back end means Dom0's vCPU is scheduled on this physical CPU: Xen's context switch loads Dom0's tables
// (write_ptbase → switch_cr3_cr4) and, when Dom0 blocks again, the guest's, so the guest's TLB is lost.
// Data: blkfront/blkback negotiate persistent grants (feature-persistent, Linux 3.8): the back end maps each
// grant once and keeps it; the front end copies the data into and out of the persistently granted pages, so
// there is no per-request map, unmap or flush — only blkback's empty asynchronous unmap per request (blk=map
// shows the older per-request grant mapping). netback
// copies received packets into the guest's buffers with GNTTABOP_copy (batched, gnttab_batch_copy), copies
// the first 128 bytes of each transmitted one and maps only the rest of a longer one, unmapping a batch at a
// time (xenvif_tx_dealloc_action), one TLB flush per batch (net=map: a map and an unmap per request, as
// blk=map). Dom0's own hypercalls are counted apart from the
// guest's (events `dom0:<op>`, cycles `host`). The guest side is a parameter (XenDomainPort): a PV guest's
// front end and an HVM guest's PVHVM front end reach Xen differently, the ring, grant and Dom0 side is the same.
import type { DeviceKind, IoDirection, XenDomainPort } from '../types.ts';
import type { Counters } from '../machine/counters.ts';
import type { CostProfile } from '../machine/profile.ts';
import { dom0Hypercall } from './hypercalls.ts';

export type BlkMode = 'persistent' | 'map';
export type NetMode = 'copy' | 'map';

/** the bytes of a transmitted packet netback copies instead of mapping (xen-netback/common.h
 *  XEN_NETBACK_TX_COPY_LEN): a packet up to this long costs no grant map at all */
const TX_COPY_LEN = 128;

/** blkback's default cap on persistent grants per ring (xen-blkback max_persistent_grants = 1056) */
const MAX_PERSISTENT_GRANTS = 1056;

/** one shared ring's producer and event indexes (public/io/ring.h); both events start at 1 (SHARED_RING_INIT) */
class RingState {
  private reqProd = 0;
  private reqEvent = 1;
  private rspProd = 0;
  private rspEvent = 1;

  /** RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: notify when req_event is among the `n` new requests */
  pushRequests(n: number): boolean {
    const old = this.reqProd;
    this.reqProd += n;
    return this.reqProd - this.reqEvent < this.reqProd - old;
  }

  /** RING_PUSH_RESPONSES_AND_CHECK_NOTIFY */
  pushResponses(n: number): boolean {
    const old = this.rspProd;
    this.rspProd += n;
    return this.rspProd - this.rspEvent < this.rspProd - old;
  }

  /** the back end drained the ring and goes idle: RING_FINAL_CHECK_FOR_REQUESTS sets req_event */
  backEndIdle(): void {
    this.reqEvent = this.reqProd + 1;
  }

  /** the front end consumed every response and waits for more (RING_FINAL_CHECK_FOR_RESPONSES) */
  frontEndIdle(): void {
    this.rspEvent = this.rspProd + 1;
  }
}

export class SplitDriver {
  private readonly rings: Record<DeviceKind, RingState> = { disk: new RingState(), net: new RingState() };
  /** grants blkback has mapped persistently */
  private persistent = 0;

  constructor(
    private readonly counters: Counters,
    private readonly profile: CostProfile,
    private readonly port: XenDomainPort,
    private readonly blk: BlkMode,
    private readonly net: NetMode,
  ) {}

  /** Dom0's back end calls Xen */
  private dom0Call(op: string, mechanism: string, n = 1, extraCycles = 0): void {
    dom0Hypercall(this.counters, this.profile.pv, op, mechanism, n, extraCycles);
  }

  /** one batch of `requests` of `bytes`; returns the completion upcalls the front end takes */
  submit(device: DeviceKind, dir: IoDirection, bytes: number, requests: number): number {
    const c = this.counters;
    const { pv } = this.profile;
    const ring = this.rings[device];
    c.event('ringRequests', requests);
    // netfront posts its receive buffers ahead (xen-netfront.c xennet_alloc_rx_buffers keeps the rx ring full
    // and notifies only when netback waits for buffers): a packet to receive is Dom0's to send, the guest
    // makes no event-channel send for it
    const posted = device === 'net' && dir === 'read';
    if (!posted && ring.pushRequests(requests)) {
      this.port.notify('event-channel', pv.eventChannelNotify);
      c.event('eventChannel');
    }
    this.port.toDom0();
    c.charge('host', 'split-driver', pv.backendWakeup + pv.backendRequest * requests);
    this.data(device, dir, bytes, requests);
    c.event(device === 'disk' ? 'blkbackRequests' : 'netbackRequests', requests);
    ring.backEndIdle();
    const notify = ring.pushResponses(requests);
    if (notify) {
      this.dom0Call('event_channel_op', 'event-channel', 1, pv.eventChannelNotify);
      c.event('eventChannel');
    }
    // Dom0 blocks; Xen's scheduler switches back to the guest
    this.port.toGuest();
    ring.frontEndIdle();
    return notify ? 1 : 0;
  }

  private data(device: DeviceKind, dir: IoDirection, bytes: number, requests: number): void {
    const c = this.counters;
    const { native, pv } = this.profile;
    const pages = Math.max(1, Math.ceil(bytes / 4096));
    const copy = Math.round(native.copyPerByte * bytes * requests);
    if (device === 'disk' && this.blk === 'persistent') {
      // blkback maps a grant the first time it sees it and keeps it (up to its cap); the front end copies the
      // data between its own pages and the granted ones (blkif_queue_rw_req / blkif_completion)
      const fresh = Math.min(MAX_PERSISTENT_GRANTS, pages * Math.min(requests, 32)) - this.persistent;
      if (fresh > 0) {
        this.dom0Call('grant_table_op', 'grant-map', 1, pv.grantMap * fresh);
        this.persistent += fresh;
        c.event('grantOps', fresh);
      }
      // blkback still ends each request with an asynchronous unmap of its non-persistent grants, an empty list
      // here, and the hypercall is made all the same (xen-blkback/blkback.c xen_blkbk_unmap_and_respond →
      // drivers/xen/grant-table.c __gnttab_unmap_refs_async → gnttab_unmap_refs): one per request, no grant op
      this.dom0Call('grant_table_op', 'grant-map', requests);
      c.charge('guest', 'persistent-grant-copy', copy);
      return;
    }
    if (device === 'net' && this.net === 'copy') {
      if (dir === 'read') {
        // netback rx: one batched GNTTABOP_copy, Xen copying into the guest's granted buffers
        this.dom0Call('grant_table_op', 'grant-copy', 1, copy);
        c.event('grantOps', pages * requests);
        return;
      }
      // netback tx (xen-netback/netback.c xenvif_tx_build_gops): each packet's first XEN_NETBACK_TX_COPY_LEN
      // bytes are copied into Dom0's skb, one GNTTABOP_copy for the batch (gnttab_batch_copy); only a packet
      // longer than that has the rest of its slots mapped (one map per page, one GNTTABOP_map_grant_ref for
      // the batch), unmapped a batch at a time (xenvif_tx_dealloc_action) with one TLB flush
      this.dom0Call('grant_table_op', 'grant-copy', 1, Math.round(native.copyPerByte * Math.min(bytes, TX_COPY_LEN) * requests));
      const maps = bytes > TX_COPY_LEN ? pages * requests : 0;
      if (maps) {
        this.dom0Call('grant_table_op', 'grant-map', 2, (pv.grantMap + pv.grantUnmap) * maps);
        c.charge('host', 'grant-map', native.cr3Write);
        c.flush('nonGlobal', 'grantUnmap');
      }
      c.event('grantOps', requests + 2 * maps);
      return;
    }
    // blk=map / net=map: a GNTTABOP_map_grant_ref and an unmap per request; each unmap flushes Dom0's TLB
    // before the frame can be reused
    this.dom0Call('grant_table_op', 'grant-map', 2 * requests, (pv.grantMap + pv.grantUnmap) * pages * requests);
    c.charge('host', 'grant-map', native.cr3Write * requests);
    c.flush('nonGlobal', 'grantUnmap', requests);
    c.event('grantOps', 2 * pages * requests);
  }
}
