/* The instruction-level ops: compute loops, null system calls, CPUID, RDTSC, a null hypercall through Linux's
 * privcmd driver (only inside a Xen domain), and port I/O through ioperm (only with --privileged). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "op-runner.h"

/* Xen's public/xen.h: __HYPERVISOR_xen_version = 17; public/version.h: XENVER_version = 0, which only reads
 * the version, the cheapest hypercall that does nothing */
#define HYPERVISOR_XEN_VERSION 17
#define XENVER_VERSION 0
/* public/xen.h: __HYPERVISOR_mmuext_op = 26, DOMID_SELF = 0x7ff0 */
#define HYPERVISOR_MMUEXT_OP 26
#define DOMID_SELF 0x7ff0

/* Linux include/uapi/xen/privcmd.h (its installed copy needs kernel-internal headers, so the two definitions
 * the runner uses are restated) */
struct privcmd_hypercall { uint64_t op, arg[5]; };
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

void cpu_compute(uint64_t n) {
  if (n) __asm__ volatile("1: dec %0; jnz 1b" : "+r"(n));
}

/* getppid: a system call that does no work and is not cached by the C library */
void cpu_syscall(uint64_t n) {
  for (uint64_t i = 0; i < n; i++) syscall(SYS_getppid);
}

void cpu_cpuid(uint64_t n) {
  for (uint64_t i = 0; i < n; i++) {
    uint32_t a = 0, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)::"memory");
  }
}

void cpu_rdtsc(uint64_t n) {
  for (uint64_t i = 0; i < n; i++) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
  }
}

int cpu_xen_marker(void) {
  static int fd = -2;
  if (fd == -2) fd = open("/dev/xen/privcmd", O_RDWR);
  if (fd < 0) return -1;
  struct privcmd_hypercall call = { .op = HYPERVISOR_MMUEXT_OP, .arg = { 0, 0, 0, DOMID_SELF } };
  return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call) < 0 ? -1 : 0;
}

/* Xen's forced-emulation CPUID (ud2; .ascii "xen"; cpuid — public/arch-x86/xen.h XEN_EMULATE_PREFIX), which Xen
 * emulates for a PV guest in user mode too and records as TRC_PV_FORCED_INVALID_OP with the address
 * (xen/arch/x86/pv/emul-inv-op.c): the marker of a domU, whose privcmd refuses arbitrary hypercalls */
void cpu_xen_cpuid_marker(void) {
  uint32_t a = 0, b, c = 0, d;
  __asm__ volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)::"memory");
}

/* CPUID is intercepted unconditionally under SVM and VMX (AMD APM Vol. 2 §15.9, Intel SDM Vol. 3 §26.1.2), and
 * KVM's kvm_cpuid tracepoint (arch/x86/kvm/cpuid.c kvm_cpuid) records the leaf and subleaf as the guest asked
 * for them, so this leaf in the hypervisor range that no hypervisor defines tags the host's trace */
void cpu_kvm_marker(uint32_t leaf, uint32_t index) {
  uint32_t a = leaf, b, c = index, d;
  __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d)::"memory");
}

struct op_outcome cpu_hypercall(uint64_t n) {
  int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
  if (fd < 0) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_NO_DEVICE, errno };
  struct privcmd_hypercall call = { .op = HYPERVISOR_XEN_VERSION, .arg = { XENVER_VERSION } };
  for (uint64_t i = 0; i < n; i++) {
    if (ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &call) < 0) {
      int err = errno;
      close(fd);
      return (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, err };
    }
  }
  close(fd);
  return (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 };
}

/* a string PIO's page-aligned buffer (the freestanding guest's is ABI_PIO_BUF_GPA, of the same size) */
static uint8_t pio_buf[ABI_PIO_BUF_BYTES] __attribute__((aligned(4096)));

/* written once before the operations, so a string PIO's first pass takes no page fault inside its operation */
void cpu_pio_prepare(void) {
  memset(pio_buf, 0, sizeof pio_buf);
}

static sigjmp_buf pio_fault;
static void on_pio_fault(int sig) {
  (void)sig;
  siglongjmp(pio_fault, 1);
}

/* n INs or OUTs of one byte, or with elements > 0 n string instructions (abi_rep_pio) of that many elements of
 * `width` bytes; ioperm(2) opens the port's bit in this process's I/O bitmap first. Where the port access
 * still faults (a #GP the kernel turns into SIGSEGV: a hypervisor that gives the guest no I/O privilege), the
 * operation is skipped with that reason and the run goes on. */
struct op_outcome cpu_pio(uint16_t port, int write, uint64_t n, uint32_t width, uint64_t elements, int privileged) {
  if (!privileged) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_NOT_PRIVILEGED, 0 };
  if (elements > ABI_PIO_BUF_BYTES / width) return (struct op_outcome){ ABI_ST_FAILED, DETAIL_PIO_BUFFER, 0 };
  if (ioperm(port, 1, 1) < 0) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_ERRNO, errno };
  struct sigaction fault = { .sa_handler = on_pio_fault }, saved;
  sigemptyset(&fault.sa_mask);
  sigaction(SIGSEGV, &fault, &saved);
  struct op_outcome out = { ABI_ST_OK, DETAIL_NONE, 0 };
  if (sigsetjmp(pio_fault, 1) == 0) {
    for (uint64_t i = 0; i < n; i++) {
      if (elements) abi_rep_pio(port, write, width, pio_buf, elements);
      else if (write) outb((uint8_t)i, port);
      else (void)inb(port);
    }
  } else {
    out = (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_PIO_FAULT, 0 };
  }
  sigaction(SIGSEGV, &saved, NULL);
  ioperm(port, 1, 0);
  return out;
}
