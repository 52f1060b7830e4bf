// Bulk transmit of 64 KiB messages: netperf TCP_STREAM / iperf. Throughput-bound: batching on the rings
// (notification suppression on Xen's netfront, virtio's event index) decides how many notifications it costs.
import { defineWorkload, param } from '../params.ts';
import { KiB, SETUP_DONE, batches, mapTouched } from '../ops.ts';

export const netStream = defineWorkload({
  id: 'io/net-stream',
  title: 'Network bulk transfer (netperf TCP_STREAM)',
  description:
    'Bulk send of 64 KiB messages from a user buffer; netperf TCP_STREAM / iperf, where ring batching and ' +
    'notification suppression decide the cost per byte.',
  params: {
    messages: param(8192, 1, 10_000_000, 'messages sent'),
    messageKiB: param(64, 1, 1024, 'message size in KiB (netperf -m)'),
  },
  *generate(p) {
    yield* mapTouched('sendbuf', p.messageKiB * KiB, '4k');
    yield SETUP_DONE;
    for (const n of batches(p.messages, 256)) {
      yield { op: 'touch', region: 'sendbuf', pattern: 'seq', accesses: 64, write: true };
      yield { op: 'syscall', count: n };
      yield { op: 'io', device: 'net', dir: 'write', bytes: p.messageKiB * KiB, requests: n };
      yield { op: 'io', device: 'net', dir: 'read', bytes: 64, requests: Math.ceil(n / 2) }; // delayed ACKs
    }
  },
});
