// The micro suite: one workload per exit or hypercall path (kvm-unit-tests x86/vmexit.c, HyperBench).
import type { Workload } from '../types.ts';
import { instructionMicros } from './instructions.ts';
import { pagingMicros } from './paging.ts';

export const microWorkloads: Workload[] = [...instructionMicros, ...pagingMicros];
