// Which MSR accesses exit under KVM/VMX: the MSR bitmap. KVM passes through the MSRs a guest touches on hot
// paths (arch/x86/kvm/vmx/vmx.c vmx_disable_intercept_for_msr: FS/GS/KERNEL_GS base, SYSENTER_*, SPEC_CTRL,
// PRED_CMD, TSC read); with APICv the x2APIC TPR, EOI and SELF_IPI writes are virtualized. TSC_DEADLINE and
// the x2APIC ICR always exit (the timer is emulated with an hrtimer/preemption timer; IPIs need KVM).
const PASSTHROUGH = new Set([0xc0000100, 0xc0000101, 0xc0000102, 0x174, 0x175, 0x176, 0x48, 0x49]);
const IA32_TSC = 0x10;
/** x2APIC registers as MSRs 0x800–0x8ff (Intel SDM Vol. 3 §10.12.1.2) */
export const X2APIC_TPR = 0x808;
export const X2APIC_EOI = 0x80b;
export const X2APIC_ICR = 0x830;
/** the LAPIC timer's initial count: a write starts a one-shot or periodic count-down */
export const X2APIC_TMICT = 0x838;
export const X2APIC_SELF_IPI = 0x83f;
const APICV_WRITES = new Set([X2APIC_TPR, X2APIC_EOI, X2APIC_SELF_IPI]);

export function msrExits(index: number, write: boolean, apicv: boolean): boolean {
  if (PASSTHROUGH.has(index)) return false;
  if (index === IA32_TSC && !write) return false;
  if (apicv && index >= 0x800 && index <= 0x8ff) return write ? !APICV_WRITES.has(index) : false;
  return true;
}
