/* This kernel's local APIC (KVM's in-kernel LAPIC, vmm/vm-setup.c), in x2APIC mode, or in xAPIC mode when the
 * VMM says so (abi_boot.apic_mode), as a Linux guest booted with nox2apic: then every register access is a
 * load or store at ABI_XAPIC_GPA (Linux native_apic_mem_read/write), which KVM takes as an APIC-access exit
 * (VT-x), an APIC-write trap with APIC-register virtualization, or, on SVM without AVIC (no APIC-access page),
 * a nested page fault on an address with no memory slot that KVM emulates against its LAPIC. The timer in the three ways
 * Linux drives it (arch/x86/kernel/apic/apic.c: lapic_next_deadline writes IA32_TSC_DEADLINE per event,
 * lapic_next_event writes TMICT per event, and the periodic mode __setup_APIC_LVTT programs once, whose
 * expiries KVM's hrtimer re-arms by itself: arch/x86/kvm/lapic.c apic_timer_fn,
 * advance_periodic_target_expiration), interrupts taken in IDT handlers (irq-entry.S), and EOIs through KVM's
 * PV EOI when KVM offers it, as a Linux guest on KVM does (arch/x86/kernel/kvm.c kvm_guest_apic_eoi_write).
 * The kernel runs with interrupts disabled except in the `sti; hlt` of a wait (and a self-IPI's window), so an
 * interrupt arrives only where the kernel expects one. */
#include "cpu.h"
#include "guest.h"
#include "apic.h"

#define APIC_BASE_ENABLE 0x800ull
#define APIC_BASE_X2APIC 0x400ull
#define SVR_ENABLE       0x100u
#define LVTT_PERIODIC    (1u << 17)
#define LVTT_DEADLINE    (2u << 17)
#define TDCR_DIVIDE_1    0xbu
/* KVM's APIC bus runs at 1 GHz (APIC_BUS_CYCLE_NS_DEFAULT, arch/x86/kvm/lapic.h): divided by 1, a count is 1 ns */
#define TIMER_COUNT_NS   1ull
/* the `hlt` op's wake-up: a periodic tick of Linux's HZ=1000 period, started and stopped around the op */
#define HLT_TICK_NS      1000000ull
/* CPUID 0x40000001 EAX bits (Linux include/uapi/asm/kvm_para.h) */
#define KVM_FEATURE_PV_EOI      (1u << 6)
#define KVM_FEATURE_PV_SEND_IPI (1u << 11)
#define KVM_HC_SEND_IPI  10u
#define KVM_PV_EOI_BIT   1u

extern uint32_t op_detail;

/* KVM writes a CPU's PV EOI flag when it injects an interrupt whose EOI it can take lazily; one cache line each */
static struct { volatile uint32_t flag; uint32_t pad[15]; } pv_eoi[ABI_MAX_CPUS] __attribute__((aligned(64)));
static uint32_t kvm_features; /* CPUID 0x40000001 EAX, 0 when the hypervisor is not KVM */
static uint32_t lvtt;         /* LVTT as last written by the BSP: rewritten only when an op needs another mode */
static volatile uint64_t self_ipis;
static int xapic;             /* abi_boot.apic_mode is ABI_APIC_XAPIC, read once by the BSP before the APs start */

static void apic_write(uint32_t reg, uint32_t value) {
  if (!xapic) {
    wrmsr(MSR_X2APIC_BASE + reg / 16, value);
    return;
  }
  __atomic_fetch_add(&boot->apic_mmio, 1, __ATOMIC_RELAXED); /* every vCPU counts here */
  *(volatile uint32_t *)(ABI_XAPIC_GPA + reg) = value;
}

/* a fixed IPI by the ICR: x2APIC's one WRMSR, or xAPIC's destination then command, as Linux's
 * __default_send_IPI_dest_field writes ICR2 and then ICR, the second write sending it */
static void apic_icr(uint32_t apic_id, uint32_t low) {
  if (!xapic) {
    wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | low);
    return;
  }
  apic_write(APIC_ICR2, apic_id << 24);
  apic_write(APIC_ICR, low);
}

static uint32_t kvm_cpuid_features(void) {
  uint32_t a, b, c, d;
  cpuid(0x40000000u, &a, &b, &c, &d);
  if (b != 0x4b4d564bu || c != 0x564b4d56u || d != 0x4du) return 0; /* "KVMKVMKVM\0\0\0" */
  cpuid(0x40000001u, &a, &b, &c, &d);
  return a;
}

/* which vCPU runs this: each AP's stack lies above the BSP's, 4 KiB each down from ABI_AP_STACK_TOP (abi.h),
 * and no interrupt is taken in ring 3 */
static uint32_t this_cpu(void) {
  uint64_t sp;
  __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
  return sp > ABI_STACK_TOP ? 1 + (uint32_t)((ABI_AP_STACK_TOP - sp) / ABI_AP_STACK_BYTES) : 0;
}

