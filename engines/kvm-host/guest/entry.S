/* Guest entry, exception stubs and the ring-3 round trip for the `syscall` operation.
 * The VMM enters at _start in 64-bit mode with RSP at the kernel stack and RDI = &abi_boot. */
    .section .text.entry, "ax"
    .globl _start
_start:
    call guest_main
1:  hlt                     /* guest_main never returns: it ends the run through the control port */
    jmp 1b

/* --- exceptions: push a uniform frame (vector, error code, GPRs) and call trap_handler(frame) --- */
    .text
.macro TRAP vec, has_err
trap\vec:
    .if \has_err == 0
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm
    TRAP 0,0
    TRAP 1,0
    TRAP 2,0
    TRAP 3,0
    TRAP 4,0
    TRAP 5,0
    TRAP 6,0
    TRAP 7,0
    TRAP 8,1
    TRAP 9,0
    TRAP 10,1
    TRAP 11,1
    TRAP 12,1
    TRAP 13,1
    TRAP 14,1
    TRAP 15,0
    TRAP 16,0
    TRAP 17,1
    TRAP 18,0
    TRAP 19,0

trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    call trap_handler
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp           /* vector and error code */
    iretq

    .section .rodata
    .globl trap_stubs
trap_stubs:
    .quad trap0, trap1, trap2, trap3, trap4, trap5, trap6, trap7, trap8, trap9
    .quad trap10, trap11, trap12, trap13, trap14, trap15, trap16, trap17, trap18, trap19

/* --- user mode: enter_user(count) drops to ring 3 with SYSRET; the stub makes `count` null SYSCALLs (each
 * one straight back with SYSRET) and then SYSCALL 1, which returns to enter_user's caller. --- */
    .text
    .globl enter_user
enter_user:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, kernel_rsp(%rip)
    lea user_stub(%rip), %rcx
    mov $0x2, %r11          /* RFLAGS for ring 3: interrupts stay off */
    mov $0x200000, %rsp     /* ABI_USER_STACK_TOP */
    sysretq

    .globl syscall_entry
syscall_entry:
    cmp $1, %eax
    je 1f
    sysretq                 /* the null system call: RCX and R11 are untouched */
1:  mov kernel_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

user_stub:
    test %rdi, %rdi
    jz 3f
2:  xor %eax, %eax
    syscall
    dec %rdi
    jnz 2b
3:  mov $1, %eax
    syscall

    .bss
    .balign 8
kernel_rsp:
    .quad 0

    .section .note.GNU-stack, "", @progbits
