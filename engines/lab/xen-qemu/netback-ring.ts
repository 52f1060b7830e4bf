// netback's view of a vif's shared rings, as its debugfs file prints it (drivers/net/xen-netback/xenbus.c
// xenvif_read_io_ring, /sys/kernel/debug/xen-netback/vif<domid>.<devid>/io_ring_q0): per ring the shared
// producer indexes (public/io/ring.h), which count every slot since the front end connected:
//    TX: nr_ents 256
//    req prod 103 (0) cons 103 (0) event 104 (1)      ← tx requests netfront produced
//    rsp prod 103 (base) pvt 103 (0) event 104 (1)
//    ...
//    RX: nr_ents 256
//    req prod 358 (256) cons 102 (0) event 1 (-101)   ← rx buffers netfront posted (256 at connect)
//    rsp prod 102 (base) pvt 102 (0) event 103 (1)    ← rx slots netback filled with packets

export interface NetbackRing {
  /** tx ring slots netfront filled: one per page of a packet, plus extra-info slots (GSO) */
  txRequests: number;
  /** rx buffers netfront posted, the ring's initial fill included */
  rxPosted: number;
  /** rx ring slots netback filled with received packets */
  rxResponses: number;
}

function section(text: string, name: 'TX' | 'RX'): string {
  const start = text.indexOf(`${name}: nr_ents`);
  if (start < 0) throw new Error(`xen-qemu: netback's ring file has no ${name} ring (the vif was gone when dom0 read it?)`);
  return text.slice(start);
}

function index(text: string, pattern: RegExp, what: string): number {
  const m = pattern.exec(text);
  if (!m) throw new Error(`xen-qemu: netback's ring file has no ${what}`);
  return Number(m[1]);
}

export function parseNetbackRing(text: string): NetbackRing {
  const tx = section(text, 'TX');
  const rx = section(text, 'RX');
  return {
    txRequests: index(tx, /^req prod (\d+)/m, 'tx req prod'),
    rxPosted: index(rx, /^req prod (\d+)/m, 'rx req prod'),
    rxResponses: index(rx, /^rsp prod (\d+)/m, 'rx rsp prod'),
  };
}