static void set_lvtt(uint32_t value) {
  if (value == lvtt) return;
  apic_write(APIC_LVTT, value);
  lvtt = value;
}

void apic_init(uint32_t cpu) {
  if (cpu == 0) {
    kvm_features = kvm_cpuid_features();
    xapic = boot->apic_mode == ABI_APIC_XAPIC;
  }
  /* the APIC base stays at its reset value, ABI_XAPIC_GPA, which the VMM's page tables map */
  wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | (xapic ? 0 : APIC_BASE_X2APIC));
  apic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
  if (kvm_features & KVM_FEATURE_PV_EOI) wrmsr(MSR_KVM_PV_EOI_EN, (uint64_t)&pv_eoi[cpu].flag | 1);
  if (cpu != 0) return;
  apic_write(APIC_TDCR, TDCR_DIVIDE_1);
  lvtt = 0x10000u; /* masked, as after reset */
}

/* test and clear the PV EOI flag in one instruction, as Linux's kvm_guest_apic_eoi_write does with
 * __test_and_clear_bit (a BTR): KVM reads the flag at every exit (apic_sync_pv_eoi_from_guest) and, finding it
 * still set, clears it itself and leaves the vector in service for a real EOI. Read and cleared by two
 * instructions (a load, a branch, an AND to memory), an exit landing between them (a host interrupt) would have
 * KVM clear it, the guest clear it again and skip the EOI: the vector would stay in service and every later
 * interrupt of its priority class (all of this kernel's, 0x20-0x2f) wait behind it for good */
static int pv_eoi_test_and_clear(volatile uint32_t *flag) {
  uint8_t was_set;
  __asm__ volatile("btrl $0, %0; setc %1" : "+m"(*flag), "=q"(was_set) : : "memory", "cc");
  return was_set;
}

/* the EOI: a set PV EOI flag means KVM completes it at its next exit (test-and-clear, no exit) */
static void eoi(void) {
  _Static_assert(KVM_PV_EOI_BIT == 1u, "the BTR above tests bit 0");
  if (pv_eoi_test_and_clear(&pv_eoi[this_cpu()].flag)) return;
  __atomic_fetch_add(&boot->eoi_writes, 1, __ATOMIC_RELAXED); /* both vCPUs count here */
  apic_write(APIC_EOI, 0);
}

/* An interrupt must not arrive between the STI and the HLT of a wait (cpu.h safe_halt): STI blocks interrupts
 * until the next instruction has run (Intel SDM Vol. 2B STI; under SVM the shadow is kept across a #VMEXIT in
 * the VMCB's INTERRUPT_SHADOW bit, AMD APM Vol. 2 appendix B), so the HLT starts first and the interrupt ends it. Where one
 * arrives before the HLT anyway, its handler would return to the HLT and the CPU sleep past the wake-up it
 * waits for, for good when that was the only one coming. Found on kvm-qemu (nested SVM under QEMU's TCG):
 * io/interrupt-heavy's guest halted for good in a timer op in 4 of 26 runs, its deadline fired and taken, ISR
 * and IRR empty (the watchdog's report, vmm/lapic-state.c); with this check 20 of 20 runs finished, 3 of them
 * after 1 to 3 such early interrupts. The handler returns past the HLT, as the wake-up it was, and counts it
 * (abi_boot.early_wakeups). */
static void skip_hlt(uint64_t *frame) {
  if (*(const volatile uint8_t *)frame[0] != 0xf4) return; /* HLT's opcode */
  frame[0]++;
  __atomic_fetch_add(&boot->early_wakeups, 1, __ATOMIC_RELAXED);
}

/* called by irq-entry.S with the vector; a spurious vector takes no EOI (Intel SDM Vol. 3 §11.9) */
void apic_irq(uint64_t vector, uint64_t *frame) {
  skip_hlt(frame);
  if (vector == VEC_SPURIOUS) return;
  if (vector == VEC_TIMER) boot->timer_irqs++;
  else if (vector == VEC_SELF) self_ipis++;
  else if (vector == VEC_CALL) smp_call_irq(this_cpu());
  else if (vector == VEC_VIRTIO) boot->virtio_irqs++;
  eoi();
}

/* idle until *counter reaches target; each pass is one HLT (cpu.h safe_halt), counted: how many a wait takes
 * depends on time, as a tick that falls due while the guest is still on its way to the HLT (a vCPU held off its
 * CPU for longer than the period) needs none, so the HLT exits a run shows are checked against this count */
static void wait_for(volatile uint64_t *counter, uint64_t target) {
  while (*counter < target) {
    __atomic_fetch_add(&boot->wait_halts, 1, __ATOMIC_RELAXED);
    safe_halt();
  }
}

/* a fixed IPI to one CPU: one ICR write (physical destination), as Linux sends it through apic->send_IPI */
void apic_send_ipi(uint32_t apic_id, uint32_t vector) {
  apic_send_ipi_mask(1ull << apic_id, vector);
}

