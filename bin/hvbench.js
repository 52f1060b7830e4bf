#!/usr/bin/env node
// The `hvbench` binary: runs the CLI from its JavaScript build when the build matches the sources, else from
// the TypeScript sources under tsx (scripts/cli-build.mjs); main's return value is the exit code.
import { load } from '../scripts/cli-build.mjs';

const { main } = await load('cli');
process.exitCode = await main(process.argv);
