// Small packets arriving in bursts of random size, plus a 1 kHz tick: the driver idles and takes a completion
// interrupt per ring batch, and the tick idles until it fires. Resembles a packet-per-interrupt receive test (netperf UDP_RR
// / pktgen receive with coalescing off), the case where interrupt delivery and EOI dominate.
import { defineWorkload, param } from '../params.ts';
import { between } from '../ops.ts';

export const interruptHeavy = defineWorkload({
  id: 'io/interrupt-heavy',
  title: 'Interrupt-heavy packet receive',
  description:
    'Bursts of 64-byte packets received with an interrupt per ring batch, idling between arrivals, with a 1 kHz tick; a ' +
    'coalescing-off receive test (netperf UDP_RR / pktgen-like) where interrupt delivery and EOI dominate.',
  params: {
    bursts: param(200, 1, 1_000_000, 'packet bursts'),
    maxBurst: param(256, 1, 65_536, 'largest burst in packets (sizes are uniform in 1..maxBurst)'),
  },
  *generate(p, rng) {
    for (let i = 0; i < p.bursts; i++) {
      const packets = between(rng, 1, p.maxBurst);
      yield { op: 'io', device: 'net', dir: 'read', bytes: 64, requests: packets };
      yield { op: 'compute', cycles: packets * 2_000 };
      yield { op: 'timer', periodUs: 1000, ticks: 1 };
    }
  },
});
