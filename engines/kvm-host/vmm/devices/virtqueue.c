/* The split virtqueue's device side (virtqueue.h). The guest may change its rings while the device reads them,
 * so each index and descriptor is read once into a local and checked there; a chain longer than the queue
 * must loop (virtio 1.1 §2.6.5.3.1: a chain never has more descriptors than the queue), as QEMU's
 * virtqueue_split_pop refuses ("Looped descriptor"). Ordering follows Linux's virtio_ring.c on the driver side:
 * the avail index is read before its entries (acquire), used entries are written before the used index
 * (release), and a full barrier separates an index write from the read of the other side's event field. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "virtqueue.h"
#include "../gpa-range.h"

static struct abi_vq_desc *desc_table(const struct virtq *q) { return (struct abi_vq_desc *)(q->mem + ABI_VQ_DESC_GPA); }
static struct abi_vq_avail *avail_ring(const struct virtq *q) { return (struct abi_vq_avail *)(q->mem + ABI_VQ_AVAIL_GPA); }
static struct abi_vq_used *used_ring(const struct virtq *q) { return (struct abi_vq_used *)(q->mem + ABI_VQ_USED_GPA); }

static int broken(struct virtq *q, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(q->error, sizeof q->error, fmt, ap);
  va_end(ap);
  q->broken = 1;
  return -1;
}

int virtq_init(struct virtq *q, uint8_t *mem, uint64_t mem_bytes) {
  memset(q, 0, sizeof *q);
  q->mem = mem;
  q->mem_bytes = mem_bytes;
  if (!gpa_in_ram(mem_bytes, ABI_VQ_DESC_GPA, sizeof(struct abi_vq_desc) * ABI_VQ_SIZE) ||
      !gpa_in_ram(mem_bytes, ABI_VQ_AVAIL_GPA, sizeof(struct abi_vq_avail)) ||
      !gpa_in_ram(mem_bytes, ABI_VQ_USED_GPA, sizeof(struct abi_vq_used)))
    return broken(q, "virtqueue: the rings do not fit in %llu bytes of guest RAM", (unsigned long long)mem_bytes);
  return 0;
}

int virtq_pop(struct virtq *q, uint16_t *head, struct vq_buf *bufs, uint32_t *n) {
  if (q->broken) return -1;
  struct abi_vq_avail *avail = avail_ring(q);
  uint16_t idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
  uint16_t pending = (uint16_t)(idx - q->last_avail);
  if (pending == 0) return 0;
  if (pending > ABI_VQ_SIZE)
    return broken(q, "virtqueue: the guest moved the avail index from %u to %u, past the queue's %u entries",
                  q->last_avail, idx, ABI_VQ_SIZE);
  uint16_t first = __atomic_load_n(&avail->ring[q->last_avail % ABI_VQ_SIZE], __ATOMIC_RELAXED);
  if (first >= ABI_VQ_SIZE)
    return broken(q, "virtqueue: avail entry %u names descriptor %u, past the queue's %u", q->last_avail, first, ABI_VQ_SIZE);
  uint16_t i = first;
  uint32_t count = 0;
  for (;;) {
    if (count == ABI_VQ_SIZE) return broken(q, "virtqueue: the chain from descriptor %u loops", first);
    struct abi_vq_desc d;
    memcpy(&d, &desc_table(q)[i], sizeof d);
    if (!gpa_in_ram(q->mem_bytes, d.addr, d.len))
      return broken(q, "virtqueue: descriptor %u points at 0x%llx+%u, outside guest RAM", i, (unsigned long long)d.addr, d.len);
    bufs[count++] = (struct vq_buf){ .data = q->mem + d.addr, .len = d.len, .flags = d.flags };
    if (!(d.flags & ABI_VQ_DESC_F_NEXT)) break;
    if (d.next >= ABI_VQ_SIZE)
      return broken(q, "virtqueue: descriptor %u chains to %u, past the queue's %u", i, d.next, ABI_VQ_SIZE);
    i = d.next;
  }
  q->last_avail++;
  *head = first;
  *n = count;
  return 1;
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t written) {
  struct abi_vq_used_elem *e = &used_ring(q)->ring[q->used_idx % ABI_VQ_SIZE];
  e->id = head;
  e->len = written;
  q->used_idx++;
}

int virtq_publish(struct virtq *q) {
  struct abi_vq_used *used = used_ring(q);
  uint16_t old = q->signalled;
  __atomic_store_n(&used->idx, q->used_idx, __ATOMIC_RELEASE);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  uint16_t event = __atomic_load_n(&avail_ring(q)->used_event, __ATOMIC_RELAXED);
  q->signalled = q->used_idx;
  return abi_vring_need_event(event, q->used_idx, old);
}

int virtq_enable_notify(struct virtq *q) {
  __atomic_store_n(&used_ring(q)->avail_event, q->last_avail, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return __atomic_load_n(&avail_ring(q)->idx, __ATOMIC_ACQUIRE) != q->last_avail;
}
