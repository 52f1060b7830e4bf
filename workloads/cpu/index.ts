// The cpu suite: compute-bound work whose virtualization cost comes from system calls, ticks and processes.
import type { Workload } from '../types.ts';
import { integer } from './integer.ts';
import { syscallServer } from './syscall-server.ts';
import { kernelBuild } from './kernel-build.ts';
import { timerHeavy } from './timer-heavy.ts';

export const cpuWorkloads: Workload[] = [integer, syscallServer, kernelBuild, timerHeavy];
