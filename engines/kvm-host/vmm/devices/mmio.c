/* The MMIO device: one scratch register at ABI_MMIO_GPA, a page with no memory slot behind it, so every
 * access is a KVM_EXIT_MMIO (api.rst 5, "KVM_EXIT_MMIO"). Accesses elsewhere outside RAM (a stray guest)
 * read as all ones and are counted the same way. */
#include <string.h>
#include "../vmm.h"

static uint64_t scratch;

void mmio_access(struct vm *vm, struct kvm_run *run) {
  vm->dev_mmio++;
  uint32_t len = run->mmio.len <= 8 ? run->mmio.len : 8;
  int ours = run->mmio.phys_addr >= ABI_MMIO_GPA && run->mmio.phys_addr < ABI_MMIO_GPA + ABI_MMIO_SIZE;
  if (run->mmio.is_write) {
    if (ours) memcpy(&scratch, run->mmio.data, len);
  } else if (ours) {
    memcpy(run->mmio.data, &scratch, len);
  } else {
    memset(run->mmio.data, 0xff, len);
  }
}
