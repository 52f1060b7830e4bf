// The one check for an engine's whole-number option: within [min, max] (or 0 where 0 means "choose for me"),
// else a one-line usage error naming the engine and the option.
import type { OptionValue } from './types.ts';
import { UsageError } from '../harness/errors.ts';

export function checkIntegerOption(engine: string, name: string, value: OptionValue | undefined, min: number, max: number, zeroMeans = ''): void {
  if (typeof value === 'number' && Number.isInteger(value) && ((value >= min && value <= max) || (zeroMeans !== '' && value === 0))) return;
  throw new UsageError(`${engine}: option ${name} must be ${zeroMeans !== '' ? `0 (${zeroMeans}) or ` : ''}an integer from ${min} to ${max}, got ${String(value)}`);
}
