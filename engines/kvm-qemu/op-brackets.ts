// L1's kvm_exit events split by the operation L2's op-runner was running. The runner brackets each operation
// with CPUID leaves KVM_MARKER_BEGIN / KVM_MARKER_END and the op index as subleaf (engines/lab/op-runner/
// cpu.c); L1 records the kvm_exit and kvm_cpuid tracepoints (arch/x86/kvm/trace.h) in its ring buffer, and
// BRACKETS_AWK, run in L1 over the trace text, counts the exits inside each bracket by reason and EXITINFO1,
// so only a few lines per operation cross the slow serial line. The begin marker's own exit comes before its
// kvm_cpuid event (KVM traces the exit, then emulates the CPUID), so it is outside; the end marker's is the
// last exit inside, and the program takes it off again.
import { vmxReason, svmName, type ExitHistogram } from './svm-exits.ts';

/** op-runner.h KVM_MARKER_BEGIN / KVM_MARKER_END, as kvm_cpuid prints them (%x) */
export const MARKER_BEGIN = '4856b001';
export const MARKER_END = '4856b002';
/** op-runner.h KVM_MARKER_UNMAP: a shootdown's munmap begins (subleaf 1) and ends (0) */
export const MARKER_UNMAP = '4856b003';

/**
 * Input: the trace file's lines, `… kvm_exit: vcpu 0 reason npf rip 0x… info1 0x… info2 …`,
 * `… kvm_cpuid: func 4856b001 idx 3 rax …` and `… kvm_msr: msr_write 830 = 0x…`. Output, printed when the
 * bracket closes: `exit <op, hex> <reason, spaces as _> <info1> <count>` per key, and `msr <op, hex> <vCPU>
 * <MSR index, hex> <count>` per MSR written (kvm_exit does not say which on SVM; the kvm_msr event follows its
 * vCPU's exit, L1 having one CPU), and `icr <op, hex> <vCPU> <vector, hex> <in the unmap: 0|1> <count>` per
 * x2APIC ICR vector written (the value's bits 7:0, SDM Vol. 3 §11.12.9: which IPI a sender sent), the last
 * field 1 between a shootdown's KVM_MARKER_UNMAP markers (whose own exits are taken off as the end marker's);
 * then `outside <count>` for exits in no bracket (L2's boot, the begin
 * markers), `brackets <count>`, and `unclosed 1` when the last bracket never closed (the runner died inside an
 * operation: what followed was its death and L2's shutdown, so it is counted nowhere).
 */
export const BRACKETS_AWK = `{
  for (i = 1; i < NF; i++) {
    if ($i == "kvm_cpuid:") { cpuid(i); next }
    if ($i == "kvm_exit:") { exit_event(i); next }
    if ($i == "kvm_msr:") { msr_event(i); next }
  }
}
function cpuid(i,   j, leaf, idx, k) {
  for (j = i; j < NF; j++) { if ($j == "func") leaf = $(j + 1); if ($j == "idx") idx = $(j + 1) }
  if (leaf == "${MARKER_BEGIN}") { op = idx; inside = 1; brackets++ }
  else if (leaf == "${MARKER_END}" && inside) {
    n[last]--
    for (k in n) { if (n[k] > 0) print "exit", op, k, n[k]; delete n[k] }
    for (k in w) { print "msr", op, k, w[k]; delete w[k] }
    for (k in v) { print "icr", op, k, v[k]; delete v[k] }
    inside = 0
  } else if (leaf == "${MARKER_UNMAP}" && inside) { n[last]--; unmapping = idx }
}
function exit_event(i,   j, reason, info1) {
  if ($(i + 1) == "vcpu") vcpu = $(i + 2)
  for (j = i; j < NF && $j != "reason"; j++) {}
  for (j++; j < NF && $j != "rip"; j++) reason = reason (reason == "" ? "" : "_") $j
  for (; j < NF && $j != "info1"; j++) {}
  info1 = $(j + 1)
  if (!inside) { outside++; return }
  last = reason " " info1
  n[last]++
}
function msr_event(i) {
  if (!inside || $(i + 1) != "msr_write") return
  w[vcpu " " $(i + 2)]++
  if ($(i + 2) == "830") v[vcpu " " substr($(i + 4), length($(i + 4)) - 1) " " (unmapping + 0)]++
}
END {
  print "outside", outside + 0
  print "brackets", brackets + 0
  print "unclosed", inside + 0
}
`;

/** the names Linux's SVM_EXIT_REASONS table (arch/x86/include/uapi/asm/svm.h) gives that svm-exits.ts spells
 *  otherwise; VMMCALL is printed `hypercall` there (read as an unknown reason before, so L2's VMMCALLs made a
 *  HYPERCALL row beside the model's VMCALL) */
const KERNEL_NAMES: Record<string, number> = {
  interrupt: 0x60, nmi: 0x61, smi: 0x62, init: 0x63, vintr: 0x64, cr0_sel_write: 0x65, cpuid: 0x72, invd: 0x76,
  pause: 0x77, hlt: 0x78, invlpg: 0x79, invlpga: 0x7a, io: 0x7b, msr: 0x7c, task_switch: 0x7d, shutdown: 0x7f,
  vmrun: 0x80, vmmcall: 0x81, hypercall: 0x81, vmload: 0x82, vmsave: 0x83, stgi: 0x84, clgi: 0x85, skinit: 0x86, rdtscp: 0x87,
  icebp: 0x88, wbinvd: 0x89, monitor: 0x8a, mwait: 0x8b, xsetbv: 0x8d, rdpru: 0x8e, efer_write_trap: 0x8f,
  invpcid: 0xa2, npf: 0x400, avic_incomplete_ipi: 0x401, avic_unaccelerated_access: 0x402, vmgexit: 0x403,
};
/** `PF excp` and the like: SVM_EXIT_EXCP_BASE (0x40) + the vector */
const VECTORS: Record<string, number> = { DE: 0, DB: 1, BP: 3, UD: 6, NM: 7, GP: 13, PF: 14, AC: 17, MC: 18 };

