/* op-runner [--compute-cap=N] [--disk=PATH] [--net-peer=IPv4] [--net-serve] [--net-port=N] [--marker=PATH] [--xen-marker] [--xen-cpuid-marker] [--kvm-marker] [--cpu=N] [--privileged] STREAM|-
 *
 * Runs an hvbench operation stream (the binary form engines/kvm-host/op-stream.ts writes) with real system
 * calls and prints, on standard output, one header line, one line per operation and a last line:
 *
 *   op-runner 1 ops=<count> counts=<perf|proc>
 *   op <index> <kind> <ok|skipped|failed> <detail> <errno> <ns> <faults> <csw> <pid>
 *   op-runner done
 *
 * `ns` is CLOCK_MONOTONIC time around the operation; `faults` and `csw` the page faults and context
 * switches during it (counts.c says whose). With --marker (ftrace's trace_marker) it writes
 * `hvbench op <index> begin <kind>` before and `hvbench op <index> end` after each operation, so every
 * tracepoint event in between belongs to that operation. With --xen-marker (in a Xen domain with privcmd) it
 * also makes an mmuext_op hypercall of zero operations right after the begin marker and right before the end
 * one: Linux never issues an empty mmuext_op, so in Xen's trace buffer (xentrace) these two hypercalls
 * bracket what the hypervisor saw of the operation. --xen-cpuid-marker does the same from a PV domU, whose
 * privcmd refuses arbitrary hypercalls: Xen's forced-emulation CPUID, recorded with its user-mode address
 * (the guest kernel's own forced CPUIDs have kernel addresses). With --kvm-marker (in a KVM guest) it executes CPUID
 * leaf KVM_MARKER_BEGIN, subleaf <index>, right after the begin marker and leaf KVM_MARKER_END right before
 * the end one: each exits to the host, whose kvm_cpuid tracepoint names the leaf and subleaf, so the host's
 * kvm_exit events in between are the operation's (plus the end marker's own CPUID exit). All processes run on one CPU (--cpu, default 0);
 * ipi ops have a helper thread on the next one, a touch on CPU k runs on the helper of CPU k (smp.c).
 * With --net-peer, net io ops go to that host, where
 * `op-runner --net-serve STREAM` answers them (net-peer.c) on UDP port --net-port (default NET_PORT; 0 lets
 * the peer take a free one, which it prints). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "op-runner.h"

#define NET_PORT 7001

static const char *const KIND_NAMES[OPK_LIMIT] = {
  [OPK_COMPUTE] = "compute", [OPK_SYSCALL] = "syscall", [OPK_CPUID] = "cpuid", [OPK_RDTSC] = "rdtsc",
  [OPK_MSR] = "msr", [OPK_HLT] = "hlt", [OPK_HYPERCALL] = "hypercall", [OPK_PIO] = "pio", [OPK_MMIO] = "mmio",
  [OPK_MAP] = "map", [OPK_UNMAP] = "unmap", [OPK_PROTECT] = "protect", [OPK_TOUCH] = "touch",
  [OPK_INVLPG] = "invlpg", [OPK_FORK] = "fork", [OPK_EXEC] = "exec", [OPK_EXIT] = "exit", [OPK_SWITCH] = "switch",
  [OPK_IO] = "io", [OPK_TIMER] = "timer", [OPK_IPI] = "ipi", [OPK_SHOOTDOWN] = "shootdown", [OPK_PHASE] = "phase",
};
static const char *const STATUS_NAMES[] = { "not-run", "ok", "skipped", "failed" };

static struct runner_config config = { .compute_cap = 1000000000ull };
static const struct abi_op *ops;
static uint32_t op_count;
static int marker = -1;
static int xen_marker;
static int xen_cpuid_marker;
int kvm_marker;

static _Noreturn void usage(const char *message) {
  fprintf(stderr, "op-runner: %s\n", message);
  exit(2);
}

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static const char *kind_name(uint8_t kind) {
  return kind > 0 && kind < OPK_LIMIT ? KIND_NAMES[kind] : "unknown";
}

/* the two markers sit next to each other, so Linux's and Xen's windows of an operation nearly coincide */
static void begin(uint32_t i) {
  struct sw_counts c = counts_read();
  shared->start_faults = c.faults;
  shared->start_csw = c.csw;
  shared->start_ns = now_ns();
  if (marker >= 0) dprintf(marker, "hvbench op %u begin %s\n", i, kind_name(ops[i].kind));
  if (xen_marker) cpu_xen_marker();
  if (xen_cpuid_marker) cpu_xen_cpuid_marker();
  if (kvm_marker) cpu_kvm_marker(KVM_MARKER_BEGIN, i);
}

