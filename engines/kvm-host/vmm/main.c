/* hvbench-vmm: runs one operation stream in a fresh VM (two vCPUs by default: the BSP runs the stream, the
 * AP takes its IPIs) and prints one JSON report.
 *
 *   hvbench-vmm --guest FILE [--mem-mb N] [--timeout-ms N] [--io virtio|emulated] [--compute-cap N]
 *               [--disable hypercall|syscall|hypercall,syscall] [--lapic-timer deadline|oneshot|periodic]
 *               [--cpus 1-8] [--apic x2apic|xapic] [--phase-copy-from FILE --phase-copy-to FILE] < ops
 *
 * At the guest's phase op (the end of setup) the VMM keeps its tallies and KVM's statistics, and copies
 * --phase-copy-from to --phase-copy-to (kvm-qemu: L1's kvm_exit histogram); the report gives them as `setup`.
 *
 * One process per run keeps a crashing or misbehaving guest (or VMM) away from the harness, and the kernel
 * reclaims every fd and page when it exits. Exit status: 0 the run completed, 1 the run failed (the report
 * says why), 2 the VM could not be set up (usage, /dev/kvm, ioctl errors). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report.h"

static size_t read_all(FILE *f, uint8_t *buf, size_t max, int *too_big) {
  size_t n = fread(buf, 1, max, f);
  *too_big = n == max && fgetc(f) != EOF;
  return n;
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || end == s || v < min || v > max) return -1;
  *out = v;
  return 0;
}

static int parse_disable(const char *list, uint32_t *out) {
  *out = 0;
  if (!strcmp(list, "none")) return 0;
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, ",");
    if (len == 9 && !strncmp(p, "hypercall", len)) *out |= ABI_DISABLE_HYPERCALL;
    else if (len == 7 && !strncmp(p, "syscall", len)) *out |= ABI_DISABLE_SYSCALL;
    else return -1;
    p += len + (p[len] == ',');
  }
  return 0;
}

static int parse_args(int argc, char **argv, struct vmm_options *opt) {
  opt->mem_bytes = 128ull << 20;
  opt->timeout_ms = 10000;
  opt->io_virtio = 1;
  opt->compute_cap = 1000000;
  opt->cpus = ABI_CPUS;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    uint64_t n;
    if (!val) return -1;
    if (!strcmp(arg, "--guest")) opt->guest_path = val;
    else if (!strcmp(arg, "--mem-mb") && !parse_u64(val, ABI_MIN_MEM >> 20, ABI_MAX_MEM >> 20, &n)) opt->mem_bytes = n << 20;
    else if (!strcmp(arg, "--timeout-ms") && !parse_u64(val, 1, 3600000, &n)) opt->timeout_ms = (unsigned)n;
    else if (!strcmp(arg, "--io") && (!strcmp(val, "virtio") || !strcmp(val, "emulated"))) opt->io_virtio = !strcmp(val, "virtio");
    else if (!strcmp(arg, "--compute-cap") && !parse_u64(val, 1, 1ull << 40, &n)) opt->compute_cap = n;
    else if (!strcmp(arg, "--disable")) { if (parse_disable(val, &opt->disabled) < 0) return -1; }
    else if (!strcmp(arg, "--lapic-timer") && !strcmp(val, "deadline")) opt->lapic_timer = ABI_TIMER_DEADLINE;
    else if (!strcmp(arg, "--lapic-timer") && !strcmp(val, "oneshot")) opt->lapic_timer = ABI_TIMER_ONESHOT;
    else if (!strcmp(arg, "--lapic-timer") && !strcmp(val, "periodic")) opt->lapic_timer = ABI_TIMER_PERIODIC;
    else if (!strcmp(arg, "--cpus") && !parse_u64(val, 1, ABI_MAX_CPUS, &n)) opt->cpus = (uint32_t)n;
    else if (!strcmp(arg, "--apic") && !strcmp(val, "x2apic")) opt->apic_mode = ABI_APIC_X2APIC;
    else if (!strcmp(arg, "--apic") && !strcmp(val, "xapic")) opt->apic_mode = ABI_APIC_XAPIC;
    else if (!strcmp(arg, "--phase-copy-from")) opt->phase_copy_from = val;
    else if (!strcmp(arg, "--phase-copy-to")) opt->phase_copy_to = val;
    else return -1;
    i++;
  }
  return opt->guest_path ? 0 : -1;
}

/* The op count the VMM trusts is the one in the stream as the harness wrote it, bounded by its length; the
 * guest's copy in memory may be overwritten by the guest and is never used for indexing. */
