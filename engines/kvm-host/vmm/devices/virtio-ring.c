/* The "virtio-like" device: requests sit in a ring in guest memory (struct abi_ring) and one port write
 * notifies a whole batch, as a virtio queue notify does through ioeventfd on real KVM (docs/architecture.md#kvm). The ring
 * and every descriptor are guest-controlled, so each descriptor is copied out once (no re-reading after the
 * check) and its buffer is bounds-checked against guest RAM before a single byte moves. */
#include <string.h>
#include "../vmm.h"
#include "disk-store.h"

#define VRING_MAX_REQUEST (1u << 20)

void vring_notify(struct vm *vm) {
  vm->dev_vring++;
  struct abi_ring *ring = gpa_ptr(vm, ABI_RING_GPA, sizeof(struct abi_ring));
  if (!ring) return;
  uint32_t used = ring->used;
  uint32_t avail = ring->avail;
  if (avail - used > ABI_RING_SIZE) return; /* a corrupt ring: nothing is trusted, nothing completes */
  for (; used != avail; used++) {
    struct abi_ring_desc d;
    memcpy(&d, &ring->desc[used % ABI_RING_SIZE], sizeof d);
    uint8_t *buf = d.len <= VRING_MAX_REQUEST ? gpa_ptr(vm, d.addr, d.len) : NULL;
    uint32_t status = 1;
    if (buf) {
      disk_copy(d.sector * 512, buf, d.len, (d.flags & ABI_F_WRITE) != 0);
      status = 0;
    }
    ring->desc[used % ABI_RING_SIZE].status = status;
  }
  ring->used = used;
}
