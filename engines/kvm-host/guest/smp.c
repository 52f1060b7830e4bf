/* vCPUs 1 and up (the APs) and what the BSP asks of them by IPI. The VMM starts each AP straight in long mode at
 * _start (vmm/vm-setup.c); it waits for the BSP's IDT, enables its local APIC and idles in HLT. The BSP hands
 * each AP one request at a time in its mailbox and sends the call-function IPI, then spins until they are done, as
 * Linux's smp_call_function_many with wait does (kernel/smp.c csd_lock_wait). A TLB shootdown is
 * flush_tlb_mm_range's path (arch/x86/mm/tlb.c): the unmapping CPU clears the PTEs and flushes locally, then
 * native_flush_tlb_multi IPIs every other CPU that has the mm loaded, whose flush_tlb_func INVLPGs each page
 * or, past tlb_single_page_flush_ceiling, reloads CR3. */
#include "cpu.h"
#include "guest.h"
#include "apic.h"

/* Linux's tlb_single_page_flush_ceiling (arch/x86/mm/tlb.c) */
#define FLUSH_CEILING 33u

enum call_kind { CALL_NOP, CALL_ENTER_MM, CALL_FLUSH };

extern uint32_t op_detail;

/* each AP's mailbox: one request at a time, answered by counting it done */
static struct {
  volatile uint32_t kind;
  volatile uint64_t a, b, c;
  volatile uint64_t done; /* requests the AP has finished */
} call[ABI_MAX_CPUS];
static volatile uint32_t bsp_ready, aps_ready;
static uint64_t ap_cr3[ABI_MAX_CPUS]; /* the address space each AP has loaded (0: the host's identity map, ABI_PML4_GPA) */

/* the BSP: tables the APs need are in place; wait until they are idle, so their boot exits belong to no op */
void smp_boot_ap(void) {
  bsp_ready = 1;
  while (aps_ready + 1 < boot->cpus) __asm__ volatile("" ::: "memory");
}

_Noreturn void smp_ap_main(uint32_t cpu) {
  while (!bsp_ready) __asm__ volatile("" ::: "memory");
  idt_load();
  apic_init(cpu);
  __atomic_fetch_add(&aps_ready, 1, __ATOMIC_SEQ_CST);
  for (;;) safe_halt();
}

static void flush_range(uint64_t va, uint64_t pages, uint64_t page_bytes) {
  if (pages > FLUSH_CEILING) {
    write_cr3(read_cr3());
    __atomic_fetch_add(&boot->remote_full_flushes, 1, __ATOMIC_SEQ_CST);
    return;
  }
  for (uint64_t i = 0; i < pages; i++) invlpg(va + i * page_bytes);
  __atomic_fetch_add(&boot->remote_invlpgs, pages, __ATOMIC_SEQ_CST);
}

/* an AP, in its call-function IPI handler */
void smp_call_irq(uint32_t cpu) {
  __atomic_fetch_add(&boot->ipis_received, 1, __ATOMIC_SEQ_CST);
  if (call[cpu].kind == CALL_ENTER_MM) write_cr3(call[cpu].a);
  else if (call[cpu].kind == CALL_FLUSH) flush_range(call[cpu].a, call[cpu].b, call[cpu].c);
  call[cpu].done++;
}

/* the BSP: one request to each AP in `mask` (bit i: vCPU i), sent as one IPI and waited for, as Linux's
 * smp_call_function_many with wait does. The spin has no PAUSE: a pause filter would make it exit */
static void call_aps(uint64_t mask, uint32_t kind, uint64_t a, uint64_t b, uint64_t c) {
  uint64_t want[ABI_MAX_CPUS];
  for (uint32_t i = 1; i < boot->cpus; i++) {
    if (!(mask & (1ull << i))) continue;
    want[i] = call[i].done + 1;
    call[i].kind = kind;
    call[i].a = a;
    call[i].b = b;
    call[i].c = c;
  }
  apic_send_ipi_mask(mask, VEC_CALL);
  for (uint32_t i = 1; i < boot->cpus; i++)
    if (mask & (1ull << i))
      while (call[i].done != want[i]) __asm__ volatile("" ::: "memory");
}

/* the address space some APs have loaded is about to be freed (paging.c space_free): they move to the kernel's
 * identity map first, as Linux frees an mm only once no CPU holds it lazily (mmdrop after switch_mm) */
void smp_drop_space(uint64_t root) {
  uint64_t mask = 0;
  for (uint32_t i = 1; i < boot->cpus; i++)
    if (ap_cr3[i] && ap_cr3[i] == root) mask |= 1ull << i;
  if (!mask) return;
  call_aps(mask, CALL_ENTER_MM, ABI_PML4_GPA, 0, 0);
  for (uint32_t i = 1; i < boot->cpus; i++)
    if (mask & (1ull << i)) ap_cr3[i] = 0;
}

uint32_t smp_ipi_other(uint64_t count) {
  if (boot->cpus < 2) { op_detail = 2; return ABI_ST_SKIPPED; }
  for (uint64_t i = 0; i < count; i++) call_aps(1ull << 1, CALL_NOP, 0, 0, 0);
  return ABI_ST_OK;
}

/* munmap of a region used on `cpus` vCPUs: vCPUs 1 .. cpus-1 first load the current address space if they
 * have not (the process's threads scheduled in there), then take the flush IPI after the local unmap, with
 * any other AP that still has it loaded from an earlier shootdown (Linux flushes all of mm_cpumask) */
uint32_t smp_shootdown(uint32_t region, uint32_t cpus) {
  if (cpus > boot->cpus || cpus == 0) { op_detail = cpus; return ABI_ST_SKIPPED; }
  uint64_t va, pages, page_bytes;
  if (!paging_region_span(region, &va, &pages, &page_bytes)) return ABI_ST_FAILED;
  uint64_t cr3 = read_cr3(), others = 0, enter = 0;
  for (uint32_t i = 1; i < cpus; i++) {
    others |= 1ull << i;
    if (ap_cr3[i] != cr3) enter |= 1ull << i;
  }
  if (enter) {
    call_aps(enter, CALL_ENTER_MM, cr3, 0, 0);
    for (uint32_t i = 1; i < cpus; i++) ap_cr3[i] = cr3;
  }
  for (uint32_t i = cpus; i < boot->cpus; i++)
    if (ap_cr3[i] == cr3) others |= 1ull << i;
  uint32_t status = paging_unmap(region);
  if (others) call_aps(others, CALL_FLUSH, va, pages, page_bytes);
  return status;
}
