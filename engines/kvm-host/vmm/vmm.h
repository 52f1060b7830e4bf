/* State shared by the VMM's files: one VM with its vCPUs, its guest memory, and the per-run tallies (summed over
 * the vCPUs: each vCPU thread adds to them under vm->lock). */
#ifndef HVBENCH_VMM_H
#define HVBENCH_VMM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>
#include "../include/abi.h"
#include "devices/virtio-blk.h"

#define VMM_CONSOLE_MAX 4096
#define VMM_EXIT_KINDS 64 /* kvm_run.exit_reason values we tally by number; larger ones land in "other" */

struct stats_snapshot; /* stats.c */

struct vmm_options {
  const char *guest_path;
  const char *phase_copy_from, *phase_copy_to; /* a file copied at the end of setup (L1's exit histogram) */
  uint64_t mem_bytes;
  unsigned timeout_ms;
  int io_virtio;
  uint64_t compute_cap;
  uint32_t disabled; /* ABI_DISABLE_* */
  uint32_t lapic_timer; /* enum abi_lapic_timer */
  uint32_t cpus;        /* 1 to ABI_MAX_CPUS */
  uint32_t apic_mode;   /* enum abi_apic_mode */
};

struct vcpu {
  int fd;
  struct kvm_run *run;
  uint32_t index;
  struct vm *vm;
  pthread_t thread;
  int has_thread; /* thread is set: kicks may go to it */
};

/* the virtio-blk queue, its eventfds into KVM and its I/O thread (devices/virtio-blk-thread.c) */
struct virtio_blk_dev {
  struct virtq q;
  int kick_fd, irq_fd, stop_fd; /* KVM_IOEVENTFD's, KVM_IRQFD's, and the thread's stop signal */
  pthread_t thread;
  int started;
  uint64_t notifies;            /* notify writes KVM signalled (an eventfd read can carry several) */
  struct virtio_blk_tally tally;
};

struct vm {
  int kvm_fd, vm_fd;
  struct vcpu vcpu[ABI_MAX_CPUS];
  uint32_t cpus;
  size_t run_size;
  pthread_mutex_t lock;
  uint8_t *mem;
  uint64_t mem_bytes;
  void *mem_map;      /* the mapping guest RAM was carved from (mem is its first 2 MiB boundary) */
  size_t mem_map_len;
  uint32_t ops_count;
  int amd;
  /* tallies */
  uint64_t exits[VMM_EXIT_KINDS];
  uint64_t exits_other;
  uint64_t *op_exits;      /* exits attributed to each op index (ops_count entries) */
  uint64_t exits_outside;  /* exits while no op was running (boot, calibration, the end) */
  uint64_t dev_debug, dev_serial, dev_block, dev_mmio, dev_msr, dev_control; /* dev_debug: fw_cfg's data port too */
  uint64_t fw_cfg_offset;  /* bytes of the fw_cfg item read so far (devices/fw-cfg.c) */
  struct virtio_blk_dev virtio;
  uint64_t dev_msr_refused; /* MSR writes answered with #GP (vcpu-loop.c) */
  /* the end of setup (the guest's phase op, devices/control.c): the tallies and guest counters as they were
   * there; the report's top-level counts stay the whole run's */
  int setup_ended;
  uint64_t setup_exits[VMM_EXIT_KINDS], setup_exits_other, setup_exits_outside;
  struct abi_boot setup_boot;
  /* NULL when the host has no binary stats; vcpu_stats by vCPU index, up to cpus */
  struct stats_snapshot *vm_stats, *vcpu_stats[ABI_MAX_CPUS];
  const char *phase_copy_from, *phase_copy_to;
  char console[VMM_CONSOLE_MAX + 1];
  size_t console_len;
  /* how the run ended */
  int finished;            /* the guest reported completion through the control port */
  uint32_t guest_status;   /* value it wrote there */
  const char *failure;     /* static text: why the run failed, NULL when it did not */
  const char *failure_exit;/* the exit reason name that ended a failed run */
  char failure_detail[240];
  uint64_t failure_rip;     /* guest RIP when a failed run ended, for the report */
};

/* vm-setup.c */
int vm_create(struct vm *vm, const struct vmm_options *opt, char *err, size_t errlen);
int vm_load(struct vm *vm, const struct vmm_options *opt, const uint8_t *image, size_t image_len,
            const uint8_t *ops, size_t ops_len, uint32_t ops_count, char *err, size_t errlen);
void vm_destroy(struct vm *vm);

/* vcpu-loop.c: vm_run runs every vCPU until the guest finishes or fails */
void vm_run(struct vm *vm);
const char *exit_reason_name(uint32_t reason);

/* watchdog.c */
int watchdog_arm(struct vm *vm, unsigned timeout_ms);
void watchdog_disarm(void);
void vcpu_kick(struct vm *vm, const struct vcpu *except);
int watchdog_fired(void);

/* lapic-state.c: a stopped vCPU's halt state and its ISR and IRR vectors, one line for a failure report */
void lapic_describe(const struct vcpu *v, char *out, size_t len);

/* devices */
void serial_out(struct vm *vm, uint8_t byte);
void debug_port_io(struct vm *vm, struct kvm_run *run);
uint8_t *pio_data(struct kvm_run *run, size_t run_size, uint64_t *bytes);
void fw_cfg_data_io(struct vm *vm, struct kvm_run *run, uint8_t *data, uint64_t bytes);
void control_port_out(struct vm *vm, uint32_t value);
void control_end_setup(struct vm *vm);
void block_io(struct vm *vm, struct kvm_run *run);
int virtio_blk_start(struct vm *vm, char *err, size_t errlen);
void virtio_blk_stop(struct vm *vm);
void mmio_access(struct vm *vm, struct kvm_run *run);

/* stats.c: each counter is read at three points, the deltas printed between two of them */
enum stats_point { STATS_BEFORE, STATS_SETUP, STATS_AFTER, STATS_POINTS };
struct stats_snapshot *stats_open(int fd);
int stats_read(struct stats_snapshot *s, enum stats_point at);
void stats_print_deltas(const struct stats_snapshot *s, enum stats_point from, enum stats_point to,
                        void (*emit)(const char *name, uint64_t delta, void *ctx), void *ctx);
void stats_close(struct stats_snapshot *s);

#endif
