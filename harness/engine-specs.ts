// `--engines native,xen,kvm:mmu=shadow,io=emulated` separates engines and an engine's options with the
// same comma. An engine id never contains `=`, so a `key=value` token continues the previous engine's
// option list.
import { UsageError } from './errors.ts';

export function splitEngineList(list: string): string[] {
  const specs: string[] = [];
  for (const raw of list.split(',')) {
    const token = raw.trim();
    if (token === '') throw new UsageError(`--engines: empty entry in "${list}"`);
    if (token.includes('=') && !token.includes(':')) {
      if (specs.length === 0) throw new UsageError(`--engines: option "${token}" comes before any engine in "${list}"`);
      specs[specs.length - 1] += `,${token}`;
    } else {
      specs.push(token);
    }
  }
  return specs;
}
