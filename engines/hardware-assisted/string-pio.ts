// VM exits per IN/OUT instruction under KVM. A plain IN/OUT exits once (handle_io → kvm_fast_pio). A string
// PIO (`rep ins` / `rep outs`: the exit qualification's string bit) goes to KVM's instruction emulator
// (arch/x86/kvm/emulate.c), which re-enters the guest part way, so the guest re-executes the instruction with
// RCX reduced and exits again:
// - `rep ins` reads ahead into the emulator's read cache (struct read_cache, 1,024 bytes of data):
//   pio_in_emulated asks for min(bytes to the end of the destination page, 1,024 bytes, RCX elements) at a
//   time — one KVM_EXIT_IO to user space with that count, the data landing in the vCPU's pio_data page — and
//   string_insn_completed's caller re-enters the guest "when pio read ahead buffer is empty": one exit per
//   1,024 bytes for a page-aligned buffer (1,024 divides the page, so no chunk crosses a page end);
// - `rep outs` hands one element per iteration to emulator_pio_out (em_out passes a count of 1): a port KVM
//   emulates in the kernel is written at once and the emulator re-enters the guest "after each 1024
//   iteration"; a port QEMU owns needs a KVM_EXIT_IO per element (x86_emulate_instruction returns to user
//   space whenever pio.count is set).

/** the emulator's PIO read-ahead buffer, and its re-entry period without one (arch/x86/kvm/kvm_emulate.h
 *  struct read_cache data[1024]; emulate.c x86_emulate_insn) */
const READ_AHEAD_BYTES = 1024;
const ITERATIONS_PER_ENTRY = 1024;

export function pioExitsPerInstruction(elements: number, width: number, write: boolean, inKernel: boolean): number {
  if (elements <= 1) return 1;
  if (!write) return Math.ceil((elements * width) / READ_AHEAD_BYTES);
  return inKernel ? Math.ceil(elements / ITERATIONS_PER_ENTRY) : elements;
}
