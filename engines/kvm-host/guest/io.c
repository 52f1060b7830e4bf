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
    abi_rep_pio(ABI_PORT_BLK_DATA, write, 4, (void *)ABI_IOBUF_GPA, len / 4);
    status = inb(ABI_PORT_BLK_CMD);
    if (status & (ABI_BLK_STATUS_DRQ | ABI_BLK_STATUS_ERR)) return ABI_ST_FAILED;
  }
  return ABI_ST_OK;
}

/* virtio-blk over the split virtqueue (include/abi.h), as Linux's driver does it: each request is a chain of
 * header, data and status descriptors (drivers/block/virtio_blk.c virtblk_add_req); a batch of ABI_VQ_BATCH
 * is posted, then the avail index moves once and the driver notifies only if the device's avail_event asks for
 * it (virtqueue_kick_prepare → vring_need_event), with a 16-bit write of the queue index to the notify
 * register (virtio_pci_modern.c vp_notify). Before the kick, used_event is set to the used index so far, so the
 * device interrupts at the batch's completion (virtqueue_enable_cb); the CPU halts until the used index shows
 * the whole batch, each wake-up being the completion MSI (or another interrupt: it halts again). Batches are
 * synchronous: the next is posted once the last completed, so every descriptor is free at a batch's start. */
static volatile struct abi_vq_desc *const vq_desc = (volatile struct abi_vq_desc *)ABI_VQ_DESC_GPA;
static volatile struct abi_vq_avail *const vq_avail = (volatile struct abi_vq_avail *)ABI_VQ_AVAIL_GPA;
static volatile struct abi_vq_used *const vq_used = (volatile struct abi_vq_used *)ABI_VQ_USED_GPA;
static volatile struct abi_blk_req_hdr *const vq_hdr = (volatile struct abi_blk_req_hdr *)ABI_VQ_HDR_GPA;
static volatile uint8_t *const vq_status = (volatile uint8_t *)ABI_VQ_STATUS_GPA;
_Static_assert(ABI_VQ_BATCH * 3 <= ABI_VQ_SIZE, "a batch's chains fit the queue");

static void post(uint16_t head, int write, uint64_t sector, uint32_t len) {
  vq_hdr[head].type = write ? ABI_BLK_T_OUT : ABI_BLK_T_IN;
  vq_hdr[head].reserved = 0;
  vq_hdr[head].sector = sector;
  vq_status[head] = 0xff;
  vq_desc[head] = (struct abi_vq_desc){ ABI_VQ_HDR_GPA + head * sizeof(struct abi_blk_req_hdr),
                                        sizeof(struct abi_blk_req_hdr), ABI_VQ_DESC_F_NEXT, (uint16_t)(head + 1) };
  vq_desc[head + 1] = (struct abi_vq_desc){ ABI_IOBUF_GPA, len,
                                            (uint16_t)(ABI_VQ_DESC_F_NEXT | (write ? 0 : ABI_VQ_DESC_F_WRITE)),
                                            (uint16_t)(head + 2) };
  vq_desc[head + 2] = (struct abi_vq_desc){ ABI_VQ_STATUS_GPA + head, 1, ABI_VQ_DESC_F_WRITE, 0 };
}

/* The queue's memory is written once at boot, as Linux's driver allocates its ring zeroed at probe time
 * (vring_alloc_queue → dma_alloc_coherent, drivers/virtio/virtio_ring.c), long before the first request.
 * Written first, its 2 MiB of guest RAM is backed by one transparent huge page that KVM maps with one nested
 * fault (the VMM advises MADV_HUGEPAGE, vm-setup.c). Left untouched until the first measured request, whose
 * first access is the read of avail->idx, L1 backs it with the read-only huge zero page, and the write after
 * it splits that into 4 KiB pages (do_huge_pmd_wp_page falls back to __split_huge_pmd on the huge zero
 * page, mm/huge_memory.c), so every ring page then took its own nested faults: 9 more EPT_VIOLATIONs than
 * the model in every io workload on kvm-qemu. */
void io_virtio_init(void) {
  for (uint64_t gpa = ABI_RING_GPA; gpa < ABI_VQ_STATUS_GPA + ABI_VQ_SIZE; gpa += 8) *(volatile uint64_t *)gpa = 0;
}

uint32_t io_virtio(int write, uint64_t bytes, uint64_t requests) {
  uint32_t len = (uint32_t)clamp_len(bytes);
  for (uint64_t done = 0; done < requests;) {
    uint32_t batch = requests - done < ABI_VQ_BATCH ? (uint32_t)(requests - done) : ABI_VQ_BATCH;
    uint16_t old = vq_avail->idx, used = vq_used->idx;
    for (uint32_t j = 0; j < batch; j++) {
      post((uint16_t)(3 * j), write, (done + j) * ((len + 511) / 512), len);
      vq_avail->ring[(uint16_t)(old + j) % ABI_VQ_SIZE] = (uint16_t)(3 * j);
    }
    vq_avail->used_event = used;
    /* the entries before the index (x86 keeps stores in order: a compiler barrier is Linux's virtio_wmb here),
     * then a full barrier before reading avail_event (virtio_mb: the store must not pass the load) */
    __asm__ volatile("" ::: "memory");
    vq_avail->idx = (uint16_t)(old + batch);
    __asm__ volatile("mfence" ::: "memory");
    if (abi_vring_need_event(vq_used->avail_event, (uint16_t)(old + batch), old)) {
      boot->virtio_kicks++;
      *(volatile uint16_t *)ABI_VIRTIO_NOTIFY_GPA = 0; /* queue 0 */
    } else {
      boot->virtio_kicks_suppressed++;
    }
    while (vq_used->idx != (uint16_t)(used + batch)) {
      boot->virtio_halts++;
      safe_halt();
    }
    for (uint32_t j = 0; j < batch; j++) {
      volatile struct abi_vq_used_elem *e = &vq_used->ring[(uint16_t)(used + j) % ABI_VQ_SIZE];
      if (e->id >= ABI_VQ_SIZE || vq_status[e->id] != ABI_BLK_S_OK) return ABI_ST_FAILED;
    }
    done += batch;
  }
  return ABI_ST_OK;
}
