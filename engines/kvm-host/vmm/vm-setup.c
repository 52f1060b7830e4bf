/* Creating the VM, its memory, its in-kernel interrupt controller and its vCPUs, and putting every vCPU
 * straight into 64-bit long mode: the host writes the GDT, the TSS and a 4-level identity map into guest memory
 * and loads the segment and control registers with KVM_SET_SREGS, so the guest needs no boot code (KVM API doc
 * 4.2 KVM_CREATE_VM, 4.35 KVM_SET_USER_MEMORY_REGION, 4.24 KVM_CREATE_IRQCHIP, 4.7 KVM_CREATE_VCPU,
 * 4.14 KVM_SET_SREGS, 4.46 KVM_SET_CPUID2). vCPU 1 is started the same way rather than by INIT-SIPI: the guest
 * has no real-mode trampoline to take a SIPI, and with the in-kernel LAPIC KVM holds an AP in
 * KVM_MP_STATE_UNINITIALIZED until one arrives, so the VMM marks it runnable (4.39 KVM_SET_MP_STATE). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "vmm.h"

#define HUGE_2M (2ull << 20)

/* Intel SDM Vol. 4 Table 2-2 (AMD: APM Vol. 2 §13.2.4) */
#define MSR_TSC        0x10u
#define MSR_TSC_ADJUST 0x3bu

#define PTE_P  0x001ull
#define PTE_RW 0x002ull
#define PTE_US 0x004ull /* user-accessible: the guest's user-mode syscall stub runs from the identity map */
#define PTE_PWT 0x008ull
#define PTE_PCD 0x010ull
#define PTE_PS 0x080ull

static int fail(char *err, size_t errlen, const char *what) {
  snprintf(err, errlen, "%s: %s", what, strerror(errno));
  return -1;
}

/* KVM accepts a guest's write to IA32_TSC (0x10) or IA32_TSC_ADJUST (0x3b) and moves the guest's TSC
 * (arch/x86/kvm/x86.c kvm_set_msr_common), which would corrupt every TSC cost the guest measures after it.
 * The MSR filter (api.rst 4.126 KVM_X86_SET_MSR_FILTER; a clear bitmap bit denies) sends those writes to
 * us, and vcpu-loop.c refuses them with a #GP, as a VMM that owns the TSC does. Reads stay in KVM. */
static int protect_tsc(struct vm *vm) {
  static uint8_t deny = 0;
  struct kvm_msr_filter filter = {
    .flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
    .ranges = {
      { .flags = KVM_MSR_FILTER_WRITE, .nmsrs = 1, .base = MSR_TSC, .bitmap = &deny },
      { .flags = KVM_MSR_FILTER_WRITE, .nmsrs = 1, .base = MSR_TSC_ADJUST, .bitmap = &deny },
    },
  };
  return ioctl(vm->vm_fd, KVM_X86_SET_MSR_FILTER, &filter);
}

/* CPUID.1:ECX bits (Intel SDM Vol. 2A Table 3-10) */
#define CPUID_1_ECX_X2APIC       (1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

/* The guest must see the CPUID the host can virtualize, otherwise leaf values are all zero (api.rst 4.46).
 * KVM emulates the TSC-deadline timer in its LAPIC but leaves the bit to the VMM (KVM_CAP_TSC_DEADLINE_TIMER;
 * QEMU sets it the same way), and takes LVTT's TSC-deadline mode only when the guest's CPUID has it
 * (kvm_vcpu_after_set_cpuid sets lapic_timer.timer_mode_mask). */
static int set_cpuid(struct vm *vm, int vcpu_fd, char *err, size_t errlen) {
  enum { MAX_ENTRIES = 256 };
  static union {
    struct kvm_cpuid2 c;
    uint8_t raw[sizeof(struct kvm_cpuid2) + MAX_ENTRIES * sizeof(struct kvm_cpuid_entry2)];
  } buf;
  memset(&buf, 0, sizeof buf);
  buf.c.nent = MAX_ENTRIES;
  if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, &buf.c) < 0) return fail(err, errlen, "KVM_GET_SUPPORTED_CPUID");
  int deadline = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0;
  for (uint32_t i = 0; i < buf.c.nent; i++) {
    struct kvm_cpuid_entry2 *e = &buf.c.entries[i];
    if (e->function == 0) vm->amd = e->ebx == 0x68747541u; /* "Auth"enticAMD */
    if (e->function == 1) e->ecx |= CPUID_1_ECX_X2APIC | (deadline ? CPUID_1_ECX_TSC_DEADLINE : 0);
  }
  if (ioctl(vcpu_fd, KVM_SET_CPUID2, &buf.c) < 0) return fail(err, errlen, "KVM_SET_CPUID2");
  return 0;
}

