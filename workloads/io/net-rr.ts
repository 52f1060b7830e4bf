// Request/response of one byte each way, one transaction in flight: netperf TCP_RR. Latency-bound: the vCPU
// idles between transactions, so every packet costs a notification, an interrupt and a wake-up.
import { defineWorkload, param } from '../params.ts';
import { batches } from '../ops.ts';

export const netRr = defineWorkload({
  id: 'io/net-rr',
  title: 'Network request/response (netperf TCP_RR)',
  description:
    'One-byte request and one-byte response per transaction, idling in between; netperf TCP_RR, where the ' +
    'per-packet notify, interrupt and wake-up latency is the whole cost.',
  params: {
    transactions: param(20_000, 1, 10_000_000, 'request/response transactions'),
    size: param(1, 1, 65_536, 'request and response size in bytes (netperf -r)'),
  },
  *generate(p) {
    for (const n of batches(p.transactions, 1000)) {
      yield { op: 'syscall', count: 2 * n }; // send, recv
      yield { op: 'io', device: 'net', dir: 'write', bytes: p.size, requests: n };
      yield { op: 'hlt', count: n }; // wait for the response
      yield { op: 'io', device: 'net', dir: 'read', bytes: p.size, requests: n };
    }
  },
});
