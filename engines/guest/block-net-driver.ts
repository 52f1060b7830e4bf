// The kernel's block and network driver: requests are queued in batches of at most one ring's worth and handed
// to the platform's device path; the kernel then waits (idles) for each completion interrupt. The driver's own
// work per request and the device's time are the same on every engine.
import type { DeviceKind, InterruptSource, IoDirection, Platform } from '../types.ts';

/** the kernel's idle path: wait `waitCycles` for an interrupt from `source` (GuestKernel.idle) */
export interface IdleWait {
  idle(waitCycles: number, source: InterruptSource): void;
}

/** requests per batch: one page of ring slots, as in Xen's blkif (32 requests per 4 KiB ring); and what a
 *  Linux guest hands a virtio-blk queue per notify: its block plug flushes at BLK_MAX_REQUEST_COUNT = 32
 *  (include/linux/blkdev.h, blk_add_rq_to_plug in block/blk-mq.c) and virtio_blk kicks once per flush, on the
 *  request marked last (virtio_queue_rq's bd->last). The kvm-host guest uses the same number
 *  (engines/kvm-host/include/abi.h ABI_VQ_BATCH). Native NVMe/NIC queues get it too (estimate: keeps batches
 *  comparable) */
export const RING_SLOTS = 32;

export function doIo(p: Platform, device: DeviceKind, dir: IoDirection, bytes: number, requests: number, cpu: IdleWait): void {
  const c = p.counters;
  const { native, devices, ghz } = p.profile;
  const latencyUs = device === 'disk' ? devices.diskLatencyUs : devices.netLatencyUs;
  const bytesPerUs = device === 'disk' ? devices.diskBytesPerUs : devices.netBytesPerUs;
  for (let done = 0; done < requests; done += RING_SLOTS) {
    const n = Math.min(RING_SLOTS, requests - done);
    c.charge('guest', 'io-driver', native.ioRequest * n);
    c.event(device === 'disk' ? 'diskRequests' : 'netRequests', n);
    const completions = p.deviceSubmit(device, dir, bytes, n);
    // the device serves the batch while the vCPU waits: same time on every engine (it is not virtualized);
    // completions after the first are already raised when the first one's handler returns
    const service = Math.round((latencyUs + (n * bytes) / bytesPerUs) * ghz * 1000);
    for (let i = 0; i < completions; i++) cpu.idle(i === 0 ? service : 0, 'device');
  }
}
