/* The control port: the guest's "run finished" doorbell. port_io() only routes a write here after the guest
 * set abi_boot.done, so a workload's `pio` to the same port is an ordinary debug-port access. */
#include "../vmm.h"

void control_port_out(struct vm *vm, uint32_t value) {
  vm->dev_control++;
  vm->finished = 1;
  vm->guest_status = value;
}
