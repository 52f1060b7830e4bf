// The image of xen-qemu's domU mode: dom0's initramfs (image.ts) with a second archive appended — Linux
// unpacks concatenated cpio archives (init/initramfs.c) — that adds Xen's toolstack (xl, xenstored,
// xen-init-dom0, xenconsoled and the xenstore tools, with the libraries they link: readelf -d names them),
// the back-end modules (blkback, netback, gntdev, loop), the block and vif hotplug scripts, the domU's kernel (the same
// Debian kernel) and the domU's initramfs (busybox, the op-runner, blkfront, netfront). Cached like
// the dom0 image, keyed by it, these packages' versions and the scripts' bytes.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { buildCompleteDir } from '../complete-dir.ts';
import { basename, dirname, join } from 'node:path';
import { resolvePackage, unpackPackage, type UnpackedPackage } from '../debian-packages.ts';
import { Initramfs } from '../initramfs.ts';
import { BUSYBOX_PATH } from '../init-script.ts';
import { modulesInLoadOrder, type KernelModule } from '../kernel-modules.ts';
import { RUNNER_PATH } from '../op-runner/output.ts';
import { DOMU_CONFIG, DOMU_SCRIPT, domuInit, HOTPLUG_BLOCK, HOTPLUG_VIF } from './domu-script.ts';
import { XEN_VERSION, xenImage, type XenImage } from './image.ts';

/** what xl, xenstored, xenconsoled and xen-init-dom0 link beyond the dom0 image's libraries (readelf -d) */
const TOOLSTACK_PACKAGES = ['libxenstore4', 'libxenhypfs1', 'libyajl2', 'libuuid1', 'liblzma5', 'libzstd1', 'zlib1g', 'libgcc-s1', 'xenstore-utils'];
const TOOLSTACK_BINARIES = ['xl', 'xenstored', 'xen-init-dom0', 'xenconsoled'];
/** xenstore-utils ships one program that acts by the name it is called by */
const XENSTORE_NAMES = ['xenstore-read', 'xenstore-write', 'xenstore-ls', 'xenstore-list', 'xenstore-exists'];
const DOM0_MODULES = ['xen_blkback', 'xen_netback', 'xen_gntdev', 'xen_gntalloc', 'loop'];
const DOMU_MODULES = ['xen_blkfront', 'xen_netfront'];
const LIB_DIR = 'lib/x86_64-linux-gnu';

function modules(kernel: UnpackedPackage, wanted: string[]): KernelModule[] {
  const dir = join(kernel.root, 'lib', 'modules');
  return modulesInLoadOrder(join(dir, readdirSync(dir)[0], 'kernel'), wanted);
}

function domuInitramfs(busybox: UnpackedPackage, kernel: UnpackedPackage): Uint8Array {
  const u = new Initramfs();
  for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp', 'lab']) u.dir(d);
  u.charDevice('dev/console', 5, 1);
  u.file(BUSYBOX_PATH, readFileSync(join(busybox.root, 'bin/busybox')), 0o755);
  u.file('bin/op-runner', readFileSync(RUNNER_PATH), 0o755);
  const mods = modules(kernel, DOMU_MODULES);
  for (const m of mods) u.file(`lab/modules/${m.name}.ko`, readFileSync(m.file));
  u.file('init', domuInit(mods.map((m) => m.name)), 0o755);
  return u.bytes();
}

function toolstackArchive(pkgs: Map<string, UnpackedPackage>, kernel: UnpackedPackage, image: XenImage, busybox: UnpackedPackage): Uint8Array {
  const a = new Initramfs();
  for (const name of TOOLSTACK_PACKAGES) {
    const pkg = pkgs.get(name)!;
    for (const dir of [join(pkg.root, 'usr', LIB_DIR), join(pkg.root, LIB_DIR)]) {
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir)) if (/\.so(\.\d+)*$/.test(f)) a.file(`${LIB_DIR}/${f}`, readFileSync(join(dir, f)), 0o755);
    }
  }
  const utils = pkgs.get(`xen-utils-${XEN_VERSION}`)!;
  for (const b of TOOLSTACK_BINARIES) a.file(`bin/${b}`, readFileSync(join(utils.root, `usr/lib/xen-${XEN_VERSION}/bin`, b)), 0o755);
  a.file('bin/xenstore', readFileSync(join(pkgs.get('xenstore-utils')!.root, 'usr/bin/xenstore')), 0o755);
  for (const n of XENSTORE_NAMES) a.symlink(`bin/${n}`, 'xenstore');
  const dmods = modules(kernel, DOM0_MODULES);
  for (const m of dmods) a.file(`lab/dmods/${m.name}.ko`, readFileSync(m.file));
  a.file('lab/dmods/order', dmods.map((m) => m.name).join('\n') + '\n');
  a.file('lab/domu/vmlinuz', readFileSync(image.kernel));
  a.file('lab/domu/initrd', domuInitramfs(busybox, kernel));
  a.file('lab/domu/block', HOTPLUG_BLOCK, 0o755);
  a.file('lab/domu/vif', HOTPLUG_VIF, 0o755);
  a.file('lab/domu/domu.cfg', DOMU_CONFIG);
  a.file('lab/domu/run.sh', DOMU_SCRIPT, 0o755);
  a.file('etc/xen/xl.conf', '');
  return a.bytes();
}

/** dom0's image with the toolstack and the domU appended; `progress` hears every step */
export function xenDomuImage(cacheDir: string, progress: (message: string) => void): XenImage {
  const base = xenImage(cacheDir, progress);
  const kernelPkg = { name: Object.keys(base.versions).find((n) => n.startsWith('linux-image-'))!, version: '' };
  kernelPkg.version = base.versions[kernelPkg.name];
  const wanted = [...TOOLSTACK_PACKAGES, `xen-utils-${XEN_VERSION}`, 'busybox-static'].map((n) =>
    n in base.versions ? { name: n, version: base.versions[n] } : resolvePackage(n, undefined, cacheDir));
  const versions = { ...base.versions, ...Object.fromEntries(wanted.map((p) => [p.name, p.version])) };
  const key = createHash('sha256').update(basename(dirname(base.initrd))).update(JSON.stringify(versions))
    .update(readFileSync(RUNNER_PATH)).update(DOMU_SCRIPT).update(DOMU_CONFIG).update(HOTPLUG_BLOCK).update(HOTPLUG_VIF).update(domuInit(DOMU_MODULES))
    .digest('hex').slice(0, 16);
  const dir = join(cacheDir, 'xen-qemu-domu', key);
  const image: XenImage = { ...base, initrd: join(dir, 'initrd.cpio'), versions };
  if (existsSync(join(dir, 'image.json'))) return image;
  const pkgs = new Map<string, UnpackedPackage>();
  for (const p of wanted) {
    progress(`fetching ${p.name} ${p.version}`);
    pkgs.set(p.name, unpackPackage(p, cacheDir));
  }
  const kernel = unpackPackage(kernelPkg, cacheDir);
  progress('writing the domU image');
  buildCompleteDir(dir, 'image.json', (tmp) => {
    const added = toolstackArchive(pkgs, kernel, base, pkgs.get('busybox-static')!);
    writeFileSync(join(tmp, 'initrd.cpio'), Buffer.concat([readFileSync(base.initrd), added]));
    writeFileSync(join(tmp, 'image.json'), JSON.stringify({ versions, builtAt: new Date().toISOString() }, null, 2) + '\n');
  });
  return image;
}
