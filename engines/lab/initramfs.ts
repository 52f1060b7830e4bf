// An initramfs writer: the "newc" cpio format the kernel unpacks at boot (Linux
// Documentation/driver-api/early-userspace/buffer-format.rst, init/initramfs.c). Each entry is a 110-byte
// ASCII header ("070701" and 13 eight-digit hex fields), the NUL-terminated name padded to 4 bytes, then the
// data padded to 4 bytes; the archive ends with the entry "TRAILER!!!". Inode numbers are sequential and
// mtimes zero, so the same entries always give the same bytes (the image cache relies on that).

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

interface Entry { name: string; mode: number; data: Uint8Array; rdevMajor: number; rdevMinor: number }

const pad4 = (n: number) => (4 - (n % 4)) % 4;

export class Initramfs {
  private readonly entries = new Map<string, Entry>();

  /** a directory; parents are added as needed */
  dir(path: string, mode = 0o755): this {
    return this.add(path, S_IFDIR | mode, new Uint8Array(0));
  }

  file(path: string, data: Uint8Array | string, mode = 0o644): this {
    return this.add(path, S_IFREG | mode, typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }

  symlink(path: string, target: string): this {
    return this.add(path, S_IFLNK | 0o777, new TextEncoder().encode(target));
  }

  /** a character device node, e.g. /dev/console (5,1): the kernel opens it for init before devtmpfs exists */
  charDevice(path: string, major: number, minor: number, mode = 0o600): this {
    return this.add(path, S_IFCHR | mode, new Uint8Array(0), major, minor);
  }

  has(path: string): boolean {
    return this.entries.has(normalize(path));
  }

  private add(path: string, mode: number, data: Uint8Array, rdevMajor = 0, rdevMinor = 0): this {
    const name = normalize(path);
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const existing = this.entries.get(parent);
      if (!existing) this.entries.set(parent, { name: parent, mode: S_IFDIR | 0o755, data: new Uint8Array(0), rdevMajor: 0, rdevMinor: 0 });
      else if ((existing.mode & 0o170000) !== S_IFDIR) throw new Error(`initramfs: ${parent} is not a directory`);
    }
    this.entries.set(name, { name, mode, data, rdevMajor, rdevMinor });
    return this;
  }

  /** the archive; entries in insertion order (parents before children), then the trailer */
  bytes(): Uint8Array {
    const chunks: Uint8Array[] = [];
    let ino = 1;
    for (const e of this.entries.values()) chunks.push(...record(e, ino++));
    chunks.push(...record({ name: 'TRAILER!!!', mode: 0, data: new Uint8Array(0), rdevMajor: 0, rdevMinor: 0 }, 0));
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  }
}

function normalize(path: string): string {
  const name = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (!name || name.split('/').some((p) => p === '' || p === '.' || p === '..')) throw new Error(`initramfs: bad path ${JSON.stringify(path)}`);
  return name;
}

function record(e: Entry, ino: number): Uint8Array[] {
  const name = new TextEncoder().encode(`${e.name}\0`);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const isDir = (e.mode & 0o170000) === S_IFDIR;
  const fields = [ino, e.mode, 0, 0, isDir ? 2 : 1, 0, e.data.length, 0, 0, e.rdevMajor, e.rdevMinor, name.length, 0];
  const header = new TextEncoder().encode(`070701${fields.map(hex).join('')}`);
  return [header, name, new Uint8Array(pad4(header.length + name.length)), e.data, new Uint8Array(pad4(e.data.length))];
}
