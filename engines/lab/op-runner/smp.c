/* ipi to the other CPU: a helper thread of the process, pinned to a second CPU, started before the first op
 * when the stream has an ipi (so its creation belongs to no op); a shootdown to N CPUs has N - 1 of them, each
 * pinned to a CPU of its own. It sleeps in FUTEX_WAIT, so its CPU idles (a
 * halted vCPU); each IPI is a FUTEX_WAKE, whose wake-up of a task on an idle CPU is one IPI to it
 * (kernel/sched/core.c ttwu_queue_wakelist, or the reschedule IPI), and the sender spins until the helper
 * answers, as the freestanding guest's ipi op waits for vCPU 1. A shootdown is a munmap while the helpers run
 * in the process on their CPUs (spinning in user space, as the model's threads run there), so the kernel's
 * flush_tlb_mm_range must reach those CPUs (arch/x86/mm/tlb.c). A self-IPI cannot be sent from user space, and
 * a process forked or exec'd after the helper started has no helper: those are skipped. A touch naming CPU k
 * runs on the helper of CPU k (a thread of the same mm, as the model's threads are), so that CPU's TLB holds the
 * region's entries and is in the mm's cpumask when a later munmap flushes; the runner spins meanwhile. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "op-runner.h"

enum helper_cmd { H_SLEEP, H_PING, H_SPIN, H_TOUCH };

/* the freestanding guest's limit (include/abi.h ABI_MAX_CPUS): a shootdown names at most that many CPUs */
#define MAX_HELPERS (ABI_MAX_CPUS - 1)

struct helper {
  _Atomic uint32_t cmd;
  _Atomic uint64_t acks;  /* requests the helper has taken */
  int cpu;
  const struct abi_op *touch; /* H_TOUCH: the op to run, and its outcome */
  struct op_outcome touched;
};
static struct helper helpers[MAX_HELPERS];
static uint32_t helper_count;
static pid_t owner; /* the process the helpers are threads of */

static void futex(_Atomic uint32_t *word, int op, uint32_t value) {
  syscall(SYS_futex, word, op, value, NULL, NULL, 0);
}

static void *helper_main(void *arg) {
  struct helper *h = arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(h->cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
  atomic_fetch_add(&h->acks, 1);
  for (;;) {
    uint32_t cmd = atomic_load(&h->cmd);
    if (cmd == H_SLEEP) {
      futex(&h->cmd, FUTEX_WAIT_PRIVATE, H_SLEEP);
    } else if (cmd == H_SPIN) {
      atomic_fetch_add(&h->acks, 1);
      while (atomic_load(&h->cmd) == H_SPIN) {}
      atomic_fetch_add(&h->acks, 1); /* out of the spin: the next request cannot be mistaken for this one */
    } else {
      if (cmd == H_TOUCH) h->touched = mem_touch_op(h->touch);
      atomic_store(&h->cmd, H_SLEEP);
      atomic_fetch_add(&h->acks, 1);
    }
  }
  return NULL;
}

/* wake helper h with `cmd`; the caller spins until it has answered (no sleep: the sender's CPU stays busy) */
static uint64_t post(struct helper *h, enum helper_cmd cmd) {
  uint64_t want = atomic_load(&h->acks) + 1;
  atomic_store(&h->cmd, cmd);
  futex(&h->cmd, FUTEX_WAKE_PRIVATE, 1);
  return want;
}

static void await(struct helper *h, uint64_t want) {
  while (atomic_load(&h->acks) != want) {}
}

void smp_prepare(int cpu, uint32_t count) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (count > MAX_HELPERS) count = MAX_HELPERS;
  if (cpus < 2) return;
  if (count > (uint32_t)cpus - 1) count = (uint32_t)cpus - 1; /* one CPU each, none on the runner's */
  for (uint32_t i = 0; i < count; i++) {
    struct helper *h = &helpers[i];
    h->cpu = (int)((cpu + 1 + i) % cpus);
    pthread_t thread;
    if (pthread_create(&thread, NULL, helper_main, h) != 0) break;
    while (atomic_load(&h->acks) == 0) {} /* pinned and about to sleep */
    helper_count = i + 1;
  }
  owner = getpid();
}

/* helpers this process can use: none in a process forked or exec'd after they started */
static uint32_t helpers_here(void) { return owner != 0 && owner == getpid() ? helper_count : 0; }

struct op_outcome smp_ipi(int other, uint64_t count) {
  if (!other) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_RING0, 0 };
  if (!helpers_here()) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_SMP, 0 };
  for (uint64_t i = 0; i < count; i++) await(&helpers[0], post(&helpers[0], H_PING));
  return (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 };
}

struct op_outcome smp_touch(const struct abi_op *op) {
  if (op->a == 0) return mem_touch_op(op);
  /* CPU k's helper is the (k - 1)th: they are pinned to the CPUs after the runner's, in order */
  if (op->a > helpers_here()) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_SMP, 0 };
  struct helper *h = &helpers[op->a - 1];
  h->touch = op;
  await(h, post(h, H_TOUCH));
  return h->touched;
}

struct op_outcome smp_shootdown(uint32_t region, uint32_t cpus) {
  if (cpus < 2) return mem_unmap(region);
  if (cpus - 1 > helpers_here()) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_SMP, 0 };
  uint32_t n = cpus - 1;
  uint64_t want[MAX_HELPERS];
  /* every helper runs in this mm on its CPU until the unmap is done */
  for (uint32_t i = 0; i < n; i++) want[i] = post(&helpers[i], H_SPIN);
  for (uint32_t i = 0; i < n; i++) await(&helpers[i], want[i]);
  if (kvm_marker) cpu_kvm_marker(KVM_MARKER_UNMAP, 1);
  struct op_outcome out = mem_unmap(region);
  if (kvm_marker) cpu_kvm_marker(KVM_MARKER_UNMAP, 0);
  /* wait until each helper has left its spin: a next H_SPIN stored before it saw H_SLEEP would keep it spinning
   * unanswered while this thread spins for its answer. Under TCG, where a helper's vCPU waits long for its
   * turn on L1's one CPU, back-to-back shootdowns ran into it */
  for (uint32_t i = 0; i < n; i++) {
    want[i] = atomic_load(&helpers[i].acks) + 1;
    atomic_store(&helpers[i].cmd, H_SLEEP);
  }
  for (uint32_t i = 0; i < n; i++) await(&helpers[i], want[i]);
  return out;
}
