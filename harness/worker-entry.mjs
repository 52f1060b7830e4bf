// Worker threads start without the tsx loader the main thread registered: register it, then run the worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
