/* vCPU 1 (the AP) and what the BSP asks of it by IPI. The VMM starts the AP straight in long mode at _start
 * (vmm/vm-setup.c); it waits for the BSP's IDT, enables its local APIC and idles in HLT. The BSP hands it one
 * request at a time in a mailbox and sends the call-function IPI, then spins until the AP has done it, as
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

static struct {
  volatile uint32_t kind;
  volatile uint64_t a, b, c;
  volatile uint64_t done; /* requests the AP has finished */
} call;
static volatile uint32_t bsp_ready, ap_ready;
static uint64_t ap_cr3; /* the address space the AP has loaded (0: the host's identity map, ABI_PML4_GPA) */

/* the BSP: tables the AP needs are in place; wait until it is idle, so its boot exits belong to no op */
void smp_boot_ap(void) {
  bsp_ready = 1;
  if (boot->cpus < 2) return;
  while (!ap_ready) __asm__ volatile("" ::: "memory");
}

_Noreturn void smp_ap_main(void) {
  while (!bsp_ready) __asm__ volatile("" ::: "memory");
  idt_load();
  apic_init(1);
  ap_ready = 1;
  for (;;) safe_halt();
}

static void flush_range(uint64_t va, uint64_t pages, uint64_t page_bytes) {
  if (pages > FLUSH_CEILING) {
    write_cr3(read_cr3());
    boot->remote_full_flushes++;
    return;
  }
  for (uint64_t i = 0; i < pages; i++) invlpg(va + i * page_bytes);
  boot->remote_invlpgs += pages;
}

/* the AP, in its call-function IPI handler */
void smp_call_irq(void) {
  boot->ipis_received++;
  if (call.kind == CALL_ENTER_MM) write_cr3(call.a);
  else if (call.kind == CALL_FLUSH) flush_range(call.a, call.b, call.c);
  call.done++;
}

/* the BSP: one request to the AP, waited for. The spin has no PAUSE: a pause filter would make it exit */
static void call_ap(uint32_t kind, uint64_t a, uint64_t b, uint64_t c) {
  uint64_t want = call.done + 1;
  call.kind = kind;
  call.a = a;
  call.b = b;
  call.c = c;
  apic_send_ipi(1, VEC_CALL);
  while (call.done != want) __asm__ volatile("" ::: "memory");
}

/* the address space vCPU 1 has loaded is about to be freed (paging.c space_free): it moves to the kernel's
 * identity map first, as Linux frees an mm only once no CPU holds it lazily (mmdrop after switch_mm) */
void smp_drop_space(uint64_t root) {
  if (!ap_cr3 || ap_cr3 != root) return;
  call_ap(CALL_ENTER_MM, ABI_PML4_GPA, 0, 0);
  ap_cr3 = 0;
}

uint32_t smp_ipi_other(uint64_t count) {
  if (boot->cpus < 2) { op_detail = 2; return ABI_ST_SKIPPED; }
  for (uint64_t i = 0; i < count; i++) call_ap(CALL_NOP, 0, 0, 0);
  return ABI_ST_OK;
}

/* munmap of a region used on `cpus` vCPUs: the AP first loads the current address space if it has not (the
 * thread scheduled in there), then takes the flush IPI after the local unmap */
uint32_t smp_shootdown(uint32_t region, uint32_t cpus) {
  if (cpus > boot->cpus || cpus == 0) { op_detail = cpus; return ABI_ST_SKIPPED; }
  uint64_t va, pages, page_bytes;
  if (!paging_region_span(region, &va, &pages, &page_bytes)) return ABI_ST_FAILED;
  uint64_t cr3 = read_cr3();
  if (cpus > 1 && ap_cr3 != cr3) {
    call_ap(CALL_ENTER_MM, cr3, 0, 0);
    ap_cr3 = cr3;
  }
  uint32_t status = paging_unmap(region);
  if (cpus > 1) call_ap(CALL_FLUSH, va, pages, page_bytes);
  return status;
}