static void end(uint32_t i, struct op_outcome out) {
  if (kvm_marker) cpu_kvm_marker(KVM_MARKER_END, i);
  if (xen_cpuid_marker) cpu_xen_cpuid_marker();
  if (xen_marker) cpu_xen_marker();
  if (marker >= 0) dprintf(marker, "hvbench op %u end\n", i);
  uint64_t ns = now_ns() - shared->start_ns;
  struct sw_counts c = counts_read();
  dprintf(1, "op %u %s %s %u %d %llu %llu %llu %u\n", i, kind_name(ops[i].kind), STATUS_NAMES[out.status], out.detail,
          out.err, (unsigned long long)ns, (unsigned long long)(c.faults - shared->start_faults),
          (unsigned long long)(c.csw - shared->start_csw), proc_self());
}

static const struct op_outcome OK = { ABI_ST_OK, DETAIL_NONE, 0 };
static char **runner_argv;
static void run_from(uint32_t i, char **argv);

/* a vfork child's first steps: the vfork returned to it, so it finishes the fork op's line and goes on with
 * the stream (the next op, checked by check_vforks, switches to it: it runs already) */
static void vfork_child(uint32_t i) {
  end(i, OK);
  run_from(i + 1, runner_argv);
}

static struct op_outcome skipped(uint32_t detail) { return (struct op_outcome){ ABI_ST_SKIPPED, detail, 0 }; }

/* runs op i; for the ops that pass control to another process, sets *resumed_at to the op index control
 * came back with (its line is already printed) and returns 1 */
static int run_op(uint32_t i, char **argv, struct op_outcome *out, uint32_t *resumed_at) {
  const struct abi_op *op = &ops[i];
  int write = op->flags & ABI_F_WRITE;
  switch (op->kind) {
  case OPK_COMPUTE:
    cpu_compute(op->b < config.compute_cap ? op->b : config.compute_cap);
    *out = op->b > config.compute_cap ? (struct op_outcome){ ABI_ST_OK, DETAIL_CAPPED, 0 } : OK;
    return 0;
  case OPK_SYSCALL: cpu_syscall(op->b); *out = OK; return 0;
  case OPK_CPUID: cpu_cpuid(op->b); *out = OK; return 0;
  case OPK_RDTSC: cpu_rdtsc(op->b); *out = OK; return 0;
  case OPK_HYPERCALL: *out = cpu_hypercall(op->b); return 0;
  case OPK_PIO: {
    uint32_t code = (op->flags & ABI_F_WIDTH_MASK) >> ABI_F_WIDTH_SHIFT;
    *out = cpu_pio((uint16_t)op->a, write, op->b, code ? 1u << (code - 1) : 1, op->c, config.privileged);
    return 0;
  }
  case OPK_MSR: case OPK_HLT: case OPK_MMIO: case OPK_INVLPG: *out = skipped(DETAIL_RING0); return 0;
  case OPK_IPI: *out = smp_ipi(op->flags & ABI_F_NET, op->b); return 0;
  case OPK_SHOOTDOWN: *out = smp_shootdown(op->region, op->a); return 0;
  case OPK_MAP: *out = mem_map(op->region, op->b, (op->flags & ABI_F_PS_MASK) >> ABI_F_PS_SHIFT); return 0;
  case OPK_UNMAP: *out = mem_unmap(op->region); return 0;
  case OPK_PROTECT: *out = mem_protect(op->region, write); return 0;
  case OPK_TOUCH: *out = smp_touch(op); return 0;
  case OPK_IO:
    if (!(op->flags & ABI_F_NET)) *out = io_disk(config.disk, write, op->c, op->b);
    else *out = config.net_peer ? peer_net(ops, i) : io_net(write, op->c, op->b);
    return 0;
  case OPK_TIMER: *out = io_timer(op->a, op->b); return 0;
  case OPK_FORK:
    if (op->flags & ABI_F_VFORK) { /* back here once the child exec'd or exited: wait for control */
      if (!proc_vfork(i, vfork_child, out)) return 0;
      *resumed_at = proc_wait();
      return 1;
    }
    if (proc_fork(out)) { /* the child runs only when switched to */
      *resumed_at = proc_wait();
      return 1;
    }
    return 0;
  case OPK_SWITCH:
    *out = proc_switch(op->a, i, resumed_at);
    return out->status == ABI_ST_OK && *resumed_at != i;
  case OPK_EXIT:
    if (proc_self() == 1) { *out = skipped(DETAIL_NO_PROCESS); return 0; } /* pid 1 runs the stream to its end */
    proc_exit(i);
  case OPK_EXEC: *out = proc_exec(argv, i); return 0;
  /* the engines take the phase out of the stream (engines/lab/phase-split.ts); one left in marks nothing */
  case OPK_PHASE: *out = OK; return 0;
  default: *out = (struct op_outcome){ ABI_ST_FAILED, DETAIL_NONE, 0 }; return 0;
  }
}

