// Xen's trace of a domU run, per operation and per domain. xentrace records the PV class and the scheduler
// class (domu-script.ts), so xenalyze knows which vCPU runs and prefixes each record with it (`d1v0` the
// domU, `d0v0` dom0, `d?v?` a record about another vCPU, `d32767` the idle domain):
//    x d1v0 forced_invalid_op[ 401e2c 0 ]                           ← the op-runner's marker (user address)
//    x d1v0 hypercall 20 (evtchn_op)                                ← blkfront notifies blkback
//    x d?v? runstate_change d0v0 runnable->running                  ← Xen switches to dom0
//    x d0v0 hypercall 14 (grant_table_op) map_grant_ref 11 ops      ← blkback maps the request's grants
//    x d0v0 hypercall 1d (sched_op) block
// The domU's markers are forced-emulation CPUIDs at a user-mode address (engines/lab/op-runner/cpu.c): the
// guest kernel's own forced CPUIDs have kernel addresses (upper word ffffffff). The marker's domain is the
// guest; begin and end alternate. On one physical CPU the dump is in execution order, so every record
// between a begin and an end marker happened during that operation, dom0's included.
import { bump, OpWindows, type Tally } from './op-windows.ts';
import { tallyRecord } from './xenalyze-dump.ts';

const RECORD = /^\s*(?:[\d.]+\s+)?\S+\s+d(\d+|\?)v(?:\d+|\?)( +)(.*)$/;
const MARKER = /^forced_invalid_op\[ ([0-9a-f]+) ([0-9a-f]+) \]/;
/** the scheduler class's records (xen/common/sched/, xenalyze's sched and credit2 names) */
const SCHED = /^(csched2?:|rtds:|sched_|runstate_|vcpu_(wake|block|sleep)\b)/;
const RUNNING = /^runstate_change d(\d+)v\d+ \w+->running/;
/** DOMID_IDLE (xen/include/public/xen.h) */
const IDLE_DOMAIN = '32767';
const GRANT = /^hypercall\s+[0-9a-f]+ \(grant_table_op\)\s+(\w+) (\d+) ops/;

export interface DomainTallies {
  /** the domU's records under parseXenalyzeDump's keys (hypercall:, entry:, requests:, trap:) */
  guest: Tally;
  /** dom0's records, the same keys, plus `grant:<GNTTABOP>` the grant operations its grant_table_op calls carried */
  dom0: Tally;
  /** `run:dom0`, `run:guest`: Xen switched to that domain from another one; `run:idle`: to the idle vCPU */
  sched: Tally;
}

export function parseXenalyzeDomains(text: string): DomainTallies[] {
  const windows = new OpWindows('xenalyze dump (domU)');
  const ops: DomainTallies[] = [];
  let guest: string | null = null;
  let lastDomain: string | null = null;
  for (const line of text.split('\n')) {
    const m = RECORD.exec(line);
    if (!m) continue;
    const [, domain, indent, body] = m;
    // a record's prefix names the vCPU running when it was written
    if (domain !== '?' && domain !== IDLE_DOMAIN) lastDomain = domain;
    const marker = MARKER.exec(body);
    // a user-mode address: below the canonical hole, so the upper word is under 0x8000
    if (marker && indent.length === 1 && parseInt(marker[2], 16) < 0x8000 && (guest === null || domain === guest)) {
      guest = domain;
      if (windows.open) windows.end();
      else {
        windows.begin(windows.ops.length);
        ops.push({ guest: {}, dom0: {}, sched: {} });
      }
      continue;
    }
    const run = RUNNING.exec(body);
    // Xen switches lazily: the idle vCPU borrows the last domain's state, and going back to that same vCPU
    // is no context switch at all (xen/arch/x86/domain.c context_switch, __context_switch only when another
    // non-idle vCPU runs); so a switch is counted when a domain runs after another one, not after idle
    const switched = run !== null && run[1] !== IDLE_DOMAIN && run[1] !== lastDomain;
    if (run && run[1] !== IDLE_DOMAIN) lastDomain = run[1];
    if (!windows.open) continue;
    const op = ops[ops.length - 1];
    if (SCHED.test(body)) {
      if (run && run[1] === IDLE_DOMAIN) bump(op.sched, 'run:idle');
      else if (switched) bump(op.sched, run[1] === '0' ? 'run:dom0' : run[1] === guest ? 'run:guest' : 'run:other');
      continue;
    }
    const tally = domain === guest ? op.guest : domain === '0' ? op.dom0 : null;
    if (!tally) continue;
    tallyRecord(tally, indent.length > 1, body);
    const grant = GRANT.exec(body);
    if (grant) bump(tally, `grant:${grant[1]}`, Number(grant[2]));
  }
  windows.finish();
  return ops;
}
