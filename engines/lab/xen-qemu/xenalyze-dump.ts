// What Xen saw, from its trace buffer: `xentrace` records in dom0, `xenalyze --dump-all` prints one line per
// record (Xen tools/xentrace/xenalyze.c, the PV records of pv_process), e.g.
//    0.088180350 x d32768v0 page_fault[ 584980 0 584980 0 14 ]
//    0.088432920 x d32768v0 hypercall  1 (mmu_update) 1 updates
//    0.111509188 x d32768v0 hypercall  d (multicall) 13 calls
//    0.111539445 x d32768v0  hypercall 1a (mmuext_op) 2 ops          ← an entry of that multicall
//    ...         x d32768v0 ptwr l1e 0 eip ffffffff812c9365 addr ...
// The time column and the bracketed values may be stripped (the guest strips them to make the trace
// compress: `page_fault[]`). The op-runner's marker
// (an mmuext_op of zero operations, engines/lab/op-runner/main.c) alternates begin and end of each operation.
import { bump, OpWindows, type Tally } from './op-windows.ts';

/** xenalyze's record line: the time (optional here), a column per physical CPU with `x` at the record's
 *  (` x` on one CPU, `x.` / `.x` on two), the domain and vCPU, the record */
export const RECORD = /^\s*(?:[\d.]+\s+)?\S+\s+d\d+v\d+( +)(.*)$/;
const HYPERCALL = /^hypercall\s+[0-9a-f]+ \((\w+)\)\s*(.*)$/;
const REQUESTS = /^(-?\d+) (updates|ops|calls)\b/;
/** Xen's hypercall continuation flag in a count (MMU_UPDATE_PREEMPTED): the call resumes earlier work */
const PREEMPTED = /\bpreempted\b|^-\d/;

/** xenalyze's short names where Xen's public headers (xen/include/public/xen.h __HYPERVISOR_*) differ: the
 *  tallies use Xen's names, as the `xen` engine counts hypercalls */
const XEN_NAMES: Readonly<Record<string, string>> = { evtchn_op: 'event_channel_op' };

/**
 * Per operation. Tally keys: `hypercall:<name>` hypercalls the guest made (a multicall counts once),
 * `entry:<name>` calls carried inside multicalls, `requests:<name>` the mmu_update updates and mmuext_op ops
 * those calls carried (top level and inside multicalls; a continuation's count is not new work and is left
 * out), `continuation:<name>` preempted calls resumed, and `trap:<name>` every other record, by the name
 * xenalyze gives it (page_fault, ptwr, emulate privop, ...).
 */
export function parseXenalyzeDump(text: string): Tally[] {
  const windows = new OpWindows('xenalyze dump');
  const multicalls = new MulticallContinuations();
  for (const line of text.split('\n')) {
    const m = RECORD.exec(line);
    if (!m) continue;
    const nested = m[1].length > 1;
    const call = HYPERCALL.exec(m[2]);
    const continued = multicalls.record(nested, call);
    if (call && !nested && call[1] === 'mmuext_op' && REQUESTS.exec(call[2])?.[1] === '0') {
      if (windows.open) windows.end();
      else windows.begin(windows.ops.length);
      continue;
    }
    if (windows.open) tallyRecord(windows.open, nested, m[2], continued);
  }
  return windows.finish();
}

/**
 * Xen preempts a long multicall between two of its calls (xen/common/multicall.c do_multicall:
 * hypercall_preempt_check, then hypercall_create_continuation with the calls not yet made), and the guest
 * enters it again: the trace has a second multicall record announcing the calls left. A multicall whose entry
 * records stop short of the calls it announced was preempted; the next multicall announcing exactly the rest is
 * its continuation, not a new batch of the guest's.
 */
export class MulticallContinuations {
  private announced = 0;
  private seen = 0;
  private left = 0;

  /** one record of one vCPU's stream, in order: true when it is the continuation of a preempted multicall */
  record(nested: boolean, call: RegExpExecArray | null): boolean {
    if (nested) {
      this.seen++;
      return false;
    }
    if (this.announced && this.seen < this.announced) this.left = this.announced - this.seen;
    this.announced = 0;
    if (!call || call[1] !== 'multicall') return false;
    const calls = Number(REQUESTS.exec(call[2])?.[1] ?? 0);
    const continued = this.left > 0 && calls === this.left;
    this.left = 0;
    this.announced = calls;
    this.seen = 0;
    return continued;
  }
}

/**
 * one record's body (after `d<dom>v<vcpu>`) counted into `tally` under the keys parseXenalyzeDump names;
 * `continued`: a multicall that resumes a preempted one (MulticallContinuations)
 */
export function tallyRecord(tally: Tally, nested: boolean, body: string, continued = false): void {
  const call = HYPERCALL.exec(body);
  if (!call) {
    const name = (body.includes('[') ? body.slice(0, body.indexOf('[')) : body.split(' ')[0]).trim();
    if (name) bump(tally, `trap:${name}`);
    return;
  }
  const [, short, rest] = call;
  const name = XEN_NAMES[short] ?? short;
  const req = REQUESTS.exec(rest);
  bump(tally, nested ? `entry:${name}` : `hypercall:${name}`);
  if (continued || PREEMPTED.test(rest)) bump(tally, `continuation:${name}`);
  else if (req && (name === 'mmu_update' || name === 'mmuext_op')) bump(tally, `requests:${name}`, Number(req[1]));
}
