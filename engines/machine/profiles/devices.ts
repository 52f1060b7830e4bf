// The devices behind every profile: one NVMe SSD and one 10 GbE NIC. They are the same on every engine and every
// CPU profile, because the device itself is not virtualized — only the path to it is (docs/architecture.md#what-each-engine-does).
import type { DeviceProfile } from '../profile.ts';

export const NVME_SSD_10GBE: DeviceProfile = {
  // a data-centre NVMe SSD: Intel SSD DC P4610 product brief, ~77 µs typical 4 KiB random read latency
  // (rounded to 80) and 3,200 MB/s sequential read = 3,200 bytes/µs
  diskLatencyUs: 80,
  diskBytesPerUs: 3200,
  // estimate: one small frame through a 10 GbE NIC and the host stack, ~10 µs one way (netperf TCP_RR
  // round trips on 10 GbE are typically 20–30 µs; half of that, minus the stack work charged as ioRequest)
  netLatencyUs: 10,
  // 10 Gbit/s line rate = 1,250 bytes/µs (IEEE 802.3ae)
  netBytesPerUs: 1250,
};
