// A third-party engine for `hvbench run --engine-module examples/trap-and-emulate-engine.mjs`:
// a classic trap-and-emulate VMM (Popek & Goldberg) with no paravirtualization and no hardware assists.
// Every sensitive operation traps at a fixed, user-chosen cost; everything else runs natively.
const SENSITIVE = new Set(['syscall', 'cpuid', 'rdtsc', 'msr', 'hlt', 'hypercall', 'pio', 'mmio', 'invlpg', 'switch', 'timer', 'ipi']);

/** @type {import('../engines/types.ts').Engine} */
export default {
  id: 'trap-emulate',
  title: 'Trap-and-emulate VMM (example plugin)',
  description: 'Every sensitive operation traps to the VMM at a fixed cost; no PV, no VT-x.',
  mode: 'simulated',
  options: [{ name: 'trap', type: 'number', default: 3000, description: 'cycles per trap and emulation' }],
  availability: () => ({ available: true }),
  run({ ops, profile, options }) {
    let guest = 0, hypervisor = 0, traps = 0;
    for (const op of ops) {
      const n = op.count ?? op.accesses ?? op.requests ?? op.ticks ?? 1;
      guest += op.op === 'compute' ? op.cycles : n * profile.native.syscall;
      if (SENSITIVE.has(op.op)) { traps += n; hypervisor += n * Number(options.trap); }
    }
    return {
      cycles: { total: guest + hypervisor, guest, hypervisor, host: 0, idle: 0 },
      attribution: { 'guest-work': guest, 'trap-and-emulate': hypervisor },
      exits: { total: traps, byReason: { TRAP: traps } },
      hypercalls: { total: 0, byOp: {} },
      tlb: { flushes: { total: 0, byScope: {}, byCause: {} }, misses: 0, walkRefs: 0 },
      events: {},
    };
  },
};
