/* Declarations shared by the guest's files. */
#ifndef GUEST_H
#define GUEST_H
#include <stddef.h>
#include <stdint.h>
#include "../include/abi.h"

struct trap_frame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

extern struct abi_boot *boot;

/* traps.c */
void traps_init(void);
void idt_set(uint8_t vector, uint64_t handler);
void idt_load(void);
_Noreturn void guest_panic(uint32_t code, const char *msg, uint64_t value);
void console_puts(const char *s);

/* frames.c: the frame pool, with a reference count per frame */
void frames_init(void);
int frame_in_pool(uint64_t f);
uint64_t frame_alloc(int huge);
void frame_get(uint64_t f);
uint32_t frame_refs(uint64_t f);
void frame_put(uint64_t f, int huge);

/* paging.c: demand-faulted regions of the loaded address space; each op returns an abi_op_status */
void paging_init(void);
int paging_fault(uint64_t cr2, uint64_t error);
uint32_t paging_map(uint32_t region, uint64_t bytes, uint32_t page_size_code);
uint32_t paging_unmap(uint32_t region);
uint32_t paging_protect(uint32_t region, int writable);
uint32_t paging_touch(uint32_t region, uint32_t pattern, uint64_t accesses, int write, uint64_t stride);
uint32_t paging_invlpg(uint32_t region, uint64_t count);
int paging_region_span(uint32_t region, uint64_t *va, uint64_t *pages, uint64_t *page_bytes);
/* smp.c: before an address space's tables are freed, vCPU 1 stops using them */
void smp_drop_space(uint64_t root);
/* paging.c: address spaces by index, for process.c */
int space_new(void);
int space_fork(int parent);
void space_free(int space);
void space_load(int space);
int space_loaded(void);

/* process.c: the fork, exec, exit and switch operations */
uint32_t process_fork(int vfork);
uint32_t process_exec(void);
uint32_t process_exit(void);
uint32_t process_switch(uint32_t pid);

/* io.c: the two block-device drivers (a net `io` op goes to the same disk: there is no virtio-net device) */
uint32_t io_emulated(int write, uint64_t bytes, uint64_t requests);
uint32_t io_virtio(int write, uint64_t bytes, uint64_t requests);
void io_virtio_init(void);

/* entry.S */
void enter_user(uint64_t count);
void syscall_entry(void);
extern const uint64_t trap_stubs[20];

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
#endif
