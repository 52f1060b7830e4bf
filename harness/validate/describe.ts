// The configuration of a validation case in one line per run, for the table: profile (and what the case
// changes in it), engine with options, setup ops and measured ops.
import type { GuestOp } from '../../engines/types.ts';
import type { ProfilePatch, RunSpec, ValidationCase } from './types.ts';

function bytes(n: number): string {
  return n >= 1 << 30 ? `${n / (1 << 30)} GiB` : n >= 1 << 20 ? `${n / (1 << 20)} MiB` : `${n / 1024} KiB`;
}

function op(o: GuestOp): string {
  switch (o.op) {
    case 'map':
      return `map ${bytes(o.bytes)} ${o.pageSize}`;
    case 'touch':
      return `${o.write ? 'write' : 'read'} ${o.pattern} ×${o.accesses}`;
    case 'pio':
      return `${o.write ? 'out' : 'in'} 0x${o.port.toString(16)} ×${o.count}`;
    case 'msr':
      return `${o.write ? 'wrmsr' : 'rdmsr'} 0x${o.index.toString(16)} ×${o.count}`;
    case 'ipi':
      return `ipi ${o.target} ×${o.count}`;
    case 'switch':
      return 'switch';
    case 'fork':
    case 'exit':
    case 'exec':
      return o.op;
    default:
      return 'count' in o ? `${o.op} ×${o.count}` : o.op;
  }
}

/** ops in order, a run of identical ones folded into `text ×n` */
export function describeOps(ops: readonly GuestOp[]): string {
  const parts: string[] = [];
  let last = '';
  let repeat = 0;
  const flush = () => {
    if (repeat > 0) parts.push(repeat > 1 ? `${last} ×${repeat}` : last);
  };
  for (const o of ops) {
    const text = op(o);
    if (text === last) repeat++;
    else {
      flush();
      last = text;
      repeat = 1;
    }
  }
  flush();
  return parts.join(', ') || '—';
}

function describePatch(patch: ProfilePatch | undefined, prefix = ''): string[] {
  if (!patch) return [];
  return Object.entries(patch).flatMap(([key, value]) =>
    typeof value === 'number' ? [`${prefix}${key}=${value}`] : describePatch(value, `${prefix}${key}.`));
}

function describeRun(name: string, run: RunSpec): string {
  const measured = 'workload' in run.measured ? `workload ${run.measured.workload}` : describeOps(run.measured);
  const patch = describePatch(run.profilePatch);
  return `${name}: ${run.engine}${patch.length ? ` [${patch.join(', ')}]` : ''} — setup ${describeOps(run.setup)}; measured ${measured}`;
}

/** one line per run (or the power scenario), after the profile line */
export function describeCase(c: ValidationCase): string[] {
  const patch = describePatch(c.profilePatch);
  const lines = [`profile ${c.profile}${patch.length ? ` [${patch.join(', ')}]` : ''}`];
  if (c.power) {
    const minus = c.power.minusPolicy ? ` minus under ${c.power.minusPolicy}` : '';
    lines.push(`power scenario ${c.power.scenario}, ${c.power.design} scheduler, VM ${c.power.vm} under ${c.power.policy}${minus}`);
  }
  for (const [name, run] of Object.entries(c.runs ?? {})) lines.push(describeRun(name, run));
  return lines;
}
