/* The IDT and the exception handler: #PF goes to the demand pager; a #GP from RDMSR/WRMSR of an MSR the host
 * refuses and a #UD from a hypercall instruction the host does not handle are counted and skipped (the op
 * still completes); anything else is fatal and reported through the console and the control port. */
#include "cpu.h"
#include "guest.h"

struct idt_entry {
  uint16_t off_lo, sel;
  uint8_t ist, type;
  uint16_t off_mid;
  uint32_t off_hi, zero;
};

static struct idt_entry idt[256];

void console_puts(const char *s) {
  for (; *s; s++) outb(ABI_PORT_SERIAL, (uint8_t)*s);
}

static void console_hex(uint64_t v) {
  char buf[19] = "0x";
  for (int i = 0; i < 16; i++) buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
  buf[18] = '\0';
  console_puts(buf);
}

_Noreturn void guest_panic(uint32_t code, const char *msg, uint64_t value) {
  console_puts("guest panic: ");
  console_puts(msg);
  console_puts(" ");
  console_hex(value);
  console_puts("\n");
  boot->done = 1;
  for (;;) outl(ABI_PORT_CONTROL, code);
}

void idt_set(uint8_t vector, uint64_t h) {
  idt[vector] = (struct idt_entry){ .off_lo = (uint16_t)h, .sel = ABI_SEL_KCODE, .ist = 0, .type = 0x8e,
                                    .off_mid = (uint16_t)(h >> 16), .off_hi = (uint32_t)(h >> 32), .zero = 0 };
}

/* every vCPU loads the one IDT */
void idt_load(void) {
  struct __attribute__((packed)) { uint16_t limit; uint64_t base; } idtr = { sizeof idt - 1, (uint64_t)idt };
  __asm__ volatile("lidt %0" ::"m"(idtr));
}

void traps_init(void) {
  for (int v = 0; v < 20; v++) idt_set((uint8_t)v, trap_stubs[v]);
  idt_load();
}

void trap_handler(struct trap_frame *f) {
  const uint8_t *insn = (const uint8_t *)f->rip;
  switch (f->vector) {
  case 14:
    if (paging_fault(read_cr2(), f->error)) return;
    guest_panic(0x100 + 14, "unhandled page fault at", read_cr2());
  case 13:
    if (insn[0] == 0x0f && (insn[1] == 0x30 || insn[1] == 0x32)) { /* WRMSR / RDMSR */
      boot->gp_faults++;
      f->rip += 2;
      return;
    }
    guest_panic(0x100 + 13, "general protection fault at", f->rip);
  case 6:
    if (insn[0] == 0x0f && insn[1] == 0x01 && (insn[2] == 0xc1 || insn[2] == 0xd9)) { /* VMCALL / VMMCALL */
      boot->ud_faults++;
      f->rip += 3;
      return;
    }
    guest_panic(0x100 + 6, "invalid opcode at", f->rip);
  default:
    guest_panic(0x100 + (uint32_t)f->vector, "exception at", f->rip);
  }
}
