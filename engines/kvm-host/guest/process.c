/* Processes for the fork, exec, exit and switch operations, as the simulated kernel runs them
 * (engines/guest/kernel.ts): pid 1 runs on the host-built tables; fork gives the child the next pid and a
 * copy-on-write copy of the parent's address space (paging.c space_fork) while the parent keeps running until a
 * switch; vfork's child shares the parent's address space (CLONE_VM, GNU make's job.c start_job_command) until
 * it execs or exits; exec replaces the process's address space with an empty one (its old one goes unless a
 * vfork parent still uses it); exit tears the address space down the same way and switches to the parent.
 * A switch to a process on the address space already loaded writes no CR3 (switch_mm_irqs_off returns early
 * for the same mm). */
#include "guest.h"

struct proc {
  uint32_t pid; /* 0: a free slot */
  uint32_t parent;
  int space;
};

static struct proc procs[ABI_MAX_PROCS] = { { .pid = 1, .parent = 0, .space = 0 } };
static struct proc *current = &procs[0];
static uint32_t next_pid = 2;

static struct proc *find(uint32_t pid) {
  for (uint32_t i = 0; i < ABI_MAX_PROCS; i++)
    if (procs[i].pid == pid) return &procs[i];
  return 0;
}

/* whether a live process other than p runs on p's address space (mm_users > 1: a vfork) */
static int shared(const struct proc *p) {
  for (uint32_t i = 0; i < ABI_MAX_PROCS; i++)
    if (&procs[i] != p && procs[i].pid && procs[i].space == p->space) return 1;
  return 0;
}

static void switch_to(struct proc *to) {
  current = to;
  if (space_loaded() != to->space) space_load(to->space);
}

uint32_t process_fork(int vfork) {
  struct proc *child = find(0);
  if (!child) return ABI_ST_FAILED;
  int space = vfork ? current->space : space_fork(current->space);
  if (space < 0) return ABI_ST_FAILED;
  *child = (struct proc){ .pid = next_pid++, .parent = current->pid, .space = space };
  boot->forks++;
  return ABI_ST_OK;
}

uint32_t process_exec(void) {
  int space = space_new();
  if (space < 0) return ABI_ST_FAILED;
  int old = current->space, keep = shared(current);
  current->space = space;
  space_load(space);
  if (!keep) space_free(old);
  boot->execs++;
  return ABI_ST_OK;
}

/* The model tears the address space down before do_task_dead's switch; here the switch comes first, so the
 * PML4 being freed is no longer the one CR3 holds (Linux frees it later too, in finish_task_switch's mmdrop). */
uint32_t process_exit(void) {
  if (current->pid == 1) return ABI_ST_FAILED; /* init cannot exit: nothing would be left to run */
  struct proc *dead = current, *to = find(dead->parent);
  int space = dead->space, keep = shared(dead);
  dead->pid = 0;
  switch_to(to ? to : find(1));
  if (!keep) space_free(space);
  boot->exits++;
  return ABI_ST_OK;
}

uint32_t process_switch(uint32_t pid) {
  struct proc *to = pid ? find(pid) : 0;
  if (!to) return ABI_ST_FAILED;
  switch_to(to);
  return ABI_ST_OK;
}
