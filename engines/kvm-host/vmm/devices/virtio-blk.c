/* virtio-blk requests (virtio 1.1 §5.2.6): a chain of a 16-byte device-readable header, data buffers
 * (device-writable for VIRTIO_BLK_T_IN, readable for T_OUT) and a one-byte device-writable status. A chain of
 * another shape breaks the queue, as QEMU's virtio_blk_handle_request does ("virtio-blk missing headers",
 * virtio_error); an unknown request type completes with VIRTIO_BLK_S_UNSUPP. The data goes to and from the
 * disk store. Once the ring is empty the device asks for the next notify (avail_event) and looks once more, so
 * a request posted meanwhile is never stranded (QEMU's virtio_blk_handle_vq re-enables notification when its pop
 * loop ends, before the block layer completes the requests); only then are the completions published, the used
 * index once, with one interrupt if the guest's used_event asks for it (kvmtool virtio/core.c
 * virtio_queue__should_signal). Published the other way round, a driver that waited for the completions posts
 * its next batch while avail_event is still old, and vring_need_event suppresses that kick: the device is
 * seen as busy though it is about to sleep (it then finds the batch at its re-check, found on kvm-qemu: 3 of a
 * stream's 4 kicks were suppressed). */
#include <stdio.h>
#include <string.h>
#include "virtio-blk.h"
#include "disk-store.h"

/* the status byte's value, or -1 when the chain is malformed */
static int request(const struct vq_buf *b, uint32_t n, uint32_t *written) {
  if (n < 2 || b[0].len < sizeof(struct abi_blk_req_hdr) || (b[0].flags & ABI_VQ_DESC_F_WRITE) ||
      b[n - 1].len < 1 || !(b[n - 1].flags & ABI_VQ_DESC_F_WRITE))
    return -1;
  struct abi_blk_req_hdr h;
  memcpy(&h, b[0].data, sizeof h);
  *written = 1;
  if (h.type != ABI_BLK_T_IN && h.type != ABI_BLK_T_OUT) return ABI_BLK_S_UNSUPP;
  int to_disk = h.type == ABI_BLK_T_OUT;
  uint16_t want = to_disk ? 0 : ABI_VQ_DESC_F_WRITE;
  for (uint32_t i = 1; i + 1 < n; i++)
    if ((b[i].flags & ABI_VQ_DESC_F_WRITE) != want) return -1;
  uint64_t offset = h.sector * 512;
  for (uint32_t i = 1; i + 1 < n; i++) {
    disk_copy(offset, b[i].data, b[i].len, to_disk);
    offset += b[i].len;
    if (!to_disk) *written += b[i].len;
  }
  return ABI_BLK_S_OK;
}

int virtio_blk_serve(struct virtq *q, struct virtio_blk_tally *t, void (*signal)(void *ctx), void *ctx) {
  static struct vq_buf bufs[ABI_VQ_SIZE]; /* one I/O thread serves the one queue */
  uint32_t pushed = 0;
  do {
    uint16_t head;
    uint32_t n, written = 0;
    int got;
    while ((got = virtq_pop(q, &head, bufs, &n)) == 1) {
      int status = request(bufs, n, &written);
      if (status < 0) {
        q->broken = 1;
        snprintf(q->error, sizeof q->error, "virtio-blk: the chain at descriptor %u is not header, data, status", head);
        return -1;
      }
      bufs[n - 1].data[0] = (uint8_t)status;
      virtq_push(q, head, written);
      pushed++;
    }
    if (got < 0) return -1;
  } while (virtq_enable_notify(q));
  t->requests += pushed;
  if (!pushed) return 0;
  if (virtq_publish(q)) {
    t->interrupts++;
    signal(ctx);
  } else {
    t->interrupts_suppressed++;
  }
  return 0;
}
