// The kvm-qemu boot image: Debian's cloud kernel (whose kvm_amd runs on the SVM with nested paging that
// QEMU's TCG emulates for `-cpu max`), busybox-static, the kernel's KVM modules, and a static build of the
// kvm-host VMM and guest, in one initramfs, with what L1 needs to run a real Linux guest under its KVM
// (l2-payload.ts: QEMU, its libraries and firmware, the same kernel, the op-runner). Built at first use and cached under the lab cache keyed by the
// package versions and a hash of everything else that goes in, so a kernel update or a VMM change gives a
// new image and nothing else does. Concurrent builders (the harness's worker threads) take a lock directory;
// the image appears only when complete.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labCacheDir } from '../lab/cache-dir.ts';
import { resolvePackage, unpackPackage, type DebianPackage } from '../lab/debian-packages.ts';
import { BUSYBOX_PATH, initScript } from '../lab/init-script.ts';
import { Initramfs } from '../lab/initramfs.ts';
import { modulesInLoadOrder } from '../lab/kernel-modules.ts';
import { withLock } from '../lab/build-lock.ts';
import { L1_SETUP } from './l1-commands.ts';
import { RUNNER_DIR, RUNNER_PATH, runnerProblem } from '../lab/op-runner/output.ts';
import { addL2Payload, hostQemu, l2InitScript, l2Initramfs, L2_MODULES, type HostQemu } from './l2-payload.ts';
import { BRACKETS_AWK } from './op-brackets.ts';

const here = new URL('.', import.meta.url).pathname;
const KVM_HOST = join(here, '..', 'kvm-host');

/** the packages the image is made of: the cloud kernel is a third the size of the generic one and has KVM */
export const KERNEL_META = 'linux-image-cloud-amd64';
export const BUSYBOX = 'busybox-static';
/** kvm_amd: QEMU's `-cpu max` under TCG is an AMD-style CPU with SVM and NPT (and no VMX) */
export const KVM_MODULES = ['kvm_amd'];

export interface KvmQemuImage {
  kernel: string;
  initrd: string;
  key: string;
  packages: DebianPackage[];
  /** ms spent building it now; 0 when it came from the cache */
  buildMs: number;
}

export function imagePackages(cacheDir = labCacheDir()): DebianPackage[] {
  return [resolvePackage(KERNEL_META, /^linux-image-\d/, cacheDir), resolvePackage(BUSYBOX, undefined, cacheDir)];
}

/** the VMM, guest and op-runner sources, the build scripts, this host's QEMU and the image recipe: a change
 *  to any of them is a new image */
function sourceHash(qemu: HostQemu): string {
  const hash = createHash('sha256');
  const walk = (root: string, dir = root) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (name === 'build') continue;
      if (statSync(path).isDirectory()) walk(root, path);
      else if (/\.(c|h|S|ld|mjs)$/.test(name)) hash.update(`${path.slice(root.length)}\0`).update(readFileSync(path));
    }
  };
  walk(KVM_HOST);
  walk(RUNNER_DIR);
  hash.update(initScript(L1_SETUP)).update(l2InitScript()).update(BRACKETS_AWK).update(qemu.identity);
  return hash.digest('hex');
}

export function imageKey(packages: DebianPackage[], qemu: HostQemu): string {
  const hash = createHash('sha256').update(sourceHash(qemu));
  for (const p of packages) hash.update(`${p.name}=${p.version}\n`);
  return hash.digest('hex').slice(0, 16);
}

function staticVmm(into: string): { vmm: string; guest: string } {
  execFileSync(process.execPath, [join(KVM_HOST, 'build.mjs'), '--out', into, '--static'], { stdio: 'ignore', timeout: 300_000 });
  const status = JSON.parse(readFileSync(join(into, 'status.json'), 'utf8')) as { ok: boolean; reason?: string };
  if (!status.ok) throw new Error(`the static VMM build failed: ${status.reason ?? 'no reason recorded'}`);
  return { vmm: join(into, 'hvbench-vmm'), guest: join(into, 'guest.bin') };
}

/** the cached image, built first when missing */
export function ensureImage(onProgress: (message: string) => void = () => {}, cacheDir = labCacheDir()): KvmQemuImage {
  const packages = imagePackages(cacheDir);
  const runner = runnerProblem();
  if (runner) throw new Error(runner);
  const qemu = hostQemu();
  const key = imageKey(packages, qemu);
  const dir = join(cacheDir, 'kvm-qemu', key);
  const done = (buildMs: number): KvmQemuImage => ({
    kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.cpio'), key, packages, buildMs,
  });
  if (existsSync(join(dir, 'initrd.cpio'))) return done(0);
  return withLock(join(cacheDir, 'kvm-qemu', '.lock'), () => {
    if (existsSync(join(dir, 'initrd.cpio'))) return done(0);
    const started = Date.now();
    const [kernelPkg, busyboxPkg] = packages;
    onProgress(`fetching ${kernelPkg.name} ${kernelPkg.version}`);
    const kernel = unpackPackage(kernelPkg, cacheDir);
    onProgress(`fetching ${busyboxPkg.name} ${busyboxPkg.version}`);
    const busybox = unpackPackage(busyboxPkg, cacheDir);
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      onProgress('building the static VMM and guest');
      const built = staticVmm(join(tmp, 'vmm'));
      onProgress('writing the initramfs');
      const release = kernelPkg.name.replace(/^linux-image-/, '');
      const modules = modulesInLoadOrder(join(kernel.root, 'lib', 'modules', release), KVM_MODULES);
      const busyboxBytes = readFileSync(join(busybox.root, 'bin', 'busybox'));
      const image = new Initramfs()
        .file(BUSYBOX_PATH, busyboxBytes, 0o755)
        .charDevice('dev/console', 5, 1)
        .file('lab/hvbench-vmm', readFileSync(built.vmm), 0o755)
        .file('lab/guest.bin', readFileSync(built.guest));
      for (const m of modules) image.file(`lab/modules/${m.name}.ko`, readFileSync(m.file));
      image.file('lab/modules/order', modules.map((m) => m.name).join('\n') + '\n');
      image.file('init', initScript(L1_SETUP), 0o755);
      const vmlinuz = readFileSync(join(kernel.root, 'boot', `vmlinuz-${release}`));
      onProgress('adding QEMU and a Linux guest for guest=linux');
      const l2Modules = modulesInLoadOrder(join(kernel.root, 'lib', 'modules', release), L2_MODULES);
      addL2Payload(image, qemu, vmlinuz, l2Initramfs(busyboxBytes, readFileSync(RUNNER_PATH), l2Modules));
      writeFileSync(join(tmp, 'initrd.cpio'), image.bytes());
      writeFileSync(join(tmp, 'vmlinuz'), vmlinuz);
      writeFileSync(join(tmp, 'image.json'), JSON.stringify({ key, packages, modules: modules.map((m) => m.name) }, null, 2) + '\n');
      rmSync(join(tmp, 'vmm'), { recursive: true, force: true });
      renameSync(tmp, dir);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return done(Date.now() - started);
  });
}
