/* The debug port device: any port no other device claims. Writes are discarded, reads return all ones as an
 * empty ISA bus does; each access is one KVM_EXIT_IO, which is what the `pio` operation measures. */
#include <string.h>
#include "../vmm.h"

void debug_port_io(struct vm *vm, struct kvm_run *run) {
  vm->dev_debug++;
  if (run->io.direction == KVM_EXIT_IO_IN)
    memset((uint8_t *)run + run->io.data_offset, 0xff, (size_t)run->io.size * run->io.count);
}
