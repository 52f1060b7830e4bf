// An adaptive halt-poll window: before a halted CPU gives up its physical CPU it polls for a wake-up, up to a
// per-CPU limit that adapts to the idle periods it sees. KVM runs it in the host for a halted vCPU before it
// blocks the vCPU thread (virt/kvm/kvm_main.c kvm_vcpu_halt, grow_halt_poll_ns / shrink_halt_poll_ns); the
// guest's cpuidle-haltpoll governor runs the same algorithm before the guest executes HLT at all
// (drivers/cpuidle/governors/haltpoll.c adjust_poll_limit). A wake-up within the limit ends the poll, a longer
// idle polls the whole limit and then blocks. The limit starts at 0 (no polling) and after each idle period
// grows (×grow, at least growStart, at most maxNs) when the idle outlasted the limit but not maxNs, and
// shrinks (÷shrink, to 0 when shrink is 0) when it outlasted maxNs. (KVM's grow test is `< max`, the
// governor's `<= max`: they differ only for an idle of exactly maxNs; the governor's form is used.)

export interface HaltPollParams {
  maxNs: number;
  grow: number;
  growStart: number;
  shrink: number;
}

/** KVM's module parameters on x86: halt_poll_ns = KVM_HALT_POLL_NS_DEFAULT 200,000 (arch/x86/include/asm/
 *  kvm_host.h), halt_poll_ns_grow 2, halt_poll_ns_grow_start 10,000, halt_poll_ns_shrink 0 ("Default resets
 *  per-vcpu halt_poll_ns", virt/kvm/kvm_main.c) */
export const KVM_HALT_POLL: HaltPollParams = { maxNs: 200_000, grow: 2, growStart: 10_000, shrink: 0 };

/** cpuidle-haltpoll's module parameters: guest_halt_poll_ns 200,000, guest_halt_poll_grow 2,
 *  guest_halt_poll_grow_start 50,000, guest_halt_poll_shrink 2 (drivers/cpuidle/governors/haltpoll.c) */
export const GUEST_HALT_POLL: HaltPollParams = { maxNs: 200_000, grow: 2, growStart: 50_000, shrink: 2 };

export class HaltPollWindow {
  private limitNs = 0;
  /** whether the last idle's wake-up arrived while polling (no block) */
  woke = false;

  constructor(
    private readonly params: HaltPollParams,
    private readonly cyclesPerNs: number,
  ) {}

  /** one idle period of `waitCycles` until the wake-up: returns the cycles spent polling, sets `woke`. A
   *  wake-up already pending (0) needs neither a poll nor a block (kvm_vcpu_check_block finds it at once) */
  idle(waitCycles: number): number {
    const waitNs = waitCycles / this.cyclesPerNs;
    const limitNs = this.limitNs;
    this.woke = waitNs === 0 || (limitNs > 0 && waitNs <= limitNs);
    const polledNs = this.woke ? waitNs : limitNs;
    this.adjust(waitNs);
    return Math.round(polledNs * this.cyclesPerNs);
  }

  private adjust(idleNs: number): void {
    const p = this.params;
    if (idleNs > this.limitNs && idleNs <= p.maxNs) {
      this.limitNs = Math.min(p.maxNs, Math.max(p.growStart, this.limitNs * p.grow));
    } else if (idleNs > p.maxNs) {
      this.limitNs = p.shrink === 0 ? 0 : Math.floor(this.limitNs / p.shrink);
    }
  }
}
