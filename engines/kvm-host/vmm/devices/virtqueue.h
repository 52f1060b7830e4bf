/* The device side of the guest's split virtqueue (include/abi.h, virtio 1.1 §2.6), over guest RAM as plain
 * memory: no KVM here, so test/engines/kvm-host/vmm/devices/ drives it with malformed rings. Every index and
 * address comes from the untrusted guest; the first malformation breaks the queue (virtio 1.1 §2.1.2
 * DEVICE_NEEDS_RESET, QEMU hw/virtio/virtio.c virtio_error), records why, and nothing more is served. */
#ifndef HVBENCH_VIRTQUEUE_H
#define HVBENCH_VIRTQUEUE_H
#include <stdint.h>
#include "../../include/abi.h"

struct vq_buf {
  uint8_t *data; /* inside guest RAM, len bytes checked */
  uint32_t len;
  uint16_t flags;
};

struct virtq {
  uint8_t *mem;
  uint64_t mem_bytes;
  uint16_t last_avail; /* avail ring entries taken */
  uint16_t used_idx;   /* used entries written; published to the guest by virtq_publish */
  uint16_t signalled;  /* used index at the last interrupt decision */
  int broken;
  char error[160];     /* why the queue broke */
};

/* 0, or -1 with q->error set when the queue's rings do not fit in guest RAM */
int virtq_init(struct virtq *q, uint8_t *mem, uint64_t mem_bytes);
/* the next available chain into bufs[ABI_VQ_SIZE]: 1 and its head and length, 0 when none is available,
 * -1 when the guest's ring is malformed (the queue is then broken) */
int virtq_pop(struct virtq *q, uint16_t *head, struct vq_buf *bufs, uint32_t *n);
/* the chain at head is done, `written` bytes written into it; the guest sees it at virtq_publish */
void virtq_push(struct virtq *q, uint16_t head, uint32_t written);
/* publishes the chains pushed since the last call; 1 when the guest asked for an interrupt for them
 * (used_event), else 0 */
int virtq_publish(struct virtq *q);
/* asks for the next notify (avail_event = what has been taken); 1 when more is available already */
int virtq_enable_notify(struct virtq *q);

#endif
