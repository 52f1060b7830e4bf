// VM exits per IN/OUT instruction under KVM. A plain IN/OUT exits once (handle_io → kvm_fast_pio). A string
// PIO (`rep ins` / `rep outs`: the exit qualification's string bit) goes to KVM's instruction emulator
// (arch/x86/kvm/emulate.c), which re-enters the guest part way, so the guest re-executes the instruction with
// RCX reduced and exits again:
// - `rep ins` reads ahead into the emulator's read cache (struct read_cache, 1,024 bytes of data):
//   pio_in_emulated asks for min(bytes to the end of the destination page, 1,024 bytes, RCX elements) at a
//   time — one KVM_EXIT_IO to user space with that count, the data landing in the vCPU's pio_data page — and
//   x86_emulate_insn re-enters the guest "when pio read ahead buffer is empty": one exit per 1,024 bytes for a
//   page-aligned buffer (1,024 divides the page, so no chunk crosses a page end);
// - `rep outs` hands one element per iteration to emulator_pio_out (em_out passes a count of 1): a port KVM
//   emulates in the kernel is written at once and the emulator re-enters the guest "after each 1024
//   iteration" (when RCX & 0x3ff is 0); a port QEMU owns needs a KVM_EXIT_IO per element, after which KVM enters the guest again
//   (x86_emulate_instruction completes an OUT before returning to user space: no complete_userspace_io), so
//   each element is also an exit;
// - either way, the re-entry after the last element leaves RIP on the instruction: string_insn_completed tests
//   only REPE/REPNE's ZF condition, never RCX, so with RCX 0 the emulator still takes the "skip rip
//   writeback" path. The guest executes the instruction once more, it exits (the I/O intercept comes before
//   the count; measured: 5 IOIO exits in L1 per 4 KiB rep insb on kvm-qemu) and x86_emulate_insn's first
//   termination check (RCX 0) steps over it in the kernel.

/** the emulator's PIO read-ahead buffer, and its re-entry period without one (arch/x86/kvm/kvm_emulate.h
 *  struct read_cache data[1024]; emulate.c x86_emulate_insn) */
const READ_AHEAD_BYTES = 1024;
const ITERATIONS_PER_ENTRY = 1024;

export interface PioExits {
  /** VM exits (IO_INSTRUCTION) */
  exits: number;
  /** of them, KVM_EXIT_IO to the user-space device model (0 for a port KVM emulates) */
  toUserSpace: number;
}

export function pioExitsPerInstruction(elements: number, width: number, write: boolean, inKernel: boolean): PioExits {
  if (elements <= 1) return { exits: 1, toUserSpace: inKernel ? 0 : 1 };
  if (!write) {
    const chunks = Math.ceil((elements * width) / READ_AHEAD_BYTES);
    return { exits: chunks + 1, toUserSpace: inKernel ? 0 : chunks };
  }
  // re-entries whenever the remaining count RCX reaches a multiple of 1,024, RCX 0 included
  if (inKernel) return { exits: 1 + Math.ceil(elements / ITERATIONS_PER_ENTRY), toUserSpace: 0 };
  return { exits: elements + 1, toUserSpace: elements };
}
