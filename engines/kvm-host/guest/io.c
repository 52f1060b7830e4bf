/* The guest's two block drivers for the `io` operation. Requests larger than the I/O buffer move only the
 * buffer's worth of data (op_detail records the truncation); the exit pattern per request is unchanged. */
#include "cpu.h"
#include "guest.h"

extern uint32_t op_detail;

static uint64_t clamp_len(uint64_t bytes) {
  uint64_t len = bytes < ABI_IOBUF_SIZE ? bytes : ABI_IOBUF_SIZE;
  if (len != bytes) op_detail = 1;
  return (len + 3) & ~3ull;
}

/* Register-level PIO, ATA style: count, sector, command, status, data, status: each access one exit. */
uint32_t io_emulated(int write, uint64_t bytes, uint64_t requests) {
  uint64_t len = clamp_len(bytes);
  for (uint64_t r = 0; r < requests; r++) {
    outl(ABI_PORT_BLK_COUNT, (uint32_t)len);
    outl(ABI_PORT_BLK_SECTOR, (uint32_t)(r * ((len + 511) / 512)));
    outb(ABI_PORT_BLK_CMD, write ? ABI_BLK_CMD_WRITE : ABI_BLK_CMD_READ);
    uint8_t status = inb(ABI_PORT_BLK_CMD);
    if (len && !(status & ABI_BLK_STATUS_DRQ)) return ABI_ST_FAILED;
    if (write) outsl(ABI_PORT_BLK_DATA, (const void *)ABI_IOBUF_GPA, len / 4);
    else insl(ABI_PORT_BLK_DATA, (void *)ABI_IOBUF_GPA, len / 4);
    status = inb(ABI_PORT_BLK_CMD);
    if (status & (ABI_BLK_STATUS_DRQ | ABI_BLK_STATUS_ERR)) return ABI_ST_FAILED;
  }
  return ABI_ST_OK;
}

/* The virtio-like ring: post up to a ring's worth of requests, then one notify for the batch. */
uint32_t io_virtio(int net, int write, uint64_t bytes, uint64_t requests) {
  volatile struct abi_ring *ring = (volatile struct abi_ring *)ABI_RING_GPA;
  uint64_t len = clamp_len(bytes);
  ring->device = (uint32_t)net;
  for (uint64_t done = 0; done < requests;) {
    uint32_t first = ring->avail;
    uint64_t batch = requests - done < ABI_RING_SIZE ? requests - done : ABI_RING_SIZE;
    for (uint64_t j = 0; j < batch; j++) {
      volatile struct abi_ring_desc *d = &ring->desc[(first + j) % ABI_RING_SIZE];
      d->addr = ABI_IOBUF_GPA;
      d->len = (uint32_t)len;
      d->flags = write ? ABI_F_WRITE : 0;
      d->sector = (done + j) * ((len + 511) / 512);
      d->status = 0xff;
    }
    __asm__ volatile("" ::: "memory");
    ring->avail = first + (uint32_t)batch;
    outw(ABI_PORT_VRING_NOTIFY, 0);
    if (ring->used != ring->avail) return ABI_ST_FAILED;
    for (uint64_t j = 0; j < batch; j++)
      if (ring->desc[(first + j) % ABI_RING_SIZE].status != 0) return ABI_ST_FAILED;
    done += batch;
  }
  return ABI_ST_OK;
}
