// Request/response of one byte each way, one transaction in flight: netperf TCP_RR. Latency-bound: one `io`
// record per packet (a record's requests are submitted together), and the driver idles until each reply, so
// every packet costs a notification, an interrupt and a wake-up.
import { defineWorkload, param } from '../params.ts';

export const netRr = defineWorkload({
  id: 'io/net-rr',
  title: 'Network request/response (netperf TCP_RR)',
  description:
    'One-byte request and one-byte response per transaction, idling in between; netperf TCP_RR, where the ' +
    'per-packet notify, interrupt and wake-up latency is the whole cost.',
  params: {
    transactions: param(5000, 1, 1_000_000, 'request/response transactions, one in flight'),
    size: param(1, 1, 65_536, 'request and response size in bytes (netperf -r)'),
  },
  *generate(p) {
    for (let i = 0; i < p.transactions; i++) {
      yield { op: 'syscall', count: 2 }; // send, recv
      yield { op: 'io', device: 'net', dir: 'write', bytes: p.size, requests: 1 };
      yield { op: 'io', device: 'net', dir: 'read', bytes: p.size, requests: 1 };
    }
  },
});
