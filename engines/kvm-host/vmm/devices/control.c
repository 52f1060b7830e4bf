/* The control port: the guest's "run finished" doorbell, and before that its "setup ends here" (the phase
 * op). port_io() routes only 32-bit writes here (a workload's `pio` is one byte wide, an ordinary debug-port
 * access), the run end only after the guest set abi_boot.done. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "../vmm.h"

void control_port_out(struct vm *vm, uint32_t value) {
  vm->dev_control++;
  vm->finished = 1;
  vm->guest_status = value;
}

/* a copy of `from` (a tracefs file: read until EOF, its size is not known) at `to`; best effort, the report
 * reader notices a missing copy */
static void copy_file(const char *from, const char *to) {
  int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  char buf[4096];
  ssize_t n;
  while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) break;
  if (in >= 0) close(in);
  if (out >= 0) close(out);
}

/* the guest's phase op, once: everything tallied so far (the boot included) is setup */
void control_end_setup(struct vm *vm) {
  if (vm->setup_ended) return;
  vm->setup_ended = 1;
  memcpy(vm->setup_exits, vm->exits, sizeof vm->setup_exits);
  vm->setup_exits_other = vm->exits_other;
  vm->setup_exits_outside = vm->exits_outside;
  memcpy(&vm->setup_boot, vm->mem + ABI_BOOT_GPA, sizeof vm->setup_boot);
  if (vm->vm_stats) stats_read(vm->vm_stats, STATS_SETUP);
  for (uint32_t i = 0; i < vm->cpus; i++)
    if (vm->vcpu_stats[i]) stats_read(vm->vcpu_stats[i], STATS_SETUP);
  if (vm->phase_copy_from && vm->phase_copy_to) copy_file(vm->phase_copy_from, vm->phase_copy_to);
}
