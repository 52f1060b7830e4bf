// The memory suite: page faults, page-table copies and updates, TLB misses, flushes and shootdowns.
import type { Workload } from '../types.ts';
import { faultStorm } from './fault-storm.ts';
import { forkExit } from './fork-exit.ts';
import { mmapChurn } from './mmap-churn.ts';
import { random2m2m, random4k2m, random4k4k } from './random-access.ts';
import { ctxSwitch } from './ctx-switch.ts';
import { munmapShootdown } from './munmap-shootdown.ts';
import { threadsShootdown } from './threads-shootdown.ts';

export const memoryWorkloads: Workload[] = [faultStorm, forkExit, mmapChurn, random4k4k, random4k2m, random2m2m, ctxSwitch, munmapShootdown, threadsShootdown];
