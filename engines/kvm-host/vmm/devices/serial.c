/* COM1's transmit register, enough for the guest's console: bytes are kept (bounded) and reported. */
#include "../vmm.h"

void serial_out(struct vm *vm, uint8_t byte) {
  if (vm->console_len < VMM_CONSOLE_MAX) vm->console[vm->console_len++] = (char)byte;
  vm->console[vm->console_len] = '\0';
}
