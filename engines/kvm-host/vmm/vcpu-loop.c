/* The vCPU run loop: one switch over kvm_run.exit_reason, each case handed to a named device or ending the
 * run (KVM API doc 5 "The kvm_run structure"). Exits are tallied by reason and attributed to the operation
 * the guest was interpreting (abi_boot.current_op, read from guest memory: it costs the guest no exit), the
 * AP's exits to the op the BSP is running, so an op's count is every vCPU's. Each vCPU has its own thread
 * (vCPU 0 the main one, api.rst 4.10 KVM_RUN: a vCPU's ioctls come from one thread); an exit is handled under
 * vm->lock, and the vCPU that ends the run kicks the others out of KVM_RUN. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include "vmm.h"

const char *exit_reason_name(uint32_t reason) {
  switch (reason) {
  case KVM_EXIT_UNKNOWN: return "UNKNOWN";
  case KVM_EXIT_EXCEPTION: return "EXCEPTION";
  case KVM_EXIT_IO: return "IO";
  case KVM_EXIT_HYPERCALL: return "HYPERCALL";
  case KVM_EXIT_DEBUG: return "DEBUG";
  case KVM_EXIT_HLT: return "HLT";
  case KVM_EXIT_MMIO: return "MMIO";
  case KVM_EXIT_IRQ_WINDOW_OPEN: return "IRQ_WINDOW_OPEN";
  case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
  case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
  case KVM_EXIT_INTR: return "INTR";
  case KVM_EXIT_NMI: return "NMI";
  case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
  case KVM_EXIT_SYSTEM_EVENT: return "SYSTEM_EVENT";
  case KVM_EXIT_X86_RDMSR: return "X86_RDMSR";
  case KVM_EXIT_X86_WRMSR: return "X86_WRMSR";
  case KVM_EXIT_X86_BUS_LOCK: return "X86_BUS_LOCK";
  case KVM_EXIT_NOTIFY: return "NOTIFY";
  default: return NULL;
  }
}

static void tally(struct vm *vm, uint32_t reason) {
  if (reason < VMM_EXIT_KINDS) vm->exits[reason]++;
  else vm->exits_other++;
  const struct abi_boot *boot = (const struct abi_boot *)(vm->mem + ABI_BOOT_GPA);
  uint32_t op = boot->current_op; /* guest-written: only trusted as an index after the bound check */
  if (op < vm->ops_count) vm->op_exits[op]++;
  else vm->exits_outside++;
}

static void end_run(struct vm *vm, const struct vcpu *v, const char *failure, uint32_t reason) {
  struct kvm_regs regs;
  if (vm->failure) return; /* the first failure is the run's */
  vm->failure = failure;
  vm->failure_exit = exit_reason_name(reason);
  if (ioctl(v->fd, KVM_GET_REGS, &regs) == 0) vm->failure_rip = regs.rip;
}

/* the watchdog fired: vCPU 0, which runs the stream and alone takes SIGALRM (watchdog.c), ends the run and the
 * report says what it was waiting for (lapic-state.c). Another vCPU that sees the flag first enters again
 * until vCPU 0's kick: its local APIC is the BSP's to read, and vCPU 0's may be read only once it is out of
 * KVM_RUN (a vCPU ioctl waits for the running one) */
static void watchdog_failure(struct vm *vm, const struct vcpu *v) {
  if (v->index != 0) return;
  char lapic[160];
  lapic_describe(v, lapic, sizeof lapic);
  snprintf(vm->failure_detail, sizeof vm->failure_detail, "watchdog: the guest ran past the time limit (%s)", lapic);
  end_run(vm, v, vm->failure_detail, KVM_EXIT_INTR);
}

/* KVM_EXIT_IO: data lives inside the kvm_run mapping (devices/pio-data.c checks where before anything touches
 * it, so that a bad value can never make us touch other memory). */
static void port_io(struct vm *vm, const struct vcpu *v) {
  struct kvm_run *run = v->run;
  uint64_t bytes;
  uint8_t *data = pio_data(run, vm->run_size, &bytes);
  if (!data) {
    end_run(vm, v, "KVM_EXIT_IO data outside the kvm_run mapping", KVM_EXIT_IO);
    return;
  }
  uint16_t port = run->io.port;
  int out = run->io.direction == KVM_EXIT_IO_OUT;
  const struct abi_boot *boot = (const struct abi_boot *)(vm->mem + ABI_BOOT_GPA);
  if (port == ABI_PORT_CONTROL && out && run->io.size == 4) {
    uint32_t value;
    memcpy(&value, data, 4);
    /* the harness's own exits: not tallied as the workload's */
    if (boot->done) { control_port_out(vm, value); return; }
    if (value == ABI_CONTROL_PHASE) { control_end_setup(vm); return; }
  }
  tally(vm, KVM_EXIT_IO);
  if (port == ABI_PORT_SERIAL && out) {
    for (uint64_t i = 0; i < bytes; i += run->io.size) serial_out(vm, data[i]);
    vm->dev_serial++;
  } else if (port >= ABI_PORT_BLK_BASE && port < ABI_PORT_BLK_BASE + 8) {
    block_io(vm, run);
  } else if (port == ABI_PORT_FW_CFG_DATA) {
    fw_cfg_data_io(vm, run, data, bytes);
  } else {
    debug_port_io(vm, run);
  }
}

