/* The guest kernel's main loop: validate the operation stream the VMM placed at ABI_OPS_GPA, then run each
 * operation with real instructions, reading the TSC around it and recording cycles and status at
 * ABI_RESULTS_GPA. abi_boot.current_op tells the VMM which operation its exits belong to. */
#include "cpu.h"
#include "guest.h"
#include "apic.h"

#define MSR_EFER   0xc0000080u
#define MSR_STAR   0xc0000081u
#define MSR_LSTAR  0xc0000082u
#define MSR_FMASK  0xc0000084u

struct abi_boot *boot;
uint32_t op_detail;

/* MSRs a workload must not write: they hold this kernel's own execution state (its local APIC included). */
static int msr_protected(uint32_t index) {
  return (index >= 0xc0000080u && index <= 0xc0000104u) || index == 0x1b || index == 0x277 ||
         (index >= 0x174 && index <= 0x176) || (index >= 0x800 && index <= 0x8ff) || index == MSR_KVM_PV_EOI_EN;
}

static void syscall_init(void) {
  wrmsr(MSR_STAR, (uint64_t)ABI_SEL_UBASE << 48 | (uint64_t)ABI_SEL_KCODE << 32);
  wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
  wrmsr(MSR_FMASK, 0x700); /* TF, IF, DF cleared on entry */
  wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1);
}

/* TSC cycles of 1000 iterations of a 2-instruction loop (dec; jnz): about 1000 when the guest runs natively,
 * far more when the backend emulates it. */
static uint64_t loop_cost_x1000(void) {
  uint64_t n = 1000, t0 = rdtsc_ordered();
  __asm__ volatile("1: dec %0; jnz 1b" : "+r"(n));
  return rdtsc_ordered() - t0;
}

static uint32_t run_op(const struct abi_op *op) {
  uint64_t n = op->b;
  switch (op->kind) {
  case OPK_COMPUTE: {
    uint64_t iters = n < boot->compute_cap ? n : boot->compute_cap;
    if (iters != n) op_detail = 1;
    if (iters) __asm__ volatile("1: dec %0; jnz 1b" : "+r"(iters));
    return ABI_ST_OK;
  }
  case OPK_SYSCALL:
    if (boot->disabled & ABI_DISABLE_SYSCALL) { op_detail = ABI_DETAIL_DISABLED; return ABI_ST_SKIPPED; }
    enter_user(n);
    boot->syscalls += n;
    return ABI_ST_OK;
  case OPK_CPUID:
    for (uint64_t i = 0; i < n; i++) cpuid0();
    return ABI_ST_OK;
  case OPK_RDTSC:
    for (uint64_t i = 0; i < n; i++) (void)rdtsc_ordered();
    return ABI_ST_OK;
  case OPK_MSR:
    if ((op->flags & ABI_F_WRITE) && msr_protected(op->a)) return ABI_ST_SKIPPED;
    for (uint64_t i = 0; i < n; i++) {
      if (op->flags & ABI_F_WRITE) wrmsr(op->a, 0);
      else (void)rdmsr(op->a);
    }
    return ABI_ST_OK;
  case OPK_HLT: return apic_hlt(n);
  case OPK_HYPERCALL:
    if (boot->disabled & ABI_DISABLE_HYPERCALL) { op_detail = ABI_DETAIL_DISABLED; return ABI_ST_SKIPPED; }
    for (uint64_t i = 0; i < n; i++) hypercall((int)boot->amd);
    return ABI_ST_OK;
  case OPK_PIO: {
    uint16_t port = (uint16_t)op->a;
    uint32_t code = (op->flags & ABI_F_WIDTH_MASK) >> ABI_F_WIDTH_SHIFT;
    uint32_t width = code ? 1u << (code - 1) : 1;
    if (op->c) {
      /* a string PIO: the serializer bounds elements x width by the buffer; checked again, the stream is input */
      if (op->c > ABI_PIO_BUF_BYTES / width) return ABI_ST_FAILED;
      for (uint64_t i = 0; i < n; i++) abi_rep_pio(port, op->flags & ABI_F_WRITE, width, (void *)ABI_PIO_BUF_GPA, op->c);
      return ABI_ST_OK;
    }
    for (uint64_t i = 0; i < n; i++) {
      if (op->flags & ABI_F_WRITE) outb(port, (uint8_t)i);
      else (void)inb(port);
    }
    return ABI_ST_OK;
  }
  case OPK_MMIO: {
    volatile uint32_t *reg = (volatile uint32_t *)ABI_MMIO_GPA;
    for (uint64_t i = 0; i < n; i++) {
      if (op->flags & ABI_F_WRITE) *reg = (uint32_t)i;
      else (void)*reg;
    }
    return ABI_ST_OK;
  }
  case OPK_MAP: return paging_map(op->region, n, (op->flags & ABI_F_PS_MASK) >> ABI_F_PS_SHIFT);
  case OPK_UNMAP: return paging_unmap(op->region);
  case OPK_PROTECT: return paging_protect(op->region, op->flags & ABI_F_WRITE);
  case OPK_TOUCH:
    return paging_touch(op->region, (op->flags & ABI_F_PAT_MASK) >> ABI_F_PAT_SHIFT, n, op->flags & ABI_F_WRITE,
                        (op->flags & ABI_F_HAS_STRIDE) ? op->c : 1);
  case OPK_INVLPG: return paging_invlpg(op->region, n);
  case OPK_FORK: return process_fork(op->flags & ABI_F_VFORK);
  case OPK_EXEC: return process_exec();
  case OPK_EXIT: return process_exit();
  case OPK_SWITCH: return process_switch(op->a);
  case OPK_IO:
    return boot->io_virtio ? io_virtio(op->flags & ABI_F_WRITE, op->c, n)
                           : io_emulated(op->flags & ABI_F_WRITE, op->c, n);
  case OPK_TIMER: return apic_timer(op->a, n);
  case OPK_IPI: return (op->flags & ABI_F_NET) ? smp_ipi_other(n) : apic_self_ipi(n, op->flags & ABI_F_MASKED);
  case OPK_SHOOTDOWN: return smp_shootdown(op->region, op->a);
  case OPK_PHASE:
    /* the end of setup: one port write the VMM answers by keeping its tallies and KVM's statistics here */
    outl(ABI_PORT_CONTROL, ABI_CONTROL_PHASE);
    return ABI_ST_OK;
  default:
    /* a kind this guest does not know */
    op_detail = op->kind;
    return ABI_ST_SKIPPED;
  }
}