static int create_vcpu(struct vm *vm, uint32_t index, char *err, size_t errlen) {
  struct vcpu *v = &vm->vcpu[index];
  v->index = index;
  v->vm = vm;
  v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, index);
  if (v->fd < 0) return fail(err, errlen, "KVM_CREATE_VCPU");
  v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
  if (v->run == MAP_FAILED) { v->run = NULL; return fail(err, errlen, "mmap kvm_run"); }
  return set_cpuid(vm, v->fd, err, errlen);
}

int vm_create(struct vm *vm, const struct vmm_options *opt, char *err, size_t errlen) {
  vm->kvm_fd = vm->vm_fd = -1;
  vm->virtio.kick_fd = vm->virtio.irq_fd = vm->virtio.stop_fd = -1;
  for (uint32_t i = 0; i < ABI_MAX_CPUS; i++) vm->vcpu[i].fd = -1;
  pthread_mutex_init(&vm->lock, NULL);
  vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (vm->kvm_fd < 0) return fail(err, errlen, "open /dev/kvm");
  if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
    snprintf(err, errlen, "KVM_GET_API_VERSION is not %d", KVM_API_VERSION);
    return -1;
  }
  vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
  if (vm->vm_fd < 0) return fail(err, errlen, "KVM_CREATE_VM");

  /* MAP_NORESERVE: only the pages the guest touches are ever backed, so a large RAM size costs nothing.
   * Guest RAM starts on a 2 MiB boundary and is advised for transparent huge pages, as QEMU does for its RAM
   * (qemu_anon_ram_alloc in util/oslib-posix.c aligns to QEMU_VMALLOC_ALIGN; ram_block_add in
   * softmmu/physmem.c advises QEMU_MADV_HUGEPAGE): KVM forbids large nested mappings in a memslot whose host
   * address and guest frame differ in their offset within a large page (kvm_alloc_memslot_metadata in
   * arch/x86/kvm/x86.c), so unaligned guest RAM takes one nested fault per 4 KiB page. */
  vm->mem_bytes = opt->mem_bytes;
  vm->mem_map_len = vm->mem_bytes + HUGE_2M;
  vm->mem_map = mmap(NULL, vm->mem_map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (vm->mem_map == MAP_FAILED) { vm->mem_map = NULL; return fail(err, errlen, "mmap guest memory"); }
  vm->mem = (uint8_t *)(((uintptr_t)vm->mem_map + HUGE_2M - 1) & ~(uintptr_t)(HUGE_2M - 1));
  /* a kernel without THP refuses the advice; the run still works, with 4 KiB nested mappings */
  (void)madvise(vm->mem, vm->mem_bytes, MADV_HUGEPAGE);
  struct kvm_userspace_memory_region region = {
    .slot = 0, .guest_phys_addr = 0, .memory_size = vm->mem_bytes, .userspace_addr = (uint64_t)(uintptr_t)vm->mem,
  };
  if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) return fail(err, errlen, "KVM_SET_USER_MEMORY_REGION");

  /* the LAPIC (timer, IPIs, EOI) in the kernel, as QEMU's default kernel-irqchip=on; before any vCPU exists */
  if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) return fail(err, errlen, "KVM_CREATE_IRQCHIP");
  int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (size < (int)sizeof(struct kvm_run)) return fail(err, errlen, "KVM_GET_VCPU_MMAP_SIZE");
  vm->run_size = (size_t)size;
  vm->cpus = opt->cpus;
  for (uint32_t i = 0; i < vm->cpus; i++)
    if (create_vcpu(vm, i, err, errlen) < 0) return -1;

  /* MSRs KVM does not know, values KVM refuses and MSRs the filter below denies exit to us as
   * KVM_EXIT_X86_RDMSR/WRMSR instead of a #GP in the guest, so an `msr` op of any index is a countable exit
   * (api.rst 7.21 KVM_CAP_X86_USER_SPACE_MSR); vcpu-loop.c then refuses the writes as KVM would. Optional:
   * without it the guest's #GP handler counts the fault instead. */
  struct kvm_enable_cap cap = { .cap = KVM_CAP_X86_USER_SPACE_MSR,
                                .args = { KVM_MSR_EXIT_REASON_UNKNOWN | KVM_MSR_EXIT_REASON_INVAL |
                                          KVM_MSR_EXIT_REASON_FILTER } };
  if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap) == 0 && protect_tsc(vm) < 0) return fail(err, errlen, "KVM_X86_SET_MSR_FILTER");
  return 0;
}