static int running(struct vm *vm) {
  pthread_mutex_lock(&vm->lock);
  int go = !vm->finished && !vm->failure;
  pthread_mutex_unlock(&vm->lock);
  return go;
}

/* one exit of vCPU v, under vm->lock */
static void handle_exit(struct vm *vm, const struct vcpu *v) {
  struct kvm_run *run = v->run;
  uint32_t reason = run->exit_reason;
  switch (reason) {
    case KVM_EXIT_IO:
      port_io(vm, v);
      break;
    case KVM_EXIT_MMIO:
      tally(vm, reason);
      mmio_access(vm, run);
      break;
    case KVM_EXIT_X86_RDMSR:
      /* unknown MSR read: reads as zero (api.rst "KVM_EXIT_X86_RDMSR / KVM_EXIT_X86_WRMSR") */
      tally(vm, reason);
      vm->dev_msr++;
      run->msr.data = 0;
      run->msr.error = 0;
      break;
    case KVM_EXIT_X86_WRMSR:
      /* every write that reaches us is one KVM would not take: an MSR it does not know (it injects #GP,
       * arch/x86/kvm/x86.c kvm_set_msr_ignored_check), a value it refuses (KVM_MSR_EXIT_REASON_INVAL), or a
       * TSC MSR our filter keeps from the guest (vm-setup.c protect_tsc). All are refused with a #GP. */
      tally(vm, reason);
      vm->dev_msr++;
      vm->dev_msr_refused++;
      run->msr.error = 1;
      break;
    case KVM_EXIT_INTR:
      tally(vm, reason);
      if (watchdog_fired()) watchdog_failure(vm, v);
      break;
    case KVM_EXIT_SHUTDOWN:
      /* a triple fault: the guest could not deliver an exception, not even #DF */
      tally(vm, reason);
      end_run(vm, v, "guest shut down (triple fault)", reason);
      break;
    case KVM_EXIT_FAIL_ENTRY:
      tally(vm, reason);
      snprintf(vm->failure_detail, sizeof vm->failure_detail, "VM entry failed (hardware reason 0x%llx)",
               (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
      end_run(vm, v, vm->failure_detail, reason);
      break;
    case KVM_EXIT_INTERNAL_ERROR:
      tally(vm, reason);
      snprintf(vm->failure_detail, sizeof vm->failure_detail, "KVM internal error (suberror %u)",
               run->internal.suberror);
      end_run(vm, v, vm->failure_detail, reason);
      break;
    default:
      tally(vm, reason);
      snprintf(vm->failure_detail, sizeof vm->failure_detail, "unhandled exit reason %u", reason);
      end_run(vm, v, vm->failure_detail, reason);
      break;
  }
}

static void vcpu_loop(struct vm *vm, struct vcpu *v) {
  struct kvm_run *run = v->run;
  while (running(vm)) {
    int r = ioctl(v->fd, KVM_RUN, 0), err = errno;
    pthread_mutex_lock(&vm->lock);
    if (r < 0) {
      if (err == EINTR && watchdog_fired()) {
        watchdog_failure(vm, v);
      } else if (err == EINTR || err == EAGAIN) {
        run->immediate_exit = 0; /* a kick or another signal: enter again unless the run has ended */
      } else {
        snprintf(vm->failure_detail, sizeof vm->failure_detail, "KVM_RUN: %s", strerror(err));
        end_run(vm, v, vm->failure_detail, KVM_EXIT_UNKNOWN);
      }
    } else {
      handle_exit(vm, v);
    }
    int ended = vm->finished || vm->failure;
    pthread_mutex_unlock(&vm->lock);
    if (ended) vcpu_kick(vm, v);
  }
}

static void *ap_thread(void *p) {
  struct vcpu *v = p;
  vcpu_loop(v->vm, v);
  return NULL;
}

void vm_run(struct vm *vm) {
  /* the APs' threads leave SIGALRM to the main thread, whose vCPU the watchdog stops (watchdog.c) */
  sigset_t alarm, old;
  sigemptyset(&alarm);
  sigaddset(&alarm, SIGALRM);
  pthread_sigmask(SIG_BLOCK, &alarm, &old);
  vm->vcpu[0].thread = pthread_self();
  vm->vcpu[0].has_thread = 1;
  for (uint32_t i = 1; i < vm->cpus; i++) {
    pthread_mutex_lock(&vm->lock);
    vm->vcpu[i].has_thread = pthread_create(&vm->vcpu[i].thread, NULL, ap_thread, &vm->vcpu[i]) == 0;
    if (!vm->vcpu[i].has_thread) end_run(vm, &vm->vcpu[i], "cannot start a vCPU thread", KVM_EXIT_UNKNOWN);
    pthread_mutex_unlock(&vm->lock);
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  vcpu_loop(vm, &vm->vcpu[0]);
  vcpu_kick(vm, &vm->vcpu[0]);
  for (uint32_t i = 1; i < vm->cpus; i++)
    if (vm->vcpu[i].has_thread) pthread_join(vm->vcpu[i].thread, NULL);
}
