// Per-operation windows over a trace: the op-runner brackets each operation with a begin and an end marker
// (engines/lab/op-runner/main.c), and every record between the two belongs to that operation. Records outside
// any window (the runner printing its line, the kernel's own housekeeping between operations) are dropped.

/** counts by name for one operation */
export type Tally = Record<string, number>;

export function bump(tally: Tally, name: string, n = 1): void {
  tally[name] = (tally[name] ?? 0) + n;
}

/** the nonzero counts of `tally` whose key starts with `prefix`, keyed by the rest (`hypercall:iret` → `iret`) */
export function prefixed(tally: Tally, prefix: string): Tally {
  const out: Tally = {};
  for (const [k, v] of Object.entries(tally)) if (k.startsWith(prefix) && v) out[k.slice(prefix.length)] = v;
  return out;
}

export class OpWindows {
  readonly ops: Tally[] = [];
  private current: Tally | null = null;

  /** `what` names the trace in error messages */
  constructor(private readonly what: string) {}

  begin(index: number): void {
    if (this.current) throw new Error(`${this.what}: operation ${index} begins inside operation ${this.ops.length - 1}`);
    if (index !== this.ops.length) throw new Error(`${this.what}: operation ${index} begins after operation ${this.ops.length - 1}`);
    this.current = {};
    this.ops.push(this.current);
  }

  end(): void {
    if (!this.current) throw new Error(`${this.what}: an end marker outside any operation`);
    this.current = null;
  }

  /** the open window's tally, or null between operations */
  get open(): Tally | null {
    return this.current;
  }

  /** every window, after checking the last one was closed */
  finish(): Tally[] {
    if (this.current) throw new Error(`${this.what}: operation ${this.ops.length - 1} has no end marker (the trace was cut short)`);
    return this.ops;
  }
}
