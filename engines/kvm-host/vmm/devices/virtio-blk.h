/* virtio-blk's request handling over a virtqueue (virtio-blk.c), free of KVM like virtqueue.c. */
#ifndef HVBENCH_VIRTIO_BLK_H
#define HVBENCH_VIRTIO_BLK_H
#include <stdint.h>
#include "virtqueue.h"

struct virtio_blk_tally {
  uint64_t requests;              /* chains completed */
  uint64_t interrupts;            /* used-index publications the guest asked an interrupt for */
  uint64_t interrupts_suppressed; /* publications used_event said it did not need one for */
};

/* serves every available request, publishes them, and re-enables notifies until the ring stays empty;
 * `signal` is called once per publication that needs an interrupt. -1 when the queue broke (q->error) */
int virtio_blk_serve(struct virtq *q, struct virtio_blk_tally *t, void (*signal)(void *ctx), void *ctx);

#endif
