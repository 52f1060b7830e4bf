// Debian packages used without installing them: `apt-get download` fetches the .deb of the candidate
// version, `dpkg-deb -x` unpacks it into the lab cache, keyed by package and version, so a new kernel or
// Xen upload gives a new directory and an unchanged one is never fetched twice. Works as any user (apt-get
// download needs no root) wherever the package lists are present (`apt-get update`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from './executables.ts';

export interface DebianPackage { name: string; version: string }

export interface UnpackedPackage extends DebianPackage {
  /** the unpacked file system tree of the package (what `dpkg -i` would have put at /) */
  root: string;
}

/** the one-line reason Debian packages cannot be fetched here, or null */
export function aptProblem(): string | null {
  for (const tool of ['apt-cache', 'apt-get', 'dpkg-deb']) {
    if (!findExecutable(tool)) return `${tool} not found (the lab fetches Debian packages with apt; on another distribution install them by hand)`;
  }
  return null;
}

/** `apt-cache policy NAME` → the candidate version, null when apt knows no installable version */
export function parseCandidate(policy: string): string | null {
  const m = /^\s*Candidate:\s*(\S+)/m.exec(policy);
  return m && m[1] !== '(none)' ? m[1] : null;
}

/** `apt-cache depends NAME` → the first `Depends:` whose package name matches (a metapackage's real package) */
export function parseDependency(depends: string, match: RegExp): string | null {
  for (const line of depends.split('\n')) {
    const m = /^\s*\|?Depends:\s*(\S+)/.exec(line);
    if (m && match.test(m[1])) return m[1];
  }
  return null;
}

function apt(tool: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(tool, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const line = String(e.stderr ?? '').split('\n').map((l) => l.trim()).filter((l) => /^E:/.test(l)).pop();
    throw new Error(`${tool} ${args.join(' ')} failed: ${line ?? e.message.split('\n')[0]}`);
  }
}

/**
 * What apt's answers depend on: its package lists and the installed set. Their modification times change
 * whenever `apt-get update` or an install could change a candidate (both replace files by rename), so a
 * resolution recorded under the same stamp is still apt's answer and apt-cache (seconds on a busy machine)
 * need not run again.
 */
export function aptStamp(files = ['/var/lib/apt/lists', '/var/lib/dpkg/status']): string {
  return files.map((f) => { try { return String(statSync(f).mtimeMs); } catch { return '-'; } }).join('/');
}

/**
 * The package and candidate version apt would install for `name`. With `through`, `name` is a metapackage
 * (linux-image-cloud-amd64) and the answer is its dependency matching `through` (linux-image-6.1.0-…-cloud-amd64).
 * With `cacheDir`, answers are kept in `<cacheDir>/apt-resolved.json` under aptStamp().
 */
export function resolvePackage(name: string, through?: RegExp, cacheDir?: string): DebianPackage {
  const ask = () => resolveWithApt(name, through);
  return cacheDir ? remembered(cacheDir, `${name} ${through ?? ''}`, ask, isPackage) : ask();
}

function isPackage(v: unknown): v is DebianPackage {
  const p = v as DebianPackage | null;
  return typeof p?.name === 'string' && typeof p.version === 'string';
}

/**
 * apt's answer to `query`, from `<cacheDir>/apt-resolved.json` when recorded there under the current aptStamp()
 * and of the right shape, else from `ask`, then recorded
 */
export function remembered<T>(cacheDir: string, query: string, ask: () => T, valid: (v: unknown) => v is T): T {
  const file = join(cacheDir, 'apt-resolved.json');
  const stamp = aptStamp();
  let memo: { stamp: string; answers: Record<string, unknown> } = { stamp, answers: {} };
  try {
    const read = JSON.parse(readFileSync(file, 'utf8')) as typeof memo;
    if (read.stamp === stamp && read.answers && typeof read.answers === 'object') memo = read;
  } catch { /* no memo yet, or an unreadable one: ask apt */ }
  const known = memo.answers[query];
  if (valid(known)) return known;
  const answer = ask();
  memo.answers[query] = answer;
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(memo) + '\n');
    renameSync(`${file}.${process.pid}`, file);
  } catch { /* a read-only cache only costs the next call another apt-cache */ }
  return answer;
}

/** a list of packages as `remembered` keeps it */
export function isPackageList(v: unknown): v is DebianPackage[] {
  return Array.isArray(v) && v.every(isPackage);
}

function resolveWithApt(name: string, through?: RegExp): DebianPackage {
  const real = through ? parseDependency(apt('apt-cache', ['depends', name]), through) : name;
  if (!real) throw new Error(`apt-cache depends ${name}: no dependency matching ${through}`);
  const version = parseCandidate(apt('apt-cache', ['policy', real]));
  if (!version) throw new Error(`no installable version of ${real} (run apt-get update)`);
  return { name: real, version };
}

/** a version as a directory name: epochs have a colon, which some file systems and tools dislike */
export const versionDir = (p: DebianPackage) => `${p.name}_${p.version.replace(/:/g, '%3a')}`;

/**
 * The unpacked package, fetched and unpacked on first use. A directory appears only when complete: the work
 * happens in a temporary sibling that is renamed into place, so an interrupted fetch leaves nothing behind
 * that a later run could mistake for a package.
 */
export function unpackPackage(pkg: DebianPackage, cacheDir: string): UnpackedPackage {
  const debs = join(cacheDir, 'debs');
  const dir = join(debs, versionDir(pkg));
  if (existsSync(join(dir, 'root'))) return { ...pkg, root: join(dir, 'root') };
  mkdirSync(debs, { recursive: true });
  const tmp = mkdtempSync(join(debs, '.fetch-'));
  try {
    apt('apt-get', ['download', `${pkg.name}=${pkg.version}`], tmp);
    const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg.name}=${pkg.version} wrote no .deb`);
    apt('dpkg-deb', ['-x', join(tmp, deb), join(tmp, 'root')]);
    rmSync(join(tmp, deb));
    writeFileSync(join(tmp, 'package.json'), JSON.stringify(pkg) + '\n');
    try {
      renameSync(tmp, dir);
    } catch (err) {
      // another process unpacked the same version meanwhile: theirs is as good as ours
      if (!existsSync(join(dir, 'root'))) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { ...pkg, root: join(dir, 'root') };
}
