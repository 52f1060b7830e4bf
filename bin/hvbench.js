#!/usr/bin/env node
// The `hvbench` binary: registers tsx so the TypeScript sources run as they are (no build step), then hands
// over to the CLI. Worker threads started by the harness register tsx the same way.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/hvbench.ts');
