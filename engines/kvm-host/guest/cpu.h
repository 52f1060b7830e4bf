/* The privileged and sensitive instructions the guest uses, one inline function each. */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H
#include <stdint.h>

static inline uint64_t rdtsc_ordered(void) {
  uint32_t lo, hi;
  __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
  return (uint64_t)hi << 32 | lo;
}
static inline void cpuid0(void) {
  uint32_t a = 0, b, c = 0, d;
  __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)::"memory");
}
static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
  __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}
static inline uint64_t rdmsr(uint32_t idx) {
  uint32_t lo, hi;
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(idx) : "memory");
  return (uint64_t)hi << 32 | lo;
}
static inline void wrmsr(uint32_t idx, uint64_t v) {
  __asm__ volatile("wrmsr" ::"c"(idx), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port) : "memory"); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port) : "memory"); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port) : "memory"); }
static inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
/* idle until an interrupt: STI's one-instruction shadow keeps an interrupt from landing between it and HLT, so a
 * wake-up is never lost (Linux's native_safe_halt); the handler has run when it returns */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }
static inline uint64_t read_cr2(void) {
  uint64_t v;
  __asm__ volatile("mov %%cr2, %0" : "=r"(v));
  return v;
}
static inline uint64_t read_cr3(void) {
  uint64_t v;
  __asm__ volatile("mov %%cr3, %0" : "=r"(v));
  return v;
}
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }
/* KVM's null hypercall: an unknown number comes back as -KVM_ENOSYS, handled entirely in the kernel */
static inline void hypercall(int amd) {
  uint64_t nr = 0xffff;
  if (amd) __asm__ volatile("vmmcall" : "+a"(nr)::"memory");
  else __asm__ volatile("vmcall" : "+a"(nr)::"memory");
}
#endif
