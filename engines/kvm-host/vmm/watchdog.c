/* The watchdog: a guest that loops forever is stopped by a one-shot interval timer. Its SIGALRM handler sets
 * kvm_run.immediate_exit, so KVM_RUN returns EINTR whether the signal lands while the vCPU runs or just
 * before the next entry (api.rst 5, "immediate_exit"; 4.10 KVM_RUN returns -EINTR on a pending signal).
 * SIGALRM goes to vCPU 0's thread (vcpu-loop.c blocks it in the others); a vCPU that ends the run kicks the
 * others out of KVM_RUN the same way, with SIGUSR1 sent to their threads. */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include "vmm.h"

static struct kvm_run *volatile watched_run;
static volatile sig_atomic_t fired;

static void on_alarm(int sig) {
  (void)sig;
  fired = 1;
  if (watched_run) watched_run->immediate_exit = 1;
}

static void on_kick(int sig) { (void)sig; }

int watchdog_arm(struct vm *vm, unsigned timeout_ms) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART: the KVM_RUN ioctl must come back with EINTR */
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGALRM, &sa, NULL) < 0) return -1;
  sa.sa_handler = on_kick;
  if (sigaction(SIGUSR1, &sa, NULL) < 0) return -1;
  fired = 0;
  watched_run = vm->vcpu[0].run;
  struct itimerval it = { .it_interval = { 0, 0 },
                          .it_value = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 } };
  return setitimer(ITIMER_REAL, &it, NULL);
}

void watchdog_disarm(void) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  setitimer(ITIMER_REAL, &it, NULL);
  watched_run = NULL;
}

int watchdog_fired(void) { return fired; }

void vcpu_kick(struct vm *vm, const struct vcpu *except) {
  for (uint32_t i = 0; i < vm->cpus; i++) {
    struct vcpu *v = &vm->vcpu[i];
    if (v == except || !v->run || !v->has_thread) continue;
    v->run->immediate_exit = 1;
    pthread_kill(v->thread, SIGUSR1);
  }
}
