/* The VMM's one output: a JSON document on stdout that vmm-process.ts validates. Strings that come from the
 * guest (console text) or the kernel (stat names) are escaped byte by byte. */
#include <stdio.h>
#include "report.h"

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20 || c >= 0x7f) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

struct emit_ctx { FILE *f; int first; };

static void emit_stat(const char *name, uint64_t delta, void *p) {
  struct emit_ctx *ctx = p;
  fputs(ctx->first ? "" : ",", ctx->f);
  ctx->first = 0;
  json_string(ctx->f, name);
  fprintf(ctx->f, ":%llu", (unsigned long long)delta);
}

static void print_stats_value(FILE *f, const struct stats_snapshot *s, enum stats_point from, enum stats_point to) {
  if (!s) { fputs("null", f); return; }
  struct emit_ctx ctx = { f, 1 };
  fputc('{', f);
  stats_print_deltas(s, from, to, emit_stat, &ctx);
  fputc('}', f);
}

static void print_stats(FILE *f, const char *key, const struct stats_snapshot *s, enum stats_point from, enum stats_point to) {
  fprintf(f, ",\"%s\":", key);
  print_stats_value(f, s, from, to);
}

/* the VM's statistics, vCPU 0's, and vCPU 1 onwards' beside it (which older reports have alone) */
static void print_all_stats(FILE *f, const struct vm *vm, const struct report_input *in, enum stats_point from,
                            enum stats_point to) {
  print_stats(f, "vmStats", in->vm_stats, from, to);
  print_stats(f, "vcpuStats", in->vcpu_stats[0], from, to);
  fputs(",\"otherVcpuStats\":[", f);
  for (uint32_t i = 1; i < vm->cpus; i++) {
    if (i > 1) fputc(',', f);
    print_stats_value(f, in->vcpu_stats[i], from, to);
  }
  fputc(']', f);
}

/* "exits":{...},"exitsOutsideOps":N of one set of tallies, without a leading comma */
static void print_exits(FILE *f, const uint64_t *exits, uint64_t other, uint64_t outside) {
  fputs("\"exits\":{", f);
  int first = 1;
  for (uint32_t r = 0; r < VMM_EXIT_KINDS; r++) {
    if (!exits[r]) continue;
    const char *name = exit_reason_name(r);
    char fallback[32];
    if (!name) { snprintf(fallback, sizeof fallback, "EXIT_%u", r); name = fallback; }
    fprintf(f, "%s\"%s\":%llu", first ? "" : ",", name, (unsigned long long)exits[r]);
    first = 0;
  }
  if (other) fprintf(f, "%s\"OTHER\":%llu", first ? "" : ",", (unsigned long long)other);
  fprintf(f, "},\"exitsOutsideOps\":%llu", (unsigned long long)outside);
}

/* the counters the guest wrote into its boot block: plain numbers, whatever their values */
static void print_guest(FILE *f, const struct abi_boot *boot) {
  fprintf(f, ",\"guest\":{\"loopCyclesX1000\":%llu,\"pageFaults\":%llu,\"protectionFaults\":%llu,\"cr3Writes\":%llu,"
             "\"invlpgs\":%llu,\"fullFlushes\":%llu,\"syscalls\":%llu,\"gpFaults\":%llu,\"udFaults\":%llu,"
             "\"framesUsed\":%llu,\"forks\":%llu,\"execs\":%llu,\"exits\":%llu,\"cowFaults\":%llu,\"timerIrqs\":%llu,"
             "\"ipisReceived\":%llu,\"remoteInvlpgs\":%llu,\"remoteFullFlushes\":%llu,\"eoiWrites\":%llu,"
             "\"virtioKicks\":%llu,\"virtioKicksSuppressed\":%llu,\"virtioIrqs\":%llu,\"virtioHalts\":%llu,"
             "\"pcid\":%u,\"invpcid\":%u,\"apicMmio\":%llu,\"earlyWakeups\":%llu,\"waitHalts\":%llu}",
          (unsigned long long)boot->loop_cycles_x1000, (unsigned long long)boot->page_faults,
          (unsigned long long)boot->protection_faults, (unsigned long long)boot->cr3_writes,
          (unsigned long long)boot->invlpgs, (unsigned long long)boot->full_flushes,
          (unsigned long long)boot->syscalls, (unsigned long long)boot->gp_faults,
          (unsigned long long)boot->ud_faults, (unsigned long long)boot->frames_used,
          (unsigned long long)boot->forks, (unsigned long long)boot->execs, (unsigned long long)boot->exits,
          (unsigned long long)boot->cow_faults,
          (unsigned long long)boot->timer_irqs, (unsigned long long)boot->ipis_received,
          (unsigned long long)boot->remote_invlpgs, (unsigned long long)boot->remote_full_flushes,
          (unsigned long long)boot->eoi_writes, (unsigned long long)boot->virtio_kicks,
          (unsigned long long)boot->virtio_kicks_suppressed, (unsigned long long)boot->virtio_irqs,
          (unsigned long long)boot->virtio_halts, !!(boot->cpu_features & ABI_CPU_PCID),
          !!(boot->cpu_features & ABI_CPU_INVPCID), (unsigned long long)boot->apic_mmio,
          (unsigned long long)boot->early_wakeups, (unsigned long long)boot->wait_halts);
}