static void write_gdt(struct vm *vm) {
  uint64_t *gdt = (uint64_t *)(vm->mem + ABI_GDT_GPA);
  gdt[0] = 0;
  gdt[ABI_SEL_KCODE / 8] = 0x00af9b000000ffffull; /* 64-bit code, DPL 0 */
  gdt[ABI_SEL_KDATA / 8] = 0x00cf93000000ffffull; /* data, DPL 0 */
  gdt[ABI_SEL_UBASE / 8] = 0x00cffb000000ffffull; /* 32-bit user code: only there for SYSRET's layout */
  gdt[ABI_SEL_UDATA / 8] = 0x00cff3000000ffffull; /* data, DPL 3 */
  gdt[ABI_SEL_UCODE / 8] = 0x00affb000000ffffull; /* 64-bit code, DPL 3 */
  /* 64-bit TSS descriptor (16 bytes): RSP0 gives ring-3 exceptions a kernel stack. */
  uint64_t base = ABI_TSS_GPA, limit = 0x67;
  gdt[ABI_SEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                         ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
  gdt[ABI_SEL_TSS / 8 + 1] = base >> 32;
  uint8_t *tss = vm->mem + ABI_TSS_GPA;
  memset(tss, 0, 0x68);
  uint64_t rsp0 = ABI_STACK_TOP;
  memcpy(tss + 4, &rsp0, 8);
  uint16_t iopb = 0x68; /* no I/O permission bitmap: ring 3 port I/O faults */
  memcpy(tss + 0x66, &iopb, 2);
}

/* Identity map of the first 1 GiB with 2 MiB pages: RAM, the MMIO page, and the guest's own tables later
 * reuse this PDPT for the kernel half of every address space. The 2 MiB page holding the xAPIC registers is
 * mapped too, kernel-only and uncached (PCD | PWT, as Linux maps it with fix_to_virt(FIX_APIC_BASE) and
 * PAGE_KERNEL_NOCACHE); guest RAM never reaches it, so an access goes to KVM's local APIC. */
static void write_page_tables(struct vm *vm) {
  uint64_t *pml4 = (uint64_t *)(vm->mem + ABI_PML4_GPA);
  uint64_t *pdpt = (uint64_t *)(vm->mem + ABI_PDPT_GPA);
  uint64_t *pd = (uint64_t *)(vm->mem + ABI_PD_GPA);
  uint64_t *apic_pd = (uint64_t *)(vm->mem + ABI_APIC_PD_GPA);
  memset(pml4, 0, 4096);
  memset(pdpt, 0, 4096);
  memset(apic_pd, 0, 4096);
  pml4[0] = ABI_PDPT_GPA | PTE_P | PTE_RW | PTE_US;
  pdpt[0] = ABI_PD_GPA | PTE_P | PTE_RW | PTE_US;
  for (uint64_t i = 0; i < 512; i++) pd[i] = (i << 21) | PTE_P | PTE_RW | PTE_US | PTE_PS;
  pdpt[ABI_XAPIC_GPA >> 30] = ABI_APIC_PD_GPA | PTE_P | PTE_RW;
  apic_pd[(ABI_XAPIC_GPA >> 21) & 511] = (ABI_XAPIC_GPA & ~0x1fffffull) | PTE_P | PTE_RW | PTE_PWT | PTE_PCD | PTE_PS;
}

static int set_long_mode(const struct vcpu *v, char *err, size_t errlen) {
  struct kvm_sregs s;
  if (ioctl(v->fd, KVM_GET_SREGS, &s) < 0) return fail(err, errlen, "KVM_GET_SREGS");
  struct kvm_segment code = { .base = 0, .limit = 0xffffffff, .selector = ABI_SEL_KCODE, .type = 11, .present = 1,
                              .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1 };
  struct kvm_segment data = code;
  data.selector = ABI_SEL_KDATA;
  data.type = 3;
  data.l = 0;
  data.db = 1;
  struct kvm_segment tr = { .base = ABI_TSS_GPA, .limit = 0x67, .selector = ABI_SEL_TSS, .type = 11, .present = 1,
                            .s = 0 };
  s.cs = code;
  s.ds = s.es = s.fs = s.gs = s.ss = data;
  s.tr = tr;
  s.gdt.base = ABI_GDT_GPA;
  s.gdt.limit = ABI_SEL_TSS + 16 - 1;
  s.idt.base = 0;
  s.idt.limit = 0; /* the guest loads its own IDT first thing */
  s.cr0 = 0x80050033ull;   /* PG | AM | WP | NE | ET | MP | PE */
  s.cr3 = ABI_PML4_GPA;
  s.cr4 = 0x620ull;        /* OSXMMEXCPT | OSFXSR | PAE */
  s.efer = 0x501ull;       /* LMA | LME | SCE */
  if (ioctl(v->fd, KVM_SET_SREGS, &s) < 0) return fail(err, errlen, "KVM_SET_SREGS");
  struct kvm_regs r;
  memset(&r, 0, sizeof r);
  r.rip = ABI_IMAGE_GPA;
  r.rsp = v->index ? ABI_AP_STACK_TOP - (v->index - 1) * ABI_AP_STACK_BYTES : ABI_STACK_TOP;
  r.rdi = ABI_BOOT_GPA;
  r.rsi = v->index;
  r.rflags = 0x2;
  if (ioctl(v->fd, KVM_SET_REGS, &r) < 0) return fail(err, errlen, "KVM_SET_REGS");
  struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
  if (v->index && ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0) return fail(err, errlen, "KVM_SET_MP_STATE");
  return 0;
}

int vm_load(struct vm *vm, const struct vmm_options *opt, const uint8_t *image, size_t image_len,
            const uint8_t *ops, size_t ops_len, uint32_t ops_count, char *err, size_t errlen) {
  if (image_len > ABI_IMAGE_MAX || ops_len > ABI_OPS_MAX) {
    snprintf(err, errlen, "guest image or operation stream too large");
    return -1;
  }
  memcpy(vm->mem + ABI_IMAGE_GPA, image, image_len);
  memcpy(vm->mem + ABI_OPS_GPA, ops, ops_len);
  write_gdt(vm);
  write_page_tables(vm);
  struct abi_boot *boot = (struct abi_boot *)(vm->mem + ABI_BOOT_GPA);
  memset(boot, 0, sizeof *boot);
  boot->magic = ABI_BOOT_MAGIC;
  boot->ops_count = ops_count;
  boot->mem_bytes = vm->mem_bytes;
  boot->io_virtio = (uint32_t)opt->io_virtio;
  boot->amd = (uint32_t)vm->amd;
  boot->compute_cap = opt->compute_cap;
  boot->disabled = opt->disabled;
  boot->lapic_timer = opt->lapic_timer;
  boot->cpus = vm->cpus;
  boot->apic_mode = opt->apic_mode;
  int khz = ioctl(vm->vcpu[0].fd, KVM_GET_TSC_KHZ, 0);
  boot->tsc_khz = khz > 0 ? (uint64_t)khz : 0; /* 0: the guest fails a TSC-deadline timer op instead of guessing */
  vm->ops_count = ops_count;
  for (uint32_t i = 0; i < vm->cpus; i++)
    if (set_long_mode(&vm->vcpu[i], err, errlen) < 0) return -1;
  return opt->io_virtio ? virtio_blk_start(vm, err, errlen) : 0;
}

void vm_destroy(struct vm *vm) {
  virtio_blk_stop(vm);
  for (uint32_t i = 0; i < ABI_MAX_CPUS; i++) {
    struct vcpu *v = &vm->vcpu[i];
    if (v->run) munmap(v->run, vm->run_size);
    if (v->fd >= 0) close(v->fd);
    v->run = NULL;
    v->fd = -1;
  }
  if (vm->mem_map) munmap(vm->mem_map, vm->mem_map_len);
  if (vm->vm_fd >= 0) close(vm->vm_fd);
  if (vm->kvm_fd >= 0) close(vm->kvm_fd);
  vm->mem = NULL;
  vm->mem_map = NULL;
  vm->vm_fd = vm->kvm_fd = -1;
}
