/* What a vCPU stopped by the watchdog was waiting for, from its in-kernel local APIC (KVM_GET_LAPIC, api.rst
 * 4.57: the 1 KiB register page): whether it was halted, the vectors in service (ISR) and requested (IRR), and
 * its TSC-deadline timer.
 * A wait that never ends shows here as its cause: a halted vCPU with its wake-up vector in IRR behind an ISR
 * bit of the same or a higher priority class (Intel SDM Vol. 3 §11.8.3.1: a vector is delivered only above the
 * processor priority, the class of the highest vector in service) had an EOI lost; a halted vCPU with an empty
 * IRR waits for an interrupt nobody sent. */
#include <stdio.h>
#include <sys/ioctl.h>
#include "vmm.h"

#define APIC_ISR 0x100
#define APIC_IRR 0x200

/* the set vectors of one 256-bit register (8 32-bit words, 16 bytes apart) as " 0x20 0x23", at most 8 */
static int vectors(char *out, size_t len, const struct kvm_lapic_state *s, unsigned base) {
  int n = 0, listed = 0;
  for (unsigned v = 0; v < 256 && listed < 8; v++) {
    uint32_t word;
    __builtin_memcpy(&word, &s->regs[base + (v / 32) * 16], sizeof word);
    if (!(word >> (v % 32) & 1)) continue;
    n += snprintf(out + n, len > (size_t)n ? len - n : 0, " 0x%x", v);
    listed++;
  }
  if (!listed) n += snprintf(out + n, len > (size_t)n ? len - n : 0, " none");
  return n;
}

/* IA32_TSC_DEADLINE and the guest's TSC (KVM_GET_MSRS, api.rst 4.18): 0 when no deadline is armed; an armed one
 * is that far ahead of the guest's clock, or past it when KVM lost its expiry */
static int deadline(const struct vcpu *v, char *out, size_t len) {
  struct { struct kvm_msrs h; struct kvm_msr_entry e[2]; } m = { .h = { .nmsrs = 2 }, .e = { { .index = 0x6e0 }, { .index = 0x10 } } };
  if (ioctl(v->fd, KVM_GET_MSRS, &m) != 2) return snprintf(out, len, ", TSC deadline unknown");
  if (!m.e[0].data) return snprintf(out, len, ", no TSC deadline");
  long long ahead = (long long)(m.e[0].data - m.e[1].data);
  return snprintf(out, len, ", TSC deadline %lld cycles %s", ahead < 0 ? -ahead : ahead, ahead < 0 ? "past" : "ahead");
}

void lapic_describe(const struct vcpu *v, char *out, size_t len) {
  struct kvm_lapic_state s;
  struct kvm_mp_state mp;
  if (ioctl(v->fd, KVM_GET_LAPIC, &s) < 0 || ioctl(v->fd, KVM_GET_MP_STATE, &mp) < 0) {
    snprintf(out, len, "vCPU %u: its local APIC could not be read", v->index);
    return;
  }
  int n = snprintf(out, len, "vCPU %u %s, ISR", v->index, mp.mp_state == KVM_MP_STATE_HALTED ? "halted" : "running");
  n += vectors(out + n, len > (size_t)n ? len - n : 0, &s, APIC_ISR);
  n += snprintf(out + n, len > (size_t)n ? len - n : 0, ", IRR");
  n += vectors(out + n, len > (size_t)n ? len - n : 0, &s, APIC_IRR);
  deadline(v, out + n, len > (size_t)n ? len - n : 0);
}
