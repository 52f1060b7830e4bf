// Which KVM implementation serves /dev/kvm, and whether it runs nested: read from the module that owns
// /dev/kvm and /proc/cpuinfo, never assumed. The backend decides what the measured numbers mean: under kvm_intel or
// kvm_amd a plain guest runs natively between exits; kvm_pvm (a paravirtual, software backend) runs such a
// guest under instruction emulation, so its TSC timings say nothing about hardware virtualization.
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

export type BackendModule = 'kvm_intel' | 'kvm_amd' | 'kvm_pvm' | 'other' | 'none';

export interface Backend {
  module: BackendModule;
  /** e.g. "kvm_intel (VT-x)" */
  label: string;
  /** the module's `nested` parameter: this host may run guests that themselves use KVM (null: not exposed) */
  nestedParam: boolean | null;
  /** this host is itself a guest (the `hypervisor` CPUID flag): our guest is at least a nested guest */
  hostIsGuest: boolean;
  /** operations the guest must skip on this backend, found by experiment (see DISABLED_OPS) */
  disabledOps: Array<'hypercall' | 'syscall'>;
}

const LABELS: Record<BackendModule, string> = {
  kvm_intel: 'kvm_intel (VT-x)',
  kvm_amd: 'kvm_amd (SVM)',
  kvm_pvm: 'kvm_pvm (PVM, paravirtual software backend)',
  other: 'unknown KVM backend',
  none: 'no KVM module loaded',
};

// Measured on kvm_pvm (kernel 6.18, nested under PVM on AMD EPYC): VMCALL and VMMCALL never come back to
// the guest or to user space (the vCPU spins until the watchdog), and a ring-3 SYSCALL jumps to LSTAR but
// stays at CPL 3 (CS 0x2b), so the kernel's SYSRET faults. Both ops are skipped there and counted as such.
const DISABLED_OPS: Partial<Record<BackendModule, Backend['disabledOps']>> = { kvm_pvm: ['hypercall', 'syscall'] };

function readFlag(path: string): boolean | null {
  try {
    const v = readFileSync(path, 'utf8').trim();
    return v === 'Y' || v === '1';
  } catch {
    return null;
  }
}

const VENDORS = ['kvm_pvm', 'kvm_intel', 'kvm_amd'] as const;

function refcnt(sysModule: string, name: string): number | null {
  try {
    return Number(readFileSync(`${sysModule}/${name}/refcnt`, 'utf8').trim());
  } catch {
    return null;
  }
}

/** opens /dev/kvm and returns its closer, or null when it cannot be opened */
export type KvmOpener = () => (() => void) | null;

const openDevKvm: KvmOpener = () => {
  try {
    const fd = openSync('/dev/kvm', 'r+');
    return () => closeSync(fd);
  } catch {
    return null;
  }
};

/**
 * The vendor module bound to /dev/kvm: kvm_init() makes the vendor module that registered the owner of
 * /dev/kvm's file operations (virt/kvm/kvm_main.c, `kvm_chardev_ops.owner = module`), so an open file on
 * /dev/kvm holds a reference on that module and no other. A module that is loaded but did not register
 * (one that refused the CPU, or lost to another vendor module) keeps its count. Null when /dev/kvm cannot
 * be opened or no count moved.
 */
export function boundModule(sysModule: string, open: KvmOpener = openDevKvm): BackendModule | null {
  const before = VENDORS.map((name) => refcnt(sysModule, name));
  const close = open();
  if (!close) return null;
  try {
    const after = VENDORS.map((name) => refcnt(sysModule, name));
    const i = VENDORS.findIndex((_, k) => before[k] !== null && after[k] !== null && after[k]! > before[k]!);
    return i >= 0 ? VENDORS[i] : null;
  } finally {
    close();
  }
}

export function detectBackend(sysModule = '/sys/module', cpuinfo = '/proc/cpuinfo', open: KvmOpener = openDevKvm): Backend {
  const loaded = (name: string) => existsSync(`${sysModule}/${name}`);
  // without /dev/kvm to open, the first vendor module loaded is the best guess there is
  let module: BackendModule = boundModule(sysModule, open) ?? VENDORS.find(loaded) ?? 'none';
  if (module === 'none' && loaded('kvm')) module = 'other';
  const nestedParam = module === 'none' || module === 'other' ? null : readFlag(`${sysModule}/${module}/parameters/nested`);
  let hostIsGuest = false;
  try {
    const flags = readFileSync(cpuinfo, 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
    hostIsGuest = /\bhypervisor\b/.test(flags);
  } catch { /* no cpuinfo: not a guest as far as we can tell */ }
  return { module, label: LABELS[module], nestedParam, hostIsGuest, disabledOps: DISABLED_OPS[module] ?? [] };
}

/** cycles per iteration of a 2-instruction loop above which guest timings are not native execution */
export const NATIVE_LOOP_LIMIT = 20;
