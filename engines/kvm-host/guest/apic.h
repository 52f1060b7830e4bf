/* The local APIC as guest/apic.c and guest/smp.c drive it: its registers by offset in the xAPIC page (Intel SDM
 * Vol. 3 Table 11-1), which x2APIC mode reaches as MSRs 0x800 + offset / 16 (§11.12.1.2, Table 11-6), the
 * vectors this kernel takes, and KVM's paravirtual interfaces (Linux Documentation/virt/kvm/x86/msr.rst
 * MSR_KVM_PV_EOI_EN, hypercalls.rst KVM_HC_SEND_IPI). */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H
#include <stdint.h>
#include "../include/abi.h"

#define MSR_APIC_BASE      0x1bu
#define MSR_TSC_DEADLINE   0x6e0u
#define MSR_X2APIC_BASE    0x800u
#define MSR_X2APIC_ICR     0x830u /* x2APIC's one 64-bit ICR: destination in bits 63:32 */
#define APIC_EOI      0xb0u
#define APIC_SVR      0xf0u
#define APIC_ICR      0x300u /* xAPIC: a write of the low half sends */
#define APIC_ICR2     0x310u /* xAPIC: the destination, in bits 31:24 */
#define APIC_LVTT     0x320u
#define APIC_TMICT    0x380u
#define APIC_TDCR     0x3e0u
#define APIC_SELF_IPI 0x3f0u /* x2APIC only */
#define APIC_DEST_SELF (1u << 18) /* ICR destination shorthand "self" */
#define MSR_KVM_PV_EOI_EN  0x4b564d04u

#define VEC_TIMER    0x20u /* the LAPIC timer */
#define VEC_CALL     0x21u /* a fixed IPI: guest/smp.c's call-function */
#define VEC_SELF     0x22u /* the `ipi` op's self-IPI */
#define VEC_VIRTIO   0x23u /* the virtio-blk queue's completion MSI (include/abi.h ABI_VIRTIO_VECTOR) */
#define VEC_SPURIOUS 0xffu

/* apic.c */
void apic_init(uint32_t cpu);
void apic_irq(uint64_t vector, uint64_t *frame);
void apic_send_ipi(uint32_t apic_id, uint32_t vector);
void apic_send_ipi_mask(uint64_t mask, uint32_t vector);
uint32_t apic_timer(uint32_t period_us, uint64_t ticks);
uint32_t apic_hlt(uint64_t count);
uint32_t apic_self_ipi(uint64_t count, int masked);
_Static_assert(VEC_VIRTIO == ABI_VIRTIO_VECTOR, "the VMM's MSI carries the guest's vector");
/* smp.c */
void smp_boot_ap(void);
_Noreturn void smp_ap_main(uint32_t cpu);
void smp_call_irq(uint32_t cpu);
uint32_t smp_ipi_other(uint64_t count);
uint32_t smp_shootdown(uint32_t region, uint32_t cpus);
/* irq-entry.S */
void irq_timer(void);
void irq_call(void);
void irq_self(void);
void irq_virtio(void);
void irq_spurious(void);
#endif
