// The native engine: the guest kernel on bare metal, the baseline of every overhead.
import type { Engine, EngineRunInput, RunCounters } from '../types.ts';
import { runGuest } from '../guest/run.ts';
import { NativePlatform } from './native-platform.ts';

export const nativeEngine: Engine = {
  id: 'native',
  title: 'Native (bare metal)',
  description: 'the guest kernel on bare metal: SYSCALL/SYSRET, MOV CR3, INVLPG, 1-D page walks, devices accessed directly',
  mode: 'simulated',
  phases: true,
  options: [],
  availability: () => ({ available: true }),
  run(input: EngineRunInput): RunCounters {
    return runGuest(new NativePlatform(input.profile), input.ops, input.seed, input.trace);
  },
};
