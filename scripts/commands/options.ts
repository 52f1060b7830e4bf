// Parsers for option values shared by several commands: each turns a bad value into a one-line UsageError.
import { UsageError, clip } from '../../harness/errors.ts';

export function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 0xffffffff) {
    throw new UsageError(`--seed: expected an integer from 0 to 4294967295, got "${clip(value)}"`);
  }
  return n;
}

export function parsePositiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || !Number.isSafeInteger(n)) throw new UsageError(`${flag}: expected a positive integer, got "${clip(value)}"`);
    return n;
  };
}

/** `--workers N`: a positive integer, clamped to `cpus` (threads beyond the CPUs only add memory) */
export function parseWorkers(cpus: number) {
  const parse = parsePositiveInt('--workers');
  return (value: string): number => Math.min(parse(value), cpus);
}

/** the longest delay a Node timer keeps (2^31 − 1 ms); a longer one would fire at once */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** a duration in seconds, fractions allowed, as milliseconds */
export function parseSeconds(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_TIMER_SECONDS) {
      throw new UsageError(`${flag}: expected a number of seconds above 0 and at most ${MAX_TIMER_SECONDS}, got "${value}"`);
    }
    return n * 1000;
  };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function commaList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];
}

export type CsvFormat = 'wide' | 'long';

/** `--csv-format wide|long` */
export function parseCsvFormat(value: string): CsvFormat {
  if (value !== 'wide' && value !== 'long') throw new UsageError(`--csv-format: expected wide or long, got "${clip(value)}"`);
  return value;
}
