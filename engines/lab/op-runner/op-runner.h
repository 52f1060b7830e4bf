/* The op-runner: the hvbench operation vocabulary (engines/types.ts GuestOp) run as real system calls by an
 * ordinary Linux process, so a real kernel (native, a Xen PV dom0, a KVM guest) does the work the simulated
 * engines model. It reads the binary stream engines/kvm-host/op-stream.ts writes (record layout in
 * engines/kvm-host/include/abi.h) and prints one line per operation (see main.c for the format). */
#ifndef HVBENCH_OP_RUNNER_H
#define HVBENCH_OP_RUNNER_H

#include <stdint.h>
#include "../../kvm-host/include/abi.h"

/* the processes of the op vocabulary: pid 1 is the first, `fork` gives the next pid; at most this many */
#define RUNNER_MAX_PROCS ABI_MAX_SPACES

/* descriptors every process of the run inherits at fixed numbers, so an exec'd image finds them again */
#define FD_STREAM 200      /* the operation stream (a memfd copy of the input) */
#define FD_SHARED 201      /* struct runner_shared */
#define FD_MARKER 202      /* ftrace's trace_marker, when --marker is given */
#define FD_FAULTS 203      /* perf software counters, when perf_event_open works */
#define FD_CSW    204
#define FD_NET    205      /* the socket net io ops use with --net-peer (net-peer.c) */
#define FD_PIPES  210      /* 210 + 2 * pid: the read end of pid's wake-up pipe, + 1 the write end */

/* state every process of the run shares (a MAP_SHARED memfd, so it survives fork and, by its fd, exec) */
struct runner_shared {
  uint32_t next_pid;                        /* vocabulary pid the next fork gets */
  int32_t os_pid[RUNNER_MAX_PROCS + 1];     /* by vocabulary pid; 0: none */
  uint32_t parent[RUNNER_MAX_PROCS + 1];
  uint8_t exited[RUNNER_MAX_PROCS + 1];
  /* the running operation's start, so the process that finishes an op another began (switch, exit, exec)
   * prints its line */
  uint64_t start_ns, start_faults, start_csw;
};
extern struct runner_shared *shared;

/* what one run is configured with, from the command line */
struct runner_config {
  uint64_t compute_cap;   /* most loop iterations one compute op runs */
  const char *disk;       /* file or block device for disk io ops; NULL: skipped */
  const char *net_peer;   /* IPv4 address of the host net io ops go to (net-peer.c); NULL: loopback UDP */
  uint16_t net_port;      /* the UDP port the peer serves on (--net-port; 0 with --net-serve: any free one) */
  int privileged;         /* pio and hypercall ops may be tried (only inside a throwaway guest) */
};

/* reason codes printed in the `detail` column of a skipped or failed op */
enum runner_detail {
  DETAIL_NONE = 0,
  DETAIL_RING0 = 1,       /* needs ring 0 (hlt, msr, invlpg, mmio): a user process cannot */
  DETAIL_NO_DEVICE = 2,   /* no disk given, or no privcmd for a hypercall */
  DETAIL_CAPPED = 3,      /* compute ran compute_cap iterations, fewer than asked */
  DETAIL_NOT_MAPPED = 4,  /* the region is not mapped in this process */
  DETAIL_ERRNO = 5,       /* a system call failed: errno is printed */
  DETAIL_NO_PROCESS = 6,  /* switch to a pid that does not exist / too many processes */
  DETAIL_NOT_PRIVILEGED = 7, /* pio needs --privileged */
  DETAIL_SMP = 8,         /* ipi to another CPU or a shootdown needs the helper on a second CPU (smp.c) */
  DETAIL_PIO_BUFFER = 9,  /* a string PIO's elements x width exceed the ABI_PIO_BUF_BYTES buffer */
  DETAIL_PIO_FAULT = 10,  /* the port access faulted (SIGSEGV) although ioperm succeeded: no I/O privilege */
};

struct op_outcome {
  uint32_t status;        /* enum abi_op_status */
  uint32_t detail;        /* enum runner_detail */
  int err;                /* errno for DETAIL_ERRNO */
};

/* memory.c */
struct op_outcome mem_map(uint32_t region, uint64_t bytes, uint32_t page_size);
struct op_outcome mem_unmap(uint32_t region);
struct op_outcome mem_protect(uint32_t region, int writable);
struct op_outcome mem_touch(uint32_t region, uint32_t pattern, uint64_t accesses, int write, uint64_t stride);
/* a touch record's fields given to mem_touch, on the calling thread's CPU */
struct op_outcome mem_touch_op(const struct abi_op *op);

/* process.c: fork/exec/exit/switch. Control passes between processes as a token naming the op that passed
 * it; the receiver finishes that op's line and goes on with the next one. */
