// Engines by id: the built-in simulated engines, and third-party engines loaded from a module. An engine spec
// is `id` or `id:key=value,key=value` (e.g. `kvm:mmu=shadow,io=emulated`, `xen:pcid=on,batch=8`); options are
// validated against the engine's option specs, defaults applied (some depend on the CPU profile), and the
// label names every option that differs from the engine's plain defaults, so each variant is its own column.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { Engine, EngineOptionSpec, OptionValue } from './types.ts';
import type { CostProfile } from './machine/profile.ts';
import { describeThrown, UsageError } from '../harness/errors.ts';
import { allowTypeScript } from '../harness/bundled.ts';
import { nativeEngine } from './native/index.ts';
import { xenEngine } from './paravirtual/index.ts';
import { kvmEngine } from './hardware-assisted/index.ts';
import { kvmHostEngine } from './kvm-host/engine.ts';
import { kvmQemuEngine } from './kvm-qemu/engine.ts';
import { xenQemuEngine } from './lab/xen-qemu/engine.ts';

export interface ResolvedEngineSpec {
  engine: Engine;
  options: Record<string, OptionValue>;
  label: string;
}

// kvm-host (measured, over /dev/kvm), kvm-qemu (measured, a real KVM inside QEMU) and xen-qemu (measured, real
// Xen under QEMU) are built in but never default engines: the default run must give bit-identical counters for
// a seed, and a real guest's counts and timings depend on the host.
const BUILTIN: readonly Engine[] = [nativeEngine, xenEngine, kvmEngine, kvmHostEngine, kvmQemuEngine, xenQemuEngine];

export function builtinEngines(): readonly Engine[] {
  return BUILTIN;
}

export function listEngines(extra: readonly Engine[] = []): readonly Engine[] {
  return [...BUILTIN, ...extra];
}

function parseValue(engine: Engine, spec: EngineOptionSpec, raw: string): OptionValue {
  const where = `${engine.id}: option ${spec.name}`;
  if (spec.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${where} must be a number, got "${raw}"`);
    return n;
  }
  if (spec.type === 'boolean') {
    if (raw === 'true' || raw === 'on') return true;
    if (raw === 'false' || raw === 'off') return false;
    throw new UsageError(`${where} must be true or false, got "${raw}"`);
  }
  const allowed = spec.values ?? [];
  const hit = allowed.find((v) => String(v) === raw);
  if (hit === undefined) throw new UsageError(`${where} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return hit;
}

/** calls one of an engine's hooks on this thread: a UsageError is the hook's own one-line refusal; anything
 *  else it throws (a plugin's bug, a non-Error) is refused in one line naming the engine and the hook */
export function callHook<T>(engine: Engine, hook: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`engine ${engine.id}: ${hook} failed: ${describeThrown(err)}`);
  }
}

/** `kvm:mmu=shadow,io=emulated` → engine, complete validated options, label */
export function resolveEngine(spec: string, engines: readonly Engine[], profile: CostProfile): ResolvedEngineSpec {
  const colon = spec.indexOf(':');
  const id = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const engine = engines.find((e) => e.id === id);
  if (engine === undefined) throw new UsageError(`unknown engine "${id}"; known engines: ${engines.map((e) => e.id).join(', ')}`);
  const options: Record<string, OptionValue> = {};
  for (const o of engine.options) options[o.name] = o.default;
  Object.assign(options, callHook(engine, 'profileDefaults()', () => engine.profileDefaults?.(profile)) ?? {});
  const set = new Set<string>();
  if (colon >= 0) {
    for (const pair of spec.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
      const o = engine.options.find((x) => x.name === key);
      if (o === undefined) {
        const known = engine.options.map((x) => x.name).join(', ') || 'none';
        throw new UsageError(`${engine.id}: unknown option "${key}"; options: ${known}`);
      }
      if (eq < 0) throw new UsageError(`${engine.id}: option ${key} needs a value (${key}=…)`);
      options[key] = parseValue(engine, o, pair.slice(eq + 1).trim());
      set.add(key);
    }
  }
  callHook(engine, 'checkOptions()', () => engine.checkOptions?.(options, profile));
  const shown = engine.options.filter((o) => set.has(o.name) || options[o.name] !== o.default);
  const label = shown.length === 0 ? engine.id : `${engine.id}:${shown.map((o) => `${o.name}=${String(options[o.name])}`).join(',')}`;
  return { engine, options, label };
}

function isEngine(x: unknown): x is Engine {
  const e = x as Partial<Engine> | null;
  return typeof e === 'object' && e !== null && typeof e.id === 'string' && e.id !== '' && typeof e.title === 'string' &&
    typeof e.description === 'string' && (e.mode === 'simulated' || e.mode === 'measured') && Array.isArray(e.options) &&
    typeof e.availability === 'function' && typeof e.run === 'function';
}

/** a third-party engine: the module's default export or its `engine` export, implementing Engine */
export async function loadEngineModule(path: string): Promise<Engine> {
  let mod: Record<string, unknown>;
  try {
    // the module, or a source of this repository it imports (harness/pair-clock.ts), may be TypeScript
    await allowTypeScript();
    mod = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${path}: cannot load engine module: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const candidate = mod.default ?? mod.engine;
  if (!isEngine(candidate)) {
    throw new UsageError(`${path}: expected a default or \`engine\` export with id, title, description, mode, options, availability() and run()`);
  }
  return candidate;
}
