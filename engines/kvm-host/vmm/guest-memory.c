/* Bounds checks for guest-provided addresses: the guest is untrusted, so a ring descriptor or an I/O buffer
 * is only touched after [gpa, gpa + len) is proven to lie inside guest RAM, without overflow. */
#include "vmm.h"

int gpa_range_ok(const struct vm *vm, uint64_t gpa, uint64_t len) {
  return gpa <= vm->mem_bytes && len <= vm->mem_bytes - gpa;
}

void *gpa_ptr(const struct vm *vm, uint64_t gpa, uint64_t len) {
  return gpa_range_ok(vm, gpa, len) ? vm->mem + gpa : NULL;
}