#define TOKEN_STOP 0xffffffffu
void proc_create_shared(void);
void proc_attach(uint32_t self_pid);
uint32_t proc_self(void);
/* 0 in the parent (outcome set), 1 in the child, which must then wait for its first token */
int proc_fork(struct op_outcome *outcome);
/* vfork at op `op`: the new process runs `child` (it ends by exec or exit; a return ends the process) at once on its own stack in this
 * address space while this one waits in the kernel until it execs or exits; returns in this process
 * afterwards, 0 with `outcome` set on failure, 1 once the child let go of the address space */
int proc_vfork(uint32_t op, void (*child)(uint32_t op), struct op_outcome *outcome);
/* the pid the next fork or vfork gives */
uint32_t proc_next_pid(void);
/* fault the vfork child's stack in before the run (only for a stream with a vfork) */
void proc_prepare_vfork(void);
/* block until another process hands control here; returns the op index it passed control in */
uint32_t proc_wait(void);
/* hand control to `to` at op `op` and wait for it to come back; DETAIL_NO_PROCESS if `to` is not running */
struct op_outcome proc_switch(uint32_t to, uint32_t op, uint32_t *resumed_at);
_Noreturn void proc_exit(uint32_t op);
/* re-execute this program, which resumes after op `op` in a fresh address space; returns only on failure */
struct op_outcome proc_exec(char **argv, uint32_t op);
/* the stream is done: stop every other process and reap the children */
void proc_finish(void);

/* io.c */
void io_prepare(void);
/* the 1 MiB buffer io ops move data from and to; NULL before io_prepare or when it failed */
uint8_t *io_buffer(void);
struct op_outcome io_disk(const char *path, int write, uint64_t bytes, uint64_t requests);
struct op_outcome io_net(int write, uint64_t bytes, uint64_t requests);
struct op_outcome io_timer(uint32_t period_us, uint64_t ticks);

/* net-peer.c: net io op i against the host at --net-peer (after peer_prepare, -1 when its socket cannot be
 * made; an exec'd image finds the socket again at FD_NET), and that host's side of the whole stream (never
 * returns) */
int peer_prepare(const char *peer, uint16_t port);
struct op_outcome peer_net(const struct abi_op *ops, uint32_t i);
_Noreturn void peer_serve(const struct abi_op *ops, uint32_t count, uint16_t port);

/* smp.c: `count` helper threads, each on a CPU of its own other than the runner's, for ipi, shootdown and touch (as
 * many as the CPUs allow; none on one CPU) */
void smp_prepare(int cpu, uint32_t count);
struct op_outcome smp_ipi(int other, uint64_t count);
/* a touch record on the CPU it names (its `a`): the runner's own for 0, else that CPU's helper; skipped without it */
struct op_outcome smp_touch(const struct abi_op *op);
/* munmap of a region while `cpus` - 1 helpers run in the process on their CPUs; skipped without that many */
struct op_outcome smp_shootdown(uint32_t region, uint32_t cpus);

/* counts.c: page faults and context switches of this run's processes */
struct sw_counts { uint64_t faults, csw; };
const char *counts_open(void);
struct sw_counts counts_read(void);

/* cpu.c: the instructions and hypercalls */
void cpu_cpuid(uint64_t n);
void cpu_rdtsc(uint64_t n);
void cpu_compute(uint64_t n);
void cpu_syscall(uint64_t n);
struct op_outcome cpu_hypercall(uint64_t n);
/* an mmuext_op hypercall with no operations, the marker --xen-marker puts in Xen's trace; -1 without privcmd */
int cpu_xen_marker(void);
/* the forced-emulation CPUID --xen-cpuid-marker puts in Xen's trace from a domU (a user-mode address) */
void cpu_xen_cpuid_marker(void);
/* the markers --kvm-marker puts in a KVM host's kvm_cpuid trace: leaf KVM_MARKER_BEGIN or _END, subleaf = op */
#define KVM_MARKER_BEGIN 0x4856b001u
#define KVM_MARKER_END 0x4856b002u
/* inside a shootdown op, around its munmap: subleaf 1 before, 0 after, so the host tells the flush's exits
 * from the helpers' wake-ups before it (engines/kvm-qemu/op-brackets.ts) */
#define KVM_MARKER_UNMAP 0x4856b003u
void cpu_kvm_marker(uint32_t leaf, uint32_t index);
/* main.c: --kvm-marker was given */
extern int kvm_marker;
void cpu_pio_prepare(void);
struct op_outcome cpu_pio(uint16_t port, int write, uint64_t n, uint32_t width, uint64_t elements, int privileged);

#endif