static void run_from(uint32_t i, char **argv) {
  while (i < op_count) {
    begin(i);
    struct op_outcome out;
    uint32_t resumed_at;
    if (run_op(i, argv, &out, &resumed_at)) {
      /* another process ran meanwhile and passed control back in op `resumed_at`, whose line is ours */
      end(resumed_at, OK);
      i = resumed_at + 1;
      continue;
    }
    end(i, out);
    i++;
  }
  dprintf(1, "op-runner done\n");
  proc_finish();
}

static uint64_t number(const char *text, const char *what) {
  char *rest;
  errno = 0;
  unsigned long long v = strtoull(text, &rest, 10);
  if (errno || rest == text || *rest) {
    char message[160];
    snprintf(message, sizeof message, "%s must be a non-negative integer, got \"%s\"", what, text);
    usage(message);
  }
  return v;
}

/* the input, copied into a memfd at FD_STREAM so an exec'd image maps the same stream */
static void load_stream(const char *path) {
  int in = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
  if (in < 0) { fprintf(stderr, "op-runner: %s: %s\n", path, strerror(errno)); exit(2); }
  int fd = memfd_create("op-runner-stream", 0);
  if (fd < 0 || dup2(fd, FD_STREAM) < 0) usage("cannot create the stream copy");
  if (fd != FD_STREAM) close(fd);
  char buf[65536];
  ssize_t got;
  uint64_t total = 0;
  while ((got = read(in, buf, sizeof buf)) > 0) {
    total += (uint64_t)got;
    if (total > ABI_OPS_MAX || write(FD_STREAM, buf, (size_t)got) != got) usage("the stream is larger than an operation stream may be");
  }
  if (got < 0) { fprintf(stderr, "op-runner: %s: %s\n", path, strerror(errno)); exit(2); }
  if (in > 0) close(in);
}

static void map_stream(void) {
  struct stat st;
  if (fstat(FD_STREAM, &st) < 0) usage("no stream");
  size_t size = (size_t)st.st_size;
  const uint8_t *bytes = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, FD_STREAM, 0) : NULL;
  const struct abi_ops_header *h = (const struct abi_ops_header *)bytes;
  if (size < sizeof *h || bytes == MAP_FAILED || h->magic != ABI_OPS_MAGIC || h->version != ABI_OPS_VERSION)
    usage("the input is not an hvbench operation stream (version 1)");
  if (h->count > (size - sizeof *h) / sizeof(struct abi_op) || h->names_offset != sizeof *h + h->count * sizeof(struct abi_op))
    usage("the operation stream's header does not match its length");
  ops = (const struct abi_op *)(bytes + sizeof *h);
  op_count = h->count;
}

/* A vfork child runs at once and its parent sleeps until the child's exec or exit (kernel/fork.c
 * wait_for_vfork_done), so the op after a vfork must be the switch to the child: the one order both the
 * simulated kernel and a real one can follow. Pids go in order from 2, one per fork. Refused before anything
 * runs; a stream with a vfork gets the child's stack faulted in now. */
static void check_vforks(void) {
  uint32_t next_pid = 2;
  int any = 0;
  for (uint32_t i = 0; i < op_count; i++) {
    if (ops[i].kind != OPK_FORK) continue;
    uint32_t pid = next_pid++;
    if (!(ops[i].flags & ABI_F_VFORK)) continue;
    any = 1;
    if (i + 1 >= op_count || ops[i + 1].kind != OPK_SWITCH || ops[i + 1].a != pid) {
      char m[200];
      snprintf(m, sizeof m, "op %u: a vfork child runs at once while its parent waits for its exec or exit, so op %u must switch to pid %u", i, i + 1, pid);
      usage(m);
    }
  }
  if (any) proc_prepare_vfork();
}

/* what the ops from `from` on need before any of them runs, so no operation's window holds its set-up: the
 * I/O buffer (only for a stream with io ops: its pages would otherwise be copied by every fork), the peer's
 * socket and the helper thread. An exec'd image comes here again for the rest of the stream, since the
 * buffer and the thread do not survive exec (the socket does, at FD_NET) */
