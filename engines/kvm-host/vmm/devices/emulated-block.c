/* The "emulated" block device: register-level, in the style of an ATA PIO disk. A request is several port
 * accesses, each its own KVM_EXIT_IO to this process: write the byte count and the sector, write the
 * command, read the status (DRQ), move the data through the 32-bit data window with string I/O (KVM hands
 * over as many dwords per exit as fit its data page), read the status again. That exit count per request is
 * what makes emulated devices expensive next to virtio-blk (docs/architecture.md#kvm). */
#include <string.h>
#include "../vmm.h"
#include "disk-store.h"

#define BLK_MAX_TRANSFER (1u << 20)

static struct {
  uint32_t count, sector, command, done_bytes;
  int busy; /* a transfer is under way: DRQ set */
  int error;
} blk;


static uint32_t read_u32(const uint8_t *data, uint8_t size) {
  uint32_t v = 0;
  memcpy(&v, data, size <= 4 ? size : 4);
  return v;
}

static void data_window(struct kvm_run *run, uint8_t *data, uint64_t bytes) {
  int out = run->io.direction == KVM_EXIT_IO_OUT;
  int writing = blk.command == ABI_BLK_CMD_WRITE;
  if (!blk.busy || out != writing) { /* data access with no transfer, or the wrong way: ignored */
    if (!out) memset(data, 0xff, bytes);
    return;
  }
  uint64_t left = blk.count - blk.done_bytes;
  uint64_t n = bytes < left ? bytes : left;
  disk_copy((uint64_t)blk.sector * 512 + blk.done_bytes, data, n, writing);
  if (!out && n < bytes) memset(data + n, 0xff, bytes - n);
  blk.done_bytes += (uint32_t)n;
  if (blk.done_bytes >= blk.count) blk.busy = 0;
}

void block_io(struct vm *vm, struct kvm_run *run) {
  vm->dev_block++;
  uint8_t *data = (uint8_t *)run + run->io.data_offset;
  uint64_t bytes = (uint64_t)run->io.size * run->io.count;
  int out = run->io.direction == KVM_EXIT_IO_OUT;
  switch (run->io.port) {
  case ABI_PORT_BLK_DATA:
    data_window(run, data, bytes);
    break;
  case ABI_PORT_BLK_COUNT:
    if (out) blk.count = read_u32(data, run->io.size);
    else memcpy(data, &blk.count, bytes < 4 ? bytes : 4);
    break;
  case ABI_PORT_BLK_SECTOR:
    if (out) blk.sector = read_u32(data, run->io.size);
    else memcpy(data, &blk.sector, bytes < 4 ? bytes : 4);
    break;
  case ABI_PORT_BLK_CMD:
    if (out) {
      uint8_t cmd = data[0];
      blk.error = !(cmd == ABI_BLK_CMD_READ || cmd == ABI_BLK_CMD_WRITE) || blk.count > BLK_MAX_TRANSFER;
      blk.command = cmd;
      blk.done_bytes = 0;
      blk.busy = !blk.error && blk.count > 0;
    } else {
      uint8_t status = ABI_BLK_STATUS_READY | (blk.busy ? ABI_BLK_STATUS_DRQ : 0) | (blk.error ? ABI_BLK_STATUS_ERR : 0);
      memset(data, status, bytes);
    }
    break;
  default: /* the unused registers of the bank */
    if (!out) memset(data, 0xff, bytes);
    break;
  }
}
