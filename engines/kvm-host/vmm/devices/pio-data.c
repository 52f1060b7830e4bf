/* Where a KVM_EXIT_IO's data lies: io.count elements of io.size bytes at io.data_offset inside the kvm_run
 * mapping (api.rst 5, "KVM_EXIT_IO"). KVM fills these, but a string PIO's count is the guest's RCX as far as
 * KVM lets it through (one page of pio_data: arch/x86/kvm/x86.c emulator_pio_in_out), so nothing here is
 * trusted: size x count is taken in 64 bits and the whole span must lie inside the mapping. */
#include "../vmm.h"

uint8_t *pio_data(struct kvm_run *run, size_t run_size, uint64_t *bytes) {
  uint64_t n = (uint64_t)run->io.size * run->io.count;
  if (run->io.data_offset > run_size || n > run_size - run->io.data_offset) return NULL;
  *bytes = n;
  return (uint8_t *)run + run->io.data_offset;
}