/* the VMM enters every vCPU here, RSI = its index */
_Noreturn void guest_main(struct abi_boot *b, uint32_t cpu) {
  if (cpu != 0) smp_ap_main(cpu);
  boot = b;
  traps_init();
  idt_set(VEC_TIMER, (uint64_t)irq_timer);
  idt_set(VEC_CALL, (uint64_t)irq_call);
  idt_set(VEC_SELF, (uint64_t)irq_self);
  idt_set(VEC_VIRTIO, (uint64_t)irq_virtio);
  idt_set(VEC_SPURIOUS, (uint64_t)irq_spurious);
  syscall_init();
  paging_init();
  apic_init(0);
  smp_boot_ap();
  if (boot->io_virtio) io_virtio_init();
  boot->loop_cycles_x1000 = loop_cost_x1000();
  boot->apic_mmio = 0; /* the ops' xAPIC accesses: every vCPU's boot is done (smp_boot_ap), its own are the baseline's */
  boot->current_op = 0xffffffffu;
  const struct abi_ops_header *h = (const struct abi_ops_header *)ABI_OPS_GPA;
  const struct abi_op *ops = (const struct abi_op *)(ABI_OPS_GPA + sizeof *h);
  struct abi_op_result *results = (struct abi_op_result *)ABI_RESULTS_GPA;
  uint32_t count = h->magic == ABI_OPS_MAGIC && h->version == ABI_OPS_VERSION ? boot->ops_count : 0;
  /* a stream without a phase op: setup is the boot alone (engines/types.ts), so it ends here */
  uint32_t phases = 0;
  for (uint32_t i = 0; i < count; i++) phases += ops[i].kind == OPK_PHASE;
  if (!phases) outl(ABI_PORT_CONTROL, ABI_CONTROL_PHASE);
  for (uint32_t i = 0; i < count; i++) {
    boot->current_op = i;
    op_detail = 0;
    uint64_t t0 = rdtsc_ordered();
    uint32_t status = run_op(&ops[i]);
    uint64_t t1 = rdtsc_ordered();
    results[i] = (struct abi_op_result){ .tsc = t1 - t0, .status = status, .detail = op_detail };
  }
  boot->current_op = 0xffffffffu;
  boot->done = 1;
  outl(ABI_PORT_CONTROL, 0);
  guest_panic(0x300, "the VMM resumed a finished guest", 0);
}
