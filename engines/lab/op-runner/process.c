/* The vocabulary's processes as real ones. Every process gets a wake-up pipe before any fork (so all know all
 * pipes); a `switch` writes a token to the target's pipe and blocks reading its own, which on one CPU is a
 * real context switch between two address spaces (Linux kernel/sched/core.c context_switch → switch_mm). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "op-runner.h"

struct runner_shared *shared;
static uint32_t self;

struct token { uint32_t op, from, exited; };

static void die(const char *what) {
  fprintf(stderr, "op-runner: %s: %s\n", what, strerror(errno));
  _exit(2);
}

void proc_create_shared(void) {
  int fd = memfd_create("op-runner-shared", 0);
  if (fd < 0 || ftruncate(fd, sizeof *shared) < 0 || dup2(fd, FD_SHARED) < 0) die("shared state");
  if (fd != FD_SHARED) close(fd);
  for (uint32_t p = 1; p <= RUNNER_MAX_PROCS; p++) {
    int ends[2];
    if (pipe(ends) < 0 || dup2(ends[0], FD_PIPES + 2 * (int)p) < 0 || dup2(ends[1], FD_PIPES + 2 * (int)p + 1) < 0) die("pipes");
    close(ends[0]);
    close(ends[1]);
  }
  proc_attach(1);
  shared->next_pid = 2;
  shared->os_pid[1] = getpid();
  shared->parent[1] = 1;
}

void proc_attach(uint32_t self_pid) {
  shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED, FD_SHARED, 0);
  if (shared == MAP_FAILED) die("mapping the shared state");
  self = self_pid;
}

uint32_t proc_self(void) { return self; }

static void hand(uint32_t to, uint32_t op, uint32_t exited) {
  struct token t = { op, self, exited };
  if (write(FD_PIPES + 2 * (int)to + 1, &t, sizeof t) != sizeof t) die("handing control over");
}

static void reap_children(void) {
  while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {}
}

uint32_t proc_wait(void) {
  struct token t;
  ssize_t got;
  while ((got = read(FD_PIPES + 2 * (int)self, &t, sizeof t)) < 0 && errno == EINTR) {}
  if (got != sizeof t) die("waiting for control");
  if (t.op == TOKEN_STOP) {
    reap_children();
    _exit(0);
  }
  /* the process that passed control exited: collect it, so its teardown (exit_mmap) is part of this op */
  if (t.exited) waitpid(shared->os_pid[t.from], NULL, 0);
  return t.op;
}

int proc_fork(struct op_outcome *outcome) {
  uint32_t child = shared->next_pid;
  if (child > RUNNER_MAX_PROCS) {
    *outcome = (struct op_outcome){ ABI_ST_FAILED, DETAIL_NO_PROCESS, 0 };
    return 0;
  }
  pid_t pid = fork();
  if (pid < 0) {
    *outcome = (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, errno };
    return 0;
  }
  if (pid == 0) {
    self = child;
    return 1;
  }
  shared->next_pid = child + 1;
  shared->os_pid[child] = pid;
  shared->parent[child] = self;
  *outcome = (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 };
  return 0;
}

uint32_t proc_next_pid(void) { return shared->next_pid; }

/* The vfork child's stack. vfork(2) itself would run the child on the parent's stack, where it may not return
 * from the calling function — and this child goes on interpreting the stream until its exec or exit. So it is
 * clone(2) with vfork's own flags (kernel/fork.c: vfork is kernel_clone with CLONE_VFORK | CLONE_VM and
 * SIGCHLD) and a stack of its own, as glibc's posix_spawn does: the same mm shared, nothing copied or
 * write-protected, the parent asleep in wait_for_vfork_done until the child's exec_mm_release or exit. One
 * static stack, touched in advance (proc_prepare_vfork), so the child's first run faults no stack pages in. */
static uint8_t vfork_stack[64 * 1024] __attribute__((aligned(16)));
static void (*vfork_child)(uint32_t op);
static uint32_t vfork_op;

void proc_prepare_vfork(void) { memset(vfork_stack, 0, sizeof vfork_stack); }

static int vfork_entry(void *arg) {
  (void)arg;
  /* the child writes the parent's memory: `self` is restored by the parent when it runs again */
  self = shared->next_pid - 1;
  shared->os_pid[self] = getpid();
  vfork_child(vfork_op);
  _exit(0);
}

int proc_vfork(uint32_t op, void (*child)(uint32_t op), struct op_outcome *outcome) {
  uint32_t pid = shared->next_pid, parent = self;
  if (pid > RUNNER_MAX_PROCS) {
    *outcome = (struct op_outcome){ ABI_ST_FAILED, DETAIL_NO_PROCESS, 0 };
    return 0;
  }
  shared->next_pid = pid + 1;
  shared->parent[pid] = parent;
  vfork_child = child;
  vfork_op = op;
  pid_t got = clone(vfork_entry, vfork_stack + sizeof vfork_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
  /* volatile: the compiler takes clone for a call that cannot change `self` and would drop a plain store */
  *(volatile uint32_t *)&self = parent;
  if (got < 0) {
    shared->next_pid = pid;
    *outcome = (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, errno };
    return 0;
  }
  shared->os_pid[pid] = got;
  *outcome = (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 };
  return 1;
}

static int running(uint32_t pid) {
  return pid >= 1 && pid <= RUNNER_MAX_PROCS && shared->os_pid[pid] != 0 && !shared->exited[pid];
}

struct op_outcome proc_switch(uint32_t to, uint32_t op, uint32_t *resumed_at) {
  if (!running(to)) return (struct op_outcome){ ABI_ST_FAILED, DETAIL_NO_PROCESS, 0 };
  if (to == self) {
    *resumed_at = op;
    return (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 };
  }
  hand(to, op, 0);
  *resumed_at = proc_wait();
  return (struct op_outcome){ ABI_ST_OK, DETAIL_NONE, 0 };
}

_Noreturn void proc_exit(uint32_t op) {
  uint32_t to = running(shared->parent[self]) ? shared->parent[self] : 1;
  shared->exited[self] = 1;
  if (to == self) { /* pid 1 exits: the run is over */
    proc_finish();
    _exit(0);
  }
  hand(to, op, 1);
  _exit(0);
}

struct op_outcome proc_exec(char **argv, uint32_t op) {
  /* the new image is told where it resumes and who it is; everything else it finds at the FD_* descriptors */
  char resume[48];
  snprintf(resume, sizeof resume, "--resume=%u:%u", op, self);
  int argc = 0;
  while (argv[argc]) argc++;
  char **args = calloc((size_t)argc + 2, sizeof *args);
  if (!args) return (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, ENOMEM };
  args[0] = argv[0];
  args[1] = resume;
  /* an image that was itself exec'd carries its own --resume: the new one replaces it */
  for (int i = 1, n = 2; i < argc; i++)
    if (strncmp(argv[i], "--resume=", 9) != 0) args[n++] = argv[i];
  execv("/proc/self/exe", args);
  int err = errno;
  free(args);
  return (struct op_outcome){ ABI_ST_FAILED, DETAIL_ERRNO, err };
}

void proc_finish(void) {
  for (uint32_t p = 1; p <= RUNNER_MAX_PROCS; p++)
    if (p != self && running(p)) hand(p, TOKEN_STOP, 0);
  reap_children();
}
