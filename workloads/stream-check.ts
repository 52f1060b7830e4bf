// Follows an operation stream the way the guest kernel will run it (processes, their regions, who runs) and
// reports the first operation that cannot run: a region used before it is mapped or after it is unmapped, a
// switch to a process that does not exist. Used on user files and, in tests, on every built-in stream.
//
// Process model (engines/types.ts): the first process is pid 1; `fork` gives the child the next pid, a copy of
// the parent's regions; the parent keeps running until a `switch`; `exec` empties the current address space; `exit`
// ends the current process and its parent (or pid 1) runs next. `shootdown` is a munmap.
import type { GuestOp } from '../engines/types.ts';

export interface StreamProblem {
  /** index of the operation in the stream */
  index: number;
  /** the field at fault, e.g. `region` */
  field: string;
  message: string;
}

interface Process {
  parent: number;
  regions: Set<string>;
}

export function checkStream(ops: Iterable<GuestOp>): StreamProblem | null {
  const procs = new Map<number, Process>([[1, { parent: 1, regions: new Set() }]]);
  let current = 1;
  let nextPid = 2;
  let index = 0;
  const problem = (field: string, message: string): StreamProblem => ({ index, field, message });
  const unmapped = (region: string, regions: Set<string>) =>
    problem('region', `region "${region}" is not mapped in pid ${current} at this point ` +
      `(mapped: ${regions.size ? [...regions].map((r) => `"${r}"`).join(', ') : 'none'})`);

  for (const op of ops) {
    const { regions } = procs.get(current)!;
    switch (op.op) {
      case 'map':
        if (regions.has(op.region)) return problem('region', `region "${op.region}" is already mapped in pid ${current}`);
        regions.add(op.region);
        break;
      case 'unmap':
      case 'shootdown':
        if (!regions.delete(op.region)) return unmapped(op.region, regions);
        break;
      case 'touch':
        if (!regions.has(op.region)) return unmapped(op.region, regions);
        if (op.stride !== undefined && op.pattern !== 'stride') {
          return problem('stride', `stride is only meaningful with pattern "stride" (pattern is "${op.pattern}")`);
        }
        break;
      case 'protect':
      case 'invlpg':
        if (!regions.has(op.region)) return unmapped(op.region, regions);
        break;
      case 'fork':
        procs.set(nextPid++, { parent: current, regions: new Set(regions) });
        break;
      case 'exec':
        regions.clear();
        break;
      case 'exit': {
        if (current === 1) return problem('op', 'pid 1 cannot exit: it is the last process to run');
        const { parent } = procs.get(current)!;
        procs.delete(current);
        current = procs.has(parent) ? parent : 1;
        break;
      }
      case 'switch':
        if (!procs.has(op.to)) {
          return problem('to', `no process with pid ${op.to} at this point (live: ${[...procs.keys()].join(', ')})`);
        }
        current = op.to;
        break;
      default:
        break;
    }
    index++;
  }
  return null;
}
