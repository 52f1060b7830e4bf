// One workload per exiting instruction or hypercall path, each mirroring a kvm-unit-tests x86/vmexit.c case
// (test name in the description) or a HyperBench benchmark.
import { counted } from './counted.ts';

// ports from kvm-unit-tests x86/vmexit.c: 0x4d0 (ELCR) is emulated in the KVM kernel module, 0x1234 is not
// claimed by any in-kernel device and is forwarded to the user-space VMM
const PORT_IN_KERNEL = 0x4d0;
const PORT_IN_USER_SPACE = 0x1234;
const IA32_TSC_DEADLINE = 0x6e0;
/** QEMU's fw_cfg data port (hw/nvram/fw_cfg.c: FW_CFG_IO_BASE 0x510 selector, +1 data), which firmware and the
 *  guest's fw_cfg driver read blobs from with `rep insb` */
const FW_CFG_DATA = 0x511;
/** why a port read means nothing on xen PV (Workload.notMeaningfulOnPv) */
const PV_NO_PORT_IO = 'a domU has no device model and no I/O privilege, so every IN is a #GP that Xen bounces to the guest kernel.';

export const instructionMicros = [
  counted({
    name: 'cpuid', title: 'CPUID', defaultCount: 10_000, op: (count) => ({ op: 'cpuid', count }),
    description: 'CPUID in a loop from the kernel: always exits under VT-x; a Xen PV kernel uses the forced-emulation prefix (xen_cpuid), a trap into Xen; kvm-unit-tests vmexit "cpuid".',
  }),
  counted({
    name: 'hypercall', title: 'Null hypercall (VMCALL)', defaultCount: 10_000, op: (count) => ({ op: 'hypercall', count }),
    description: 'A null hypercall in a loop, the bare guest→hypervisor round trip; kvm-unit-tests "vmcall", HyperBench hypercall.',
  }),
  counted({
    name: 'pio-kernel', title: 'Port I/O handled in the kernel', defaultCount: 10_000,
    op: (count) => ({ op: 'pio', port: PORT_IN_KERNEL, write: false, count }),
    description: 'IN from port 0x4d0, emulated inside the hypervisor kernel; kvm-unit-tests "inl_from_kernel".',
    notMeaningfulOnPv: PV_NO_PORT_IO,
  }),
  counted({
    name: 'pio-user', title: 'Port I/O forwarded to user space', defaultCount: 10_000,
    op: (count) => ({ op: 'pio', port: PORT_IN_USER_SPACE, write: false, count }),
    description: 'IN from port 0x1234, forwarded to the user-space device model; kvm-unit-tests "inl_from_qemu", HyperBench IN.',
    notMeaningfulOnPv: PV_NO_PORT_IO,
  }),
  counted({
    name: 'pio-string', title: 'String port input (rep insb, 4 KiB)', defaultCount: 1000,
    op: (count) => ({ op: 'pio', port: FW_CFG_DATA, write: false, count, rep: 4096, width: 1 }),
    description: "A 4 KiB rep insb from QEMU's fw_cfg data port (0x511) into a page-aligned buffer, as a fw_cfg blob read does: KVM's emulator reads ahead 1,024 bytes per exit to user space.",
    notMeaningfulOnPv: "a domU has no device model and no I/O privilege, so every INS is a #GP that Xen bounces to the guest kernel.",
  }),
  counted({
    name: 'mmio', title: 'MMIO register write', defaultCount: 10_000, op: (count) => ({ op: 'mmio', write: true, count }),
    description: 'Writes to an emulated device register (EPT misconfiguration exit on KVM); kvm-unit-tests "pci-mem".',
    notMeaningfulOnPv: 'a domU has no emulated devices, so every write is a #PF that Xen bounces to the guest kernel.',
  }),
  counted({
    name: 'hlt', title: 'HLT', defaultCount: 10_000, op: (count) => ({ op: 'hlt', count }),
    description: 'HLT until the next interrupt: a HLT exit on KVM, sched_op block on Xen; HyperBench idle / kvm-unit-tests "ipi_halt".',
  }),
  counted({
    name: 'tsc-deadline', title: 'TSC-deadline timer write', defaultCount: 10_000,
    op: (count) => ({ op: 'msr', index: IA32_TSC_DEADLINE, write: true, count }),
    description: 'WRMSR of IA32_TSC_DEADLINE (0x6e0), which exits on VT-x; kvm-unit-tests "tscdeadline_immed".',
    notMeaningfulOnPv: 'a PV guest has no local APIC and arms its timer with VCPUOP_set_singleshot_timer, so the WRMSR is a #GP that Xen bounces.',
  }),
  counted({
    name: 'self-ipi', title: 'Self-IPI', defaultCount: 10_000, op: (count) => ({ op: 'ipi', target: 'self', count, masked: true }),
    description: 'An IPI to the sending CPU with interrupts disabled, taken at the STI after it (x2APIC SELF_IPI write plus EOI; without APICv KVM needs an interrupt-window exit to deliver it); kvm-unit-tests "self_ipi_sti_nop".',
  }),
  counted({
    name: 'ipi', title: 'IPI to another CPU', defaultCount: 10_000, op: (count) => ({ op: 'ipi', target: 'other', count }),
    description: 'An IPI to another vCPU, waiting for its response; kvm-unit-tests "ipi", HyperBench IPI (2,095 → 8,907 cycles on Xen HVM).',
  }),
  counted({
    name: 'null-syscall', title: 'Null system call', defaultCount: 100_000, op: (count) => ({ op: 'syscall', count }),
    description: 'A null system call round trip: native on KVM, two page-table switches on 64-bit Xen PV; lmbench lat_syscall null.',
  }),
];
