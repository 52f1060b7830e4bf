// The xen-qemu boot image, built at first use from Debian packages used without installing them
// (engines/lab/debian-packages.ts): Xen 4.17's hypervisor (multiboot, so QEMU's -kernel boots it), Debian's
// kernel as the PV dom0 with the three modules the tools need (privcmd for hypercalls and xentrace's
// buffers, evtchn for its wake-ups, xenfs), Xen's xentrace and xenalyze with the libraries they link, busybox
// and the op-runner. Cached under the lab cache, keyed by every package version and the bytes of the
// op-runner, the dom0 script and /init (with the console agent); a directory appears only complete (built in a temporary sibling, then renamed).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { buildCompleteDir } from '../complete-dir.ts';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isPackageList, parseCandidate, remembered, resolvePackage, unpackPackage, type DebianPackage, type UnpackedPackage } from '../debian-packages.ts';
import { Initramfs } from '../initramfs.ts';
import { initScript, BUSYBOX_PATH, BASE_DIRS } from '../init-script.ts';
import { modulesInLoadOrder } from '../kernel-modules.ts';
import { RUNNER_PATH } from '../op-runner/output.ts';
import { DOM0_SCRIPT } from './dom0-script.ts';

export const XEN_VERSION = '4.17';
/** the kernel metapackage and the real package it names */
const KERNEL_META = 'linux-image-amd64';
const KERNEL_REAL = /^linux-image-\d[\w.-]*-amd64$/;
/** xentrace (xen-utils) needs libxenctrl (in libxenmisc) and what it links; xenalyze (xen-utils-common) only the C library */
const PACKAGES = [
  `xen-hypervisor-${XEN_VERSION}-amd64`, `xen-utils-${XEN_VERSION}`, 'xen-utils-common', `libxenmisc${XEN_VERSION}`, 'libxencall1', 'libxenevtchn1',
  'libxenforeignmemory1', 'libxengnttab1', 'libxentoollog1', 'libxentoolcore1', 'libxendevicemodel1', 'libc6', 'busybox-static',
];
const MODULES = ['xen_privcmd', 'xen_evtchn', 'xenfs'];
const LIB_DIR = 'lib/x86_64-linux-gnu';

export interface XenImage {
  /** the multiboot hypervisor, the dom0 kernel, the initramfs */
  xen: string;
  kernel: string;
  initrd: string;
  versions: Record<string, string>;
}

function packageFile(pkg: UnpackedPackage, path: string): string {
  const file = join(pkg.root, path);
  if (!existsSync(file)) throw new Error(`xen-qemu: ${pkg.name} ${pkg.version} has no ${path}`);
  return file;
}

/** the shared objects of `pkg` under usr/lib/x86_64-linux-gnu or lib/x86_64-linux-gnu, by file name */
function sharedObjects(pkg: UnpackedPackage): string[] {
  const out: string[] = [];
  for (const dir of [join(pkg.root, 'usr', LIB_DIR), join(pkg.root, LIB_DIR)]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (/\.so(\.\d+)*$/.test(f)) out.push(join(dir, f));
  }
  return out;
}

/** the dom0 setup /init runs before the agent: modules, xenfs, loopback, tracefs */
function setupLines(modules: string[]): string[] {
  return [
    ...modules.map((m) => `insmod /lab/modules/${m}.ko`),
    'mkdir -p /proc/xen', 'mount -t xenfs xenfs /proc/xen', 'ifconfig lo 127.0.0.1 up',
    `export LD_LIBRARY_PATH=/${LIB_DIR}`,
  ];
}

function buildInitramfs(pkgs: Map<string, UnpackedPackage>, kernel: UnpackedPackage): Uint8Array {
  const image = new Initramfs();
  for (const d of BASE_DIRS) image.dir(d);
  image.charDevice('dev/console', 5, 1);
  image.file(BUSYBOX_PATH, readFileSync(packageFile(pkgs.get('busybox-static')!, 'bin/busybox')), 0o755);
  image.file('bin/op-runner', readFileSync(RUNNER_PATH), 0o755);
  const utils = pkgs.get(`xen-utils-${XEN_VERSION}`)!;
  image.file('bin/xentrace', readFileSync(packageFile(utils, `usr/lib/xen-${XEN_VERSION}/bin/xentrace`)), 0o755);
  image.file('bin/xenalyze', readFileSync(packageFile(pkgs.get('xen-utils-common')!, 'usr/bin/xenalyze')), 0o755);
  for (const pkg of pkgs.values()) {
    if (pkg.name === 'busybox-static' || pkg.name.startsWith('xen-')) continue;
    for (const so of sharedObjects(pkg)) image.file(`${LIB_DIR}/${so.split('/').pop()}`, readFileSync(so), 0o755);
  }
  // the program interpreter named in every dynamic executable's PT_INTERP
  image.symlink('lib64/ld-linux-x86-64.so.2', `/${LIB_DIR}/ld-linux-x86-64.so.2`);
  const modulesDir = join(kernel.root, 'lib', 'modules');
  const release = readdirSync(modulesDir)[0];
  const modules = modulesInLoadOrder(join(modulesDir, release, 'kernel'), MODULES);
  for (const m of modules) image.file(`lab/modules/${m.name}.ko`, readFileSync(m.file));
  image.file('lab/run.sh', DOM0_SCRIPT, 0o755);
  image.file('init', initScript(setupLines(modules.map((m) => m.name))), 0o755);
  return image.bytes();
}

