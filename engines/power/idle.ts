// What one physical CPU does while it has nothing to run.
// - The idle governor is menu's rule (Linux drivers/cpuidle/governors/menu.c; Xen's port in
//   xen/arch/x86/cpu/cpuidle_menu.c): the deepest C-state whose target residency fits the predicted idle
//   time, here the time to the CPU's next event (a request arriving, or its scheduler's next 10 ms timer when
//   a vCPU waits for credit or budget). Waking costs the state's exit latency before anything runs.
// - KVM halts a vCPU by polling first (virt/kvm/kvm_main.c, kvm_vcpu_halt): the host thread spins for
//   halt_poll_ns before it sleeps, so a wake-up inside the window costs no exit latency but the spinning
//   core is busy. The window adapts: an idle period longer than the window but shorter than
//   halt_poll_ns's maximum (KVM_HALT_POLL_NS_DEFAULT, 200 µs on x86) grows it, from halt_poll_ns_grow_start
//   (10 µs) by halt_poll_ns_grow (×2); one longer than the maximum shrinks it to 0 (halt_poll_ns_shrink = 0).
//   Xen's idle loop (xen/arch/x86/acpi/cpu_idle.c) enters the C-state at once.
import type { CState, PowerProfile } from './types.ts';
import { EPS } from './schedulers/scheduler.ts';

const HALT_POLL_MAX_MS = 0.2;
const HALT_POLL_GROW_START_MS = 0.01;
const HALT_POLL_GROW = 2;

/** the profile's C-states, shallowest first; a profile without a table has its one idle state, free to leave */
export function cStatesOf(profile: PowerProfile): readonly CState[] {
  return profile.cStates ?? [{ name: profile.idle.state, exitLatencyUs: 0, targetResidencyUs: 0, watts: profile.idle.watts }];
}

/** menu: the deepest state whose target residency is at most the predicted idle time (the shallowest at least) */
export function menuSelect(states: readonly CState[], predictedMs: number): number {
  let pick = 0;
  for (let i = 1; i < states.length; i++) if (states[i].targetResidencyUs / 1000 <= predictedMs) pick = i;
  return pick;
}

export class CpuIdle {
  private idling = false;
  /** the C-state entered, −1 while running or polling */
  private state = -1;
  private pollLeftMs = 0;
  private idleMs = 0;
  /** KVM's current halt_poll_ns, ms; stays 0 when the host does not poll */
  private pollWindowMs = 0;

  constructor(
    private readonly states: readonly CState[],
    private readonly haltPolling: boolean,
  ) {}

  /** work has arrived: the ms the core needs before it executes (the exit latency of its C-state) */
  wake(): number {
    if (!this.idling) return 0;
    this.idling = false;
    if (this.haltPolling) this.adaptPollWindow();
    const s = this.state;
    this.state = -1;
    return s < 0 ? 0 : this.states[s].exitLatencyUs / 1000;
  }

  /**
   * the core has nothing to run for `idleMs` (the rest of a step); its next event is `predictedMs` away.
   * Returns how much of it the core spends polling, busy; the rest it spends in `watts`.
   */
  rest(idleMs: number, predictedMs: number): number {
    if (!this.idling) {
      this.idling = true;
      this.idleMs = 0;
      this.pollLeftMs = this.pollWindowMs;
    }
    this.idleMs += idleMs;
    const poll = Math.min(this.pollLeftMs, idleMs);
    this.pollLeftMs -= poll;
    if (this.state < 0 && idleMs - poll > EPS) this.state = menuSelect(this.states, predictedMs - poll);
    return poll;
  }

  /** what the idle core draws now */
  get watts(): number {
    return this.states[Math.max(this.state, 0)].watts;
  }

  private adaptPollWindow(): void {
    const w = this.pollWindowMs;
    const idle = this.idleMs;
    if (idle <= w) return; // the poll caught the wake-up
    if (w > 0 && idle > HALT_POLL_MAX_MS) this.pollWindowMs = 0;
    else if (w < HALT_POLL_MAX_MS && idle < HALT_POLL_MAX_MS) {
      this.pollWindowMs = w === 0 ? HALT_POLL_GROW_START_MS : Math.min(w * HALT_POLL_GROW, HALT_POLL_MAX_MS);
    }
  }
}
