/* Page faults and context switches of the run's processes: Linux's perf software events
 * (PERF_COUNT_SW_PAGE_FAULTS, PERF_COUNT_SW_CONTEXT_SWITCHES, inherited by forked children) where
 * perf_event_open is allowed, else the whole system's counts from /proc/vmstat `pgfault` and /proc/stat
 * `ctxt` (include/linux/vm_event_item.h PGFAULT; kernel/sched/core.c nr_context_switches). */
#define _GNU_SOURCE
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "op-runner.h"

static int perf_counter(uint64_t config, int fixed_fd) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = config;
  attr.inherit = 1;
  int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
  if (fd < 0) return -1;
  if (dup2(fd, fixed_fd) < 0) return -1;
  if (fd != fixed_fd) close(fd);
  return fixed_fd;
}

/* the source name printed in the header: `perf` or `proc` */
const char *counts_open(void) {
  if (perf_counter(PERF_COUNT_SW_PAGE_FAULTS, FD_FAULTS) >= 0 && perf_counter(PERF_COUNT_SW_CONTEXT_SWITCHES, FD_CSW) >= 0) return "perf";
  close(FD_FAULTS);
  return "proc";
}

static uint64_t proc_field(const char *path, const char *name) {
  FILE *f = fopen(path, "re");
  if (!f) return 0;
  char key[64];
  unsigned long long value = 0, v;
  while (fscanf(f, "%63s %llu%*[^\n]", key, &v) == 2) {
    if (strcmp(key, name) == 0) { value = v; break; }
  }
  fclose(f);
  return value;
}

struct sw_counts counts_read(void) {
  uint64_t faults, csw;
  if (read(FD_FAULTS, &faults, sizeof faults) == sizeof faults && read(FD_CSW, &csw, sizeof csw) == sizeof csw)
    return (struct sw_counts){ faults, csw };
  return (struct sw_counts){ proc_field("/proc/vmstat", "pgfault"), proc_field("/proc/stat", "ctxt") };
}
