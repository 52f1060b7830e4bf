// Follows an operation stream the way the guest kernel will run it (processes, their regions and addresses,
// who runs) and reports the first operation that cannot run: a region used before it is mapped or after it is
// unmapped, a switch to a process that does not exist, a region that does not fit the user address space.
// Used on user files and, in tests, on every built-in stream. With a budget (user files: harness/limits.ts) it
// also reports the first operation past a bound on work or simulated memory, computed as an upper bound from
// the stream alone, so a file is refused before anything runs.
//
// Process model (engines/types.ts): the first process is pid 1; `fork` gives the child the next pid, a copy of
// the parent's regions; the parent keeps running until a `switch`; `exec` empties the current address space; `exit`
// ends the current process and its parent (or pid 1) runs next. `shootdown` is a munmap. One `phase` at most
// ends setup.
import type { GuestOp } from '../engines/types.ts';
import { AddressSpace, MMAP_BASE, type Region } from '../engines/guest/address-space.ts';
import { LEAF_LEVEL, LEVEL_SPAN } from '../engines/machine/pte.ts';
import { USER_VA_END } from '../harness/limits.ts';

export interface StreamProblem {
  /** index of the operation in the stream */
  index: number;
  /** the field at fault, e.g. `region` */
  field: string;
  message: string;
}

/** upper bounds on what a stream may cost; absent fields are unbounded */
export interface StreamBudget {
  /** op records plus the kernel's loop iterations (accesses, halts, ticks, INVLPGs, requests, pages visited) */
  events: number;
  /** page-table pages alive at once, over all processes */
  tablePages: number;
  /** bytes of pages faulted in and alive at once, over all processes */
  touchedBytes: number;
  regionsPerProcess: number;
  processes: number;
}

/** how much of a region a stream may have made present, as an upper bound */
interface Usage {
  /** pages of the region's size ever touched (≤ its pages) */
  pages: number;
  /** page-table pages those touches can have created */
  tables: number;
}

interface Process {
  parent: number;
  space: AddressSpace;
  usage: Map<string, Usage>;
}

const NO_BUDGET: StreamBudget = {
  events: Infinity, tablePages: Infinity, touchedBytes: Infinity, regionsPerProcess: Infinity, processes: Infinity,
};

/** tables at `level` (a level-L table covers LEVEL_SPAN[L + 1] bytes) that the region's range crosses */
function tablesSpanning(r: Region, level: number): number {
  const cover = LEVEL_SPAN[level + 1];
  return Math.floor((r.end - 1) / cover) - Math.floor(r.base / cover) + 1;
}

/** the tables below the root that `pages` touched pages of `r` can need: at most one per page at each level */
function tablesFor(r: Region, pages: number): number {
  let n = 0;
  for (let level = LEAF_LEVEL[r.size]; level <= 3; level++) n += Math.min(pages, tablesSpanning(r, level));
  return n;
}

const hex = (n: number) => `0x${n.toString(16)}`;

