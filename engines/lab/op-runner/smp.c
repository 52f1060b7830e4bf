/* ipi to the other CPU: a helper thread of the process, pinned to a second CPU, started before the first op
 * when the stream has an ipi (so its creation belongs to no op). It sleeps in FUTEX_WAIT, so its CPU idles (a
 * halted vCPU); each IPI is a FUTEX_WAKE, whose wake-up of a task on an idle CPU is one IPI to it
 * (kernel/sched/core.c ttwu_queue_wakelist, or the reschedule IPI), and the sender spins until the helper
 * answers, as the freestanding guest's ipi op waits for vCPU 1. A shootdown is a munmap while the helper runs
 * in the process on its CPU (spinning in user space, as the model's threads run there), so the kernel's
 * flush_tlb_mm_range must reach that CPU (arch/x86/mm/tlb.c). A self-IPI cannot be sent from user space, and
 * a process forked or exec'd after the helper started has no helper: those are skipped. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "op-runner.h"

enum helper_cmd { H_SLEEP, H_PING, H_SPIN };

static struct {
  _Atomic uint32_t cmd;
  _Atomic uint64_t acks;  /* requests the helper has taken */
  pid_t owner;            /* the process the helper is a thread of */
  int cpu;
} helper;

static void futex(_Atomic uint32_t *word, int op, uint32_t value) {
  syscall(SYS_futex, word, op, value, NULL, NULL, 0);
}

static void *helper_main(void *arg) {
  (void)arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(helper.cpu, &set);
  sched_setaffinity(0, sizeof set, &set);
  atomic_fetch_add(&helper.acks, 1);
  for (;;) {
    uint32_t cmd = atomic_load(&helper.cmd);
    if (cmd == H_SLEEP) {
      futex(&helper.cmd, FUTEX_WAIT_PRIVATE, H_SLEEP);
    } else if (cmd == H_SPIN) {
      atomic_fetch_add(&helper.acks, 1);
      while (atomic_load(&helper.cmd) == H_SPIN) {}
      atomic_fetch_add(&helper.acks, 1); /* out of the spin: the next request cannot be mistaken for this one */
    } else {
      atomic_store(&helper.cmd, H_SLEEP);
      atomic_fetch_add(&helper.acks, 1);
    }
  }
  return NULL;
}

/* wake the helper with `cmd` and spin until it has answered (no sleep: the sender's CPU stays busy) */
static void request(enum helper_cmd cmd) {
  uint64_t want = atomic_load(&helper.acks) + 1;
  atomic_store(&helper.cmd, cmd);
  futex(&helper.cmd, FUTEX_WAKE_PRIVATE, 1);
  while (atomic_load(&helper.acks) != want) {}
}

void smp_prepare(int cpu) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 2) return;
  helper.cpu = (int)((cpu + 1) % cpus);
  pthread_t thread;
  if (pthread_create(&thread, NULL, helper_main, NULL) != 0) return;
  while (atomic_load(&helper.acks) == 0) {} /* pinned and about to sleep */
  helper.owner = getpid();
}

static int have_helper(void) { return helper.owner != 0 && helper.owner == getpid(); }

struct op_outcome smp_ipi(int other, uint64_t count) {
  if (!other) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_RING0, 0 };
  if (!have_helper()) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_SMP, 0 };
  for (uint64_t i = 0; i < count; i++) request(H_PING);
  return (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 };
}

struct op_outcome smp_shootdown(uint32_t region, uint32_t cpus) {
  if (cpus < 2) return mem_unmap(region);
  if (cpus > 2 || !have_helper()) return (struct op_outcome){ ABI_ST_SKIPPED, DETAIL_SMP, 0 };
  request(H_SPIN); /* the helper runs in this mm on its CPU until the unmap is done */
  struct op_outcome out = mem_unmap(region);
  /* wait until the helper has left its spin: a next H_SPIN stored before it saw H_SLEEP would keep it spinning
   * unanswered while this thread spins for its answer. Under TCG, where the helper's vCPU waits long for its
   * turn on L1's one CPU, back-to-back shootdowns ran into it */
  uint64_t want = atomic_load(&helper.acks) + 1;
  atomic_store(&helper.cmd, H_SLEEP);
  while (atomic_load(&helper.acks) != want) {}
  return out;
}