static void prepare(uint32_t from, int cpu) {
  for (uint32_t i = from; i < op_count; i++)
    if (ops[i].kind == OPK_IO) { io_prepare(); break; }
  for (uint32_t i = from; config.net_peer && i < op_count; i++)
    if (ops[i].kind == OPK_IO && (ops[i].flags & ABI_F_NET)) {
      if (peer_prepare(config.net_peer, config.net_port) < 0) usage("--net-peer: no UDP socket to that address");
      break;
    }
  /* helpers: one for an ipi to the other CPU, N - 1 for the widest shootdown to N CPUs, k for a touch on CPU k */
  uint32_t helpers = 0;
  for (uint32_t i = from; i < op_count; i++) {
    if (ops[i].kind == OPK_IPI && helpers < 1) helpers = 1;
    if (ops[i].kind == OPK_SHOOTDOWN && ops[i].a > helpers + 1) helpers = ops[i].a - 1;
    if (ops[i].kind == OPK_TOUCH && ops[i].a > helpers) helpers = ops[i].a;
  }
  if (helpers) smp_prepare(cpu, helpers);
  for (uint32_t i = from; i < op_count; i++)
    if (ops[i].kind == OPK_PIO && ops[i].c) { cpu_pio_prepare(); break; }
}

int main(int argc, char **argv) {
  const char *input = NULL, *marker_path = NULL;
  long resume_op = -1, resume_pid = 0;
  int serve = 0;
  uint64_t cpu = 0, port = NET_PORT;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--compute-cap=", 14) == 0) config.compute_cap = number(a + 14, "--compute-cap");
    else if (strncmp(a, "--disk=", 7) == 0) config.disk = a + 7;
    else if (strncmp(a, "--net-peer=", 11) == 0) config.net_peer = a + 11;
    else if (strcmp(a, "--net-serve") == 0) serve = 1;
    else if (strncmp(a, "--net-port=", 11) == 0) port = number(a + 11, "--net-port");
    else if (strncmp(a, "--marker=", 9) == 0) marker_path = a + 9;
    else if (strncmp(a, "--cpu=", 6) == 0) cpu = number(a + 6, "--cpu");
    else if (strcmp(a, "--privileged") == 0) config.privileged = 1;
    else if (strcmp(a, "--xen-marker") == 0) xen_marker = 1;
    else if (strcmp(a, "--xen-cpuid-marker") == 0) xen_cpuid_marker = 1;
    else if (strcmp(a, "--kvm-marker") == 0) kvm_marker = 1;
    else if (strncmp(a, "--resume=", 9) == 0 && sscanf(a + 9, "%ld:%ld", &resume_op, &resume_pid) == 2) {}
    else if (a[0] == '-' && a[1]) { char m[160]; snprintf(m, sizeof m, "unknown option %.100s", a); usage(m); }
    else if (input) usage("more than one stream given");
    else input = a;
  }
  runner_argv = argv;
  if (port > 65535 || (port == 0 && !serve)) usage("--net-port: a UDP port from 1 to 65535 (0 only with --net-serve)");
  config.net_port = (uint16_t)port;
  if (resume_op >= 0) { /* an exec'd image: the stream, shared state and counters are at their FD_* numbers */
    map_stream();
    check_vforks();
    proc_attach((uint32_t)resume_pid);
    if (fcntl(FD_MARKER, F_GETFD) >= 0) marker = FD_MARKER;
    end((uint32_t)resume_op, OK);
    prepare((uint32_t)resume_op + 1, (int)cpu);
    run_from((uint32_t)resume_op + 1, argv);
    return 0;
  }
  if (!input) usage("no stream given (a file, or - for standard input)");
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET((int)cpu, &set);
  if (cpu >= CPU_SETSIZE || sched_setaffinity(0, sizeof set, &set) < 0) usage("--cpu names a CPU this process may not run on");
  if (xen_marker && access("/dev/xen/privcmd", R_OK | W_OK) < 0) usage("--xen-marker: no Xen privcmd device (/dev/xen/privcmd)");
  if (marker_path) {
    int fd = open(marker_path, O_WRONLY);
    if (fd < 0 || dup2(fd, FD_MARKER) < 0) { fprintf(stderr, "op-runner: %s: %s\n", marker_path, strerror(errno)); exit(2); }
    if (fd != FD_MARKER) close(fd);
    marker = FD_MARKER;
  }
  load_stream(input);
  map_stream();
  if (serve) peer_serve(ops, op_count, config.net_port);
  check_vforks();
  proc_create_shared();
  /* before the helpers start: perf's counters reach only threads created after them (attr.inherit) */
  const char *source = counts_open();
  prepare(0, (int)cpu);
  dprintf(1, "op-runner 1 ops=%u counts=%s\n", op_count, source);
  run_from(0, argv);
  return 0;
}