export function checkStream(ops: Iterable<GuestOp>, budget: StreamBudget = NO_BUDGET): StreamProblem | null {
  const procs = new Map<number, Process>([[1, { parent: 1, space: new AddressSpace(0), usage: new Map() }]]);
  let current = 1;
  let nextPid = 2;
  let index = 0;
  let events = 0;
  // each live process has its root table
  let tablePages = 1;
  let touchedBytes = 0;
  let phaseAt = -1;
  const problem = (field: string, message: string): StreamProblem => ({ index, field, message });
  const unmapped = (region: string, regions: Map<string, Region>) =>
    problem('region', `region "${region}" is not mapped in pid ${current} at this point ` +
      `(mapped: ${regions.size ? [...regions.keys()].map((r) => `"${r}"`).join(', ') : 'none'})`);
  /** a region's pages and tables stop counting (munmap, exec, exit) */
  const release = (proc: Process, name: string): number => {
    const u = proc.usage.get(name)!;
    const r = proc.space.regions.get(name)!;
    proc.usage.delete(name);
    proc.space.regions.delete(name);
    tablePages -= u.tables;
    touchedBytes -= u.pages * r.pageBytes;
    // tearing down visits each present page and table
    return u.pages + u.tables;
  };
  /** a vfork child and its parent share one address space until the child execs or exits */
  const sharesSpace = (proc: Process): boolean => {
    for (const other of procs.values()) if (other !== proc && other.space === proc.space) return true;
    return false;
  };
  const releaseAll = (proc: Process): number => {
    let visited = 0;
    for (const name of [...proc.space.regions.keys()]) visited += release(proc, name);
    return visited;
  };

  for (const op of ops) {
    const proc = procs.get(current)!;
    const { regions } = proc.space;
    let work = 1;
    let field = 'op';
    switch (op.op) {
      case 'map': {
        if (regions.has(op.region)) return problem('region', `region "${op.region}" is already mapped in pid ${current}`);
        if (regions.size >= budget.regionsPerProcess) {
          return problem('op', `pid ${current} already has ${regions.size} regions mapped, the limit`);
        }
        const r = proc.space.addRegion(op.region, op.bytes, op.pageSize);
        if (r.end > USER_VA_END) {
          const room = Math.max(0, USER_VA_END - r.base);
          return problem('bytes', `region "${op.region}" would end at ${hex(r.end)}, past the end of user space at ` +
            `${hex(USER_VA_END)} (4-level paging: the 48-bit canonical lower half minus Linux's guard page; regions ` +
            `start at ${hex(MMAP_BASE)}): at most ${room} bytes fit here`);
        }
        proc.usage.set(op.region, { pages: 0, tables: 0 });
        break;
      }
      case 'unmap':
      case 'shootdown':
        if (!regions.has(op.region)) return unmapped(op.region, regions);
        work += release(proc, op.region);
        break;
      case 'touch': {
        const r = regions.get(op.region);
        if (r === undefined) return unmapped(op.region, regions);
        if (op.stride !== undefined && op.pattern !== 'stride') {
          return problem('stride', `stride is only meaningful with pattern "stride" (pattern is "${op.pattern}")`);
        }
        const u = proc.usage.get(op.region)!;
        const pages = Math.min(r.pages, u.pages + op.accesses);
        const tables = tablesFor(r, pages);
        tablePages += tables - u.tables;
        touchedBytes += (pages - u.pages) * r.pageBytes;
        u.pages = pages;
        u.tables = tables;
        work += op.accesses;
        field = 'accesses';
        if (tablePages > budget.tablePages) {
          return problem(field, `the file's processes could hold up to ${tablePages} page-table pages after this touch; ` +
            `the limit is ${budget.tablePages} (${budget.tablePages * 4096} bytes of simulated tables): touch fewer ` +
            `distinct 2 MiB ranges`);
        }
        if (touchedBytes > budget.touchedBytes) {
          return problem(field, `the file's processes could have ${touchedBytes} bytes of pages faulted in after this ` +
            `touch; the limit is ${budget.touchedBytes}`);
        }
        break;
      }
      case 'protect':
        if (!regions.has(op.region)) return unmapped(op.region, regions);
        work += proc.usage.get(op.region)!.pages;
        break;
      case 'invlpg':
        if (!regions.has(op.region)) return unmapped(op.region, regions);
        work += op.count;
        field = 'count';
        break;
      case 'fork': {
        if (procs.size >= budget.processes) return problem('op', `${procs.size} processes are alive, the limit`);
        if (op.vfork === true) {
          // the child runs on the parent's address space: nothing copied, nothing new to count
          procs.set(nextPid++, { parent: current, space: proc.space, usage: proc.usage });
          break;
        }
        const space = new AddressSpace(0);
        space.copyLayoutFrom(proc.space);
        const usage = new Map<string, Usage>();
        tablePages++;
        for (const [name, u] of proc.usage) {
          usage.set(name, { ...u });
          tablePages += u.tables;
          touchedBytes += u.pages * regions.get(name)!.pageBytes;
          // dup_mmap visits every present page and table
          work += u.pages + u.tables;
        }
        procs.set(nextPid++, { parent: current, space, usage });
        if (tablePages > budget.tablePages) {
          return problem('op', `after this fork the file's processes could hold up to ${tablePages} page-table pages; ` +
            `the limit is ${budget.tablePages}`);
        }
        if (touchedBytes > budget.touchedBytes) {
          return problem('op', `after this fork the file's processes could map ${touchedBytes} bytes of pages; ` +
            `the limit is ${budget.touchedBytes}`);
        }
        break;
      }
      case 'exec':
        // a vfork child's exec leaves the shared address space to its parent and gets a root of its own
        if (sharesSpace(proc)) tablePages++;
        else work += releaseAll(proc);
        proc.space = new AddressSpace(0);
        proc.usage = new Map();
        break;
      case 'exit': {
        if (current === 1) return problem('op', 'pid 1 cannot exit: it is the last process to run');
        if (!sharesSpace(proc)) {
          work += releaseAll(proc);
          tablePages--;
        }
        procs.delete(current);
        current = procs.has(proc.parent) ? proc.parent : 1;
        break;
      }
      case 'switch':
        if (!procs.has(op.to)) {
          return problem('to', `no process with pid ${op.to} at this point (live: ${[...procs.keys()].join(', ')})`);
        }
        current = op.to;
        break;
      case 'ipi':
        if (op.masked === true && op.target !== 'self') {
          return problem('masked', "masked applies to a self-IPI (the sender's own interrupt flag), not to target \"other\"");
        }
        break;
      case 'hlt':
        work += op.count;
        field = 'count';
        break;
      case 'timer':
        work += op.ticks;
        field = 'ticks';
        break;
      case 'io':
        work += op.requests;
        field = 'requests';
        break;
      case 'phase':
        if (phaseAt >= 0) return problem('op', `a second phase operation (setup already ended at operation ${phaseAt})`);
        phaseAt = index;
        break;
      default:
        break;
    }
    events += work;
    if (events > budget.events) {
      return problem(field, `the file asks for ${events} simulated events up to here (op records, accesses, halts, ` +
        `timer ticks, INVLPGs, I/O requests, pages visited by fork/munmap/mprotect/exec/exit); the limit is ${budget.events}`);
    }
    index++;
  }
  return null;
}
