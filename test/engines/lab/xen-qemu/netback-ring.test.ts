// netback's debugfs ring file (drivers/net/xen-netback/xenbus.c xenvif_read_io_ring), from the recorded domU run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetbackRing } from '../../../../engines/lab/xen-qemu/netback-ring.ts';
import { domuNetFixture } from './fixtures.ts';

test('the ring file of 50 one-byte transactions: a tx slot per datagram sent, an rx slot per datagram received', () => {
  // by hand: eth0 sent one frame as it came up, then the 50 one-byte requests, a slot each (a frame of 43
  // bytes fits one page): 51; netback filled 50 rx slots with the 50 answers; netfront posted its 256
  // buffers at connect (NET_RX_RING_SIZE) and refilled the 50 it got back: 306
  assert.deepEqual(parseNetbackRing(domuNetFixture().vif.toString('utf8')), { txRequests: 51, rxPosted: 306, rxResponses: 50 });
});

test('a file without the rings (the vif gone) is an error naming what is missing', () => {
  assert.throws(() => parseNetbackRing('Queue 0\n'), /no TX ring/);
  assert.throws(() => parseNetbackRing('TX: nr_ents 256\nreq prod 3 (0)\nRX: nr_ents 256\n'), /no rx req prod/);
});
