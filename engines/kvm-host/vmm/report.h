#ifndef HVBENCH_REPORT_H
#define HVBENCH_REPORT_H
#include "vmm.h"

struct report_input {
  uint64_t wall_ns;
  /* NULL when the host has no binary stats; vcpu_stats by vCPU index, up to vm->cpus */
  const struct stats_snapshot *vm_stats, *vcpu_stats[ABI_MAX_CPUS];
};

void report_setup_error(const char *error);
void report_run(const struct vm *vm, const struct report_input *in);
#endif