function kernelFile(kernel: UnpackedPackage): string {
  const boot = join(kernel.root, 'boot');
  const vmlinuz = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
  if (!vmlinuz) throw new Error(`xen-qemu: ${kernel.name} ${kernel.version} has no boot/vmlinuz-*`);
  return join(boot, vmlinuz);
}

/**
 * The candidate versions of `names` from one `apt-cache policy` (each package's section starts with
 * `name:` at the start of a line): one call instead of one per package, which takes seconds each.
 */
export function parsePolicies(policy: string, names: readonly string[]): DebianPackage[] {
  const sections = new Map<string, string>();
  let current: string | null = null;
  for (const line of policy.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) { current = head[1]; sections.set(current, ''); continue; }
    if (current) sections.set(current, sections.get(current) + line + '\n');
  }
  return names.map((name) => {
    const version = parseCandidate(sections.get(name) ?? '');
    if (!version) throw new Error(`xen-qemu: no installable version of ${name} (run apt-get update)`);
    return { name, version };
  });
}

/** with the kernel's resolution, kept in the lab cache until apt's lists change (debian-packages.ts aptStamp) */
function resolveAll(names: readonly string[], cacheDir: string): DebianPackage[] {
  return remembered(cacheDir, `policy ${names.join(' ')}`, () => {
    const policy = execFileSync('apt-cache', ['policy', ...names], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
    return parsePolicies(policy, names);
  }, isPackageList);
}

/** the image for the current package versions, built if it is not cached; `progress` hears every step */
export function xenImage(cacheDir: string, progress: (message: string) => void): XenImage {
  progress('resolving Debian packages');
  const wanted: DebianPackage[] = [resolvePackage(KERNEL_META, KERNEL_REAL, cacheDir), ...resolveAll(PACKAGES, cacheDir)];
  const versions = Object.fromEntries(wanted.map((p) => [p.name, p.version]));
  const key = createHash('sha256').update(JSON.stringify(versions)).update(readFileSync(RUNNER_PATH)).update(DOM0_SCRIPT)
    .update(initScript(setupLines(MODULES))).digest('hex').slice(0, 16);
  const dir = join(cacheDir, 'xen-qemu', key);
  const image: XenImage = { xen: join(dir, 'xen'), kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.cpio'), versions };
  if (existsSync(join(dir, 'image.json'))) return image;
  const pkgs = new Map<string, UnpackedPackage>();
  for (const p of wanted) {
    progress(`fetching ${p.name} ${p.version}`);
    pkgs.set(p.name, unpackPackage(p, cacheDir));
  }
  progress('writing the image');
  const kernel = pkgs.get(wanted[0].name)!;
  buildCompleteDir(dir, 'image.json', (tmp) => {
    const hv = pkgs.get(`xen-hypervisor-${XEN_VERSION}-amd64`)!;
    const gz = readdirSync(join(hv.root, 'boot')).find((f) => /^xen-.*\.gz$/.test(f));
    if (!gz) throw new Error(`xen-qemu: ${hv.name} ${hv.version} has no boot/xen-*.gz`);
    // QEMU's multiboot loader takes an uncompressed ELF
    writeFileSync(join(tmp, 'xen'), gunzipSync(readFileSync(join(hv.root, 'boot', gz))));
    copyFileSync(kernelFile(kernel), join(tmp, 'vmlinuz'));
    writeFileSync(join(tmp, 'initrd.cpio'), buildInitramfs(pkgs, kernel));
    writeFileSync(join(tmp, 'image.json'), JSON.stringify({ versions, builtAt: new Date().toISOString() }, null, 2) + '\n');
  });
  progress(`image built (${(statSync(image.initrd).size / 1048576).toFixed(1)} MiB initramfs)`);
  return image;
}