void report_setup_error(const char *error) {
  printf("{\"ok\":false,\"stage\":\"setup\",\"error\":");
  json_string(stdout, error);
  printf("}\n");
}

void report_run(const struct vm *vm, const struct report_input *in) {
  FILE *f = stdout;
  const struct abi_boot *boot = (const struct abi_boot *)(vm->mem + ABI_BOOT_GPA);
  fprintf(f, "{\"ok\":%s,\"stage\":\"run\"", vm->failure ? "false" : "true");
  if (vm->failure) {
    fputs(",\"error\":", f);
    json_string(f, vm->failure);
    fputs(",\"exitReason\":", f);
    json_string(f, vm->failure_exit ? vm->failure_exit : "UNKNOWN");
    fprintf(f, ",\"rip\":%llu", (unsigned long long)vm->failure_rip);
  }
  fprintf(f, ",\"guestStatus\":%u,\"wallNs\":%llu", vm->guest_status, (unsigned long long)in->wall_ns);
  fputc(',', f);
  print_exits(f, vm->exits, vm->exits_other, vm->exits_outside);
  fprintf(f, ",\"controlExits\":%llu", (unsigned long long)vm->dev_control);
  const struct virtio_blk_dev *v = &vm->virtio;
  fprintf(f, ",\"devices\":{\"debug\":%llu,\"serial\":%llu,\"block\":%llu,\"vring\":%llu,\"mmio\":%llu,\"msr\":%llu,"
             "\"msrRefused\":%llu,\"virtioRequests\":%llu,\"virtioIrqs\":%llu,\"virtioIrqsSuppressed\":%llu}",
          (unsigned long long)vm->dev_debug, (unsigned long long)vm->dev_serial, (unsigned long long)vm->dev_block,
          (unsigned long long)v->notifies, (unsigned long long)vm->dev_mmio, (unsigned long long)vm->dev_msr,
          (unsigned long long)vm->dev_msr_refused, (unsigned long long)v->tally.requests,
          (unsigned long long)v->tally.interrupts, (unsigned long long)v->tally.interrupts_suppressed);
  print_guest(f, boot);
  /* per operation: [TSC cycles, status, detail, exits] */
  const struct abi_op_result *res = (const struct abi_op_result *)(vm->mem + ABI_RESULTS_GPA);
  fputs(",\"ops\":[", f);
  for (uint32_t i = 0; i < vm->ops_count; i++)
    fprintf(f, "%s[%llu,%u,%u,%llu]", i ? "," : "", (unsigned long long)res[i].tsc, res[i].status, res[i].detail,
            (unsigned long long)vm->op_exits[i]);
  fputc(']', f);
  print_all_stats(f, vm, in, STATS_BEFORE, STATS_AFTER);
  /* the tallies at the end of setup (the top-level ones are the whole run's) */
  if (vm->setup_ended) {
    fputs(",\"setup\":{", f);
    print_exits(f, vm->setup_exits, vm->setup_exits_other, vm->setup_exits_outside);
    print_guest(f, &vm->setup_boot);
    print_all_stats(f, vm, in, STATS_BEFORE, STATS_SETUP);
    fputc('}', f);
  }
  fputs(",\"console\":", f);
  json_string(f, vm->console);
  fputs("}\n", f);
}