/** the SVM exit code of a name as the kvm_exit tracepoint prints it (__print_symbolic prints unknown codes in hex) */
export function svmCode(printed: string): number | null {
  if (/^0x[0-9a-f]+$/i.test(printed)) return Number(printed);
  const excp = /^([A-Z]{2})_excp$/.exec(printed);
  if (excp && excp[1] in VECTORS) return 0x40 + VECTORS[excp[1]];
  const cr = /^(read|write)_(cr|dr)(\d+)$/.exec(printed);
  if (cr) return (cr[2] === 'cr' ? 0 : 0x20) + (cr[1] === 'write' ? 0x10 : 0) + Number(cr[3]);
  return KERNEL_NAMES[printed] ?? null;
}

export interface OpExits {
  /** by op index; an op with no exits has an empty histogram */
  byOp: ExitHistogram[];
  /** by op index: MSR index (`0x830`) → vCPU → writes inside the bracket */
  msrWrites: Array<Record<string, Record<string, number>>>;
  /** by op index: x2APIC ICR vector (`0xfb`) → sending vCPU → writes inside the bracket; `…InUnmap` the
   *  share of them a shootdown wrote during its munmap */
  icrVectors: Array<Record<string, Record<string, number>>>;
  icrVectorsInUnmap: Array<Record<string, Record<string, number>>>;
  /** by op index: I/O port (`0x3f8`, from EXITINFO1 bits 31:16 of an IOIO exit, AMD APM vol. 2 15.10.2) → exits */
  ioPorts: Array<Record<string, number>>;
  /** exits outside every bracket: L2's boot and shutdown, the begin markers' own */
  outside: number;
}

/** SVM_EXIT_IOIO */
const IOIO = 0x7b;

const empty = (): ExitHistogram => ({ byReason: {}, bySvm: {}, total: 0, dropped: 0 });

/** BRACKETS_AWK's output → one histogram per operation; throws when the brackets do not match the ops */
export function parseBrackets(text: string, ops: number): OpExits {
  const byOp = Array.from({ length: ops }, empty);
  const msrWrites = Array.from({ length: ops }, (): Record<string, Record<string, number>> => ({}));
  const nested = () => Array.from({ length: ops }, (): Record<string, Record<string, number>> => ({}));
  const [icrVectors, icrVectorsInUnmap] = [nested(), nested()];
  const ioPorts = Array.from({ length: ops }, (): Record<string, number> => ({}));
  let outside = 0;
  let brackets: number | null = null;
  let unclosed = false;
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    if (f[0] === 'outside') outside = Number(f[1]);
    else if (f[0] === 'brackets') brackets = Number(f[1]);
    else if (f[0] === 'unclosed' && f[1] !== '0') unclosed = true;
    else if ((f[0] === 'msr' && f.length === 5) || (f[0] === 'icr' && f.length === 6)) {
      const op = parseInt(f[1], 16);
      if (!(op < ops)) throw new Error(`kvm-qemu: an MSR bracket names operation ${op} of ${ops}`);
      const count = Number(f[f.length - 1]);
      const tables = f[0] === 'msr' ? [msrWrites] : f[4] === '1' ? [icrVectors, icrVectorsInUnmap] : [icrVectors];
      for (const t of tables) {
        const byVcpu = (t[op][`0x${f[3].toLowerCase()}`] ??= {});
        byVcpu[f[2]] = (byVcpu[f[2]] ?? 0) + count;
      }
    } else if (f[0] === 'exit' && f.length === 5) {
      const op = parseInt(f[1], 16);
      const code = svmCode(f[2]);
      const n = Number(f[4]);
      if (!(op < ops)) throw new Error(`kvm-qemu: an exit bracket names operation ${op} of ${ops}`);
      const h = byOp[op];
      const e = code === null ? null : { code, info1: BigInt(f[3]) };
      const reason = e ? vmxReason(e) : f[2].toUpperCase();
      const svm = e ? svmName(e) : f[2];
      h.byReason[reason] = (h.byReason[reason] ?? 0) + n;
      h.bySvm[svm] = (h.bySvm[svm] ?? 0) + n;
      h.total += n;
      if (e?.code === IOIO) {
        const port = `0x${Number((e.info1 >> 16n) & 0xffffn).toString(16)}`;
        ioPorts[op][port] = (ioPorts[op][port] ?? 0) + n;
      }
    }
  }
  if (brackets === null) throw new Error('kvm-qemu: L1 printed no exit brackets (the trace was not read)');
  if (unclosed || brackets !== ops) throw new Error(`kvm-qemu: ${brackets} operations began in L2's trace${unclosed ? ', the last never ended' : ''}, for ${ops} operations`);
  return { byOp, msrWrites, icrVectors, icrVectorsInUnmap, ioPorts, outside };
}
