// What L1 needs to run a real Linux guest (L2) on its own KVM, for `kvm-qemu:guest=linux`: this host's
// qemu-system-x86_64 with the shared libraries it links (run through their own dynamic loader, so L1 needs no
// /lib of its own), the firmware it loads for a `-kernel` boot (SeaBIOS, the linuxboot_dma option ROM, the
// kvmvapic ROM QEMU's PC machine adds under KVM), the same Debian kernel as L1, and L2's initramfs: busybox,
// the op-runner (engines/lab/op-runner/), the virtio modules for its disk, and an /init that runs the
// operation stream appended to the initramfs at run time and powers off.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BUSYBOX_PATH } from '../lab/init-script.ts';
import { Initramfs } from '../lab/initramfs.ts';
import { findExecutable } from '../lab/executables.ts';
import type { KernelModule } from '../lab/kernel-modules.ts';
import { QEMU } from '../lab/qemu-runner.ts';
import { BRACKETS_AWK } from './op-brackets.ts';

/** where the payload sits in L1 */
export const L2_PATHS = {
  loader: '/lab/l2/lib/ld-linux-x86-64.so.2',
  libs: '/lab/l2/lib',
  qemu: '/lab/l2/qemu-system-x86_64',
  firmware: '/lab/l2/firmware',
  kernel: '/lab/l2/vmlinuz',
  initrd: '/lab/l2/initrd.cpio',
  brackets: '/lab/l2/brackets.awk',
};

/** L2's disk for io ops: virtio-blk, whose driver Debian's cloud kernel builds as modules */
export const L2_MODULES = ['virtio_pci', 'virtio_blk'];
/** the file L2's init runs, and where the runner's output ends */
export const L2_STREAM = 'stream';
export const L2_DONE = '@l2 done';

/** the firmware a PC machine with `-kernel` and no VGA or NIC loads (hw/i386/pc.c, hw/i386/x86.c) */
const FIRMWARE = ['bios-256k.bin', 'linuxboot_dma.bin', 'kvmvapic.bin'];

/**
 * L2's /init: the runner's compute cap comes on the kernel command line (`hvbench.cap=`), the stream in the
 * initramfs, the disk (if any) as /dev/vda. The runner's lines and then L2_DONE with its status go to the
 * console, which is QEMU's standard output in L1. --privileged: a `pio` op opens its port with ioperm(2), but a
 * user-mode IN, OUT or rep insb still faults in L2 under QEMU 7.2's emulated SVM (seen here, TCG), so the
 * op-runner reports it skipped (detail 10, engines/lab/op-runner/cpu.c) and goes on.
 */
export function l2InitScript(): string {
  return `#!${BUSYBOX_PATH} sh
${BUSYBOX_PATH} --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec < /dev/console > /dev/console 2>&1
for m in $(cat /modules/order); do insmod /modules/$m.ko; done
cap=$(sed -n 's/.*hvbench\\.cap=\\([0-9]*\\).*/\\1/p' /proc/cmdline)
disk=; [ -b /dev/vda ] && disk=--disk=/dev/vda
/op-runner --kvm-marker --privileged --compute-cap=\${cap:-1000} $disk /${L2_STREAM}
echo "${L2_DONE} $?"
poweroff -f
`;
}

export function l2Initramfs(busybox: Uint8Array, runner: Uint8Array, modules: KernelModule[]): Uint8Array {
  const image = new Initramfs()
    .file(BUSYBOX_PATH, busybox, 0o755)
    .charDevice('dev/console', 5, 1)
    .file('op-runner', runner, 0o755);
  for (const m of modules) image.file(`modules/${m.name}.ko`, readFileSync(m.file));
  image.file('modules/order', modules.map((m) => m.name).join('\n') + '\n');
  return image.file('init', l2InitScript(), 0o755).bytes();
}

/** the stream as a second initramfs the kernel unpacks over the first (init/initramfs.c takes concatenated archives) */
export function streamArchive(stream: Uint8Array): Uint8Array {
  return new Initramfs().file(L2_STREAM, stream).bytes();
}

/** `ldd` of the QEMU binary: every shared library, the dynamic loader included */
export function parseLdd(text: string): string[] {
  const libs: string[] = [];
  for (const line of text.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}

export interface HostQemu { binary: string; libs: string[]; firmware: string[]; identity: string }

/** this host's QEMU and what it needs; throws one line when something is missing */
export function hostQemu(): HostQemu {
  const binary = findExecutable(QEMU, process.env.PATH ?? '');
  if (!binary) throw new Error(`${QEMU} not found (hvbench lab setup installs it)`);
  const libs = parseLdd(execFileSync('ldd', [binary], { encoding: 'utf8' }));
  if (!libs.some((l) => basename(l) === basename(L2_PATHS.loader))) throw new Error(`ldd ${binary} names no ${basename(L2_PATHS.loader)}`);
  const dirs = execFileSync(binary, ['-L', 'help'], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
  const firmware = FIRMWARE.map((name) => {
    const found = dirs.map((d) => join(d, name)).find((p) => existsSync(p));
    if (!found) throw new Error(`QEMU's firmware ${name} is not in ${dirs.join(', ')}`);
    return found;
  });
  const s = statSync(binary);
  return { binary, libs, firmware, identity: `${binary} ${s.size} ${s.mtimeMs}` };
}

/** puts QEMU, its libraries and firmware, L2's kernel and initramfs into L1's image */
export function addL2Payload(image: Initramfs, qemu: HostQemu, kernel: Uint8Array, initrd: Uint8Array): void {
  const at = (path: string) => path.slice(1);
  image.file(at(L2_PATHS.qemu), readFileSync(qemu.binary), 0o755);
  for (const lib of qemu.libs) image.file(at(join(L2_PATHS.libs, basename(lib))), readFileSync(lib), 0o755);
  for (const fw of qemu.firmware) image.file(at(join(L2_PATHS.firmware, basename(fw))), readFileSync(fw));
  image.file(at(L2_PATHS.kernel), kernel).file(at(L2_PATHS.initrd), initrd).file(at(L2_PATHS.brackets), BRACKETS_AWK);
}