static uint32_t stream_count(const uint8_t *ops, size_t len) {
  struct abi_ops_header h;
  if (len < sizeof h) return 0;
  memcpy(&h, ops, sizeof h);
  if (h.magic != ABI_OPS_MAGIC || h.version != ABI_OPS_VERSION) return 0;
  size_t fit = (len - sizeof h) / sizeof(struct abi_op);
  return h.count <= fit ? h.count : (uint32_t)fit;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
  struct vmm_options opt = { 0 };
  if (parse_args(argc, argv, &opt) < 0) {
    report_setup_error("usage: hvbench-vmm --guest FILE [--mem-mb N] [--timeout-ms N] [--io virtio|emulated] "
                       "[--compute-cap N] [--disable hypercall,syscall] [--lapic-timer deadline|oneshot|periodic] "
                       "[--cpus 1-8] [--apic x2apic|xapic] [--phase-copy-from FILE --phase-copy-to FILE] < operation-stream");
    return 2;
  }
  static uint8_t image[ABI_IMAGE_MAX], ops[ABI_OPS_MAX];
  char err[256];
  int too_big = 0;
  FILE *gf = fopen(opt.guest_path, "rb");
  if (!gf) {
    snprintf(err, sizeof err, "cannot open guest image %s: %s", opt.guest_path, strerror(errno));
    report_setup_error(err);
    return 2;
  }
  size_t image_len = read_all(gf, image, sizeof image, &too_big);
  fclose(gf);
  size_t ops_len = too_big ? 0 : read_all(stdin, ops, sizeof ops, &too_big);
  if (too_big) {
    report_setup_error("guest image or operation stream larger than its slot in guest memory");
    return 2;
  }

  struct vm vm;
  memset(&vm, 0, sizeof vm);
  uint32_t count = stream_count(ops, ops_len);
  vm.op_exits = calloc(count ? count : 1, sizeof *vm.op_exits);
  if (!vm.op_exits || vm_create(&vm, &opt, err, sizeof err) < 0 ||
      vm_load(&vm, &opt, image, image_len, ops, ops_len, count, err, sizeof err) < 0) {
    report_setup_error(vm.op_exits ? err : "out of memory");
    vm_destroy(&vm);
    free(vm.op_exits);
    return 2;
  }
  /* every vCPU's own statistics: vCPU 1 takes the IPIs and flushes vCPU 0 sends */
  struct stats_snapshot *vm_stats = stats_open(vm.vm_fd);
  if (vm_stats) stats_read(vm_stats, STATS_BEFORE);
  for (uint32_t i = 0; i < vm.cpus; i++)
    if ((vm.vcpu_stats[i] = stats_open(vm.vcpu[i].fd))) stats_read(vm.vcpu_stats[i], STATS_BEFORE);
  vm.vm_stats = vm_stats;
  vm.phase_copy_from = opt.phase_copy_from;
  vm.phase_copy_to = opt.phase_copy_to;

  if (watchdog_arm(&vm, opt.timeout_ms) < 0) {
    report_setup_error("cannot arm the watchdog timer");
    return 2;
  }
  uint64_t start = now_ns();
  vm_run(&vm);
  uint64_t wall = now_ns() - start;
  watchdog_disarm();
  virtio_blk_stop(&vm); /* its tallies are final once the thread is gone */
  if (!vm.failure && vm.guest_status != 0) {
    snprintf(vm.failure_detail, sizeof vm.failure_detail, "guest reported error %u", vm.guest_status);
    vm.failure = vm.failure_detail;
    vm.failure_exit = "IO";
  }

  if (vm_stats) stats_read(vm_stats, STATS_AFTER);
  for (uint32_t i = 0; i < vm.cpus; i++)
    if (vm.vcpu_stats[i]) stats_read(vm.vcpu_stats[i], STATS_AFTER);
  struct report_input in = { .wall_ns = wall, .vm_stats = vm_stats };
  for (uint32_t i = 0; i < vm.cpus; i++) in.vcpu_stats[i] = vm.vcpu_stats[i];
  report_run(&vm, &in);
  stats_close(vm_stats);
  for (uint32_t i = 0; i < vm.cpus; i++) stats_close(vm.vcpu_stats[i]);
  vm_destroy(&vm);
  free(vm.op_exits);
  return vm.failure ? 1 : 0;
}
