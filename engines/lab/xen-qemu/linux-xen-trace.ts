// Linux's Xen tracepoints (include/trace/events/xen.h) as ftrace prints them in /sys/kernel/tracing/trace,
// one line per event: `<task>-<pid> [cpu] <flags> <time>: <event>: <fields>`. The prefix may be stripped
// (the guest strips it to make the trace compress): only `<event>: <fields>` is read. Per operation it gives
// what the PV kernel asked of Xen and how it batched it:
//  - xen_mc_entry `op N(name)`: a call queued in the per-CPU multicall buffer (arch/x86/xen/multicalls.h
//    xen_mc_entry); xen_mc_extend_args `extending op N(name) by B bytes res OK`: one more request merged
//    into the last queued mmu_update / mmuext_op (xen_extend_mmu_update, xen_extend_mmuext_op);
//  - xen_mc_flush `flushing N hypercalls`: the buffer issued (multicalls.c xen_mc_flush): nothing for N = 0,
//    the one call itself for N = 1, one `multicall` hypercall carrying N entries otherwise;
//  - xen_mmu_set_pte / _pmd / _pud / _p4d, xen_mmu_ptep_modify_prot_*: page-table entry writes;
//  - xen_mmu_pgd_pin / _unpin (an address space's tables pinned / unpinned, mmu_pv.c xen_pgd_pin),
//    xen_mmu_alloc_ptpage / release_ptpage with `pinned` (a table page linked into a pinned tree);
//  - xen_mmu_write_cr3 `kernel|user`, xen_mmu_flush_tlb_one_user;
//  - xen_mmu_flush_tlb_multi `ncpus N mm P addr A, end E` (the mm pointer cut by the guest): one flush of a
//    vCPU mask of N (mmu_pv.c xen_flush_tlb_multi), MMUEXT_INVLPG_MULTI when [A, E) is one page and E is not
//    TLB_FLUSH_ALL, else MMUEXT_TLB_FLUSH_MULTI.
// Marker lines (`tracing_mark_write: hvbench op N begin|end`) delimit the operations.
import { bump, OpWindows, type Tally } from './op-windows.ts';

const EVENT = /(?:^|\s)(xen_\w+|tracing_mark_write): ?(.*)$/;
const MARK = /^hvbench op (\d+) (begin|end)\b/;
const CALL = /^op \d+\((\w+)\)/;
const EXTEND = /^extending op \d+\((\w+)\) by \d+ bytes res (\w+)/;
const FLUSH = /^flushing (\d+) hypercalls/;
const MULTI = /^ncpus (\d+) (?:mm \S+ )?addr ([0-9a-f]+), end ([0-9a-f]+)/;
/** arch/x86/include/asm/tlbflush.h TLB_FLUSH_ALL (-1UL), as %lx prints it */
const TLB_FLUSH_ALL = 'ffffffffffffffff';
const PAGE_SIZE = 4096n;

/** the command xen_flush_tlb_multi picks for [start, end): one page is MMUEXT_INVLPG_MULTI */
function multiCommand(start: string, end: string): 'invlpg_multi' | 'tlb_flush_multi' {
  return end !== TLB_FLUSH_ALL && BigInt(`0x${end}`) - BigInt(`0x${start}`) <= PAGE_SIZE ? 'invlpg_multi' : 'tlb_flush_multi';
}

/**
 * What Linux's tracepoints say about one operation. Tally keys:
 *  - `queued:<name>` entries queued, `merged:<name>` requests merged into the previous entry;
 *  - `call:<name>` hypercalls issued as themselves (a flush of one entry), `call:multicall` multicalls
 *    issued, `multicallEntries` entries they carried; `unmatchedFlush` a flush whose entries were queued
 *    before the window opened;
 *  - `set_pte`, `set_pmd`, `set_pud`, `set_p4d`, `ptep_modify_prot`, `pgd_pin`, `pgd_unpin`,
 *    `ptpage_pinned`, `ptpage_released_pinned`, `cr3:kernel`, `cr3:user`, `flush_tlb_one_user`,
 *    `flush_tlb_multi`;
 *  - `invlpg_multi` / `tlb_flush_multi`: the flush_tlb_multi calls by the command they issue, and
 *    `invlpg_multi_cpus` / `tlb_flush_multi_cpus` the vCPUs in their masks (the tracepoint's ncpus);
 *  - `pin_pages` / `unpin_pages`: table pages an mm's pin (unpin) made read-only (writable): the
 *    update_va_mapping entries its walk queues (mmu_pv.c xen_pin_page / xen_unpin_page, one per table page
 *    of every level) between xen_mmu_pgd_pin (unpin) and the next event that is not a multicall's.
 */
