// Entry point of the `hvbench` binary (bin/hvbench.js registers tsx and imports this file).
import { main } from './cli.ts';

process.exitCode = await main(process.argv);
