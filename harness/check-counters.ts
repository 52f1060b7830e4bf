// What an engine's run() returned, checked against the counters contract of engines/types.ts (RunCounters)
// before it enters results: every count a finite, non-negative safe integer, every cycle figure finite and
// non-negative, and the totals the contract promises consistent — cycles.total is the sum of the four
// domains and of the attribution ("every cycle charged, by the mechanism that caused it"), each total of
// exits, hypercalls and TLB flushes the sum of its breakdown (flushes both by scope and by cause). A plugin's
// object is not trusted further than that: the result is a fresh object holding only the contract's fields,
// so nothing it carries can overwrite a run's workload or engine, and `measured` is copied through JSON.
import { FLUSH_CAUSES, FLUSH_SCOPES, type PhaseCounters, type RunCounters } from '../engines/types.ts';

/** Sums are floating-point sums accumulated in different orders (per domain, per mechanism), and a measured
 *  phase is the whole run minus its setup: exact while every figure stays below 2^52 (integers there, and no
 *  whole-run figure has passed 2^53); otherwise (fractional cycles, counts near or past 2^53) they may differ
 *  by rounding, never by more than this fraction. */
const CYCLE_TOLERANCE = 1e-9;
const EXACT_BELOW = 2 ** 52;
const SHOWN_CHARS = 40;

export class CountersError extends Error {}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}…` : value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function fail(field: string, value: unknown, wanted: string): never {
  throw new CountersError(`run() returned ${field} = ${show(value)}; the counters contract wants ${wanted}`);
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, value, 'an object');
  return value as Record<string, unknown>;
}

function cycles(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(field, value, 'a finite number ≥ 0');
  return value;
}

function count(value: unknown, field: string): number {
  // past 2^53 every double is an integer but no longer exact: a count of 2^53 − 1 events plus the flushes they
  // cause is such a total, and is accepted as the nearest double
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(field, value, 'a finite integer ≥ 0');
  return value;
}

/** a breakdown by name; `names` limits the keys (flush scopes and causes are enumerations) */
function tally(value: unknown, field: string, check: (v: unknown, f: string) => number, names?: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(record(value, field))) {
    if (names && !names.includes(key)) fail(`${field} key ${JSON.stringify(key.slice(0, SHOWN_CHARS))}`, v, `one of ${names.join(', ')}`);
    out[key] = check(v, `${field}.${key}`);
  }
  return out;
}

function sum(values: Record<string, number> | number[]): number {
  let s = 0;
  for (const v of Object.values(values)) s += v;
  return s;
}

function sameSum(a: number, b: number): boolean {
  const exact = Number.isInteger(a) && Number.isInteger(b) && Math.max(a, b) < EXACT_BELOW;
  return a === b || (!exact && Math.abs(a - b) <= CYCLE_TOLERANCE * Math.max(a, b));
}

function totalOf(total: number, parts: Record<string, number>, field: string, of: string): void {
  const s = sum(parts);
  if (!sameSum(total, s)) throw new CountersError(`run() returned ${field} = ${total} but ${of} sum to ${s}; the counters contract wants them equal`);
}

/** the counters in `value`, or a CountersError naming the first field that breaks the contract */
export function checkCounters(value: unknown): RunCounters {
  const top = record(value, 'counters');
  const counters: RunCounters = phaseCounters(top);
  // the setup phase, when the engine separates it, obeys the same contract
  if (top.setup !== undefined) counters.setup = phaseCounters(record(top.setup, 'setup'));
  if (top.measured !== undefined) counters.measured = measured(top.measured);
  return counters;
}

function phaseCounters(top: Record<string, unknown>): PhaseCounters {
  const c = record(top.cycles, 'cycles');
  const domains = {
    guest: cycles(c.guest, 'cycles.guest'),
    hypervisor: cycles(c.hypervisor, 'cycles.hypervisor'),
    host: cycles(c.host, 'cycles.host'),
    idle: cycles(c.idle, 'cycles.idle'),
  };
  const total = cycles(c.total, 'cycles.total');
  const byDomain = sum(domains);
  if (!sameSum(total, byDomain)) {
    throw new CountersError(`run() returned cycles.total = ${total} but guest + hypervisor + host + idle = ${byDomain}; the counters contract wants them equal`);
  }
  const attribution = tally(top.attribution, 'attribution', cycles);
  const attributed = sum(attribution);
  if (!sameSum(total, attributed)) {
    throw new CountersError(`run() returned cycles.total = ${total} but the attribution sums to ${attributed}; the counters contract charges every cycle to a mechanism`);
  }
  const e = record(top.exits, 'exits');
  const byReason = tally(e.byReason, 'exits.byReason', count);
  const exitTotal = count(e.total, 'exits.total');
  totalOf(exitTotal, byReason, 'exits.total', 'exits.byReason');
  const h = record(top.hypercalls, 'hypercalls');
  const byOp = tally(h.byOp, 'hypercalls.byOp', count);
  const hypercallTotal = count(h.total, 'hypercalls.total');
  totalOf(hypercallTotal, byOp, 'hypercalls.total', 'hypercalls.byOp');
  const t = record(top.tlb, 'tlb');
  const f = record(t.flushes, 'tlb.flushes');
  const byScope = tally(f.byScope, 'tlb.flushes.byScope', count, FLUSH_SCOPES);
  const byCause = tally(f.byCause, 'tlb.flushes.byCause', count, FLUSH_CAUSES);
  const flushTotal = count(f.total, 'tlb.flushes.total');
  totalOf(flushTotal, byScope, 'tlb.flushes.total', 'tlb.flushes.byScope');
  totalOf(flushTotal, byCause, 'tlb.flushes.total', 'tlb.flushes.byCause');
  return {
    cycles: { total, ...domains },
    attribution,
    exits: { total: exitTotal, byReason },
    hypercalls: { total: hypercallTotal, byOp },
    tlb: {
      flushes: { total: flushTotal, byScope, byCause },
      misses: count(t.misses, 'tlb.misses'),
      walkRefs: count(t.walkRefs, 'tlb.walkRefs'),
    },
    events: tally(top.events, 'events', count),
  };
}

/** a measured engine's extra record, as it will be written to results.json */
function measured(value: unknown): Record<string, unknown> {
  record(value, 'measured');
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value));
  } catch (err) {
    throw new CountersError(`run() returned a measured record that is not JSON (${err instanceof Error ? err.message.split('\n')[0] : 'unserializable'})`);
  }
  return copy as Record<string, unknown>;
}
