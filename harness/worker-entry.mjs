// The entry of a pool worker started from the TypeScript sources (tests, tsx): the worker bundle when the CLI's
// build matches the sources (the same code, without tsx's load of every module in every worker), else
// worker.ts under tsx (scripts/cli-build.mjs).
import { load } from '../scripts/cli-build.mjs';

await load('worker');