/* one fixed IPI to every APIC ID in `mask` (IDs are vCPU indexes, below ABI_MAX_CPUS): to two or more, one PV
 * send-IPI hypercall for all of them when KVM offers it and hypercalls work on this backend, as
 * kvm_send_ipi_mask does (arch/x86/kernel/kvm.c); else an ICR send each. A mask of one CPU is always an ICR
 * send: kvm_setup_pv_ipi replaces only apic->send_IPI_mask and send_IPI_mask_allbutself, and Linux sends a
 * call-function IPI to exactly one other CPU with send_call_function_single_ipi (kernel/smp.c
 * smp_call_function_many_cond), which reaches the x2APIC driver's send_IPI */
void apic_send_ipi_mask(uint64_t mask, uint32_t vector) {
  int multicast = (mask & (mask - 1)) != 0;
  if (multicast && (kvm_features & KVM_FEATURE_PV_SEND_IPI) && !(boot->disabled & ABI_DISABLE_HYPERCALL)) {
    uint64_t nr = KVM_HC_SEND_IPI;
    uint64_t bitmap_low = mask, bitmap_high = 0, min = 0, icr = vector;
    if (boot->amd) __asm__ volatile("vmmcall" : "+a"(nr) : "b"(bitmap_low), "c"(bitmap_high), "d"(min), "S"(icr) : "memory");
    else __asm__ volatile("vmcall" : "+a"(nr) : "b"(bitmap_low), "c"(bitmap_high), "d"(min), "S"(icr) : "memory");
    return;
  }
  for (uint32_t id = 0; id < ABI_MAX_CPUS; id++)
    if (mask & (1ull << id)) apic_icr(id, vector);
}

/* `ticks` expiries of a periodic timer: one TMICT write starts it, KVM re-arms it, one stops it */
static uint32_t periodic_ticks(uint64_t period_ns, uint64_t ticks) {
  if (period_ns / TIMER_COUNT_NS > 0xffffffffull) return ABI_ST_FAILED;
  set_lvtt(VEC_TIMER | LVTT_PERIODIC);
  uint64_t first = boot->timer_irqs;
  apic_write(APIC_TMICT, (uint32_t)(period_ns / TIMER_COUNT_NS));
  for (uint64_t i = 1; i <= ticks; i++) wait_for(&boot->timer_irqs, first + i);
  apic_write(APIC_TMICT, 0);
  return ABI_ST_OK;
}

uint32_t apic_timer(uint32_t period_us, uint64_t ticks) {
  uint64_t ns = (uint64_t)period_us * 1000;
  switch (boot->lapic_timer) {
  case ABI_TIMER_PERIODIC: return periodic_ticks(ns, ticks);
  case ABI_TIMER_ONESHOT:
    if (ns / TIMER_COUNT_NS > 0xffffffffull) return ABI_ST_FAILED;
    set_lvtt(VEC_TIMER);
    for (uint64_t i = 0; i < ticks; i++) {
      uint64_t t = boot->timer_irqs;
      apic_write(APIC_TMICT, (uint32_t)(ns / TIMER_COUNT_NS));
      wait_for(&boot->timer_irqs, t + 1);
    }
    return ABI_ST_OK;
  default: {
    if (!boot->tsc_khz) { op_detail = 1; return ABI_ST_FAILED; }
    uint64_t cycles = (uint64_t)period_us * boot->tsc_khz / 1000;
    set_lvtt(VEC_TIMER | LVTT_DEADLINE);
    for (uint64_t i = 0; i < ticks; i++) {
      uint64_t t = boot->timer_irqs;
      wrmsr(MSR_TSC_DEADLINE, rdtsc_ordered() + cycles);
      wait_for(&boot->timer_irqs, t + 1);
    }
    return ABI_ST_OK;
  }
  }
}

/* `count` HLTs, each until the next interrupt: the LAPIC timer's periodic tick wakes them */
uint32_t apic_hlt(uint64_t count) { return periodic_ticks(HLT_TICK_NS, count); }

/* `count` self-IPIs through the x2APIC SELF_IPI register, or in xAPIC mode (which has none) an ICR write with
 * the self shorthand, as Linux's __default_send_IPI_shortcut. Masked: sent with interrupts disabled and taken at
 * the STI; NOP after it (kvm-unit-tests x86/vmexit.c self_ipi_sti_nop); else sent with interrupts enabled */
static void self_ipi(void) {
  if (xapic) apic_write(APIC_ICR, APIC_DEST_SELF | VEC_SELF);
  else apic_write(APIC_SELF_IPI, VEC_SELF);
}

uint32_t apic_self_ipi(uint64_t count, int masked) {
  uint64_t first = self_ipis;
  for (uint64_t i = 1; i <= count; i++) {
    if (masked) {
      self_ipi();
      __asm__ volatile("sti; nop; cli" ::: "memory");
    } else {
      __asm__ volatile("sti" ::: "memory");
      self_ipi();
      __asm__ volatile("cli" ::: "memory");
    }
    if (self_ipis != first + i) return ABI_ST_FAILED;
  }
  return ABI_ST_OK;
}
