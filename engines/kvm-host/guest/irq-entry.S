/* Interrupt entry for the local APIC's vectors (apic.h): save the registers a C call may clobber, call
 * apic_irq(vector, frame) with the CPU's interrupt frame (its first word the return RIP), restore, IRETQ.
 * Interrupts arrive only in ring 0 (the kernel keeps IF clear in ring 3), on the interrupted CPU's own stack. */
    .text
.macro IRQ name, vec
    .globl \name
\name:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    mov $\vec, %edi
    lea 72(%rsp), %rsi /* past the nine registers pushed above */
    call apic_irq
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    iretq
.endm
    IRQ irq_timer, 0x20
    IRQ irq_call, 0x21
    IRQ irq_self, 0x22
    IRQ irq_virtio, 0x23
    IRQ irq_spurious, 0xff

    .section .note.GNU-stack, "", @progbits
