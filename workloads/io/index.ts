// The io suite: block and network devices through each engine's device model, large and small requests.
import type { Workload } from '../types.ts';
import { diskSeq } from './disk-seq.ts';
import { diskRandom } from './disk-random.ts';
import { netRr } from './net-rr.ts';
import { netStream } from './net-stream.ts';
import { interruptHeavy } from './interrupt-heavy.ts';

export const ioWorkloads: Workload[] = [diskSeq, diskRandom, netRr, netStream, interruptHeavy];
