// The guest's interrupt flag as KVM sees it, and the interrupts KVM holds because of it. KVM accepts an
// interrupt into the vCPU's local APIC (IRR) at once, but can inject it only when the guest can take it:
// RFLAGS.IF set and no STI/MOV SS blocking (arch/x86/kvm/x86.c kvm_check_and_inject_events →
// kvm_cpu_accept_dm_intr / vmx_interrupt_allowed). When it cannot, it asks the CPU for an exit as soon as the
// guest opens the window (enable_irq_window → vmx_enable_irq_window sets CPU_BASED_INTR_WINDOW_EXITING, Intel
// SDM Vol. 3C "Other Causes of VM Exits", interrupt-window exiting; SVM's V_IRQ intercept): an
// INTERRUPT_WINDOW exit after the guest's STI, whose handler (handle_interrupt_window) injects the interrupt.
// The handler runs with IF clear until its IRET, so a second pending interrupt needs a second window: one exit
// per held interrupt. With APICv's virtual-interrupt delivery the CPU itself evaluates the virtual IRR when
// IF becomes 1 (SDM Vol. 3C "Evaluation and Delivery of Pending Virtual Interrupts"): no exit.
export class InterruptWindow {
  private interruptsEnabled = true;
  private held = 0;

  /** CLI (local_irq_disable) */
  disable(): void {
    this.interruptsEnabled = false;
  }

  /** `n` interrupts accepted into the local APIC: how many can be injected now (the rest are held) */
  accept(n: number): number {
    if (this.interruptsEnabled) return n;
    this.held += n;
    return 0;
  }

  /** STI (local_irq_enable): the interrupts held until now, which become deliverable */
  enable(): number {
    this.interruptsEnabled = true;
    const n = this.held;
    this.held = 0;
    return n;
  }
}
