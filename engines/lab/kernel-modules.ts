// Kernel modules out of an unpacked linux-image package, in load order. A .deb carries no modules.dep (depmod
// writes it at install time), so each module's dependencies are read from its own `.modinfo` section, the
// NUL-separated key=value strings that modinfo(8) prints (`depends=irqbypass` in kvm.ko).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface KernelModule { name: string; file: string }

/** the `depends=` list of a module image; module names use '_' and '-' interchangeably, normalised to '_' */
export function moduleDepends(ko: Uint8Array): string[] {
  const text = Buffer.from(ko.buffer, ko.byteOffset, ko.byteLength).toString('latin1');
  const m = /\0depends=([^\0]*)\0/.exec(text);
  return m && m[1] ? m[1].split(',').map(canonical) : [];
}

const canonical = (name: string) => name.replace(/-/g, '_');

function indexModules(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) indexModules(path, into);
    else if (e.name.endsWith('.ko')) into.set(canonical(basename(e.name, '.ko')), path);
  }
  return into;
}

/** `wanted` and everything they depend on, dependencies first, each once */
export function modulesInLoadOrder(modulesDir: string, wanted: string[]): KernelModule[] {
  const index = indexModules(modulesDir);
  const order: KernelModule[] = [];
  const seen = new Set<string>();
  const visit = (name: string, chain: string[]) => {
    const key = canonical(name);
    if (seen.has(key)) return;
    if (chain.includes(key)) throw new Error(`kernel modules: dependency cycle ${[...chain, key].join(' → ')}`);
    const file = index.get(key);
    if (!file) throw new Error(`kernel module ${key} not found under ${modulesDir}`);
    for (const dep of moduleDepends(readFileSync(file))) visit(dep, [...chain, key]);
    seen.add(key);
    order.push({ name: key, file });
  };
  for (const w of wanted) visit(w, []);
  return order;
}