export function parseLinuxXenTrace(text: string): Tally[] {
  const windows = new OpWindows('Linux Xen trace');
  let pending: string[] = [];
  let walk: 'pin_pages' | 'unpin_pages' | null = null;
  for (const line of text.split('\n')) {
    const m = EVENT.exec(line);
    if (!m) continue;
    const [, event, fields] = m;
    if (event === 'tracing_mark_write') {
      const mark = MARK.exec(fields);
      if (!mark) continue;
      if (mark[2] === 'begin') windows.begin(Number(mark[1]));
      else windows.end();
      continue;
    }
    // the multicall buffer is tracked across windows so a flush inside one knows what it issues
    if (event === 'xen_mc_entry') {
      const call = CALL.exec(fields);
      if (call) {
        pending.push(call[1]);
        if (windows.open) bump(windows.open, `queued:${call[1]}`);
        if (walk && windows.open && call[1] === 'update_va_mapping') bump(windows.open, walk);
      }
      continue;
    }
    if (event === 'xen_mc_flush') {
      const flush = FLUSH.exec(fields);
      if (!flush) continue;
      const n = Number(flush[1]);
      const tally = windows.open;
      if (tally && n > 0) {
        if (pending.length !== n) bump(tally, 'unmatchedFlush');
        else if (n === 1) bump(tally, `call:${pending[0]}`);
        else {
          bump(tally, 'call:multicall');
          bump(tally, 'multicallEntries', n);
        }
      }
      pending = [];
      continue;
    }
    // the pin walk only queues and issues multicall entries; any other event ends it
    walk = event === 'xen_mmu_pgd_pin' ? 'pin_pages' : event === 'xen_mmu_pgd_unpin' ? 'unpin_pages' : event.startsWith('xen_mc_') ? walk : null;
    const tally = windows.open;
    if (!tally) continue;
    switch (event) {
      case 'xen_mc_extend_args': {
        const ext = EXTEND.exec(fields);
        if (ext && ext[2] === 'OK') bump(tally, `merged:${ext[1]}`);
        break;
      }
      case 'xen_mmu_set_pte': case 'xen_mmu_set_pmd': case 'xen_mmu_set_pud': case 'xen_mmu_set_p4d':
      case 'xen_mmu_pgd_pin': case 'xen_mmu_pgd_unpin': case 'xen_mmu_flush_tlb_one_user':
        bump(tally, event.slice('xen_mmu_'.length));
        break;
      case 'xen_mmu_flush_tlb_multi': {
        bump(tally, 'flush_tlb_multi');
        const multi = MULTI.exec(fields);
        if (!multi) break;
        const command = multiCommand(multi[2], multi[3]);
        bump(tally, command);
        bump(tally, `${command}_cpus`, Number(multi[1]));
        break;
      }
      case 'xen_mmu_ptep_modify_prot_commit':
        bump(tally, 'ptep_modify_prot');
        break;
      case 'xen_mmu_alloc_ptpage':
        if (/\bpinned\b/.test(fields) && !/\bunpinned\b/.test(fields)) bump(tally, 'ptpage_pinned');
        break;
      case 'xen_mmu_release_ptpage':
        if (/\bpinned\b/.test(fields) && !/\bunpinned\b/.test(fields)) bump(tally, 'ptpage_released_pinned');
        break;
      case 'xen_mmu_write_cr3': {
        const which = /^(kernel|user)\b/.exec(fields);
        if (which) bump(tally, `cr3:${which[1]}`);
        break;
      }
      default:
        break;
    }
  }
  return windows.finish();
}
